"""Every write to a family file: registering, editing, members, intake, state moves, closure, notes.

Each function takes the acting person, only flushes, and writes both the file's timeline (what
the coordinator sees) and the tenant's audit log (who did what, from where).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from blinker import Namespace
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


def add_member(actor: User, family: Family, data: dict[str, Any]) -> FamilyMember:
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


def record_intake(actor: User, family: Family, data: dict[str, Any]) -> None:
    """Record the home visit; the case moves to "intake done"."""
    if data["done_on"] < family.referred_on:
        raise OperationError(L_("The intake cannot be before the referral."))
    if not family.consent_given:
        raise OperationError(L_("Record the family's consent on the file before the intake is done."))
    if _has_child_under_16(family, data["done_on"]) and not family.consent_by_legal_representative:
        raise OperationError(L_("With children under 16, consent must come from a legal representative."))
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


def _has_child_under_16(family: Family, day: date) -> bool:
    return any(m.role == MemberRole.CHILD and (m.age_on(day) or 0) < 16 for m in family.members)


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
