"""The disclosure rules the national figures add: forced hiding, linked lines, small hidden groups,
the nested outcomes, and the paired change from sums (saas.foundation.disclosure,
saas.foundation.national_protection, saas.foundation.inference)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from saas.foundation.disclosure import (
    MIN_TENANTS,
    protect_breakdown,
    protect_entries,
    too_few_tenants,
)
from saas.foundation.inference import change_from_sums, t_quantile
from saas.foundation.measures import Measure
from saas.foundation.national_protection import protect_year
from saas.foundation.published import ANY_TRACK, CellKey, CellSum, PublishedData
from tenants.impact.measurements.scoring import paired_change
from tenants.impact.measurements.scoring import t_quantile as tenant_t_quantile


def test_a_forced_part_takes_a_second_one_with_it_and_the_total_stays() -> None:
    shown = protect_breakdown({"regular": 40, "first_1000_days": 25}, hide={"first_1000_days"})
    assert shown.parts == {"regular": None, "first_1000_days": None}
    assert shown.total == 65


def test_hidden_parts_that_hold_a_small_group_take_a_third_one() -> None:
    # 4 and 0 hidden … the 0 could only be hidden by force; 4 + 0 would tell 4: a third part goes.
    shown = protect_breakdown({"a": 4, "b": 0, "c": 30, "d": 50}, hide={"b"})
    assert shown.parts == {"a": None, "b": None, "c": None, "d": 50}
    assert shown.total == 85


def test_too_few_tenants() -> None:
    assert MIN_TENANTS == 3
    assert [too_few_tenants(n) for n in range(5)] == [False, True, True, False, False]


def test_linked_lines_are_protected_together() -> None:
    # Two breakdowns of one total (quarters and reasons of the closed families): a total hidden for
    # one is hidden for the other.
    true = {"year": 45, "q1": 20, "q2": 25, "done": 38, "moved": 7}
    lines = [("year", ["q1", "q2"]), ("year", ["done", "moved"])]
    shown = protect_entries(true, lines)
    assert shown["moved"] is None and shown["done"] is None
    assert shown["year"] == 45 and shown["q1"] == 20 and shown["q2"] == 25
    forced = protect_entries(true, lines, hide={"q1"})
    assert forced["q1"] is None and forced["q2"] is None and forced["year"] == 45


linked = st.lists(st.integers(0, 30), min_size=6, max_size=6)


@settings(max_examples=300, deadline=None, database=None)
@given(linked, st.sets(st.integers(0, 5), max_size=2))
def test_linked_lines_never_hide_exactly_one_entry(values: list[int], forced: set[int]) -> None:
    # A 2 × 3 table as six parts, and the same total broken down twice.
    parts = {f"p{i}": value for i, value in enumerate(values)}
    true = {**parts, "row0": sum(values[:3]), "row1": sum(values[3:]), "all": sum(values),
            **{f"col{c}": values[c] + values[3 + c] for c in range(3)}}
    lines = [("row0", ["p0", "p1", "p2"]), ("row1", ["p3", "p4", "p5"]), ("all", ["row0", "row1"]),
             ("all", ["col0", "col1", "col2"]), *((f"col{c}", [f"p{c}", f"p{3 + c}"]) for c in range(3))]
    shown = protect_entries(true, lines, hide={f"p{i}" for i in forced})
    for i in forced:
        assert shown[f"p{i}"] is None
    for total, members in lines:
        hidden = [m for m in members if shown[m] is None]
        assert len(hidden) + (shown[total] is None) != 1
        if shown[total] is not None:
            assert not 0 < sum(true[m] for m in hidden) < 10


@settings(max_examples=200, deadline=None, database=None)
@given(st.lists(st.tuples(st.integers(4, 16), st.integers(4, 16)), min_size=1, max_size=150))
def test_the_change_from_sums_is_the_tenants_paired_change(pairs: list[tuple[int, int]]) -> None:
    # Scores in quarters of a point (integers × 2500 in units of 1/10000).
    differences = [(after - before) * 2500 for before, after in pairs]
    ours = change_from_sums(len(differences), sum(differences), sum(d * d for d in differences), 10_000)
    theirs = paired_change((Fraction(b, 4), Fraction(a, 4)) for b, a in pairs)
    assert ours.n == theirs.n
    assert abs(ours.mean - Decimal(theirs.mean.numerator) / theirs.mean.denominator) < Decimal("1e-20")
    if theirs.low is None:
        assert ours.low is None and ours.high is None
    else:
        assert abs(ours.low - theirs.low) < Decimal("1e-20") and abs(ours.high - theirs.high) < Decimal("1e-20")


def test_one_t_quantile() -> None:
    assert tenant_t_quantile is t_quantile
    assert [round(t_quantile(df), 3) for df in (1, 35, 500)] == [Decimal("12.706"), Decimal("2.030"), Decimal("1.965")]


def _closed_families(outcomes: dict[str, int], closed: int = 60) -> PublishedData:
    """2025 of one track "a" from three tenants: ``closed`` families closed in Q1 (all "done"), with
    these outcomes."""
    cells: dict[CellKey, CellSum] = {}

    def add(period: str, measure: Measure, n: int, category: str) -> None:
        for track in ("a", ANY_TRACK):
            cells[CellKey(period, measure.value, track, category=category)] = CellSum(n, tenants=3 if n else 0)

    for period in ("2025", "2025-Q1"):
        add(period, Measure.FAMILIES, closed, "closed")
    add("2025", Measure.CLOSURE_REASON, closed, "done")
    for category, n in {"closed": closed, **outcomes}.items():
        add("2025", Measure.OUTCOME, n, category)
    return PublishedData(cells=cells)


def test_outcome_parts_cannot_be_subtracted_down_to_a_small_group() -> None:
    # 30 with care = 12 stopped + 13 reduced + 5 otherwise; 55 of 60 would otherwise be referred.
    counts = protect_year(_closed_families({"with_care": 30, "care_stopped": 12, "care_reduced": 13,
                                            "would_otherwise_be_referred": 55,
                                            "prevented_referral_confirmed": 20}), 2025)
    outcome = {category: counts.count("outcome", category, "a") for category in
               ("with_care", "care_stopped", "care_reduced", "would_otherwise_be_referred",
                "prevented_referral_confirmed")}
    # 30 − 10 − 15 would tell the 5: the smaller part goes with the remainder, and so does the
    # numerator of the share "stopped or reduced" (25 of 30 would tell it too). Likewise 60 − 55.
    assert outcome["with_care"] == 30 and outcome["care_stopped"] is None
    assert counts.count("outcome", "care_stopped_or_reduced", "a") is None
    assert counts.count("families_closed", "2025", "a") == 60 and outcome["would_otherwise_be_referred"] is None
    assert outcome["prevented_referral_confirmed"] == 20  # 40 without: nothing small to tell
    # The remainders are entries of their own, never displayed by the view.
    assert counts.true_count("outcome", "care_other", "a") == 5 and counts.count("outcome", "care_other", "a") is None
    assert counts.count("outcome", "without_care", "a") == 30


def test_an_unknown_entry_is_hidden_not_zero() -> None:
    counts = protect_year(_closed_families({"with_care": 30}), 2025)
    assert counts.count("outcome", "no_such_outcome", "a") is None
    assert counts.count("outcome", "with_care", "b") is None
    # A track without any cell in the year (offered for the year before) truly counts nothing.
    assert counts.track_count("outcome", "with_care", track="b") == 0
    assert counts.track_count("outcome", "with_care", track=ANY_TRACK) == 30
