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

Sums are taken over each family's exact score, a whole number of 1/SCALE (DomainScore.mean_units;
SCALE is the published SCORE_SCALE), never over the four-decimal DomainScore.mean: the means and the
paired change's confidence interval come out exactly as
:func:`tenants.impact.measurements.scoring.paired_change` computes them from the exact scores, and a
mean exactly on x.xx5 is shown as x.xx + 0.01 (saas.foundation.inference.rounded).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any

from sqlalchemy import BigInteger, Select, and_, case, cast, distinct, extract, func, literal, select, union

from saas.clock import local_today
from saas.db import db
from saas.foundation.inference import rounded
from saas.foundation.measures import SCORE_SCALE
from saas.foundation.periods import period_bounds
from tenants.families.models import Family
from tenants.families.vocabulary import Track
from tenants.impact.instruments.models import Instrument, InstrumentDomain
from tenants.impact.measurements.models import DomainScore, Measurement
from tenants.impact.measurements.scoring import PairedChange, t_quantile
from tenants.impact.vocabulary import MeasurementStatus, Moment
from tenants.matching.models import Match

#: A change of less than this (either way, on the 1–4 scale) counts as "stable".
STABLE_BAND = Decimal("0.25")
#: Domain scores are summed in SQL as integers in units of 1/SCALE (exact: see SCORE_SCALE).
SCALE = SCORE_SCALE
#: The precision a mean is shown with (on the 1–4 scale).
MEAN_PLACES = Decimal("0.01")
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
    """One domain's scores at each moment: how many families were scored and the exact sum of their scores."""

    code: str
    label: str
    counts: dict[Moment, int] = field(default_factory=dict)
    totals: dict[Moment, Fraction] = field(default_factory=dict)

    def exact_mean(self, moment: Moment) -> Fraction | None:
        n = self.counts.get(moment, 0)
        return self.totals[moment] / n if n else None

    def mean(self, moment: Moment) -> Decimal | None:
        """The mean as shown: rounded half up to MEAN_PLACES from the exact mean."""
        exact = self.exact_mean(moment)
        return None if exact is None else rounded(exact, MEAN_PLACES)


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


# Years and labels ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearActivity:
    #: Years with a completed measurement, a closure or a match start.
    years: frozenset[int]
    #: Of those, the years with a completed measurement: the dashboard's figures and charts.
    measured: frozenset[int]


def year_activity() -> YearActivity:
    """Which years have activity, and which of them measurements (one statement)."""
    measured, other = literal("measured"), literal("other")
    statement = union(
        select(extract("year", Measurement.taken_on), measured)
        .where(Measurement.status == MeasurementStatus.COMPLETED).distinct(),
        select(extract("year", Family.closed_on), other).where(Family.closed_on.is_not(None)).distinct(),
        select(extract("year", Match.started_on), other).where(Match.started_on.is_not(None)).distinct())
    rows = [(int(year), kind) for year, kind in db.session.execute(statement) if year is not None]
    return YearActivity(frozenset(year for year, _kind in rows),
                        frozenset(year for year, kind in rows if kind == "measured"))


def offered_years(activity: YearActivity) -> list[int]:
    """The years a dashboard offers: those with activity and always the current one, newest first."""
    years = {*activity.years, local_today().year}
    return sorted((year for year in years if FIRST_YEAR <= year <= LAST_YEAR), reverse=True)


def default_year(activity: YearActivity) -> int:
    """The year a dashboard opens on: the current one once it has measurements; before that (on
    1 January, say) the newest year that has, so the page is not empty for the first weeks."""
    this_year = local_today().year
    measured = activity.measured
    return this_year if this_year in measured or not measured else max(measured)


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
    return of_municipality(statement, scope, measurement.family_id)


def of_municipality(statement: Select[Any], scope: Scope, family_id: Any) -> Select[Any]:
    """``statement`` limited to the families of the scope's municipality and track (if chosen)."""
    if not scope.limits_families:
        return statement
    return statement.where(once_in(family_id, scope.families()))


def once_in(column: Any, subquery: Select[Any]) -> Any:
    """``column IN (subquery)`` that PostgreSQL evaluates once, as a hashed set: wrapped in
    ``IS true`` it is not turned into a semi-join, whose plan (a nested loop over every pair)
    goes badly wrong when the planner's row estimates are stale. SQLite evaluates it once anyway."""
    return column.in_(subquery).is_(True)


def _scaled(score: Any) -> Any:
    """A family's exact domain score in units of 1/SCALE, as a BIGINT: its square would pass a
    PostgreSQL INTEGER (SQLite's integers are 64 bits anyway)."""
    return cast(score.mean_units, BigInteger)


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
        select(Measurement.moment, DomainScore.domain_code, func.count(DomainScore.mean_units),
               func.sum(_scaled(DomainScore)))
        .select_from(DomainScore)
        .join(Measurement, and_(Measurement.tenant_id == DomainScore.tenant_id,
                                Measurement.id == DomainScore.measurement_id))
        .where(DomainScore.mean_units.is_not(None)), scope)
        .group_by(Measurement.moment, DomainScore.domain_code))
    found: dict[str, DomainMeans] = {}
    for moment, code, count, total in rows:
        means = found.setdefault(code, DomainMeans(code, labels.get(code, code)))
        means.counts[moment] = int(count)
        means.totals[moment] = Fraction(int(total), SCALE)
    return _ordered(found, labels)


def paired_changes(scope: Scope, labels: dict[str, str], to: Moment = Moment.TEND) -> list[DomainChange]:
    """Per domain, the change T0 → ``to`` (Tend, or T1 a year after the match) over the families
    scored at both, ``to`` taken in the period (one statement: n, Σd and Σd² in SQL).

    The inner query puts each family's T0 and Tend score of a domain side by side with a
    conditional MAX (a family has one measurement per moment), rather than joining the scores to
    themselves: one pass over the scores, whatever the planner believes about the row counts."""
    scaled = _scaled(DomainScore)
    tend_in_year = and_(Measurement.moment == to, Measurement.taken_on.between(scope.start, scope.end))
    pairs = of_municipality(
        select(Measurement.family_id, DomainScore.domain_code.label("code"),
               func.max(case((Measurement.moment == Moment.T0, scaled))).label("before"),
               func.max(case((tend_in_year, scaled))).label("after"))
        .select_from(DomainScore)
        .join(Measurement, and_(Measurement.tenant_id == DomainScore.tenant_id,
                                Measurement.id == DomainScore.measurement_id))
        .where(Measurement.status == MeasurementStatus.COMPLETED, Measurement.moment.in_([Moment.T0, to]),
               DomainScore.mean_units.is_not(None)), scope, Measurement.family_id
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
    mean ± t(0.975, n − 1) × sd / √n, as tenants.impact.measurements.scoring.paired_change defines it."""
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
