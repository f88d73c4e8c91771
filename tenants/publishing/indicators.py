"""The published figures tenants.impact.dashboard does not compute: volunteers who started or
stopped, and the fidelity indicators. Each function sends a fixed number of statements for one
period, however many families or volunteers the tenant has, and runs inside the bound tenant.

The definitions (n: the cases the indicator is taken over; total: those meeting it):

* ``t0_done``: n families whose first match started in the period; total those of them with a
  completed T0 measurement (whenever it was taken: the indicator asks whether the start
  measurement was done at all).
* ``home_visit_intake``: n the same families; total those whose intake (a home visit, by design of
  the intake) was recorded with its date and the coordinator who visited. The intake has no
  separate "home visit" field, so a recorded intake by a coordinator is what is counted.
* ``trained_before_first_match``: n volunteers whose first match started in the period; total
  those who, on that start day, lacked none of the foundation's active courses required before a
  first match (a completion on or before the start, still valid then). This is the check
  tenants.trainings.queries.missing_required_course_condition makes for readiness, taken on
  the start day; with no required course every volunteer counts as trained.
* ``valid_vog``: n volunteers active in the period (a match with a supported family, as
  tenants.impact.dashboard.reach counts them); total those whose VOG was valid on the period's
  reference day by tenants.volunteers.readiness.vog_status (VOGs issued after that day ignored).
* ``caseload``: n coordinators (the family's coordinator) with at least one family supported on
  the reference day (a match running that day, the case not closed before it); total those
  families.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from sqlalchemy import Select, and_, case, distinct, func, or_, select

from saas.db import db
from tenants.families.models import Family, Intake
from tenants.impact.dashboard.aggregates import Scope
from tenants.impact.dashboard.reach import active_volunteers
from tenants.impact.measurements.models import Measurement
from tenants.impact.vocabulary import MeasurementStatus, Moment
from tenants.matching.models import Match
from tenants.trainings.models import Course, CourseCompletion
from tenants.trainings.queries import visible_courses
from tenants.volunteers.models import Screening, ScreeningPolicy, Volunteer
from tenants.volunteers.readiness import vog_status


@dataclass(frozen=True)
class Share:
    """An indicator: ``n`` cases it is taken over, ``total`` of them meeting it."""

    n: int = 0
    total: int = 0


@dataclass(frozen=True)
class VolunteerFlow:
    new: int = 0
    stopped: int = 0


def _count_where(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0))


def _first_start_in(scope: Scope, column: Any) -> Select[Any]:
    """``column`` (Match.family_id or Match.volunteer_id) of those whose first match started in the period."""
    return (select(column).where(Match.started_on.is_not(None)).group_by(column)
            .having(func.min(Match.started_on).between(scope.start, scope.end)))


def volunteer_flow(scope: Scope) -> VolunteerFlow:
    """Volunteers whose first match ever started in the period, and those who stopped in it (one statement)."""
    row = db.session.execute(select(
        _count_where(Volunteer.id.in_(_first_start_in(scope, Match.volunteer_id))),
        _count_where(Volunteer.stopped_on.between(scope.start, scope.end))).select_from(Volunteer)).one()
    return VolunteerFlow(int(row[0] or 0), int(row[1] or 0))


def case_start_indicators(scope: Scope) -> tuple[Share, Share]:
    """``t0_done`` and ``home_visit_intake`` over the families whose first match started in the
    period (one statement)."""
    with_t0 = Family.id.in_(select(Measurement.family_id).where(
        Measurement.moment == Moment.T0, Measurement.status == MeasurementStatus.COMPLETED))
    with_intake = Family.id.in_(select(Intake.family_id).where(
        Intake.done_on.is_not(None), Intake.coordinator_id.is_not(None)))
    row = db.session.execute(
        select(func.count(), _count_where(with_t0), _count_where(with_intake)).select_from(Family)
        .where(Family.id.in_(_first_start_in(scope, Match.family_id)))).one()
    return Share(int(row[0] or 0), int(row[1] or 0)), Share(int(row[0] or 0), int(row[2] or 0))


def trained_before_first_match(scope: Scope) -> Share:
    """Volunteers whose first match started in the period, and those trained by then (one statement)."""
    first = (select(Match.tenant_id, Match.volunteer_id, func.min(Match.started_on).label("started_on"))
             .where(Match.started_on.is_not(None)).group_by(Match.tenant_id, Match.volunteer_id).subquery())
    # Correlated explicitly: ``first`` is two levels up, where automatic correlation does not reach.
    completed_by_start = select(CourseCompletion.id).where(
        CourseCompletion.tenant_id == first.c.tenant_id, CourseCompletion.volunteer_id == first.c.volunteer_id,
        CourseCompletion.course_id == Course.id, CourseCompletion.completed_on <= first.c.started_on,
        or_(CourseCompletion.valid_until.is_(None), CourseCompletion.valid_until >= first.c.started_on),
    ).correlate_except(CourseCompletion).exists()
    missing = (visible_courses(Course.id)
               .where(Course.owner_tenant_id.is_(None), Course.is_active, Course.required_before_first_match,
                      ~completed_by_start)
               .correlate(first).exists())
    row = db.session.execute(select(func.count(), _count_where(~missing)).select_from(first)
                             .where(first.c.started_on.between(scope.start, scope.end))).one()
    return Share(int(row[0] or 0), int(row[1] or 0))


@dataclass(frozen=True)
class _Issued:
    issued_on: date


@dataclass
class _ScreeningHistory:
    """What tenants.volunteers.readiness.vog_status reads of a volunteer: the approval date and the
    VOGs, newest first (loaded as plain rows, so the statement count stays fixed)."""

    approved_on: date | None
    screenings: list[_Issued] = field(default_factory=list)


def valid_vog(scope: Scope, policy: ScreeningPolicy) -> Share:
    """Volunteers active in the period, and those with a valid VOG on its reference day (one statement)."""
    day = scope.reference_day
    rows = db.session.execute(
        select(Volunteer.id, Volunteer.approved_on, Screening.issued_on)
        .outerjoin(Screening, and_(Screening.tenant_id == Volunteer.tenant_id, Screening.volunteer_id == Volunteer.id,
                                   Screening.issued_on <= day))
        .where(Volunteer.id.in_(select(active_volunteers(scope).c.volunteer_id)))
        .order_by(Volunteer.id, Screening.issued_on.desc()))
    histories: dict[Any, _ScreeningHistory] = defaultdict(lambda: _ScreeningHistory(None))
    for volunteer_id, approved_on, issued_on in rows:
        history = histories[volunteer_id]
        history.approved_on = approved_on
        if issued_on is not None:
            history.screenings.append(_Issued(issued_on))
    valid = sum(vog_status(cast(Volunteer, history), policy, day).valid for history in histories.values())
    return Share(len(histories), valid)


def caseload(scope: Scope) -> Share:
    """Coordinators with a family supported on the reference day, and those families (one statement)."""
    day = scope.reference_day
    running = select(Match.family_id).where(Match.started_on <= day,
                                            or_(Match.ended_on.is_(None), Match.ended_on >= day))
    row = db.session.execute(
        select(func.count(distinct(Family.coordinator_id)), func.count()).select_from(Family)
        .where(Family.coordinator_id.is_not(None), Family.id.in_(running),
               or_(Family.closed_on.is_(None), Family.closed_on >= day))).one()
    return Share(int(row[0] or 0), int(row[1] or 0))
