"""Impact figures of the bound tenant for one year (and optionally one of its municipalities),
aggregated in SQL: every function sends a fixed number of statements (GROUP BY, COUNT, SUM),
however many families or measurements there are. The dashboard shows them as they are; the
municipality report passes the counts and sums through saas.foundation.disclosure first, which
is why the dataclasses keep counts and totals rather than only rounded means.

Which year a figure belongs to
    * A measurement belongs to the calendar year of its ``taken_on`` date; only completed
      measurements count.
    * A paired change T0 → Tend belongs to the year of the Tend measurement (when the support
      ended), whenever the T0 was taken.
    * Closure outcomes: families closed (state CLOSED) with ``closed_on`` in the year.
    * Reach: families *supported* in the year had a match that had started by the reference
      day and had not ended before 1 January (and were not closed before then); "new" ones had
      their first match start in the year. Children's ages are taken on the reference day:
      31 December, or today for the current year. Volunteers are those with such a match;
      training hours are the module hours of training sessions attended in the year.
    * The municipality is the family's (as registered now). For volunteers and training hours
      it selects the volunteers with a supported family in that municipality.

Scores are stored with four decimals (DomainScore.mean); the sums are taken over integers in
ten-thousandths, so the means and the paired change's confidence interval come out exactly as
:func:`tenants.impact.scoring.paired_change` would compute them from the same stored scores.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any

from sqlalchemy import Integer, Select, and_, case, cast, distinct, extract, func, or_, select, union

from saas.clock import from_local, local_today
from saas.db import db
from saas.foundation.periods import period_bounds
from tenants.families.models import Family, FamilyMember
from tenants.families.states import CaseState
from tenants.families.vocabulary import CareOutcome, ClosureReason, MemberRole, Track, YesNoUnknown
from tenants.impact.instruments import Instrument, InstrumentDomain
from tenants.impact.models import DomainScore, Measurement
from tenants.impact.scoring import PairedChange, t_quantile
from tenants.impact.vocabulary import MeasurementStatus, Moment
from tenants.matching.models import Match
from tenants.trainings.models import Course, Enrolment, TrainingSession
from tenants.trainings.queries import visible_courses
from tenants.trainings.states import EnrolmentStatus

#: A change of less than this (either way, on the 1–4 scale) counts as "stable".
STABLE_BAND = Decimal("0.25")
#: Domain means are summed in SQL as integers in units of 1/SCALE (they are stored with 4 decimals).
SCALE = 10_000
#: Children's age bands (inclusive, in years) for the reach figures.
AGE_BANDS: tuple[tuple[int, int], ...] = ((0, 3), (4, 11), (12, 17), (18, 23))
#: Years a dashboard can be asked for (anything else is ignored).
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True)
class Scope:
    """What the figures are about: a calendar year or one of its quarters (``quarter`` 1–4), and
    one municipality or all (None), one track or all (None; the foundation's statistics split by it)."""

    year: int
    municipality: str | None = None
    quarter: int | None = None
    track: Track | None = None

    @property
    def start(self) -> date:
        return period_bounds(self.year, self.quarter)[0]

    @property
    def end(self) -> date:
        return period_bounds(self.year, self.quarter)[1]

    @property
    def reference_day(self) -> date:
        """The last day of the period, or today while the period is not over."""
        return min(self.end, local_today())

    @property
    def limits_families(self) -> bool:
        return self.municipality is not None or self.track is not None

    def families(self) -> Select[Any]:
        """The ids of the families of the scope's municipality and track."""
        return select(Family.id).where(*self.family_filter())

    def family_filter(self) -> list[Any]:
        """Conditions on Family for the scope's municipality and track (for queries over families)."""
        conditions = []
        if self.municipality is not None:
            conditions.append(Family.municipality == self.municipality)
        if self.track is not None:
            conditions.append(Family.track == self.track)
        return conditions


@dataclass(frozen=True)
class DomainMeans:
    """One domain's scores at each moment: how many families were scored and the sum of their means."""

    code: str
    label: str
    counts: dict[Moment, int] = field(default_factory=dict)
    totals: dict[Moment, Decimal] = field(default_factory=dict)

    def mean(self, moment: Moment) -> Decimal | None:
        n = self.counts.get(moment, 0)
        return self.totals[moment] / n if n else None


@dataclass(frozen=True)
class DomainChange:
    """The paired change T0 → Tend of one domain over the families scored at both moments."""

    code: str
    label: str
    change: PairedChange
    improved: int
    stable: int
    worse: int
    #: The sums behind ``change`` (differences in units of 1/SCALE): Σd and Σd², which the published
    #: statistics carry so that the foundation can add tenants up exactly.
    sum_of_differences: int = 0
    sum_of_squares: int = 0

    @property
    def n(self) -> int:
        return self.change.n

    def share(self, count: int) -> Fraction:
        return Fraction(count, self.n)


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


@dataclass(frozen=True)
class ImpactFigures:
    scope: Scope
    measured: dict[Moment, int]
    domains: list[DomainMeans]
    changes: list[DomainChange]
    outcomes: Outcomes
    reach: Reach


def impact_figures(scope: Scope, language: str) -> ImpactFigures:
    """Every figure of the dashboard (nine statements)."""
    labels = domain_labels(language)
    return ImpactFigures(scope, measured(scope), domain_means(scope, labels), paired_changes(scope, labels),
                         outcomes(scope), reach(scope))


# Years and labels ---------------------------------------------------------------------------------


def years_with_activity() -> set[int]:
    """Years with a completed measurement, a closure or a match start (one statement)."""
    taken = extract("year", Measurement.taken_on)
    closed = extract("year", Family.closed_on)
    started = extract("year", Match.started_on)
    statement = union(
        select(taken).where(Measurement.status == MeasurementStatus.COMPLETED).distinct(),
        select(closed).where(Family.closed_on.is_not(None)).distinct(),
        select(started).where(Match.started_on.is_not(None)).distinct())
    return {int(year) for year in db.session.scalars(statement) if year is not None}


def offered_years(active: set[int]) -> list[int]:
    """The years a dashboard offers: those with activity and always the current one, newest first."""
    return sorted((year for year in {*active, local_today().year} if FIRST_YEAR <= year <= LAST_YEAR), reverse=True)


def default_year(active: set[int]) -> int:
    """The year a dashboard opens on: the current one once it has activity; before that (on
    1 January, say) the newest year that has, so the page is not empty for the first weeks."""
    this_year = local_today().year
    return this_year if this_year in active or not active else max(active)


def domain_labels(language: str) -> dict[str, str]:
    """{domain code: label} in display order, over the instruments the tenant has measured with:
    the newest instrument's order first (one statement)."""
    used = select(Measurement.instrument_id).distinct()
    rows = db.session.execute(
        select(InstrumentDomain.code, InstrumentDomain.labels)
        .join(Instrument, Instrument.id == InstrumentDomain.instrument_id)
        .where(InstrumentDomain.instrument_id.in_(used))
        .order_by(Instrument.created_at.desc(), Instrument.version.desc(), InstrumentDomain.position))
    labels: dict[str, str] = {}
    for code, texts in rows:
        labels.setdefault(code, (texts or {}).get(language) or (texts or {}).get("nl") or code)
    return labels


# Measurements ------------------------------------------------------------------------------------


def _in_scope(statement: Select[Any], scope: Scope, measurement: Any = Measurement) -> Select[Any]:
    """``statement`` (which selects from ``measurement``) limited to completed measurements taken in
    the year, of families in the scope's municipality."""
    statement = statement.where(measurement.status == MeasurementStatus.COMPLETED,
                                measurement.taken_on.between(scope.start, scope.end))
    return _of_municipality(statement, scope, measurement.family_id)


def _of_municipality(statement: Select[Any], scope: Scope, family_id: Any) -> Select[Any]:
    """``statement`` limited to the families of the scope's municipality and track (if chosen)."""
    if not scope.limits_families:
        return statement
    return statement.where(_once_in(family_id, scope.families()))


def _once_in(column: Any, subquery: Select[Any]) -> Any:
    """``column IN (subquery)`` that PostgreSQL evaluates once, as a hashed set: wrapped in
    ``IS true`` it is not turned into a semi-join, whose plan (a nested loop over every pair)
    goes badly wrong when the planner's row estimates are stale. SQLite evaluates it once anyway."""
    return column.in_(subquery).is_(True)


def _scaled(mean: Any) -> Any:
    """A stored domain mean as an integer number of 1/SCALE (exact sums on every database)."""
    return cast(func.round(mean * SCALE), Integer)


def measured(scope: Scope) -> dict[Moment, int]:
    """How many families were measured (completed) at each moment in the year (one statement)."""
    rows = db.session.execute(_in_scope(
        select(Measurement.moment, func.count(distinct(Measurement.family_id))), scope).group_by(Measurement.moment))
    found = {moment: count for moment, count in rows}
    return {moment: int(found.get(moment, 0)) for moment in Moment}


def domain_means(scope: Scope, labels: dict[str, str]) -> list[DomainMeans]:
    """Per domain, the number of families scored and the sum of their domain means at each moment
    (one statement); domains in the order of ``labels``, unknown codes after them."""
    rows = db.session.execute(_in_scope(
        select(Measurement.moment, DomainScore.domain_code, func.count(DomainScore.mean),
               func.sum(_scaled(DomainScore.mean)))
        .select_from(DomainScore)
        .join(Measurement, and_(Measurement.tenant_id == DomainScore.tenant_id,
                                Measurement.id == DomainScore.measurement_id))
        .where(DomainScore.mean.is_not(None)), scope)
        .group_by(Measurement.moment, DomainScore.domain_code))
    found: dict[str, DomainMeans] = {}
    for moment, code, count, total in rows:
        means = found.setdefault(code, DomainMeans(code, labels.get(code, code)))
        means.counts[moment] = int(count)
        means.totals[moment] = Decimal(int(total)) / SCALE
    return _ordered(found, labels)


def paired_changes(scope: Scope, labels: dict[str, str]) -> list[DomainChange]:
    """Per domain, the change T0 → Tend over the families scored at both, Tend taken in the year
    (one statement: n, Σd and Σd² in SQL).

    The inner query puts each family's T0 and Tend score of a domain side by side with a
    conditional MAX (a family has one measurement per moment), rather than joining the scores to
    themselves: one pass over the scores, whatever the planner believes about the row counts."""
    scaled = _scaled(DomainScore.mean)
    tend_in_year = and_(Measurement.moment == Moment.TEND, Measurement.taken_on.between(scope.start, scope.end))
    pairs = _of_municipality(
        select(Measurement.family_id, DomainScore.domain_code.label("code"),
               func.max(case((Measurement.moment == Moment.T0, scaled))).label("before"),
               func.max(case((tend_in_year, scaled))).label("after"))
        .select_from(DomainScore)
        .join(Measurement, and_(Measurement.tenant_id == DomainScore.tenant_id,
                                Measurement.id == DomainScore.measurement_id))
        .where(Measurement.status == MeasurementStatus.COMPLETED, Measurement.moment.in_([Moment.T0, Moment.TEND]),
               DomainScore.mean.is_not(None)), scope, Measurement.family_id
    ).group_by(Measurement.family_id, DomainScore.domain_code).subquery()
    difference = pairs.c.after - pairs.c.before
    band = int(STABLE_BAND * SCALE)
    statement = (
        select(pairs.c.code, func.count(), func.sum(difference), func.sum(difference * difference),
               func.sum(case((difference >= band, 1), else_=0)), func.sum(case((difference <= -band, 1), else_=0)))
        .where(pairs.c.before.is_not(None), pairs.c.after.is_not(None))
        .group_by(pairs.c.code))
    found: dict[str, DomainChange] = {}
    for code, n, total, squares, improved, worse in db.session.execute(statement):
        change = change_from_sums(int(n), int(total), int(squares), SCALE)
        found[code] = DomainChange(code, labels.get(code, code), change, int(improved),
                                   int(n) - int(improved) - int(worse), int(worse), int(total), int(squares))
    return _ordered(found, labels)


def change_from_sums(n: int, total: int, squares: int, scale: int = 1) -> PairedChange:
    """The paired change from SQL sums of the differences: n, Σd and Σd², each difference in units
    of 1/``scale``. Mean Σd/n; sample variance (Σd² − (Σd)²/n) / (n − 1); the 95 % interval
    mean ± t(0.975, n − 1) × sd / √n, as tenants.impact.scoring.paired_change defines it."""
    mean = Fraction(total, n * scale)
    if n == 1:
        return PairedChange(n, mean, None, None, None)
    variance = (Fraction(squares) - Fraction(total * total, n)) / (n - 1) / (scale * scale)
    with localcontext() as context:
        context.prec = 28
        sd = (Decimal(variance.numerator) / Decimal(variance.denominator)).sqrt()
        standard_error = (Decimal(variance.numerator) / Decimal(variance.denominator * n)).sqrt()
        margin = t_quantile(n - 1) * standard_error
        centre = Decimal(mean.numerator) / Decimal(mean.denominator)
        return PairedChange(n, mean, sd, centre - margin, centre + margin)


def _ordered(found: dict[str, Any], labels: dict[str, str]) -> list[Any]:
    return [found[code] for code in labels if code in found] + [
        found[code] for code in sorted(found) if code not in labels]


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
    return _of_municipality(statement, scope, Match.family_id).subquery()


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
        attended = attended.where(_once_in(Enrolment.volunteer_id, select(active_volunteers(scope).c.volunteer_id)))
    attended_sq = attended.group_by(TrainingSession.course_id, TrainingSession.module_index).subquery()
    rows = db.session.execute(visible_courses(Course.modules, attended_sq.c.module_index, attended_sq.c.attended)
                              .join(attended_sq, attended_sq.c.course_id == Course.id))
    attendances, hours = 0, Decimal(0)
    for modules, index, count in rows:
        attendances += int(count)
        if modules and 0 <= index < len(modules):
            hours += Decimal(str(modules[index].get("hours") or 0)) * int(count)
    return attendances, hours

