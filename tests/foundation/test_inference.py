"""Exact t quantiles, half-up rounding from exact values, and score cells in more than one unit
(issue 16): saas.foundation.inference, saas.foundation.published and the national means."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction

import pytest
import scipy.stats
from flask import Flask
from sqlalchemy import update

from saas.db import bind_context, db, tenant_context
from saas.foundation import national
from saas.foundation.inference import change_from_sums, rounded, t_quantile
from saas.foundation.measures import LEGACY_SCORE_SCALE, SCORE_SCALE, Measure
from saas.foundation.models import PublishedStatistic
from saas.foundation.published import CellKey, read_published
from tenants.publishing.cells import Cell
from tests.factories.foundation import publish
from tests.factories.platform import create_tenant, database


@pytest.mark.parametrize(("df", "t"), [(1, "12.7062"), (10, "2.2281"), (121, "1.9798"), (1000, "1.9623")])
def test_known_t_quantiles(df: int, t: str) -> None:
    assert t_quantile(df).quantize(Decimal("0.0001")) == Decimal(t)


def test_no_t_quantile_without_degrees_of_freedom() -> None:
    with pytest.raises(ValueError, match="degree of freedom"):
        t_quantile(0)


def test_the_interval_is_scipys_t_interval() -> None:
    differences = [1, 2, 3, 4, 7, -2, 0, 5]
    n, total, squares = len(differences), sum(differences), sum(d * d for d in differences)
    mean = total / n
    standard_error = scipy.stats.sem(differences)

    change = change_from_sums(n, total, squares)

    low, high = scipy.stats.t.interval(0.95, n - 1, loc=mean, scale=standard_error)
    assert float(change.low) == pytest.approx(low, abs=1e-12) and float(change.high) == pytest.approx(high, abs=1e-12)


@pytest.mark.parametrize(("value", "shown"), [
    (Fraction(467, 200), "2.34"), (Decimal("2.325"), "2.33"), (Fraction(-1, 200), "-0.01"), (Fraction(1, 3), "0.33"),
    (Fraction(-2, 3), "-0.67"), (Decimal("-0.004"), "0.00"), (Fraction(1, 200) - Fraction(1, 10**30), "0.00")])
def test_rounded_is_half_up_from_the_exact_value(value: Fraction | Decimal, shown: str) -> None:
    assert str(rounded(value, Decimal("0.01"))) == shown


def test_a_national_mean_on_a_half_hundredth_is_shown_half_up() -> None:
    # Ten families averaging exactly 2.325: a total of 23.25 in units of 1/SCORE_SCALE.
    total = Fraction(2325 * 10 * SCORE_SCALE // 1000, SCORE_SCALE)
    assert national._mean(10, 10, total, national.CHANGE_PLACES) == Decimal("2.33")
    assert national._mean(None, 10, total, national.CHANGE_PLACES) is None


def test_the_score_unit_is_exact_for_every_score_and_for_the_old_cells() -> None:
    assert SCORE_SCALE % 2520 == 0 and SCORE_SCALE % LEGACY_SCORE_SCALE == 0


def test_cells_in_the_old_unit_are_read_in_the_new_one(app: Flask) -> None:
    """A frozen year keeps the cells published in 1/10 000; a tenant that publishes now writes
    1/SCORE_SCALE. Added up, both are read in 1/SCORE_SCALE, and so are their squares."""
    old = create_tenant(app, "units-old", name="Old unit")
    new = create_tenant(app, "units-new", name="New unit")
    started = datetime(2026, 1, 10, tzinfo=UTC)
    publish(app, old, [Cell("2025", Measure.DOMAIN_SCORE, 2, total=45_000, track="regular", domain="d", moment="t0"),
                       Cell("2025", Measure.PAIRED_CHANGE, 2, total=5_000, squares=2 * 2_500 ** 2, track="regular",
                            domain="d"),
                       Cell("2025", Measure.SATISFACTION, 2, total=15, track="regular")], started_at=started)
    publish(app, new, [Cell("2025", Measure.DOMAIN_SCORE, 1, total=2 * SCORE_SCALE, track="regular", domain="d",
                            moment="t0"),
                       Cell("2025", Measure.SATISFACTION, 1, total=8, track="regular")], started_at=started)
    with database(app) as session, tenant_context(session, old.id):  # as written before the unit was recorded
        session.execute(update(PublishedStatistic).values(score_scale=LEGACY_SCORE_SCALE))
    with app.app_context():
        bind_context(db.session, reader="foundation")
        cells = read_published(2025).cells

    scores = cells[CellKey("2025", Measure.DOMAIN_SCORE.value, "regular", "d", "t0")]
    assert (scores.n, Fraction(scores.total, SCORE_SCALE)) == (3, Fraction(13, 2))  # 2.0 + 2.5 + 2.0
    change = cells[CellKey("2025", Measure.PAIRED_CHANGE.value, "regular", "d")]
    assert (Fraction(change.total, SCORE_SCALE), Fraction(change.squares, SCORE_SCALE ** 2)) == (
        Fraction(1, 2), Fraction(1, 8))
    satisfaction = cells[CellKey("2025", Measure.SATISFACTION.value, "regular")]
    assert (satisfaction.n, satisfaction.total) == (3, 23)  # not a score: never converted
