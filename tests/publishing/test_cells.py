"""The cells a tenant publishes (tenants.publishing.cells), against hand counts of the dataset in
tests/publishing/conftest.py (and the families' table in tests/impact/dashboard_dataset.py)."""

from __future__ import annotations

import pytest
from flask import Flask

from saas.foundation.measures import FIDELITY_INDICATORS, SCORE_SCALE, Measure
from saas.foundation.periods import Period
from saas.tenancy.models import Tenant
from tenants.publishing.cells import STATEMENTS_PER_PERIOD, Cell, compute_cells, period_cells
from tenants.volunteers.operations import policy_for_tenant
from tests.factories.dashboard import create_instrument, seed_families
from tests.factories.platform import in_tenant
from tests.factories.publishing import Cells
from tests.support.queries import count_queries

R, F = "regular", "first_1000_days"
#: Scores below are written in ten-thousandths; the cells carry them in units of 1/SCORE_SCALE.
U = SCORE_SCALE // 10_000

YEAR_2025: Cells = {
    # F2, F3 (T0 in 2025), F1–F3 (Tend); F4 on the other track; F4's T1 is unfinished.
    ("measured", R, "", "t0", ""): (2, 0, 0), ("measured", R, "", "tend", ""): (3, 0, 0),
    ("measured", F, "", "t0", ""): (1, 0, 0),
    ("domain_score", R, "finances", "t0", ""): (2, 40000 * U, 0),  # 1.5 + 2.5
    ("domain_score", R, "housing", "t0", ""): (1, 25000 * U, 0),  # F3 not scored
    ("domain_score", R, "finances", "tend", ""): (3, 78500 * U, 0),  # 3.0 + 2.25 + 2.6
    ("domain_score", R, "housing", "tend", ""): (3, 85000 * U, 0),  # 3.0 + 2.0 + 3.5
    ("domain_score", F, "finances", "t0", ""): (1, 30000 * U, 0),
    ("domain_score", F, "housing", "t0", ""): (1, 20000 * U, 0),
    # Differences 1.0, 0.75, 0.1 and 0.0, −0.5 in ten-thousandths, with their squares.
    ("paired_change", R, "finances", "", ""): (3, 18500 * U, (10000 ** 2 + 7500 ** 2 + 1000 ** 2) * U ** 2),
    ("paired_change", R, "housing", "", ""): (2, -5000 * U, (5000 ** 2) * U ** 2),
    ("change_direction", R, "finances", "", "improved"): (2, 0, 0),
    ("change_direction", R, "finances", "", "stable"): (1, 0, 0),
    ("change_direction", R, "housing", "", "stable"): (1, 0, 0),
    ("change_direction", R, "housing", "", "worse"): (1, 0, 0),
    ("closure_reason", R, "", "", "goals_reached"): (2, 0, 0), ("closure_reason", R, "", "", "moved"): (1, 0, 0),
    ("outcome", R, "", "", "closed"): (3, 0, 0), ("outcome", R, "", "", "with_care"): (2, 0, 0),
    ("outcome", R, "", "", "care_stopped"): (1, 0, 0),
    ("outcome", R, "", "", "would_otherwise_be_referred"): (1, 0, 0),
    ("outcome", R, "", "", "prevented_referral_confirmed"): (1, 0, 0),
    ("outcome", R, "", "", "prevented_as_expected"): (1, 0, 0),  # F1: expected, and prevented
    ("outcome", R, "", "", "measured_t0_and_tend"): (3, 0, 0),  # F1–F3
    ("satisfaction", R, "", "", ""): (2, 15, 7 ** 2 + 8 ** 2),
    ("families", R, "", "", "supported"): (3, 0, 0), ("families", R, "", "", "new"): (2, 0, 0),
    ("families", R, "", "", "closed"): (3, 0, 0),
    ("families", F, "", "", "supported"): (1, 0, 0), ("families", F, "", "", "new"): (1, 0, 0),
    # Ages on 31 December: F1 3 and 11, F3 4, F2 15 and 18; F4's child has no birth date.
    ("children", R, "", "", "0-3"): (1, 0, 0), ("children", R, "", "", "4-11"): (2, 0, 0),
    ("children", R, "", "", "12-17"): (1, 0, 0), ("children", R, "", "", "18-23"): (1, 0, 0),
    ("children", F, "", "", "other"): (1, 0, 0),
    ("volunteers", "", "", "", "active"): (3, 0, 0),  # V1, V2, V3
    ("volunteers", "", "", "", "new"): (1, 0, 0),  # V3 (V1 and V2 started in 2024)
    ("volunteers", "", "", "", "stopped"): (2, 0, 0),  # V2, V4
    ("training_hours", "", "", "", ""): (3, 550, 0),  # 2 × 2 h in March, 1.5 h in May
    ("municipalities", "", "", "", "Alpha"): (1, 0, 0), ("municipalities", "", "", "", "Gamma"): (1, 0, 0),
    ("fidelity", "", "", "", "t0_done"): (3, 3, 0),  # F2, F3, F4 started; all with a T0
    ("fidelity", "", "", "", "home_visit_intake"): (3, 2, 0),  # F3's intake was only planned
    ("fidelity", "", "", "", "trained_before_first_match"): (1, 1, 0),  # V3, course done a week before
    ("fidelity", "", "", "", "valid_vog"): (3, 2, 0),  # V2's VOG expired in 2024
    ("fidelity", "", "", "", "caseload"): (1, 1, 0),  # on 31 December only F4 (C2) is supported
}

