"""Every write to contact moments: the volunteer's visits, the coordinator's own contacts, the
"I need my coordinator" flag being handled, and drafts of half-written logs.

Each function takes the acting person and only flushes. Contacts go to the tenant's audit log; a
volunteer asking for their coordinator also gets a line on the family's timeline. Drafts are the
author's private scratch copy, saved every few seconds while they type: they are encrypted but
not audited (the contact they become is).
"""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

from sqlalchemy import delete, select

from saas.audit.operations import record
from saas.auth.models import User
from saas.clock import local_today
from saas.crypto import open_text, seal_text
from saas.db import db, get_or_create, utcnow
from saas.errors import OperationError
from saas.i18n import L_
from tenants.families.models import Family
from tenants.families.operations import add_event
from tenants.matching import notices
from tenants.matching.matches.operations import open_match_of
from tenants.matching.models import ContactDraft, ContactMoment, Match
from tenants.matching.vocabulary import VOLUNTEER_KINDS, ContactKind

#: Purposes the sealed texts are bound to (saas.crypto): a note cannot be moved to another row or use.
NOTE = "contact_note"
DRAFT = "contact_draft"

#: A coordinator's contact of these kinds belongs to the family's open match (it counts as
#: contact for the match's signals); a contact with a professional does not.
MATCH_KINDS = frozenset({ContactKind.VISIT, ContactKind.COORDINATOR_FAMILY, ContactKind.COORDINATOR_VOLUNTEER})

#: Fields of a contact that an edit may change (the note and the flag are handled apart).
EDITABLE = ("mode", "happened_on", "duration_minutes", "domains")


def _check_day(day: date, not_before: date, message: Any) -> None:
    """The forms check this too; the operation refuses it for any other caller."""
    if day > local_today():
        raise OperationError(L_("This date cannot be in the future."))
    if day < not_before:
        raise OperationError(message)


def _seal_note(contact: ContactMoment, note: str | None) -> None:
    contact.note_sealed = seal_text(note or None, NOTE, contact.id)


def note_text(contact: ContactMoment) -> str | None:
    """The contact's note in plain text (callers decide who may read it)."""
    return open_text(contact.note_sealed, NOTE, contact.id)


def log_visit(actor: User, match: Match, data: dict[str, Any]) -> ContactMoment:
    """The volunteer logs a visit or activity with the family of their (open) ``match``.

    Saving the log discards the author's draft for the family. A visit with "I need my
    coordinator" puts a line on the family's timeline; the coordinator sees it as a signal.
    """
    if not match.state.is_open:
        raise OperationError(L_("This match has ended; contacts can no longer be logged."))
    kind = data.get("kind") or ContactKind.VISIT
    if kind not in VOLUNTEER_KINDS:
        raise OperationError(L_("Choose one of the options."))
    _check_day(data["happened_on"], match.proposed_on, L_("This date cannot be before the match was proposed."))
    contact = ContactMoment(id=uuid.uuid4(), family_id=match.family_id, match_id=match.id, author_id=actor.id,
                            kind=kind, mode=data["mode"], happened_on=data["happened_on"],
                            duration_minutes=data["duration_minutes"], domains=list(data.get("domains") or []),
                            needs_coordinator=bool(data.get("needs_coordinator")))
    _seal_note(contact, data.get("note"))
    db.session.add(contact)
    db.session.flush()
    if contact.needs_coordinator:
        _flagged(actor, match.family, contact)
    record(actor, "contact.logged", contact, family=str(match.family_id), match=str(match.id), kind=kind.value,
           needs_coordinator=contact.needs_coordinator)
    discard_draft(actor, match.family_id)
    return contact


