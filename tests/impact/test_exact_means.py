"""Means of domain scores and of paired changes are taken from exact sums (issue 16): each family's
score is kept as a whole number of 1/SCORE_SCALE (DomainScore.mean_units), so a mean exactly on
x.xx5 is shown as x.xx + 0.01, where summing the four-decimal means would fall just short of it."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from fractions import Fraction

from flask import Flask

from saas.foundation.inference import rounded
from saas.foundation.measures import MAX_DOMAIN_ITEMS, SCORE_SCALE
from saas.tenancy.models import Tenant
from tenants.impact.dashboard import aggregates
from tenants.impact.dashboard.aggregates import Scope
from tenants.impact.instruments.checks import Checker
from tenants.impact.measurements.models import DomainScore, Measurement
from tenants.impact.measurements.scoring import as_decimal, in_units
from tenants.impact.vocabulary import MeasurementStatus, Moment
from tests.factories.dashboard import create_instrument
from tests.factories.families import create_family
from tests.factories.platform import in_tenant

YEAR = 2025
LABELS = {"finances": "Finances"}


def add_scores(app: Flask, tenant: Tenant, scores: list[dict[Moment, Fraction]]) -> None:
    """One family per entry, measured (completed, in YEAR) at each moment with the exact score given;
    the rows are what tenants.impact.measurements.operations.store_scores writes."""
    instrument = create_instrument(app, {"finances": {"nl": "Financiën", "en": "Finances"}})
    families = [create_family(app, tenant, family_name=f"Exact {index}") for index in range(len(scores))]
    with in_tenant(app, tenant) as session:
        for family, by_moment in zip(families, scores, strict=True):
            for moment, score in by_moment.items():
                measurement = Measurement(id=uuid.uuid4(), family_id=family.id, instrument_id=instrument.id,
                                          moment=moment, taken_on=date(YEAR, 3 if moment == Moment.T0 else 9, 1),
                                          status=MeasurementStatus.COMPLETED)
                session.add(measurement)
                session.flush()
                session.add(DomainScore(measurement_id=measurement.id, domain_code="finances", mean=as_decimal(score),
                                        mean_units=in_units(score), answered=score.denominator, items=MAX_DOMAIN_ITEMS))
        session.commit()


def domain_means(app: Flask, tenant: Tenant) -> aggregates.DomainMeans:
    with in_tenant(app, tenant):
        (finances,) = aggregates.domain_means(Scope(YEAR), LABELS)
        return finances


def test_every_possible_score_is_a_whole_number_of_units() -> None:
    for answered in range(1, MAX_DOMAIN_ITEMS + 1):
        for points in range(answered, 4 * answered + 1):
            assert Fraction(in_units(Fraction(points, answered)), SCORE_SCALE) == Fraction(points, answered)


def test_a_mean_on_a_half_hundredth_is_shown_half_up(app: Flask, tenant_a: Tenant) -> None:
    # Three families on 9/8, 3/2 and 9/4: exactly 1.625, shown 1.63 (half up, not half even).
    add_scores(app, tenant_a, [{Moment.T0: Fraction(9, 8)}, {Moment.T0: Fraction(3, 2)}, {Moment.T0: Fraction(9, 4)}])

    finances = domain_means(app, tenant_a)

    assert finances.exact_mean(Moment.T0) == Fraction(13, 8)
    assert finances.mean(Moment.T0) == Decimal("1.63")


def test_the_mean_comes_from_the_exact_scores_not_the_rounded_ones(app: Flask, tenant_a: Tenant) -> None:
    # 4/3 three times and 3/2: exactly 11/8 = 1.375 → 1.38. Four-decimal means (1.3333 × 3 + 1.5) give
    # 1.374975, which showed 1.37.
    add_scores(app, tenant_a, [{Moment.T0: Fraction(4, 3)}] * 3 + [{Moment.T0: Fraction(3, 2)}])

    finances = domain_means(app, tenant_a)

    assert sum(as_decimal(score) for score in [Fraction(4, 3)] * 3 + [Fraction(3, 2)]) / 4 < Decimal("1.375")
    assert finances.totals[Moment.T0] == Fraction(11, 2) and finances.mean(Moment.T0) == Decimal("1.38")


def test_a_paired_change_on_a_half_hundredth_is_exact(app: Flask, tenant_a: Tenant) -> None:
    differences = (Fraction(1, 3), Fraction(-1, 6), Fraction(-1, 6), Fraction(1, 40), Fraction(0))
    add_scores(app, tenant_a, [
        {Moment.T0: Fraction(5, 3), Moment.TEND: Fraction(2)},
        {Moment.T0: Fraction(3, 2), Moment.TEND: Fraction(4, 3)},
        {Moment.T0: Fraction(5, 3), Moment.TEND: Fraction(3, 2)},
        {Moment.T0: Fraction(21, 10), Moment.TEND: Fraction(17, 8)},
        {Moment.T0: Fraction(3, 2), Moment.TEND: Fraction(3, 2)},
    ])

    with in_tenant(app, tenant_a):
        (finances,) = aggregates.paired_changes(Scope(YEAR), LABELS)

    # Σd = 1/40: mean exactly 0.005, shown +0.01. Four-decimal scores give Σd = 0.0249 (mean 0.00498: 0.00).
    assert finances.n == 5 and finances.change.mean == Fraction(1, 200)
    assert rounded(finances.change.mean, Decimal("0.01")) == Decimal("0.01")
    assert finances.sum_of_differences == SCORE_SCALE // 40
    assert finances.sum_of_squares == sum((d * SCORE_SCALE) ** 2 for d in differences)


def test_an_instrument_domain_with_more_items_than_a_score_can_hold_is_refused() -> None:
    checker = Checker()
    items = [{"code": f"i{n}", "texts": {"nl": "x", "en": "x", "ar": "x"}} for n in range(MAX_DOMAIN_ITEMS + 1)]

    checker.items(items, ("domains", 0, "items"), set())

    assert checker.errors
