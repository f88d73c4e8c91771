"""Every write to a family file: registering, editing, members, intake, state moves, closure, notes.

Each function takes the acting person, only flushes, and writes both the file's timeline (what
the coordinator sees) and the tenant's audit log (who did what, from where).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from blinker import Namespace
from flask_babel import format_date
from sqlalchemy import select

from saas.audit.operations import record
from saas.auth.models import User
from saas.crypto import seal_text
from saas.db import db, get_or_create, utcnow
from saas.errors import OperationError
from saas.i18n import L_
from tenants.families.models import (
    CHILD_SAFETY_NOTES,
    HELP_QUESTION,
    INTAKE_STORY,
    NOTE,
    CaseCounter,
    CaseEvent,
    Family,
    FamilyMember,
    FamilyNote,
    Intake,
)
from tenants.families.queries import help_question
from tenants.families.states import NEEDS_REASON, CaseState, can_move
from tenants.families.vocabulary import MemberRole

#: Sent after every state move as ``case_moved.send(actor, family=…, previous=…, target=…)``;
#: the matching package listens (a closed case ends its open match) without families importing it.
case_moved = Namespace().signal("case-moved")

#: Fields of the family form stored as they are (the help question is sealed separately).
FAMILY_FIELDS = frozenset(
    {
        "family_name",
        "coordinator_id",
        "track",
        "expected_due_date",
        "composition",
        "languages",
        "interpreter_needed",
        "municipality",
        "municipality_code",
        "neighbourhood",
        "referred_on",
        "channel",
        "referrer_type",
        "referrer_organisation",
        "referrer_contact",
        "help_domains",
        "professional_care_involved",
        "professional_agencies",
        "professional_agency_count",
        "would_otherwise_be_referred",
        "handover_from_professional_care",
        "consent_given",
        "consent_purposes",
        "consent_on",
        "consent_by",
        "consent_by_legal_representative",
    }
)


def add_event(
    actor: User | None,
    family: Family,
    kind: str,
    *,
    reason: str | None = None,
    from_state: CaseState | None = None,
    to_state: CaseState | None = None,
    **details: Any,
) -> None:
    db.session.add(
        CaseEvent(
            family_id=family.id,
            actor_id=actor.id if actor else None,
            kind=kind,
            from_state=from_state,
            to_state=to_state,
            reason=reason,
            details=details,
        )
    )


def next_case_number(year: int) -> int:
    """The next number in ``year`` for the bound tenant (a counter row per year, no gaps)."""
    # FOR UPDATE: a second registration at the same moment waits instead of reading the same number.
    counter = get_or_create(
        db.session,
        select(CaseCounter).where(CaseCounter.year == year).with_for_update(),
        lambda: CaseCounter(year=year, last=0),
    )
    counter.last += 1
    db.session.flush()
    return counter.last


def register_family(actor: User, data: dict[str, Any]) -> Family:
    """Register a referral: a new family file in state "referred" with its case number."""
    family = Family(
        id=uuid.uuid4(),
        state=CaseState.REFERRED,
        case_year=data["referred_on"].year,
        case_seq=next_case_number(data["referred_on"].year),
        **{key: value for key, value in data.items() if key in FAMILY_FIELDS},
    )
    family.help_question_sealed = seal_text(data.get("help_question"), HELP_QUESTION, family.id)
    db.session.add(family)
    db.session.flush()
    add_event(actor, family, "registered", to_state=CaseState.REFERRED)
    record(actor, "family.registered", family, case_number=family.case_number)
    return family


def update_family(actor: User, family: Family, data: dict[str, Any]) -> None:
    """Save the family form; the timeline names the fields that changed (not their values)."""
    changed = sorted(key for key, value in data.items() if key in FAMILY_FIELDS and getattr(family, key) != value)
    for key in changed:
        setattr(family, key, data[key])
    if data.get("help_question") != help_question(family):
        family.help_question_sealed = seal_text(data.get("help_question"), HELP_QUESTION, family.id)
        changed.append("help_question")
    if changed:
        add_event(actor, family, "updated", fields=changed)
        record(actor, "family.updated", family, fields=changed)


def same_member(family: Family, first_name: str, birth_date: date | None) -> FamilyMember | None:
    """A member of the household with this first name (in any case) and birth date, if there is one."""
    name = first_name.strip().casefold()
    return next((m for m in family.members if m.first_name.strip().casefold() == name and m.birth_date == birth_date),
                None)


def add_member(actor: User, family: Family, data: dict[str, Any]) -> FamilyMember:
    """Add a household member. One with the name and birth date of a member already there is
    refused unless ``confirmed``: most often the same person entered twice."""
    data = dict(data)
    confirmed = data.pop("confirmed", False)
    twin = same_member(family, data["first_name"], data.get("birth_date"))
    if twin is not None and not confirmed:
        if twin.birth_date is None:
            warning = L_("%(name)s is already in the household. Is this someone else? Then confirm that you "
                         "want to add them.", name=twin.first_name)
        else:
            warning = L_("%(name)s, born on %(date)s, is already in the household. Is this someone else? Then "
                         "confirm that you want to add them.", name=twin.first_name, date=format_date(twin.birth_date))
        raise OperationError(warning, field="confirmed")
    member = FamilyMember(family_id=family.id, **data)
    db.session.add(member)
    db.session.flush()
    add_event(actor, family, "member_added", role=member.role.value)
    record(actor, "family.member_added", family, member=str(member.id))
    return member


def remove_member(actor: User, family: Family, member: FamilyMember) -> None:
    db.session.delete(member)
    add_event(actor, family, "member_removed", role=member.role.value)
    record(actor, "family.member_removed", family, member=str(member.id))


def move(actor: User, family: Family, target: CaseState, reason: str | None = None, **details: Any) -> None:
    """Move the case to ``target`` if the state machine allows it, with a reason where required."""
    if not can_move(family.state, target):
        raise OperationError(L_("This step is not possible from the current state."), field="to_state")
    if target in NEEDS_REASON and not reason:
        raise OperationError(L_("Give a reason for this step."), field="reason")
    previous = family.state
    family.state, family.state_changed_at = target, utcnow()
    add_event(actor, family, "state_changed", reason=reason, from_state=previous, to_state=target, **details)
    record(actor, "family.state_changed", family, old=previous.value, new=target.value)
    case_moved.send(actor, family=family, previous=previous, target=target)


def _intake_of(family: Family) -> Intake:
    if family.intake is None:
        family.intake = Intake(id=uuid.uuid4(), family_id=family.id)
    return family.intake


def plan_intake(actor: User, family: Family, data: dict[str, Any]) -> None:
    """Plan the home visit (or re-plan it); the case moves to "intake planned"."""
    intake = _intake_of(family)
    intake.planned_at, intake.coordinator_id = data["planned_at"], data["coordinator_id"]
    if family.coordinator_id is None:
        family.coordinator_id = data["coordinator_id"]
    if family.state != CaseState.INTAKE_PLANNED:
        move(actor, family, CaseState.INTAKE_PLANNED)
    else:
        add_event(actor, family, "intake_replanned")
        record(actor, "family.intake_planned", family)


@dataclass(frozen=True)
class Consent:
    """The family's consent as the intake rule reads it: what the file holds, or what the intake
    page's consent fields would make of it."""

    given: bool
    purposes: list[str]
    on: date | None
    by: str | None
    by_legal_representative: bool

    @classmethod
    def of(cls, family: Family) -> Consent:
        return cls(family.consent_given, list(family.consent_purposes or []), family.consent_on, family.consent_by,
                   family.consent_by_legal_representative)

    def as_fields(self) -> dict[str, Any]:
        """The family file's fields for this consent."""
        return {"consent_given": self.given, "consent_purposes": self.purposes, "consent_on": self.on,
                "consent_by": self.by, "consent_by_legal_representative": self.by_legal_representative}


