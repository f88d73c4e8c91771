"""The cells the bound tenant publishes, computed per period exactly as saas.foundation.measures
defines them (that module is the contract with the foundation's reader).

The figures come from tenants.impact.dashboard (aggregates and reach; the tenant's own dashboard
counts the same way), with a Scope per period and, for the measures split by track, per track; tenants.publishing.
indicators adds what the dashboard lacks (volunteers who started or stopped, fidelity). Every
period costs the same fixed number of statements (:data:`STATEMENTS_PER_PERIOD`), however many
families the tenant has.

A cell whose n, total and squares are all 0 is not written: the reader treats a missing cell as
zero, and the table stays small (most tenants have no families in most track × domain × moment
combinations of a quarter).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP
from fractions import Fraction

from saas.foundation.measures import (
    AGE_BAND_CATEGORIES,
    ALL,
    CHANGE_DIRECTIONS,
    HOURS_SCALE,
    MUNICIPALITY_LENGTH,
    OUTCOME_CATEGORIES,
    SCORE_SCALE,
    Measure,
)
from saas.foundation.periods import Period
from tenants.families.vocabulary import Track
from tenants.impact.dashboard import aggregates
from tenants.impact.dashboard import reach as reach_figures
from tenants.impact.dashboard.aggregates import Scope
from tenants.impact.dashboard.reach import AGE_BANDS
from tenants.impact.vocabulary import Moment
from tenants.publishing import indicators
from tenants.volunteers.models import ScreeningPolicy
from tenants.volunteers.operations import policy_for_tenant

# The aggregates sum domain means in the unit the contract publishes them in.
assert aggregates.SCALE == SCORE_SCALE
assert len(AGE_BANDS) + 1 == len(AGE_BAND_CATEGORIES)  # the bands, then "other"

#: Per track: measured, domain means, paired changes to Tend and to T1, outcomes (one each), families
#: and children (two).
STATEMENTS_PER_TRACK = 7
#: Not split by track: active volunteers, volunteers new/stopped, training, municipalities, and the
#: fidelity indicators (cases started, trained volunteers, valid VOGs, caseload).
STATEMENTS_PER_PERIOD = STATEMENTS_PER_TRACK * len(Track) + 8


@dataclass(frozen=True)
class Cell:
    """One published cell (see saas.foundation.measures for what n / total / squares mean)."""

    period: str
    measure: Measure
    n: int = 0
    total: int = 0
    squares: int = 0
    track: str = ALL
    domain: str = ALL
    moment: str = ALL
    category: str = ALL

    @property
    def is_empty(self) -> bool:
        return not (self.n or self.total or self.squares)

    def as_row(self) -> dict[str, object]:
        """The columns of saas.foundation.models.PublishedStatistic (publication and tenant added by the writer)."""
        return {"period": self.period, "measure": self.measure.value, "track": self.track, "domain": self.domain,
                "moment": self.moment, "category": self.category, "n": self.n, "total": self.total,
                "squares": self.squares}


def compute_cells(periods: Iterable[Period]) -> list[Cell]:
    """Every non-empty cell of the bound tenant for ``periods``."""
    policy = policy_for_tenant()  # the tenant's VOG rules, read once for every period
    return [cell for period in periods for cell in period_cells(period, policy) if not cell.is_empty]


def period_cells(period: Period, policy: ScreeningPolicy) -> Iterator[Cell]:
    """The cells of one period, empty ones included (:data:`STATEMENTS_PER_PERIOD` statements)."""
    for track in Track:
        yield from _track_cells(period, track)
    yield from _tenant_cells(period, policy)


def _scope(period: Period, track: Track | None = None) -> Scope:
    return Scope(period.year, quarter=period.quarter, track=track)


def _track_cells(period: Period, track: Track) -> Iterator[Cell]:
    """The measures split by track, from the dashboard's aggregates limited to ``track``."""
    scope, key, code = _scope(period, track), period.key, track.value
    for moment, count in aggregates.measured(scope).items():
        yield Cell(key, Measure.MEASURED, n=count, track=code, moment=moment.value)
    for means in aggregates.domain_means(scope, {}):
        for moment in Moment:
            if means.counts.get(moment):
                yield Cell(key, Measure.DOMAIN_SCORE, n=means.counts[moment], total=_scaled(means.totals[moment]),
                           track=code, domain=means.code, moment=moment.value)
    for change in aggregates.paired_changes(scope, {}):
        yield Cell(key, Measure.PAIRED_CHANGE, n=change.n, total=change.sum_of_differences,
                   squares=change.sum_of_squares, track=code, domain=change.code)
        for direction, count in zip(CHANGE_DIRECTIONS, (change.improved, change.stable, change.worse), strict=True):
            yield Cell(key, Measure.CHANGE_DIRECTION, n=count, track=code, domain=change.code, category=direction)
    for change in aggregates.paired_changes(scope, {}, to=Moment.T1):  # after a year: moment "t1"
        yield Cell(key, Measure.PAIRED_CHANGE, n=change.n, total=change.sum_of_differences,
                   squares=change.sum_of_squares, track=code, domain=change.code, moment=Moment.T1.value)
    outcomes = reach_figures.outcomes(scope)
    yield from _closure_cells(key, code, outcomes)
    yield from _reach_cells(key, code, reach_figures.family_reach(scope), outcomes.closed)


