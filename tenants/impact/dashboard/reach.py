"""Closure outcomes and reach of the bound tenant for one year (and optionally one of its
municipalities): families supported, children by age band, volunteers and training hours, aggregated
in SQL with a fixed number of statements. Which year a figure belongs to: tenants.impact.dashboard.aggregates.

Each count is defined once, here, and every place that shows it (the dashboard, the published
statistics) reads it from here:

* *closed* (:attr:`Outcomes.closed`): every family closed in the period, whether or not it was ever
  matched, and whether or not its match still ran in the period (a family may close the quarter
  after its match ended). :class:`Outcomes` splits it into those three parts, which add up to it.
* *supported* (:attr:`Reach.families`): a family with a match running in the period; split into
  new and continued.
* *children* (:attr:`Reach.children_total`): the children of the supported families who were born
  by the reference day. A baby on its way (a birth date after the reference day, or no birth date
  while the family's due date lies after it) is not a child of that period yet; once born it is
  age-banded by its birth date.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import Select, and_, case, func, or_, select

from saas.clock import from_local
from saas.db import db
from tenants.families.models import Family, FamilyMember
from tenants.families.states import CaseState
from tenants.families.vocabulary import CareOutcome, ClosureReason, MemberRole, YesNoUnknown
from tenants.impact.dashboard.aggregates import Scope, of_municipality, once_in
from tenants.impact.measurements.models import Measurement
from tenants.impact.vocabulary import MeasurementStatus, Moment
from tenants.matching.models import Match
from tenants.trainings.models import Course, Enrolment, TrainingSession
from tenants.trainings.queries import visible_courses
from tenants.trainings.states import EnrolmentStatus

#: Children's age bands (inclusive, in years) for the reach figures.
AGE_BANDS: tuple[tuple[int, int], ...] = ((0, 3), (4, 11), (12, 17), (18, 23))


@dataclass(frozen=True)
class Outcomes:
    """Closure outcomes of the families closed in the period (state CLOSED, ``closed_on`` in it)."""

    closed: int = 0
    #: Of ``closed``: with a match that ran in the period (so also among the supported families), …
    closed_after_match_in_period: int = 0
    #: … whose last match had ended before the period began, …
    closed_after_earlier_match: int = 0
    #: Families with professional care at the start, and of those: stopped, reduced at the end.
    with_care: int = 0
    care_stopped: int = 0
    care_reduced: int = 0
    #: Families the coordinator expected, at the referral, would otherwise have been referred to
    #: professional care (a question of the referral) …
    would_otherwise_be_referred: int = 0
    #: … and families where the support prevented a referral, confirmed at closure (a question of
    #: the closure, answered for every family, expected or not: not a subset of the above) …
    prevented_referral_confirmed: int = 0
    #: … and the families where both are "yes" (prevented, as expected at the referral).
    prevented_as_expected: int = 0
    #: Of ``closed``: families measured at the start (T0) and at the end (Tend), completed: the
    #: response of the impact measurement.
    measured_t0_and_tend: int = 0
    #: The satisfaction grades given at closure: their sum, sum of squares (for the spread) and number.
    satisfaction_total: int = 0
    satisfaction_squares: int = 0
    satisfaction_count: int = 0
    reasons: dict[ClosureReason, int] = field(default_factory=dict)

    @property
    def closed_without_match(self) -> int:
        """Of ``closed``: families never matched (e.g. closed from the waiting list)."""
        return self.closed - self.closed_after_match_in_period - self.closed_after_earlier_match

    @property
    def care_otherwise(self) -> int:
        """Of ``with_care``: care unchanged, increased or not recorded at the end."""
        return self.with_care - self.care_stopped - self.care_reduced

    @property
    def prevented_unexpectedly(self) -> int:
        """Of ``prevented_referral_confirmed``: not expected to be referred at the referral (no or unknown)."""
        return self.prevented_referral_confirmed - self.prevented_as_expected

    @property
    def reason_not_recorded(self) -> int:
        """Of ``closed``: families without a closure reason (the reasons add up to ``closed`` with these)."""
        return self.closed - sum(self.reasons.values())

    @property
    def satisfaction(self) -> Fraction | None:
        return Fraction(self.satisfaction_total, self.satisfaction_count) if self.satisfaction_count else None


@dataclass(frozen=True)
class Reach:
    #: Families supported in the period, and of those, the ones whose first match started in it.
    families: int = 0
    new_families: int = 0
    #: Children (born by the reference day) of the supported families per AGE_BANDS entry;
    #: ``children_other``: older, or age unknown.
    children: dict[tuple[int, int], int] = field(default_factory=dict)
    children_other: int = 0
    volunteers: int = 0
    training_hours: Decimal = Decimal(0)

    @property
    def continued_families(self) -> int:
        return self.families - self.new_families

    @property
    def children_total(self) -> int:
        return sum(self.children.values()) + self.children_other


# Closure outcomes --------------------------------------------------------------------------------


def outcomes(scope: Scope) -> Outcomes:
    """Outcomes of the families closed in the period (one statement, grouped by closure reason)."""
    care = Family.professional_care_involved.is_(True)
    ran_in_period = _has_match(_running(scope))
    expected = Family.would_otherwise_be_referred == YesNoUnknown.YES
    prevented = Family.prevented_referral_confirmed == YesNoUnknown.YES
    statement = (
        select(Family.closure_reason, func.count(), _count_where(ran_in_period),
               _count_where(and_(~ran_in_period, _has_match(Match.started_on.is_not(None)))),
               _count_where(care),
               _count_where(and_(care, Family.professional_care_at_end == CareOutcome.STOPPED)),
               _count_where(and_(care, Family.professional_care_at_end == CareOutcome.REDUCED)),
               _count_where(expected), _count_where(prevented), _count_where(and_(expected, prevented)),
               _count_where(and_(_has_measurement(Moment.T0), _has_measurement(Moment.TEND))),
               func.coalesce(func.sum(Family.satisfaction), 0),
               func.coalesce(func.sum(Family.satisfaction * Family.satisfaction), 0), func.count(Family.satisfaction))
        .where(Family.state == CaseState.CLOSED, Family.closed_on.between(scope.start, scope.end))
        .where(*scope.family_filter())
        .group_by(Family.closure_reason))
    names = ("closed", "closed_after_match_in_period", "closed_after_earlier_match", "with_care", "care_stopped",
             "care_reduced", "would_otherwise_be_referred", "prevented_referral_confirmed", "prevented_as_expected",
             "measured_t0_and_tend", "satisfaction_total", "satisfaction_squares",
             "satisfaction_count")  # the columns' order
    sums = dict.fromkeys(names, 0)
    reasons: dict[ClosureReason, int] = {}
    for reason, *counts in db.session.execute(statement):  # one row per closure reason
        for name, count in zip(names, counts, strict=True):
            sums[name] += int(count or 0)
        if reason is not None:
            reasons[reason] = int(counts[0])
    return Outcomes(**sums, reasons=reasons)


# Reach -------------------------------------------------------------------------------------------


def _running(scope: Scope) -> Any:
    """A match that ran in the year: started by the reference day, not ended before 1 January."""
    return and_(Match.started_on <= scope.reference_day, or_(Match.ended_on.is_(None), Match.ended_on >= scope.start))


def _has_match(condition: Any) -> Any:
    """The family has a match meeting ``condition``: an uncorrelated IN, which the database
    evaluates once (hashed), not per family, however stale its statistics."""
    return Family.id.in_(select(Match.family_id).where(condition))


def _supported_families(scope: Scope, *columns: Callable[[Any], Any]) -> Select[Any]:
    """One row over the families of the scope's municipality: ``column(supported)`` for each of
    ``columns``, with ``supported`` the condition "supported in the year". The condition is used
    inside the aggregates (not in WHERE) so that it stays a hashed subquery (see _has_match)."""
    supported = and_(_has_match(_running(scope)), or_(Family.closed_on.is_(None), Family.closed_on >= scope.start))
    return select(*(column(supported) for column in columns)).select_from(Family).where(*scope.family_filter())


def _has_measurement(moment: Moment) -> Any:
    """The family has a completed measurement at ``moment`` (an uncorrelated IN, as _has_match)."""
    return Family.id.in_(select(Measurement.family_id).where(Measurement.moment == moment,
                                                             Measurement.status == MeasurementStatus.COMPLETED))


def _count_where(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0))


def years_before(day: date, years: int) -> date:
    """The same calendar day ``years`` earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def reach(scope: Scope) -> Reach:
    """Families supported, children by age band, volunteers and training hours (four statements)."""
    return replace(family_reach(scope), volunteers=volunteer_count(scope), training_hours=training_hours(scope))