def legal_representatives(family: Family) -> list[FamilyMember]:
    """The household members recorded as legal representative (parental authority)."""
    return [member for member in family.members if member.legal_representative]


def _words(text: str | None) -> set[str]:
    return set(re.findall(r"\w+", (text or "").casefold()))


def consent_giver(family: Family, consent: Consent) -> FamilyMember | None:
    """The legal representative of the household who gave ``consent``: a member recorded as legal
    representative whose first name is a word of "consent given by" ("Sara Bakker (moeder)")."""
    given_by = _words(consent.by)
    for member in legal_representatives(family):
        names = _words(member.first_name)
        if names and names <= given_by:
            return member
    return None


def children_under_16(family: Family, day: date) -> list[FamilyMember]:
    return [m for m in family.members if m.role == MemberRole.CHILD and (m.age_on(day) or 0) < 16]


def consent_refusal(family: Family, consent: Consent, day: date) -> str | None:
    """Why ``consent`` does not allow an intake on ``day``, in plain words (None: it does). Consent
    from a legal representative is needed with children under 16: the file's flag says so, or the
    person who gave it is a household member recorded as legal representative."""
    if not consent.given:
        return str(L_("The family's consent is not recorded yet. Record it below: who gave it, when, "
                      "and what it covers."))
    children = children_under_16(family, day)
    if children and not consent.by_legal_representative and consent_giver(family, consent) is None:
        names = ", ".join(child.first_name for child in children)
        return str(L_("%(children)s is under 16, so consent must come from a legal representative (a parent "
                      "or guardian with parental authority). Choose who gave consent below, or record that "
                      "the person who gave it is a legal representative.", children=names))
    return None


