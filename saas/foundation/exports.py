"""The dashboard's tables as files: CSV (one table) and XLSX (one table, or all of them).

Both hold exactly the cells of saas.foundation.tables — the figures the page shows. A CSV writes
a suppressed count as "<10" and a mean that is not shown as "–"; an XLSX leaves those cells empty
(numbers stay numbers for whoever calculates with them) and explains why on its "about" sheet.

Organisation names come from the tenants: a name starting with "=", "+", "-" or "@" would run as a
formula when the file is opened in a spreadsheet. The CSV writes such text behind an apostrophe;
the XLSX stores it as a string, never as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import datetime

from saas.foundation.disclosure import MIN_FAMILIES_FOR_MEAN, ROUNDING, THRESHOLD
from saas.foundation.tables import NOT_SHOWN, SUPPRESSED, Cell, Kind, Table, plain
from saas.i18n import _

#: A cell a spreadsheet would evaluate: a formula, or a command smuggled in through a tab or CR.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_MIMETYPE = "text/csv"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def defused(text: str) -> str:
    """``text`` as a spreadsheet shows it but never evaluates it."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def disclosure_note() -> str:
    return _("To protect the privacy of families and volunteers, counts under %(threshold)s are not shown "
             "(%(suppressed)s), and neither are counts that could otherwise be worked out from the totals. "
             "Other counts are rounded to the nearest %(rounding)s, so totals may differ slightly from the sum "
             "of their parts. Means are shown only over %(minimum)s or more families (%(not_shown)s otherwise). "
             "A figure built from fewer than three organisations is shown only in the national total.",
             threshold=THRESHOLD, suppressed=SUPPRESSED, rounding=ROUNDING, minimum=MIN_FAMILIES_FOR_MEAN,
             not_shown=NOT_SHOWN)


def table_csv(table: Table) -> bytes:
    """One table as CSV: a header row, then its rows (UTF-8 with a byte-order mark, so that
    spreadsheets read accents and Arabic correctly)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([defused(column) for column in table.columns])
    for row in table.rows:
        writer.writerow([plain(cell) if cell.is_number else defused(plain(cell)) for cell in row])
    return buffer.getvalue().encode("utf-8-sig")


def tables_xlsx(tables: Sequence[Table], about: Iterable[tuple[str, str]]) -> bytes:
    """A workbook with one sheet per table (named by its key) and an "about" sheet: ``about``'s
    (label, text) lines and the disclosure rules."""
    from openpyxl import Workbook  # only needed here
    from openpyxl.styles import Font

    workbook = Workbook()
    notes = workbook.active
    notes.title = "about"
    for label, text in [*about, (_("Empty cells"), _("A count that is not shown (%(suppressed)s on the page) or a "
                                                     "mean over too few families (%(not_shown)s on the page).",
                                                     suppressed=SUPPRESSED, not_shown=NOT_SHOWN)),
                        (_("Disclosure control"), disclosure_note())]:
        _append_text_row(notes, [label, text])
    notes.column_dimensions["A"].width, notes.column_dimensions["B"].width = 28, 100
    for table in tables:
        sheet = workbook.create_sheet(table.key[:31])
        _append_text_row(sheet, table.columns)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            _append_row(sheet, row)
        sheet.column_dimensions["A"].width = 36
        sheet.freeze_panes = "B2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _append_text_row(sheet: object, texts: Sequence[str]) -> None:
    _append_row(sheet, [Cell(str(text)) for text in texts])


def _append_row(sheet: object, cells: Sequence[Cell]) -> None:
    sheet.append([_xlsx_value(cell) for cell in cells])  # type: ignore[attr-defined]
    for cell, written in zip(cells, sheet[sheet.max_row], strict=True):  # type: ignore[attr-defined]
        if not cell.is_number:
            written.data_type = "s"  # text that starts with "=" stays text, never a formula
        elif cell.kind == Kind.SHARE:
            written.number_format = "0%"


def _xlsx_value(cell: Cell) -> object:
    value = cell.shown()
    if value is None or not cell.is_number:
        return value
    if cell.kind == Kind.SHARE:
        return float(value) / 100  # shown as a percentage by the cell's number format
    return int(value) if cell.kind in (Kind.COUNT, Kind.EXACT) else float(value)


def file_name(key: str, year: int, track: str | None, extension: str) -> str:
    """``samen-oplopen-trend-2026.csv``, with the track when one was chosen: ASCII only."""
    parts = ["samen-oplopen", key, str(year)] + ([_slug(track)] if track else [])
    return "-".join(part for part in parts if part) + "." + extension


def _slug(text: str) -> str:
    return "".join(c if c.isascii() and c.isalnum() else "-" for c in text.lower()).strip("-")


def generated_at(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")
