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
Shares and ratios
    A share (e.g. "care stopped or reduced, of the families with care at the start") is computed
    from the exact counts and shown as a whole percentage, only when its denominator counts at
    least ``MIN_SHARE_DENOMINATOR`` families (one family then moves it by at most five points) and,
    where its numerator and denominator are figures of the same publication, only when both are
    shown (a share never tells what the counts hide: the numerator is protected as an entry with
    its own lines). A ratio of other kinds (families per coordinator) is shown as a whole number,
    under the same minimum. Fewer decimals than that would let anyone work the exact counts out
    of the fraction (0.923 is 12 of 13).
Secondary suppression (tables)
    A table is a set of *lines*: each row with its row total, each column with its column
    total, the row of column totals with the grand total, and the column of row totals with the
    grand total. In every line the total is the sum of the other entries, so a line with exactly
    one hidden entry gives it away by subtraction; and a line that shows its total while its
    hidden parts hold 1 to THRESHOLD − 1 together tells the size of that small group. Both get
    one more entry hidden — the smallest shown non-zero part, else the line's total, else a zero
    part — repeated until no line needs one. Hiding an entry never unhides another, so this ends
    (at worst with everything hidden). :func:`protect_table` does this for a table,
    :func:`protect_breakdown` for one total and its parts, :func:`protect_entries` for any set of
    linked lines (the foundation's national figures: tracks × quarters × closure reasons …).
Tenants (national figures)
    A part of a national figure built from fewer than ``MIN_TENANTS`` tenants is hidden (it is
    one or two organisations' own figure) and shown only inside its national total; the caller
    passes such parts as ``hide`` (see :func:`too_few_tenants`).

Pure functions without a database or a request: the foundation issue reuses them.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import TypeVar

from saas.foundation.inference import rounded

#: Counts from 1 up to (not including) this are suppressed.
THRESHOLD = 10
#: How a figure hidden under the threshold is written, in tables, charts and files alike ("<10").
SUPPRESSED_MARK = f"<{THRESHOLD}"
#: Shown counts are rounded to a multiple of this.
ROUNDING = 5
#: A mean is only shown over at least this many families.
MIN_FAMILIES_FOR_MEAN = 10
#: A part of a national figure built from fewer tenants than this is shown only inside its total.
MIN_TENANTS = 3
#: A share or ratio is only shown when its denominator counts at least this many.
MIN_SHARE_DENOMINATOR = 20
#: Shares are shown as whole percentages; ratios as whole numbers.
SHARE_PLACES, RATIO_PLACES = Decimal("0.01"), Decimal("1")

#: Any hashable name of an entry of a structure of sums (see :func:`protect_entries`).
Entry = TypeVar("Entry", bound=Hashable)


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


def protect_share(part: int, whole: int) -> Decimal | None:
    """``part / whole`` (0–1, to whole percents, half up) from the exact counts, or None when the
    whole counts fewer than MIN_SHARE_DENOMINATOR. The caller hides it too where ``part`` or
    ``whole`` is hidden as a count (see the module)."""
    if whole < MIN_SHARE_DENOMINATOR:
        return None
    return rounded(Fraction(part, whole), SHARE_PLACES)


def protect_ratio(total: int, per: int, counted: int) -> Decimal | None:
    """``total / per`` as a whole number (e.g. open cases per coordinator), shown only when
    ``counted`` — the number of people the ratio is about — reaches MIN_SHARE_DENOMINATOR."""
    if per <= 0 or counted < MIN_SHARE_DENOMINATOR:
        return None
    return rounded(Fraction(total, per), RATIO_PLACES)


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
    shown = protect_entries(true, _lines(row_labels, column_labels))
    return ProtectedTable(
        rows=row_labels, columns=column_labels,
        cells={row: {column: shown[("cell", row, column)] for column in column_labels} for row in row_labels},
        row_totals={row: shown[("row", row)] for row in row_labels},
        column_totals={column: shown[("column", column)] for column in column_labels},
        grand_total=shown[_GRAND])


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


def too_few_tenants(tenants: int) -> bool:
    """True when a national part is built from 1 to MIN_TENANTS − 1 tenants: it may then only be
    shown inside its national total (it would be one or two organisations' own figure)."""
    return 0 < tenants < MIN_TENANTS


def protect_entries(true: Mapping[Entry, int], lines: Iterable[tuple[Entry, Sequence[Entry]]],
                    hide: Iterable[Entry] = ()) -> dict[Entry, int | None]:
    """Counts with any structure of sums, after disclosure control: ``true`` holds every entry's
    count, ``lines`` every relation "total = sum of parts" between entries (as (total, parts); an
    entry may take part in many lines, so linked tables are protected together) and ``hide`` the
    entries that must be hidden whatever their count (e.g. parts from too few tenants).

    Hidden are the small counts, ``hide``, and then — repeated until nothing changes — one more
    entry in every line that hides exactly one entry, or that shows its total while its hidden
    parts together hold 1 to THRESHOLD − 1 (the total minus the shown parts would tell that small
    group's size). Shown entries are rounded to ROUNDING."""
    hidden = {key for key, value in true.items() if is_suppressed(value)}
    hidden.update(hide)
    lines = [(total, list(parts)) for total, parts in lines if parts]
    changed = True
    while changed:
        changed = False
        for total, parts in lines:
            hidden_parts = [key for key in parts if key in hidden]
            if len(hidden_parts) + (total in hidden) == 1 or (
                    total not in hidden and is_suppressed(sum(true[key] for key in hidden_parts))):
                hidden.add(_second_to_hide(parts, total, true, hidden))
                changed = True
    return {key: None if key in hidden else round_count(value) for key, value in true.items()}


@dataclass(frozen=True)
class ProtectedBreakdown:
    """Parts of a total after disclosure control (None: hidden)."""

    parts: dict[str, int | None]
    total: int | None


def protect_breakdown(parts: Mapping[str, int], hide: Iterable[str] = ()) -> ProtectedBreakdown:
    """One total and its parts (e.g. closure reasons of the closed families): :func:`protect_entries`
    over that single line, with the parts in ``hide`` hidden whatever their count."""
    true: dict[tuple[str, ...], int] = {("part", key): int(value) for key, value in parts.items()}
    true[_TOTAL] = sum(true.values())
    shown = protect_entries(true, [(_TOTAL, [("part", key) for key in parts])], [("part", key) for key in hide])
    return ProtectedBreakdown({key: shown[("part", key)] for key in parts}, shown[_TOTAL])


_TOTAL: _Key = ("total",)


def _second_to_hide(parts: list[Entry], total: Entry, true: Mapping[Entry, int], hidden: set[Entry]) -> Entry:
    """The entry to hide next to a line's single hidden entry: the smallest shown non-zero part
    (it loses the least information), else the line's total, else a zero part."""
    candidates = [key for key in parts if key not in hidden and true[key] > 0]
    if candidates:
        return min(candidates, key=lambda key: true[key])
    if total not in hidden:
        return total
    return next(key for key in parts if key not in hidden)