SECOND_QUARTER_2025: Cells = {
    ("measured", R, "", "tend", ""): (1, 0, 0),  # F1 on 1 June
    ("domain_score", R, "finances", "tend", ""): (1, 30000 * U, 0),
    ("domain_score", R, "housing", "tend", ""): (1, 30000 * U, 0),
    ("paired_change", R, "finances", "", ""): (1, 10000 * U, (10000 ** 2) * U ** 2),
    ("paired_change", R, "housing", "", ""): (1, 0 * U, 0),
    ("change_direction", R, "finances", "", "improved"): (1, 0, 0),
    ("change_direction", R, "housing", "", "stable"): (1, 0, 0),
    ("closure_reason", R, "", "", "goals_reached"): (1, 0, 0),  # F1 on 15 June
    ("outcome", R, "", "", "closed"): (1, 0, 0), ("outcome", R, "", "", "with_care"): (1, 0, 0),
    ("outcome", R, "", "", "care_stopped"): (1, 0, 0),
    ("outcome", R, "", "", "would_otherwise_be_referred"): (1, 0, 0),
    ("outcome", R, "", "", "prevented_referral_confirmed"): (1, 0, 0),
    ("outcome", R, "", "", "prevented_as_expected"): (1, 0, 0),
    ("outcome", R, "", "", "measured_t0_and_tend"): (1, 0, 0),
    ("satisfaction", R, "", "", ""): (1, 8, 8 ** 2),
    ("families", R, "", "", "supported"): (3, 0, 0),  # F1, F2, F3 (none new: they started before April)
    ("families", R, "", "", "closed"): (1, 0, 0),
    ("families", F, "", "", "supported"): (1, 0, 0), ("families", F, "", "", "new"): (1, 0, 0),
    # Ages on 30 June: F1 3 and 11, F3 3, F2 14 and 17.
    ("children", R, "", "", "0-3"): (2, 0, 0), ("children", R, "", "", "4-11"): (1, 0, 0),
    ("children", R, "", "", "12-17"): (2, 0, 0), ("children", F, "", "", "other"): (1, 0, 0),
    ("volunteers", "", "", "", "active"): (3, 0, 0), ("volunteers", "", "", "", "new"): (1, 0, 0),
    ("volunteers", "", "", "", "stopped"): (1, 0, 0),  # V4 on 10 May
    ("training_hours", "", "", "", ""): (1, 150, 0),
    ("municipalities", "", "", "", "Alpha"): (1, 0, 0), ("municipalities", "", "", "", "Gamma"): (1, 0, 0),
    ("fidelity", "", "", "", "t0_done"): (1, 1, 0),  # F4
    ("fidelity", "", "", "", "home_visit_intake"): (1, 1, 0),
    ("fidelity", "", "", "", "trained_before_first_match"): (1, 1, 0),
    ("fidelity", "", "", "", "valid_vog"): (3, 2, 0),
    ("fidelity", "", "", "", "caseload"): (2, 3, 0),  # on 30 June: C1 with F2 and F3, C2 with F4
}