def update_visit(actor: User, contact: ContactMoment, data: dict[str, Any]) -> None:
    """The author corrects their own visit. Ticking "I need my coordinator" again asks anew."""
    if contact.author_id != actor.id:
        raise OperationError(L_("You can only change your own contacts."))
    match = contact.match
    if match is None or not match.state.is_open:
        raise OperationError(L_("This match has ended; contacts can no longer be changed."))
    _check_day(data["happened_on"], match.proposed_on, L_("This date cannot be before the match was proposed."))
    changed = [key for key in EDITABLE if key in data and getattr(contact, key) != data[key]]
    for key in changed:
        setattr(contact, key, list(data[key]) if key == "domains" else data[key])
    if (data.get("note") or None) != note_text(contact):
        _seal_note(contact, data.get("note"))
        changed.append("note")
    wants_coordinator = bool(data.get("needs_coordinator"))
    if wants_coordinator != contact.needs_coordinator:
        contact.needs_coordinator = wants_coordinator
        contact.handled_at = contact.handled_by_id = None
        changed.append("needs_coordinator")
        if wants_coordinator:
            _flagged(actor, match.family, contact)
    if changed:
        record(actor, "contact.updated", contact, family=str(contact.family_id), fields=changed)


def _flagged(actor: User, family: Family, contact: ContactMoment) -> None:
    add_event(actor, family, "contact_flagged", contact=str(contact.id), on=contact.happened_on.isoformat())
    notices.coordinator_needed(contact, family)


def log_staff_contact(actor: User, family: Family, data: dict[str, Any]) -> ContactMoment:
    """A coordinator or manager logs their own contact about ``family``. A contact with the family
    or the volunteer is linked to the family's open match, if there is one. The note is only ever
    shown to coordinators and managers."""
    kind = data["kind"]
    if kind in VOLUNTEER_KINDS:
        raise OperationError(L_("Choose one of the options."))
    _check_day(data["happened_on"], family.referred_on, L_("This date cannot be before the referral."))
    match = open_match_of(family) if kind in MATCH_KINDS else None
    contact = ContactMoment(id=uuid.uuid4(), family_id=family.id, match_id=match.id if match else None,
                            author_id=actor.id, kind=kind, mode=data["mode"], happened_on=data["happened_on"],
                            duration_minutes=data["duration_minutes"], domains=list(data.get("domains") or []))
    _seal_note(contact, data.get("note"))
    db.session.add(contact)
    db.session.flush()
    record(actor, "contact.logged", contact, family=str(family.id), match=str(match.id) if match else None,
           kind=kind.value)
    discard_draft(actor, family.id)
    return contact


def mark_handled(actor: User, contact: ContactMoment) -> None:
    """A coordinator has picked up the volunteer's "I need my coordinator"."""
    if not contact.needs_coordinator:
        raise OperationError(L_("This contact does not ask for the coordinator."))
    if contact.handled_at is not None:
        raise OperationError(L_("This request has already been handled."))
    contact.handled_at, contact.handled_by_id = utcnow(), actor.id
    add_event(actor, contact.family, "contact_flag_handled", contact=str(contact.id))
    record(actor, "contact.handled", contact, family=str(contact.family_id))


# Drafts ------------------------------------------------------------------------------------------

def draft_statement(author_id: uuid.UUID, family_id: uuid.UUID) -> Any:
    return select(ContactDraft).where(ContactDraft.author_id == author_id, ContactDraft.family_id == family_id)


def save_draft(author: User, family_id: uuid.UUID, fields: dict[str, Any]) -> ContactDraft:
    """Keep ``fields`` (as typed, validated by schemas.DraftForm) as the author's draft
    for the family, replacing the previous one. The text is sealed like the note it holds."""
    draft = get_or_create(db.session, draft_statement(author.id, family_id),
                          lambda: ContactDraft(family_id=family_id, author_id=author.id, data_sealed=b""))
    draft.data_sealed = seal_text(json.dumps(fields, default=str), DRAFT, draft.id) or b""
    draft.updated_at = utcnow()
    db.session.flush()
    return draft


def discard_draft(author: User, family_id: uuid.UUID) -> None:
    db.session.execute(delete(ContactDraft).where(ContactDraft.author_id == author.id,
                                                  ContactDraft.family_id == family_id))
