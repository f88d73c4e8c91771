"""Disclosure control (saas.foundation.disclosure): worked examples and properties over random tables."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from saas.foundation.disclosure import (
    MIN_FAMILIES_FOR_MEAN,
    ROUNDING,
    THRESHOLD,
    ProtectedTable,
    protect_count,
    protect_mean,
    protect_table,
)

# Hypothesis keeps caches in ./.hypothesis by default, which pytest then refuses to skip quietly
# (norecursedirs is set): keep them out of the checkout. database=None below: no example database.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "samen-oplopen-hypothesis")


@pytest.mark.parametrize(("n", "shown"), [(0, 0), (1, None), (9, None), (10, 10), (12, 10), (13, 15), (17, 15),
                                          (18, 20), (22, 20), (23, 25), (100, 100), (1002, 1000)])
def test_protect_count(n: int, shown: int | None) -> None:
    assert protect_count(n) == shown


def test_a_negative_count_is_a_mistake() -> None:
    with pytest.raises(ValueError):
        protect_count(-1)


def test_protect_mean_needs_enough_families() -> None:
    assert protect_mean(63.0, MIN_FAMILIES_FOR_MEAN - 1) is None
    assert protect_mean(75.0, MIN_FAMILIES_FOR_MEAN) == pytest.approx(7.5)


def test_a_table_without_small_counts_is_only_rounded() -> None:
    table = protect_table({"Alpha": {"boys": 12, "girls": 23}, "Beta": {"boys": 0, "girls": 41}})
    assert table.rows == ["Alpha", "Beta"] and table.columns == ["boys", "girls"]
    assert table.cells == {"Alpha": {"boys": 10, "girls": 25}, "Beta": {"boys": 0, "girls": 40}}
    # Totals are rounded from the true totals (35, 41; 12, 64; 76), not summed from rounded cells.
    assert table.row_totals == {"Alpha": 35, "Beta": 40}
    assert table.column_totals == {"boys": 10, "girls": 65}
    assert table.grand_total == 75


def test_one_small_cell_takes_a_second_one_with_it() -> None:
    table = protect_table({"Alpha": {"0-3": 4, "4-11": 30, "12-17": 20},
                           "Beta": {"0-3": 15, "4-11": 25, "12-17": 35}})
    # 4 is suppressed; in its row the smallest other cell (20) goes too, and in its column 15;
    # that leaves "12-17" and Beta each with one hidden cell, so 35 goes as well.
    assert table.cells == {"Alpha": {"0-3": None, "4-11": 30, "12-17": None},
                           "Beta": {"0-3": None, "4-11": 25, "12-17": None}}
    assert table.row_totals == {"Alpha": 55, "Beta": 75}
    assert table.column_totals == {"0-3": 20, "4-11": 55, "12-17": 55}
    assert table.grand_total == 130
    _assert_protected(table)


def test_a_small_total_is_suppressed_and_protected_in_the_margins() -> None:
    table = protect_table({"Alpha": {"yes": 3, "no": 4}, "Beta": {"yes": 20, "no": 30}})
    assert table.cells["Alpha"] == {"yes": None, "no": None}
    assert table.row_totals["Alpha"] is None
    # Beta's total would give Alpha's away from the grand total: one of them is hidden too.
    assert table.row_totals["Beta"] is None or table.grand_total is None
    _assert_protected(table)


def test_a_single_row_table() -> None:
    table = protect_table({"Alpha": {"stopped": 5, "reduced": 12, "unchanged": 0}})
    assert table.cells["Alpha"]["stopped"] is None
    assert table.cells["Alpha"]["reduced"] is None  # or 17 − 12 gives the 5 away
    assert table.cells["Alpha"]["unchanged"] == 0
    _assert_protected(table)


def test_missing_cells_are_zero_and_an_empty_table_is_empty() -> None:
    table = protect_table({"Alpha": {"a": 20}, "Beta": {"b": 30}})
    assert table.cells == {"Alpha": {"a": 20, "b": 0}, "Beta": {"a": 0, "b": 30}}
    empty = protect_table({})
    assert empty.cells == {} and empty.grand_total == 0


def _lines(table: ProtectedTable) -> list[list[int | None]]:
    """Every line of the table: each row, each column and the two margins, each with its total last."""
    lines = [[*table.cells[row].values(), table.row_totals[row]] for row in table.rows]
    lines += [[*(table.cells[row][column] for row in table.rows), table.column_totals[column]]
              for column in table.columns]
    lines.append([*table.row_totals.values(), table.grand_total])
    lines.append([*table.column_totals.values(), table.grand_total])
    return lines


def _assert_protected(table: ProtectedTable) -> None:
    for line in _lines(table):
        assert sum(value is None for value in line) != 1, line


tables = st.integers(1, 5).flatmap(lambda columns: st.dictionaries(
    st.text("abcdefgh", min_size=1, max_size=3),
    st.fixed_dictionaries({f"c{column}": st.integers(0, 60) for column in range(columns)}),
    min_size=1, max_size=5))


@settings(max_examples=300, deadline=None, database=None)
@given(tables)
def test_no_shown_count_is_small_and_every_one_is_rounded(rows: dict[str, dict[str, int]]) -> None:
    table = protect_table(rows)
    shown = [value for line in _lines(table) for value in line if value is not None]
    assert all(value == 0 or value >= THRESHOLD for value in shown)
    assert all(value % ROUNDING == 0 for value in shown)
    for row in rows:
        for column, true in rows[row].items():
            value = table.cells[row][column]
            assert value is None or abs(value - true) <= ROUNDING // 2
            if 0 < true < THRESHOLD:
                assert value is None


@settings(max_examples=300, deadline=None, database=None)
@given(tables)
def test_no_suppressed_cell_can_be_recovered_from_a_total(rows: dict[str, dict[str, int]]) -> None:
    table = protect_table(rows)
    for row in table.rows:  # rows and columns with a shown total hide no cell or at least two
        if table.row_totals[row] is not None:
            assert sum(value is None for value in table.cells[row].values()) != 1
    for column in table.columns:
        if table.column_totals[column] is not None:
            assert sum(table.cells[row][column] is None for row in table.rows) != 1
    _assert_protected(table)  # and the margins against the grand total likewise


@settings(database=None)
@given(st.integers(0, 10_000))
def test_protect_count_properties(n: int) -> None:
    shown = protect_count(n)
    if 0 < n < THRESHOLD:
        assert shown is None
    else:
        assert shown is not None and shown % ROUNDING == 0 and abs(shown - n) <= ROUNDING // 2