def born_by(day: date) -> Any:
    """The household member was born by ``day``: a birth date on or before it, or no birth date
    while the family expects no baby after it (an expected baby recorded without a birth date is
    not born yet until its due date)."""
    no_baby_due_later = or_(Family.expected_due_date.is_(None), Family.expected_due_date <= day)
    return or_(FamilyMember.birth_date <= day, and_(FamilyMember.birth_date.is_(None), no_baby_due_later))


def family_reach(scope: Scope) -> Reach:
    """The families and children of :func:`reach`, without volunteers and training hours (two
    statements; the published statistics split these by track, the others not)."""
    new = _has_match(Match.started_on < scope.start)
    families = db.session.execute(_supported_families(
        scope, _count_where, lambda supported: _count_where(and_(supported, ~new)))).one()

    day = scope.reference_day
    bands = [and_(FamilyMember.birth_date <= years_before(day, low),
                  FamilyMember.birth_date > years_before(day, high + 1)) for low, high in AGE_BANDS]
    children = db.session.execute(
        _supported_families(scope, _count_where, *(
            (lambda supported, band=band: _count_where(and_(supported, band))) for band in bands))
        .join(FamilyMember, and_(FamilyMember.tenant_id == Family.tenant_id, FamilyMember.family_id == Family.id))
        .where(FamilyMember.role == MemberRole.CHILD, born_by(day))).one()
    per_band = {band: int(count or 0) for band, count in zip(AGE_BANDS, children[1:], strict=True)}

    return Reach(families=int(families[0] or 0), new_families=int(families[1] or 0), children=per_band,
                 children_other=int(children[0] or 0) - sum(per_band.values()))


