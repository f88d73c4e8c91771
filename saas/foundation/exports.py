"""The dashboard's tables as files: an XLSX made for people (one table, or all of them) and a CSV
made for machines, in the language of the request. Both hold exactly the cells of
saas.foundation.tables — the figures the page shows — and follow the platform's recipe
(saas.spreadsheets), like the municipality report's workbook.

The XLSX: an "About" sheet (which figures: year, track, when made), a "Legend" sheet (the marker
of a hidden figure and every rule of saas.foundation.disclosure in words), one sheet per table
laid out like the page (its title, a frozen header row, figures stored as numbers: counts as
whole numbers, means with their fixed decimals, shares as percentages), and the tidy ``data``
sheet. A figure that is not shown ("<10" or "–" on the page) is an empty grey cell, never text in
a number column.

The CSV and the ``data`` sheet are the same long format, one figure per row
(:data:`MACHINE_COLUMNS`): ``table``, ``row`` and ``column`` as stable English codes; ``value`` a
plain number ("0.84" for a share of 84 %, "2.12" whatever the language), empty when not shown;
``unit`` how to read it (a :class:`~saas.foundation.tables.Kind`: count, exact, score, change,
grade, share, ratio); ``suppressed`` true when not shown; then ``row_label`` and ``column_label``
in the file's language. Long rather than wide with a flag column beside every value column: every
table has the same eight columns, so one script reads them all, a number column never holds
anything but numbers, and nothing a script relies on changes with the language.

Organisation names come from the tenants: a name starting with "=", "+", "-" or "@" would run as a
formula when the file is opened in a spreadsheet. The CSV writes such text behind an apostrophe;
the XLSX stores it as a string, never as a formula.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from saas.foundation.disclosure import MIN_FAMILIES_FOR_MEAN, MIN_SHARE_DENOMINATOR, MIN_TENANTS, ROUNDING, THRESHOLD
from saas.foundation.tables import DECIMALS, NOT_SHOWN, SUPPRESSED, Cell, Kind, Table
from saas.i18n import L_, _, format_number
from saas.spreadsheets import (
    INTEGER,
    MACHINE_SHEET,
    Figure,
    Spreadsheet,
    TableCell,
    number_format,
    tidy_csv,
    write_figure_table,
    write_machine_table,
    write_text_table,
)

CSV_MIMETYPE = "text/csv"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: The columns of the CSV and of the XLSX's ``data`` sheet.
MACHINE_COLUMNS = ("table", "row", "column", "value", "unit", "suppressed", "row_label", "column_label")
#: Short names for the tables whose title is too long for a sheet (31 characters) in some
#: language; the others are named by their title.
SHEET_NAMES = {"outcomes": L_("Outcomes"), "children": L_("Children by age"), "fidelity": L_("Fidelity")}


def disclosure_note() -> str:
    return _("To protect the privacy of families and volunteers, counts under %(threshold)s are not shown "
             "(%(suppressed)s), and neither are counts that could otherwise be worked out from the totals. "
             "Other counts are rounded to the nearest %(rounding)s, so totals may differ slightly from the sum "
             "of their parts. Means are shown only over %(minimum)s or more families (%(not_shown)s otherwise). "
             "A figure built from fewer than three organisations is shown only in the national total.",
             threshold=THRESHOLD, suppressed=SUPPRESSED, rounding=ROUNDING, minimum=MIN_FAMILIES_FOR_MEAN,
             not_shown=NOT_SHOWN)


def table_csv(table: Table) -> bytes:
    """One table as CSV, in the long format of the module's docstring."""
    return tidy_csv(MACHINE_COLUMNS, machine_rows([table]))


def tables_xlsx(tables: Sequence[Table], about: Iterable[tuple[str, str]]) -> bytes:
    """A workbook: "About" (``about``'s (label, text) lines and the tables it holds), "Legend",
    a sheet per table, and ``data``."""
    spreadsheet = Spreadsheet()
    write_text_table(spreadsheet.sheet(_("About")), (_("Subject"), _("Value")),
                     [*about, (_("Tables"), "\n".join(table.title for table in tables))], widths=(32, 80))
    write_text_table(spreadsheet.sheet(_("Legend")), (_("Term"), _("Meaning")), legend(), widths=(32, 100))
    for table in tables:
        write_figure_table(spreadsheet.sheet(str(SHEET_NAMES.get(table.key, table.title))), table.title,
                           table.columns, [(_text(row[0]), [_table_cell(cell) for cell in row[1:]])
                                           for row in table.rows])
    write_machine_table(spreadsheet.sheet(MACHINE_SHEET, for_machines=True), MACHINE_COLUMNS, machine_rows(tables))
    return spreadsheet.save()