def _consent_from_input(family: Family, data: dict[str, Any]) -> Consent:
    """The consent the intake page's consent fields describe; the file's own without them."""
    if not data.get("consent_fix"):
        return Consent.of(family)
    chosen = next((m for m in legal_representatives(family) if m.id == data.get("consent_member_id")), None)
    if chosen is not None:
        return Consent(bool(data.get("consent_given")), list(data.get("consent_purposes") or []),
                       data.get("consent_on"), chosen.first_name, True)
    return Consent(bool(data.get("consent_given")), list(data.get("consent_purposes") or []), data.get("consent_on"),
                   data.get("consent_by"), bool(data.get("consent_by_legal_representative")))


def record_intake(actor: User, family: Family, data: dict[str, Any]) -> None:
    """Record the home visit; the case moves to "intake done". Consent corrected on the intake page
    is saved to the file with it; every rule is checked before anything is written."""
    if data["done_on"] < family.referred_on:
        raise OperationError(L_("The intake cannot be before the referral."))
    consent = _consent_from_input(family, data)
    refusal = consent_refusal(family, consent, data["done_on"])
    if refusal is not None:
        raise OperationError(refusal, field="consent")
    if consent.on is not None and consent.on < family.referred_on - timedelta(days=365):
        raise OperationError(L_("Consent must be recent: at most a year before the referral."), field="consent_on")
    changed = sorted(key for key, value in consent.as_fields().items() if getattr(family, key) != value)
    for key in changed:
        setattr(family, key, consent.as_fields()[key])
    if changed:
        add_event(actor, family, "updated", fields=changed)
        record(actor, "family.updated", family, fields=changed)
    intake = _intake_of(family)
    for key in (
        "done_on",
        "coordinator_id",
        "present",
        "wish_languages",
        "wish_gender",
        "wish_day_parts",
        "wish_experience",
        "judgement",
        "child_safety",
    ):
        if key in data:  # optional fields left out of the input keep their defaults
            setattr(intake, key, data[key])
    intake.story_sealed = seal_text(data.get("story"), INTAKE_STORY, intake.id)
    intake.child_safety_notes_sealed = seal_text(data.get("child_safety_notes"), CHILD_SAFETY_NOTES, intake.id)
    if family.coordinator_id is None:
        family.coordinator_id = data["coordinator_id"]
    move(actor, family, CaseState.INTAKE_DONE, judgement=data["judgement"].value)


def close_case(actor: User, family: Family, data: dict[str, Any]) -> None:
    """Record the closure and outcomes; the case is closed."""
    if data["closed_on"] < family.referred_on:
        raise OperationError(L_("The closure cannot be before the referral."))
    if not can_move(family.state, CaseState.CLOSED):
        raise OperationError(L_("This step is not possible from the current state."))
    for key, value in data.items():
        setattr(family, key, value)
    move(actor, family, CaseState.CLOSED, closure_reason=data["closure_reason"].value)


def add_note(actor: User, family: Family, body: str) -> FamilyNote:
    note = FamilyNote(id=uuid.uuid4(), family_id=family.id, author_id=actor.id)
    note.body_sealed = seal_text(body, NOTE, note.id)
    db.session.add(note)
    db.session.flush()
    add_event(actor, family, "note_added")
    record(actor, "family.note_added", family, note=str(note.id))
    return note


def record_view(actor: User, family: Family) -> None:
    """Staff opened the file: that is personal data of children, so every view is audited."""
    record(actor, "family.viewed", family)
