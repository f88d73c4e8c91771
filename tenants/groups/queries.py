"""Reading groups for the bound tenant: the list with its counts, one group with everything its page
shows, a session's attendance list, and the choices of the group's forms.

Each function runs a fixed number of statements however many groups, participants, sessions or
facilitators there are (tested in tests/groups/test_statements.py).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, and_, case, exists, false, func, or_, select
from sqlalchemy.orm import selectinload

from saas.db import db
from tenants.families.models import Family
from tenants.families.states import ENDED
from tenants.families.vocabulary import Track
from tenants.groups.models import Group, GroupAttendance, GroupFacilitator, GroupParticipant, GroupSession
from tenants.groups.operations import in_group_on
from tenants.volunteers.models import Volunteer
from tenants.volunteers.readiness import MATCHABLE
from tenants.volunteers.states import VolunteerState

PAGE_SIZE = 25


def _facilitated_by(volunteer_id: uuid.UUID) -> Any:
    """SQL, correlated to Group: ``volunteer_id`` facilitates the group."""
    return exists().where(GroupFacilitator.tenant_id == Group.tenant_id, GroupFacilitator.group_id == Group.id,
                          GroupFacilitator.volunteer_id == volunteer_id)


def group_list(period: str | None, today: date, *, facilitator: Volunteer | None = None,
               only_facilitated: bool = False) -> Select[tuple[Group]]:
    """Groups in ``period`` (upcoming, running, ended; None: all), running and upcoming first; with
    ``only_facilitated`` only the groups ``facilitator`` facilitates (none without a volunteer record
    or once stopped, as :func:`facilitates`)."""
    statement = select(Group).options(selectinload(Group.coordinator))
    if period == "upcoming":
        statement = statement.where(Group.starts_on > today)
    elif period == "running":
        statement = statement.where(Group.starts_on <= today, or_(Group.ends_on.is_(None), Group.ends_on >= today))
    elif period == "ended":
        statement = statement.where(Group.ends_on < today)
    if only_facilitated:
        active = facilitator is not None and facilitator.state != VolunteerState.STOPPED
        statement = statement.where(_facilitated_by(facilitator.id) if active else false())
    ended = and_(Group.ends_on.is_not(None), Group.ends_on < today)
    return statement.order_by(ended, Group.starts_on.desc(), Group.name, Group.id)


def paginate(statement: Select[tuple[Group]], page: int | None) -> Pagination:
    return db.paginate(statement, page=page or 1, per_page=PAGE_SIZE, error_out=False)


def counts_for(group_ids: list[uuid.UUID], today: date) -> dict[uuid.UUID, dict[str, int]]:
    """Per group: participants who have not left, sessions, and sessions held by ``today`` (one statement)."""
    counts = {gid: {"participants": 0, "sessions": 0, "held": 0} for gid in group_ids}
    if not group_ids:
        return counts

    def per_group(model: Any, *conditions: Any) -> Any:
        return (select(func.count()).where(model.tenant_id == Group.tenant_id, model.group_id == Group.id, *conditions)
                .correlate(Group).scalar_subquery())

    staying = or_(GroupParticipant.left_on.is_(None), GroupParticipant.left_on >= today)
    rows = db.session.execute(select(
        Group.id, per_group(GroupParticipant, staying), per_group(GroupSession),
        per_group(GroupSession, GroupSession.held_on <= today)).where(Group.id.in_(group_ids)))
    for group_id, participants, sessions, held in rows:
        counts[group_id] = {"participants": participants, "sessions": sessions, "held": held}
    return counts


def group_detail(group_id: uuid.UUID, *, full: bool = True) -> Group | None:
    """One group with its facilitators and sessions and participants; ``full`` adds what only staff
    see (the coordinator and the participants' family files)."""
    participants = selectinload(Group.participants)
    options = [selectinload(Group.facilitators).selectinload(GroupFacilitator.volunteer),
               selectinload(Group.sessions)]
    if full:
        options += [selectinload(Group.coordinator), participants.selectinload(GroupParticipant.family)]
    else:
        options.append(participants)
    return db.session.scalars(select(Group).where(Group.id == group_id).options(*options)).first()


def facilitates(volunteer: Volunteer, group_id: uuid.UUID) -> bool:
    """Whether ``volunteer`` facilitates the group (and has not stopped)."""
    if volunteer.state == VolunteerState.STOPPED:
        return False
    return db.session.scalar(select(exists().where(GroupFacilitator.group_id == group_id,
                                                   GroupFacilitator.volunteer_id == volunteer.id))) or False


def attendance_counts(session_ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[str, int]]:
    """Per session with recorded attendance: how many were present and how many recorded (one statement)."""
    if not session_ids:
        return {}
    present = func.sum(case((GroupAttendance.present, 1), else_=0))
    rows = db.session.execute(select(GroupAttendance.session_id, present, func.count())
                              .where(GroupAttendance.session_id.in_(session_ids))
                              .group_by(GroupAttendance.session_id))
    return {session_id: {"present": int(here or 0), "recorded": recorded} for session_id, here, recorded in rows}


def attendance_list(group: Group, session: GroupSession) -> tuple[list[GroupParticipant], dict[uuid.UUID, bool]]:
    """The participants who were in the group on the session's day (from the loaded group) and the
    attendance recorded for the session so far (one statement)."""
    participants = sorted((p for p in group.participants if in_group_on(p, session.held_on)),
                          key=lambda p: (p.first_name.casefold(), p.joined_on, str(p.id)))
    recorded = dict(db.session.execute(select(GroupAttendance.participant_id, GroupAttendance.present)
                                       .where(GroupAttendance.session_id == session.id)).all())
    return participants, recorded


def possible_facilitators(group: Group) -> list[Volunteer]:
    """Volunteers who may facilitate (available or matched) and do not yet facilitate ``group``."""
    taken = [f.volunteer_id for f in group.facilitators]
    return list(db.session.scalars(select(Volunteer).where(Volunteer.state.in_(MATCHABLE), Volunteer.id.not_in(taken))
                                   .order_by(Volunteer.name, Volunteer.id)))


def linkable_families(*keep: uuid.UUID | None) -> list[Family]:
    """Open family files of the first-1000-days track a participant may be linked to, and the
    families ``keep`` (already linked, even when closed since)."""
    kept = [family_id for family_id in keep if family_id is not None]
    return list(db.session.scalars(
        select(Family).where(or_(and_(Family.track == Track.FIRST_1000_DAYS, Family.state.not_in(ENDED)),
                                 Family.id.in_(kept)))
        .order_by(Family.family_name, Family.case_year, Family.case_seq)))
