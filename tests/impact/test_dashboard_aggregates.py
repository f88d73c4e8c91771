"""The dashboard's figures (tenants.impact.dashboard.aggregates) against the hand-computed dataset of
tests/impact/dashboard_dataset.py (the table of families is there)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction

import pytest
import time_machine
from flask import Flask

from saas.clock import local_today
from saas.tenancy.models import Tenant
from tenants.families.vocabulary import ClosureReason
from tenants.impact.dashboard import aggregates, queries
from tenants.impact.dashboard.aggregates import Scope, change_from_sums
from tenants.impact.measurements.scoring import paired_change
from tenants.impact.vocabulary import Moment
from tests.factories.platform import in_tenant
from tests.impact.dashboard_dataset import YEAR, dataset  # noqa: F401 - a fixture


def figures(app: Flask, tenant: Tenant, municipality: str | None = None, year: int = YEAR) -> queries.ImpactFigures:
    with in_tenant(app, tenant):
        return queries.impact_figures(Scope(year, municipality), "en")


@pytest.mark.usefixtures("dataset")
def test_families_measured_per_moment(app: Flask, tenant_a: Tenant) -> None:
    result = figures(app, tenant_a)
    assert result.measured == {Moment.T0: 3, Moment.T1: 0, Moment.TEND: 3}  # F1's T0 is 2024; F4's T1 unfinished


@pytest.mark.usefixtures("dataset")
def test_mean_per_domain_at_each_moment(app: Flask, tenant_a: Tenant) -> None:
    finances, housing = figures(app, tenant_a).domains
    assert (finances.code, finances.label, housing.label) == ("finances", "Finances", "Housing")
    assert finances.counts == {Moment.T0: 3, Moment.TEND: 3}
    assert finances.exact_mean(Moment.T0) == Fraction(7, 3)  # 1.5, 2.5, 3.0
    assert finances.mean(Moment.T0) == Decimal("2.33")  # as shown: two decimals, half up
    assert finances.exact_mean(Moment.TEND) == Fraction(157, 60)  # 3.0, 2.25, 2.6
    assert finances.mean(Moment.TEND) == Decimal("2.62")
    assert finances.mean(Moment.T1) is None
    assert housing.counts == {Moment.T0: 2, Moment.TEND: 3}  # F3's housing at T0 was not scored
    assert housing.mean(Moment.T0) == Decimal("2.25") and housing.exact_mean(Moment.TEND) == Fraction(17, 6)


@pytest.mark.usefixtures("dataset")
def test_paired_change_with_its_confidence_interval(app: Flask, tenant_a: Tenant) -> None:
    finances, housing = figures(app, tenant_a).changes
    # Finances: differences 1.0, 0.75, 0.1 (F1, F2, F3; F5's Tend is in 2024): mean 37/60,
    # sd √(0.431667/2) = 0.46458, t(0.975, 2) = 4.302653: 0.61667 ± 4.302653 × 0.46458 / √3.
    assert finances.n == 3 and finances.change.mean == Fraction(37, 60)
    assert round(finances.change.sd, 5) == Decimal("0.46458")
    assert round(finances.change.low, 4) == Decimal("-0.5374") and round(finances.change.high, 4) == Decimal("1.7707")
    assert (finances.improved, finances.stable, finances.worse) == (2, 1, 0)  # 0.1 is within ±0.25
    assert finances.change == paired_change([(Decimal("2.0"), Decimal("3.0")), (Decimal("1.5"), Decimal("2.25")),
                                             (Decimal("2.5"), Decimal("2.6"))])
    # Housing: F3 has no T0 score, so only F1 (0.0) and F2 (−0.5).
    assert housing.n == 2 and housing.change.mean == Fraction(-1, 4)
    assert (housing.improved, housing.stable, housing.worse) == (0, 1, 1)
    assert housing.share(housing.worse) == Fraction(1, 2)


def test_change_from_sums_matches_the_scoring_function() -> None:
    pairs = [(1, 3), (2, 2), (4, 1), (2, 4), (1, 1)]
    differences = [after - before for before, after in pairs]
    assert change_from_sums(5, sum(differences), sum(d * d for d in differences)) == paired_change(pairs)
    single = change_from_sums(1, 2500, 2500 ** 2, 10_000)
    assert single.mean == Fraction(1, 4) and single.low is None


@pytest.mark.usefixtures("dataset")
def test_closure_outcomes(app: Flask, tenant_a: Tenant) -> None:
    outcomes = figures(app, tenant_a).outcomes
    assert outcomes.closed == 3  # F1, F2, F3 (F5 closed in 2024)
    # All three had a match that ran in 2025; none closed after an earlier match or without one.
    assert (outcomes.closed_after_match_in_period, outcomes.closed_after_earlier_match,
            outcomes.closed_without_match) == (3, 0, 0)
    assert (outcomes.with_care, outcomes.care_stopped, outcomes.care_reduced) == (2, 1, 0)
    assert (outcomes.would_otherwise_be_referred, outcomes.prevented_referral_confirmed) == (1, 1)
    assert outcomes.satisfaction == Fraction(15, 2) and outcomes.satisfaction_count == 2
    assert outcomes.reasons == {ClosureReason.GOALS_REACHED: 2, ClosureReason.MOVED: 1}


@pytest.mark.usefixtures("dataset")
def test_reach(app: Flask, tenant_a: Tenant) -> None:
    reach = figures(app, tenant_a).reach
    assert (reach.families, reach.new_families, reach.continued_families) == (4, 3, 1)
    # Ages on 31 December 2025: 3 (born 2022-01-01), 11, 4 (born 2021-12-31), 15, 18, and one unknown.
    assert reach.children == {(0, 3): 1, (4, 11): 2, (12, 17): 1, (18, 23): 1}
    assert reach.children_other == 1 and reach.children_total == 6
    assert reach.volunteers == 3
    assert reach.training_hours == Decimal("5.5")  # 2 × 2 hours + 1.5 hours in 2025


@pytest.mark.usefixtures("dataset")
def test_a_municipality_narrows_every_figure(app: Flask, tenant_a: Tenant) -> None:
    gamma = figures(app, tenant_a, "Gamma")
    assert gamma.measured == {Moment.T0: 1, Moment.T1: 0, Moment.TEND: 0}
    assert [domain.counts for domain in gamma.domains] == [{Moment.T0: 1}, {Moment.T0: 1}]
    assert gamma.changes == [] and gamma.outcomes.closed == 0
    assert (gamma.reach.families, gamma.reach.volunteers, gamma.reach.training_hours) == (1, 1, Decimal("1.5"))
    alpha = figures(app, tenant_a, "Alpha")
    assert alpha.measured[Moment.T0] == 2 and alpha.outcomes.closed == 3
    assert (alpha.reach.families, alpha.reach.volunteers, alpha.reach.training_hours) == (3, 2, Decimal(4))


@pytest.mark.usefixtures("dataset")
def test_another_year(app: Flask, tenant_a: Tenant) -> None:
    result = figures(app, tenant_a, year=2024)
    assert result.measured == {Moment.T0: 2, Moment.T1: 0, Moment.TEND: 1}  # F1 and F5; F5's Tend
    assert [(change.code, change.n, change.change.mean) for change in result.changes] == [
        ("finances", 1, 1), ("housing", 1, 1)]
    assert result.outcomes.closed == 1 and result.outcomes.satisfaction == 3
    assert (result.reach.families, result.reach.new_families, result.reach.training_hours) == (2, 2, Decimal(2))
    with in_tenant(app, tenant_a):
        # Years of measurements, closures and match starts, and always the current year.
        activity = aggregates.year_activity()
        assert activity.years == {2025, 2024} and activity.measured <= activity.years
        assert aggregates.offered_years(activity) == sorted({local_today().year, 2025, 2024}, reverse=True)


@pytest.mark.parametrize(("today", "years", "measured", "opens_on"), [
    (datetime(2025, 6, 1, 12, tzinfo=UTC), {2024, 2025}, {2024, 2025}, 2025),  # this year has measurements
    (datetime(2026, 1, 1, 12, tzinfo=UTC), {2024, 2025}, {2024, 2025}, 2025),  # New Year's Day: last year
    # A match started on New Year's Day is activity, but no figures yet: still last year.
    (datetime(2026, 1, 1, 12, tzinfo=UTC), {2025, 2026}, {2025}, 2025),
    (datetime(2023, 6, 1, 12, tzinfo=UTC), set(), set(), 2023),  # nothing measured anywhere: this year
])
def test_the_dashboard_opens_on_a_year_with_measurements(app: Flask, today: datetime, years: set[int],
                                                         measured: set[int], opens_on: int) -> None:
    activity = aggregates.YearActivity(frozenset(years), frozenset(measured))
    with app.app_context(), time_machine.travel(today, tick=False):
        assert aggregates.default_year(activity) == opens_on


def test_an_empty_tenant_has_zeros(app: Flask, tenant_b: Tenant) -> None:
    result = figures(app, tenant_b)
    assert result.measured == dict.fromkeys(Moment, 0)
    assert result.domains == [] and result.changes == [] and result.outcomes.satisfaction is None
    assert result.reach.families == 0 and result.reach.training_hours == 0
