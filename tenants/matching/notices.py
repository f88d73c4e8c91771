"""Notifications about matches and contacts (the registry: saas.notifications.kinds).

* A volunteer ticks "I need my coordinator": the family's coordinator (else the match's) hears of it
  at once — a safety event, whatever they chose — and when nobody has marked it as handled within
  ``NOTIFY_ESCALATION_HOURS``, the hourly :data:`escalation` job tells the organisation's managers.
* A match is proposed, started, paused or ended: the volunteer hears of it, when they have an
  account (listening to ``match_moved``, connected in tenants.matching.contributions).
* The volunteer answers a proposal (tenants.matching.matches.answers): the coordinator hears of it.

The event key of a request for the coordinator is the moment the contact was last changed, so a
request asked again (unticked, then ticked) is a new event, and a repeated request is not.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from saas.auth.models import Membership, User
from saas.auth.roles import Role
from saas.db import db, utcnow
from saas.jobs.registry import Details, Hourly, Job
from saas.notifications import kinds
from saas.notifications.jobs import each_tenant
from saas.notifications.registry import EventKind
from saas.notifications.sending import notify, tenant_link
from saas.tenancy.models import Tenant
from tenants.families.models import Family
from tenants.matching.models import ContactMoment, Match
from tenants.matching.states import MatchState

#: The step of a match → what the volunteer is told, and the date that goes with it.
MATCH_KINDS: dict[MatchState, tuple[EventKind, str]] = {
    MatchState.PROPOSED: (kinds.MATCH_PROPOSED, "proposed_on"),
    MatchState.ACTIVE: (kinds.MATCH_STARTED, "started_on"),
    MatchState.PAUSED: (kinds.MATCH_PAUSED, "paused_on"),
    MatchState.ENDED: (kinds.MATCH_ENDED, "ended_on"),
    MatchState.REMATCHED: (kinds.MATCH_ENDED, "ended_on"),
}


def _request_key(contact: ContactMoment) -> str:
    return contact.updated_at.isoformat(timespec="seconds")


def _contact_params(contact: ContactMoment, family: Family) -> dict[str, Any]:
    """What the mails say: the case number and the volunteer's name, never the family's name."""
    return {"case_number": family.case_number, "volunteer": contact.author.name if contact.author else "—",
            "happened_on": contact.happened_on}


def _contact_link(contact: ContactMoment) -> str:
    return tenant_link("contacts.index", family_id=contact.family_id, _anchor=f"contact-{contact.id}")


def coordinator_needed(contact: ContactMoment, family: Family) -> None:
    """The volunteer asks for their coordinator on ``contact``: tell the coordinator at once."""
    db.session.flush()  # the contact's updated_at is the event's key
    match = db.session.get(Match, (contact.tenant_id, contact.match_id)) if contact.match_id else None
    coordinator_id = family.coordinator_id or (match.coordinator_id if match else None)
    coordinator = db.session.get(User, coordinator_id) if coordinator_id else None
    notify(kinds.COORDINATOR_NEEDED, [coordinator], subject_id=contact.id, event_key=_request_key(contact),
           link=_contact_link(contact), **_contact_params(contact, family))


def on_match_moved(actor: User, *, match: Match, target: MatchState, **_: Any) -> None:
    """Tell the volunteer (when they have an account) that their match moved on."""
    if target not in MATCH_KINDS or match.volunteer.user_id is None:
        return
    kind, day_field = MATCH_KINDS[target]
    day = getattr(match, day_field)
    endpoint = {"match_id": match.id} if target in (MatchState.PROPOSED, MatchState.ACTIVE, MatchState.PAUSED) else {}
    link = tenant_link("my_families.show" if endpoint else "my_families.index", **endpoint)
    notify(kind, [db.session.get(User, match.volunteer.user_id)], subject_id=match.id,
           event_key=f"{target.value}:{day.isoformat() if day else ''}", link=link,
           **{day_field: day.isoformat() if day else None})


def volunteer_answered(match: Match) -> None:
    """The volunteer accepted or declined a proposal: tell the match's coordinator (else the
    family's) at once by default, since the family waits for the next step. The mail names the case
    number and the answer, never the family or the reason: the match page shows those."""
    coordinator_id = match.coordinator_id or match.family.coordinator_id
    coordinator = db.session.get(User, coordinator_id) if coordinator_id else None
    answer = match.volunteer_response
    if answer is None or match.responded_at is None:
        return
    notify(kinds.MATCH_ANSWERED, [coordinator], subject_id=match.id,
           event_key=f"{answer.value}:{match.responded_at.isoformat(timespec='seconds')}",
           link=tenant_link("matches.show", match_id=match.id, _anchor="volunteer-answer"),
           case_number=match.family.case_number, volunteer=match.volunteer.name, accepted=answer.value == "accepted")


def _managers() -> list[User]:
    return list(db.session.scalars(select(User).join(Membership, Membership.user_id == User.id).where(
        Membership.is_active, Membership.role == Role.MANAGER, User.is_active)))


def escalate_unhandled(_tenant: Tenant) -> int:
    """Tell the managers of every request for the coordinator left unhandled past the set time."""
    hours = int(current_app.config["NOTIFY_ESCALATION_HOURS"])
    waiting = db.session.scalars(select(ContactMoment).options(
        selectinload(ContactMoment.family), selectinload(ContactMoment.author)).where(
        ContactMoment.needs_coordinator, ContactMoment.handled_at.is_(None),
        ContactMoment.updated_at <= utcnow() - timedelta(hours=hours))).all()
    managers = _managers() if waiting else []
    made = 0
    for contact in waiting:
        made += len(notify(kinds.COORDINATOR_NEEDED_ESCALATED, managers, subject_id=contact.id,
                           event_key=_request_key(contact), link=_contact_link(contact), hours=hours,
                           **_contact_params(contact, contact.family)))
    return made


def escalate() -> Details:
    return each_tenant(escalate_unhandled)


escalation = Job("coordinator_escalation", escalate, Hourly(),
                 "tell the managers of a request for the coordinator that nobody handled in time")
