"""Disclosure control: the one set of rules for every figure that leaves a tenant.

Municipality reports (and the foundation's cross-tenant figures) show counts of families and
children in small areas; a small count can point at one family. Every figure that leaves a
tenant goes through this module:

Primary suppression
    A count of 1 to ``THRESHOLD − 1`` is not shown (None). Zero is shown as 0: "no family"
    identifies no one.
Rounding
    Every shown count is rounded to the nearest multiple of ``ROUNDING``. Totals are rounded
    from the true totals (not summed from rounded cells), so they need not add up exactly.
Means
    A mean (e.g. a satisfaction grade) is only shown when it is taken over at least
    ``MIN_FAMILIES_FOR_MEAN`` families.
Secondary suppression (tables)
    A table is a set of *lines*: each row with its row total, each column with its column
    total, the row of column totals with the grand total, and the column of row totals with the
    grand total. In every line the total is the sum of the other entries, so a line with exactly
    one hidden entry gives it away by subtraction. :func:`protect_table` therefore hides one
    more entry in every such line — the smallest shown non-zero cell, else the line's total,
    else a zero cell — and repeats until no line has exactly one hidden entry. Hiding an entry
    never unhides another, so this ends (at worst with everything hidden).

Pure functions without a database or a request: the foundation issue reuses them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

#: Counts from 1 up to (not including) this are suppressed.
THRESHOLD = 10
#: Shown counts are rounded to a multiple of this.
ROUNDING = 5
#: A mean is only shown over at least this many families.
MIN_FAMILIES_FOR_MEAN = 10


def round_count(n: int) -> int:
    """``n`` rounded to the nearest multiple of ROUNDING (an integer is never exactly halfway)."""
    if n < 0:
        raise ValueError("a count cannot be negative")
    return (n + ROUNDING // 2) // ROUNDING * ROUNDING


def is_suppressed(n: int) -> bool:
    """True when the count ``n`` may not be shown on its own (1 to THRESHOLD − 1)."""
    if n < 0:
        raise ValueError("a count cannot be negative")
    return 0 < n < THRESHOLD


def protect_count(n: int) -> int | None:
    """A single count as it may leave the tenant: None (suppressed) for 1 to THRESHOLD − 1, 0 for 0,
    otherwise rounded to the nearest ROUNDING."""
    return None if is_suppressed(n) else round_count(n)


def protect_mean(total: float, n: int) -> float | None:
    """The mean ``total / n`` as it may leave the tenant: None when taken over fewer than
    MIN_FAMILIES_FOR_MEAN families."""
    if n < MIN_FAMILIES_FOR_MEAN:
        return None
    return total / n


@dataclass
class ProtectedTable:
    """A table of counts after disclosure control. Every entry is an int (rounded to ROUNDING)
    or None (suppressed); ``rows`` and ``columns`` give the labels in order."""

    rows: list[str]
    columns: list[str]
    cells: dict[str, dict[str, int | None]] = field(default_factory=dict)
    row_totals: dict[str, int | None] = field(default_factory=dict)
    column_totals: dict[str, int | None] = field(default_factory=dict)
    grand_total: int | None = None


# An entry of the table: ("cell", row, column), ("row", row), ("column", column) or ("grand",).
_Key = tuple[str, ...]
_GRAND: _Key = ("grand",)


def protect_table(rows: Mapping[str, Mapping[str, int]]) -> ProtectedTable:
    """Counts per row label and column label (a missing cell is 0), with row, column and grand
    totals, after primary suppression, secondary suppression and rounding (see the module)."""
    row_labels = list(rows)
    column_labels = list(dict.fromkeys(column for cells in rows.values() for column in cells))
    true: dict[_Key, int] = {}
    for row in row_labels:
        for column in column_labels:
            true[("cell", row, column)] = int(rows[row].get(column, 0))
    for row in row_labels:
        true[("row", row)] = sum(true[("cell", row, column)] for column in column_labels)
    for column in column_labels:
        true[("column", column)] = sum(true[("cell", row, column)] for row in row_labels)
    true[_GRAND] = sum(true[("row", row)] for row in row_labels)

    hidden = {key for key, value in true.items() if is_suppressed(value)}
    lines = _lines(row_labels, column_labels)
    changed = True
    while changed:
        changed = False
        for total, parts in lines:
            line = [*parts, total]
            if sum(key in hidden for key in line) == 1:
                hidden.add(_second_to_hide(parts, total, true, hidden))
                changed = True

    def shown(key: _Key) -> int | None:
        return None if key in hidden else round_count(true[key])

    return ProtectedTable(
        rows=row_labels, columns=column_labels,
        cells={row: {column: shown(("cell", row, column)) for column in column_labels} for row in row_labels},
        row_totals={row: shown(("row", row)) for row in row_labels},
        column_totals={column: shown(("column", column)) for column in column_labels},
        grand_total=shown(_GRAND))


def _lines(row_labels: list[str], column_labels: list[str]) -> list[tuple[_Key, list[_Key]]]:
    """Every line of the table as (its total, the entries that add up to it)."""
    lines: list[tuple[_Key, list[_Key]]] = []
    for row in row_labels:
        lines.append((("row", row), [("cell", row, column) for column in column_labels]))
    for column in column_labels:
        lines.append((("column", column), [("cell", row, column) for row in row_labels]))
    lines.append((_GRAND, [("row", row) for row in row_labels]))
    lines.append((_GRAND, [("column", column) for column in column_labels]))
    return lines


def _second_to_hide(parts: list[_Key], total: _Key, true: dict[_Key, int], hidden: set[_Key]) -> _Key:
    """The entry to hide next to a line's single hidden entry: the smallest shown non-zero part
    (it loses the least information), else the line's total, else a zero part."""
    candidates = [key for key in parts if key not in hidden and true[key] > 0]
    if candidates:
        return min(candidates, key=lambda key: true[key])
    if total not in hidden:
        return total
    return next(key for key in parts if key not in hidden)
