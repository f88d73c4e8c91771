"""Closure outcomes and reach of the bound tenant for one year (and optionally one of its
municipalities): families supported, children by age band, volunteers and training hours, aggregated
in SQL with a fixed number of statements. Which year a figure belongs to: tenants.impact.dashboard.aggregates.
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
from tenants.matching.models import Match
from tenants.trainings.models import Course, Enrolment, TrainingSession
from tenants.trainings.queries import visible_courses
from tenants.trainings.states import EnrolmentStatus

#: Children's age bands (inclusive, in years) for the reach figures.
AGE_BANDS: tuple[tuple[int, int], ...] = ((0, 3), (4, 11), (12, 17), (18, 23))


@dataclass(frozen=True)
class Outcomes:
    """Closure outcomes of the families closed in the year."""

    closed: int = 0
    #: Families with professional care at the start, and of those: stopped, reduced at the end.
    with_care: int = 0
    care_stopped: int = 0
    care_reduced: int = 0
    #: Families who would otherwise have been referred, and those where prevention was confirmed.
    would_otherwise_be_referred: int = 0
    prevented_referral_confirmed: int = 0
    satisfaction_total: int = 0
    satisfaction_count: int = 0
    reasons: dict[ClosureReason, int] = field(default_factory=dict)

    @property
    def satisfaction(self) -> Fraction | None:
        return Fraction(self.satisfaction_total, self.satisfaction_count) if self.satisfaction_count else None


@dataclass(frozen=True)
class Reach:
    families: int = 0
    new_families: int = 0
    closed_families: int = 0
    #: Children of the supported families per AGE_BANDS entry; ``children_other``: older, or age unknown.
    children: dict[tuple[int, int], int] = field(default_factory=dict)
    children_other: int = 0
    volunteers: int = 0
    training_hours: Decimal = Decimal(0)

    @property
    def continued_families(self) -> int:
        return self.families - self.new_families


# Closure outcomes --------------------------------------------------------------------------------


def outcomes(scope: Scope) -> Outcomes:
    """Outcomes of the families closed in the year (one statement, grouped by closure reason)."""
    care = Family.professional_care_involved.is_(True)
    statement = (
        select(Family.closure_reason, func.count(), _count_where(care),
               _count_where(and_(care, Family.professional_care_at_end == CareOutcome.STOPPED)),
               _count_where(and_(care, Family.professional_care_at_end == CareOutcome.REDUCED)),
               _count_where(Family.would_otherwise_be_referred == YesNoUnknown.YES),
               _count_where(Family.prevented_referral_confirmed == YesNoUnknown.YES),
               func.coalesce(func.sum(Family.satisfaction), 0), func.count(Family.satisfaction))
        .where(Family.state == CaseState.CLOSED, Family.closed_on.between(scope.start, scope.end))
        .where(*scope.family_filter())
        .group_by(Family.closure_reason))
    names = ("closed", "with_care", "care_stopped", "care_reduced", "would_otherwise_be_referred",
             "prevented_referral_confirmed", "satisfaction_total", "satisfaction_count")  # the columns' order
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


def family_reach(scope: Scope) -> Reach:
    """The families and children of :func:`reach`, without volunteers and training hours (two
    statements; the published statistics split these by track, the others not)."""
    new = _has_match(Match.started_on < scope.start)
    closed = Family.closed_on.between(scope.start, scope.end)
    families = db.session.execute(_supported_families(
        scope, _count_where, lambda supported: _count_where(and_(supported, ~new)),
        lambda supported: _count_where(and_(supported, closed)))).one()

    day = scope.reference_day
    bands = [and_(FamilyMember.birth_date <= years_before(day, low),
                  FamilyMember.birth_date > years_before(day, high + 1)) for low, high in AGE_BANDS]
    children = db.session.execute(
        _supported_families(scope, _count_where, *(
            (lambda supported, band=band: _count_where(and_(supported, band))) for band in bands))
        .join(FamilyMember, and_(FamilyMember.tenant_id == Family.tenant_id, FamilyMember.family_id == Family.id))
        .where(FamilyMember.role == MemberRole.CHILD)).one()
    per_band = {band: int(count or 0) for band, count in zip(AGE_BANDS, children[1:], strict=True)}

    return Reach(families=int(families[0] or 0), new_families=int(families[1] or 0),
                 closed_families=int(families[2] or 0), children=per_band,
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