def as_cells(cells: list[Cell], period: Period) -> Cells:
    return {(c.measure.value, c.track, c.domain, c.moment, c.category): (c.n, c.total, c.squares)
            for c in cells if c.period == period.key}


@pytest.mark.usefixtures("statistics_dataset")
@pytest.mark.parametrize(("period", "expected"), [(Period(2025), YEAR_2025), (Period(2025, 2), SECOND_QUARTER_2025)],
                         ids=["year", "quarter"])
def test_cells_equal_the_hand_counts(app: Flask, tenant_a: Tenant, period: Period, expected: Cells) -> None:
    with in_tenant(app, tenant_a):
        cells = compute_cells([period])
    assert as_cells(cells, period) == expected


@pytest.mark.usefixtures("statistics_dataset")
def test_fidelity_is_taken_when_the_first_match_started(app: Flask, tenant_a: Tenant) -> None:
    """2024: V1 and V2 had their first match; V1 did the required course a month after, V2 never."""
    with in_tenant(app, tenant_a):
        cells = as_cells(compute_cells([Period(2024)]), Period(2024))
    assert cells[("fidelity", "", "", "", "trained_before_first_match")] == (2, 0, 0)
    assert cells[("fidelity", "", "", "", "t0_done")] == (2, 2, 0)  # F1 and F5
    assert cells[("fidelity", "", "", "", "home_visit_intake")] == (2, 1, 0)  # F5 had no intake


@pytest.mark.usefixtures("statistics_dataset")
def test_empty_cells_are_left_out_and_every_cell_fits_the_contract(app: Flask, tenant_a: Tenant) -> None:
    with in_tenant(app, tenant_a):
        every = list(period_cells(Period(2025, 2), policy_for_tenant()))
        written = compute_cells([Period(2025, 2)])
    assert len(every) > len(written) == len(SECOND_QUARTER_2025)
    assert all(not cell.is_empty for cell in written)
    assert {cell.category for cell in every if cell.measure == Measure.FIDELITY} == set(FIDELITY_INDICATORS)
    keys = [(c.period, c.measure, c.track, c.domain, c.moment, c.category) for c in every]
    assert len(keys) == len(set(keys))  # one cell per key: the table's unique constraint


@pytest.mark.usefixtures("statistics_dataset")
def test_the_tracks_add_up_to_the_whole_tenant(app: Flask, tenant_a: Tenant) -> None:
    from tenants.impact.dashboard.aggregates import Scope
    from tenants.impact.dashboard.reach import family_reach

    with in_tenant(app, tenant_a):
        cells = as_cells(compute_cells([Period(2025)]), Period(2025))
        whole = family_reach(Scope(2025))
    supported = sum(n for (measure, _t, _d, _m, category), (n, _, _) in cells.items()
                    if measure == "families" and category == "supported")
    assert supported == whole.families == 4


def test_statements_per_period_do_not_grow_with_the_families(app: Flask, tenant_a: Tenant, tenant_b: Tenant) -> None:
    instrument = create_instrument(app)
    seed_families(app, tenant_a, instrument, 5, 2025)
    seed_families(app, tenant_b, instrument, 40, 2025)
    counts = []
    for tenant in (tenant_a, tenant_b):
        with in_tenant(app, tenant):
            policy = policy_for_tenant()
            for period in (Period(2025), Period(2025, 4)):
                with count_queries(app) as statements:
                    cells = list(period_cells(period, policy))
                counts.append(len(statements))
                assert cells
    assert counts == [STATEMENTS_PER_PERIOD] * 4
