"""Every write in the group track: groups, their volunteer facilitators, participants, sessions and
attendance.

Each function takes the acting person, only flushes and writes the tenant's audit log. The forms
(tenants.groups.schemas) explain bad input field by field; the rules that keep the records
consistent are checked here again, so no caller can store a session outside its group's period,
attendance for someone who was not in the group that day, or a facilitator who may not work.
The audit details name rows by id, never a participant's name: the log outlives the group.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from flask_babel import format_date
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from saas.audit.operations import record
from saas.auth.models import User
from saas.clock import local_today
from saas.db import db
from saas.errors import OperationError
from saas.i18n import L_
from tenants.groups.models import Group, GroupAttendance, GroupFacilitator, GroupParticipant, GroupSession
from tenants.volunteers.models import Volunteer
from tenants.volunteers.readiness import MATCHABLE

GROUP_FIELDS = ("name", "kind", "municipality", "partner_organisation", "coordinator_id", "starts_on", "ends_on",
                "meeting_frequency")
PARTICIPANT_FIELDS = ("first_name", "family_id", "due_date", "child_birth_date", "intake_on", "joined_on", "left_on")

SESSION_TAKEN = L_("This group already has a session on this date.")


class SessionTaken(OperationError):
    """The group has a session on that date already (the view shows it at the date field)."""


# Rules (also used by the forms) ----------------------------------------------------------------


def within_period(starts_on: date, ends_on: date | None, day: date) -> bool:
    """Whether ``day`` falls in a group's period (an open end runs on)."""
    return starts_on <= day and (ends_on is None or day <= ends_on)


def in_group_on(participant: GroupParticipant | dict[str, Any], day: date) -> bool:
    """Whether the participant (or her new ``joined_on`` and ``left_on`` values) belonged to the group on
    ``day``: joined by then and not left before it (the day she leaves still counts, so her last
    session can be recorded)."""
    joined_on, left_on = (participant["joined_on"], participant.get("left_on")) if isinstance(participant, dict) \
        else (participant.joined_on, participant.left_on)
    return joined_on <= day and (left_on is None or left_on >= day)


def dated_rows_outside(group: Group, starts_on: date, ends_on: date | None) -> list[date]:
    """The dates of the group's sessions and participants' joining and leaving that a new period
    ``starts_on``–``ends_on`` would leave outside it (empty: the period fits)."""
    days = [s.held_on for s in group.sessions] + [p.joined_on for p in group.participants] + [
        p.left_on for p in group.participants if p.left_on is not None]
    return sorted(day for day in days if not within_period(starts_on, ends_on, day))


# Groups ---------------------------------------------------------------------------------------


def _check_period(data: dict[str, Any]) -> None:
    if data.get("ends_on") is not None and data["ends_on"] < data["starts_on"]:
        raise OperationError(L_("The end date cannot be before the start date."))


def create_group(actor: User, data: dict[str, Any]) -> Group:
    """A new group of the bound tenant."""
    _check_period(data)
    group = Group(**{key: data.get(key) for key in GROUP_FIELDS})
    db.session.add(group)
    db.session.flush()
    record(actor, "group.created", group, name=group.name, kind=group.kind.value)
    return group


def update_group(actor: User, group: Group, data: dict[str, Any]) -> list[str]:
    """Change the group's details; refused when its sessions or participants would fall outside
    the new period. Returns the names of the changed fields."""
    _check_period(data)
    if dated_rows_outside(group, data["starts_on"], data.get("ends_on")):
        raise OperationError(L_("Sessions or participants of this group fall outside the new period."))
    changed = sorted(key for key in GROUP_FIELDS if key in data and getattr(group, key) != data[key])
    for key in changed:
        setattr(group, key, data[key])
    if changed:
        db.session.flush()
        record(actor, "group.updated", group, fields=changed)
    return changed


# Facilitators ---------------------------------------------------------------------------------


def add_facilitator(actor: User, group: Group, volunteer: Volunteer) -> GroupFacilitator:
    """Make ``volunteer`` (available or matched) a facilitator of ``group``."""
    if volunteer.state not in MATCHABLE:
        raise OperationError(L_("Only an available or matched volunteer can facilitate a group."))
    taken = db.session.scalar(select(GroupFacilitator.id).where(
        GroupFacilitator.group_id == group.id, GroupFacilitator.volunteer_id == volunteer.id))
    if taken is not None:
        raise OperationError(L_("%(name)s already facilitates this group.", name=volunteer.name))
    facilitator = GroupFacilitator(group_id=group.id, volunteer_id=volunteer.id)
    db.session.add(facilitator)
    db.session.flush()
    record(actor, "group.facilitator_added", group, volunteer=str(volunteer.id))
    return facilitator


def remove_facilitator(actor: User, group: Group, facilitator: GroupFacilitator) -> None:
    if facilitator.group_id != group.id:
        raise OperationError(L_("This volunteer does not facilitate this group."))
    db.session.delete(facilitator)
    db.session.flush()
    record(actor, "group.facilitator_removed", group, volunteer=str(facilitator.volunteer_id))


# Participants ---------------------------------------------------------------------------------