def _closure_cells(key: str, track: str, outcomes: reach_figures.Outcomes) -> Iterator[Cell]:
    for reason, count in outcomes.reasons.items():
        yield Cell(key, Measure.CLOSURE_REASON, n=count, track=track, category=reason.value)
    for category in OUTCOME_CATEGORIES:  # named as the Outcomes fields
        yield Cell(key, Measure.OUTCOME, n=getattr(outcomes, category), track=track, category=category)
    yield Cell(key, Measure.SATISFACTION, n=outcomes.satisfaction_count, total=outcomes.satisfaction_total,
               squares=outcomes.satisfaction_squares, track=track)


def _reach_cells(key: str, track: str, reach: reach_figures.Reach, closed: int) -> Iterator[Cell]:
    """Families and children. The families "closed" are all those closed in the period (the
    outcomes' count), not only those also supported in it (``closed_after_match_in_period``): the national
    view shows them as the total of the closure reasons and outcomes, and adds a year up from its
    quarters — a family closed the quarter after its match ended, or closed without ever being
    matched, would otherwise be missing there."""
    for category, count in (("supported", reach.families), ("new", reach.new_families), ("closed", closed)):
        yield Cell(key, Measure.FAMILIES, n=count, track=track, category=category)
    counts = [reach.children.get(band, 0) for band in AGE_BANDS] + [reach.children_other]
    for category, count in zip(AGE_BAND_CATEGORIES, counts, strict=True):
        yield Cell(key, Measure.CHILDREN, n=count, track=track, category=category)


def _tenant_cells(period: Period, policy: ScreeningPolicy) -> Iterator[Cell]:
    """The measures over the whole tenant (track ALL): volunteers, training, municipalities, fidelity."""
    scope, key = _scope(period), period.key
    flow = indicators.volunteer_flow(scope)
    for category, count in (("active", reach_figures.volunteer_count(scope)), ("new", flow.new),
                            ("stopped", flow.stopped)):
        yield Cell(key, Measure.VOLUNTEERS, n=count, category=category)
    attendances, hours = reach_figures.training_attendance(scope)
    yield Cell(key, Measure.TRAINING_HOURS, n=attendances,
               total=int((hours * HOURS_SCALE).to_integral_value(ROUND_HALF_UP)))
    for name in reach_figures.municipalities(scope):
        yield Cell(key, Measure.MUNICIPALITIES, n=1, category=name[:MUNICIPALITY_LENGTH])
    t0_done, home_visit_intake = indicators.case_start_indicators(scope)
    for category, share in (("t0_done", t0_done), ("home_visit_intake", home_visit_intake),
                            ("trained_before_first_match", indicators.trained_before_first_match(scope)),
                            ("valid_vog", indicators.valid_vog(scope, policy)),
                            ("caseload", indicators.caseload(scope))):
        yield Cell(key, Measure.FIDELITY, n=share.n, total=share.total, category=category)


def _scaled(total: Fraction) -> int:
    """A sum of domain scores back in units of 1/SCORE_SCALE (the aggregates' exact integer sum)."""
    units = total * SCORE_SCALE
    if units.denominator != 1:  # the aggregates sum whole units: anything else is a bug, not a rounding
        raise ValueError(f"a sum of scores that is not a whole number of 1/{SCORE_SCALE}: {total}")
    return units.numerator