def legend() -> list[tuple[str, str]]:
    """The legend sheet's (term, meaning) lines: the marker of a hidden figure, each rule of
    saas.foundation.disclosure, how figures are stored, and the format for machines."""
    units = ", ".join(kind.value for kind in Kind if kind != Kind.TEXT)
    return [
        (_("Empty grey cell"), _("A figure that is not shown, to protect the privacy of families and volunteers; the "
                                 "rules below say when. The dashboard and the PDF write %(suppressed)s for such a "
                                 "count and %(not_shown)s for such a mean or share. The cell is left empty so that "
                                 "sums and charts over its column still work.",
                                 suppressed=SUPPRESSED, not_shown=NOT_SHOWN)),
        (_("Small counts"), _("A count from 1 to %(highest)s is not shown: it could point at a single family. Zero "
                              "is shown, as it identifies no one.", highest=format_number(THRESHOLD - 1))),
        (_("Hidden to protect another figure"), _(
            "Where a total is the sum of its parts (the quarters of a year, the tracks, the closure reasons, the age "
            "bands, the directions of change), a single hidden part could be worked out from the total and the "
            "parts that are shown, and so could the size of a small group of hidden parts. One more figure of that "
            "sum is then hidden as well: the smallest part shown, else the total.")),
        (_("Few organisations"), _("A part built from fewer than %(minimum)s organisations would be one or two "
                                   "organisations' own figure: it is not shown on its own, only inside the national "
                                   "total.", minimum=format_number(MIN_TENANTS))),
        (_("Rounding"), _("Counts of people are rounded to the nearest %(rounding)s. Totals are rounded from the "
                          "true totals, so a total may differ slightly from the sum of its parts. Numbers of "
                          "organisations and municipalities are exact.", rounding=format_number(ROUNDING))),
        (_("Means and shares"), _("A mean (a grade or a change) is shown only when it is taken over %(minimum)s or "
                                  "more families and its number of families is shown. A share or ratio is shown only "
                                  "over %(shares)s or more families or cases, as a whole percentage or number, and "
                                  "never where its parts are hidden.", minimum=format_number(MIN_FAMILIES_FOR_MEAN),
                                  shares=format_number(MIN_SHARE_DENOMINATOR))),
        (_("Numbers"), _("Figures are stored as numbers, so they can be added up and charted: counts as whole "
                         "numbers, grades (a life-domain score from 1 to 4 times 2.5, or a satisfaction grade) with "
                         "one decimal, changes in grade points with two, shares as percentages.")),
        (MACHINE_SHEET, _("The same figures for computers, one figure per row: the table, row and column as fixed "
                          "English codes; the value as a plain number (a share as a fraction: 0.84 is 84%%), empty "
                          "where it is not shown; its unit (%(units)s); suppressed, TRUE where the figure is not "
                          "shown; and the names of the row and the column in the language of this file.",
                          units=units)),
        (_("CSV"), _("A table downloaded as CSV holds that table's rows of the %(sheet)s sheet, with the same "
                     "columns; suppressed is true or false there.", sheet=MACHINE_SHEET)),
    ]


def machine_rows(tables: Iterable[Table]) -> Iterator[tuple[Any, ...]]:
    """Every figure of ``tables`` (shown or not) as a row of MACHINE_COLUMNS."""
    for table in tables:
        codes = table.codes if len(table.codes) == len(table.columns) else [
            f"column_{index}" for index in range(len(table.columns))]  # a table without codes still exports
        for index, row in enumerate(table.rows, start=1):
            label = row[0]
            for column, cell in enumerate(row[1:], start=1):
                if cell.is_number:
                    value = value_of(cell)
                    yield (table.key, label.code or f"row_{index}", codes[column], value, cell.kind.value,
                           value is None, _text(label), table.columns[column])


def value_of(cell: Cell) -> int | Decimal | None:
    """A number cell's value as the files store it: the value the page shows (rounded to its
    decimals), a share as a fraction (84 % is 0.84); None when not shown."""
    value = cell.shown()
    if value is None:
        return None
    if cell.kind in (Kind.COUNT, Kind.EXACT):
        return int(value)
    return Decimal(value) / 100 if cell.kind == Kind.SHARE else Decimal(value)


def cell_format(kind: Kind) -> str:
    """The Excel number format of a kind: the decimals the page shows it with."""
    if kind in (Kind.COUNT, Kind.EXACT):
        return INTEGER
    return number_format(DECIMALS[kind], signed=kind == Kind.CHANGE, percentage=kind == Kind.SHARE)


def _table_cell(cell: Cell) -> TableCell:
    return Figure(value_of(cell), cell_format(cell.kind)) if cell.is_number else _text(cell)


def _text(cell: Cell) -> str:
    return "" if cell.value is None else str(cell.value)


def file_name(key: str, year: int, track: str | None, extension: str) -> str:
    """``samen-oplopen-trend-2026.csv``, with the track when one was chosen: ASCII only."""
    parts = ["samen-oplopen", key, str(year)] + ([_slug(track)] if track else [])
    return "-".join(part for part in parts if part) + "." + extension


def _slug(text: str) -> str:
    return "".join(c if c.isascii() and c.isalnum() else "-" for c in text.lower()).strip("-")