def municipalities(scope: Scope) -> list[str]:
    """The municipalities where a family was supported in the period, by name (one statement)."""
    names = db.session.scalars(_supported_families(
        scope, lambda supported: case((supported, Family.municipality))).distinct())
    return sorted(name for name in names if name)


def volunteer_count(scope: Scope) -> int:
    """Volunteers with a match with a supported family of the scope (one statement)."""
    return int(db.session.scalar(select(func.count()).select_from(active_volunteers(scope))) or 0)


def active_volunteers(scope: Scope) -> Any:
    """Subquery (``volunteer_id``) of the volunteers with a match with a supported family of the scope."""
    statement = select(Match.volunteer_id).distinct().where(_running(scope))
    return of_municipality(statement, scope, Match.family_id).subquery()


def training_hours(scope: Scope) -> Decimal:
    """Module hours of the training sessions attended in the year (one statement)."""
    return training_attendance(scope)[1]


def training_attendance(scope: Scope) -> tuple[int, Decimal]:
    """Attendances at training sessions in the year and their module hours (one statement):
    attendances are counted per course module in SQL; the hours per module live in the course's
    JSON list (as tenants.trainings.queries.learning_hours reads them), one row per module taught."""
    start = from_local(datetime.combine(scope.start, datetime.min.time()))
    end = from_local(datetime.combine(scope.end + timedelta(days=1), datetime.min.time()))
    attended = (select(TrainingSession.course_id.label("course_id"), TrainingSession.module_index.label("module_index"),
                       func.count().label("attended"))
                .select_from(Enrolment)
                .join(TrainingSession, and_(TrainingSession.tenant_id == Enrolment.tenant_id,
                                            TrainingSession.id == Enrolment.session_id))
                .where(Enrolment.status == EnrolmentStatus.ATTENDED, TrainingSession.starts_at >= start,
                       TrainingSession.starts_at < end))
    if scope.limits_families:
        attended = attended.where(once_in(Enrolment.volunteer_id, select(active_volunteers(scope).c.volunteer_id)))
    attended_sq = attended.group_by(TrainingSession.course_id, TrainingSession.module_index).subquery()
    rows = db.session.execute(visible_courses(Course.modules, attended_sq.c.module_index, attended_sq.c.attended)
                              .join(attended_sq, attended_sq.c.course_id == Course.id))
    attendances, hours = 0, Decimal(0)
    for modules, index, count in rows:
        attendances += int(count)
        if modules and 0 <= index < len(modules):
            hours += Decimal(str(modules[index].get("hours") or 0)) * int(count)
    return attendances, hours