def _check_participant(group: Group, values: dict[str, Any]) -> None:
    if not within_period(group.starts_on, group.ends_on, values["joined_on"]):
        raise OperationError(L_("A participant joins within the group's period."))
    left_on = values.get("left_on")
    if left_on is not None and (left_on < values["joined_on"] or not within_period(
            group.starts_on, group.ends_on, left_on)):
        raise OperationError(L_("A participant leaves after joining, within the group's period."))


def add_participant(actor: User, group: Group, data: dict[str, Any]) -> GroupParticipant:
    """A participant joins ``group``; ``family_id`` (optional) has been checked against the
    tenant's first-1000-days families by the form (the composite key refuses another tenant's)."""
    values = {key: data.get(key) for key in PARTICIPANT_FIELDS}
    _check_participant(group, values)
    participant = GroupParticipant(group_id=group.id, **values)
    db.session.add(participant)
    db.session.flush()
    record(actor, "group.participant_added", group, participant=str(participant.id),
           **({"family": str(participant.family_id)} if participant.family_id else {}))
    return participant


def update_participant(actor: User, group: Group, participant: GroupParticipant, data: dict[str, Any]) -> list[str]:
    """Correct a participant's details or record that she left (``left_on``)."""
    if participant.group_id != group.id:
        raise OperationError(L_("This participant is not in this group."))
    values = {key: data[key] if key in data else getattr(participant, key) for key in PARTICIPANT_FIELDS}
    _check_participant(group, values)
    _fit_attendance(participant, values)
    changed = sorted(key for key in PARTICIPANT_FIELDS if getattr(participant, key) != values[key])
    for key in changed:
        setattr(participant, key, values[key])
    if changed:
        db.session.flush()
        left = changed == ["left_on"] and values["left_on"] is not None
        record(actor, "group.participant_left" if left else "group.participant_updated", group,
               participant=str(participant.id), fields=changed)
    return changed


def _fit_attendance(participant: GroupParticipant, values: dict[str, Any]) -> None:
    """Keep her attendance within her new dates: a session she was marked absent at only because she
    was on the list is forgotten; one she was present at refuses the change."""
    rows = db.session.execute(
        select(GroupAttendance, GroupSession.held_on)
        .join(GroupSession, (GroupSession.tenant_id == GroupAttendance.tenant_id)
              & (GroupSession.id == GroupAttendance.session_id))
        .where(GroupAttendance.participant_id == participant.id)).all()
    outside = [(row, day) for row, day in rows if not in_group_on(values, day)]
    present = sorted(day for row, day in outside if row.present)
    if present:
        raise OperationError(L_("She was present at the session of %(date)s, outside these dates. Correct that "
                                "session's attendance first.", date=format_date(present[0])))
    for row, _day in outside:
        db.session.delete(row)


# Sessions and attendance ----------------------------------------------------------------------


def _has_session_on(group: Group, held_on: date) -> bool:
    return db.session.scalar(select(GroupSession.id).where(GroupSession.group_id == group.id,
                                                           GroupSession.held_on == held_on)) is not None


def add_session(actor: User, group: Group, data: dict[str, Any]) -> GroupSession:
    """A session of ``group``; one a day (raises :class:`SessionTaken`, also when another request
    stored that day's session between the check and the insert: the unique constraint refuses it
    and only the savepoint is rolled back, so the request can still answer with the form)."""
    held_on = data["held_on"]
    if not within_period(group.starts_on, group.ends_on, held_on):
        raise OperationError(L_("A session takes place within the group's period."))
    if _has_session_on(group, held_on):
        raise SessionTaken(SESSION_TAKEN)
    session = GroupSession(group_id=group.id, held_on=held_on, theme=data.get("theme"))
    try:
        with db.session.begin_nested():
            db.session.add(session)
            db.session.flush()
    except IntegrityError:
        raise SessionTaken(SESSION_TAKEN) from None
    record(actor, "group.session_added", group, session=str(session.id), held_on=held_on.isoformat())
    return session


def record_attendance(actor: User, session: GroupSession, participants: list[GroupParticipant],
                      present: set[uuid.UUID]) -> int:
    """Store who was present at ``session`` among ``participants`` (everyone in the group on that
    day): a row per participant, present or not, created or updated at once. Returns how many rows
    were created or changed."""
    if session.held_on > local_today():
        raise OperationError(L_("Attendance can be recorded once the session has taken place."))
    eligible = {p.id: p for p in participants if p.group_id == session.group_id and in_group_on(p, session.held_on)}
    if len(eligible) != len(participants) or not present <= set(eligible):
        raise OperationError(L_("Only participants who were in the group on the day of the session can be marked."))
    # Serialise two people saving the same list (PostgreSQL row lock; SQLite locks the database).
    db.session.execute(select(GroupSession.id).where(GroupSession.id == session.id).with_for_update())
    rows = {row.participant_id: row for row in db.session.scalars(
        select(GroupAttendance).where(GroupAttendance.session_id == session.id))}
    changed = 0
    for participant_id in eligible:
        row, here = rows.get(participant_id), participant_id in present
        if row is None:
            db.session.add(GroupAttendance(session_id=session.id, participant_id=participant_id, present=here))
            changed += 1
        elif row.present != here:
            row.present = here
            changed += 1
    db.session.flush()
    if changed:
        record(actor, "group.attendance_recorded", session, group=str(session.group_id),
               present=sorted(str(pid) for pid in eligible if pid in present),
               absent=sorted(str(pid) for pid in eligible if pid not in present))
    return changed
