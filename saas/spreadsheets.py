"""The platform's one recipe for figures in files that spreadsheets open: an XLSX made for
people, with a tidy sheet (or a CSV) for machines. The municipality report's workbook
(tenants.impact.reports.workbook) and the foundation's exports (saas.foundation.exports) both
follow it, so a reader finds the same layout, the same marker for a hidden figure and the same
machine format in every file the platform makes.

For people (:class:`Spreadsheet`): named sheets (as Excel allows them, unique), a bold header row
that stays in view, columns wide enough for their labels, right to left for an Arabic reader.
Figures are numbers with a number format, never text: "<10" in a number column would make every
sum or chart over that column fail. A figure that is not shown is an empty cell filled
:data:`HIDDEN_COLOUR`; each file's legend sheet says why.

For machines (:func:`write_machine_table`, :func:`tidy_csv`): one value per row in long format,
stable English codes, the value empty where it is not shown and a flag that says so. Those sheets
stay left to right whatever the language, for the scripts that read them.

Text is always stored as text: a name starting with "=" (an organisation may be called anything)
is never run as a formula. A CSV has no cell types, so its text is written behind an apostrophe
(:func:`defused`).

openpyxl is imported only when a workbook is made: most requests never make one.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from saas.i18n import text_direction

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

#: The grey of a figure that is not shown (a legend sheet explains it).
HIDDEN_COLOUR = "D9D9D9"
#: The name of the sheet for machines, the same in every language.
MACHINE_SHEET = "data"
#: A cell a spreadsheet would evaluate: a formula, or a command smuggled in through a tab or CR.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Excel refuses these characters in a sheet name, and names longer than 31 characters.
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SHEET_NAME_LENGTH = 31
#: Bounds of a column's width, in characters.
_NARROWEST, _WIDEST_LABEL, _WIDEST_FIGURE, _WIDEST_MACHINE = 12, 60, 24, 50

Number = int | float | Decimal


@dataclass(frozen=True)
class Figure:
    """A figure in a people's table: ``value`` None when it is not shown (an empty grey cell)."""

    value: Number | None
    number_format: str = "General"


#: A cell of a people's table after its label: a figure, text, or None where the table has no
#: figure at all (an empty cell without the grey: nothing is hidden there).
TableCell = Figure | str | None


def number_format(decimals: int = 0, *, signed: bool = False, percentage: bool = False) -> str:
    """An Excel number format with exactly ``decimals`` decimals; Excel shows it with the reader's
    own separators. ``signed`` puts "+" before a rise (a zero has no sign), ``percentage`` shows
    a share (0.84) as "84%"."""
    places = "." + "0" * decimals if decimals else ""
    pattern = f"0{places}%" if percentage else f"#,##0{places}"
    return f"+{pattern};-{pattern};{pattern}" if signed else pattern


#: Whole numbers, with thousands separators.
INTEGER = number_format()


def number(value: Any) -> Any:
    """A figure as stored in a cell: a mean that rounds to nothing loses its sign (-0.0 + 0 is
    0.0), and a Decimal becomes a float (or an int when it is whole), which every reader takes."""
    if isinstance(value, Decimal):
        value = int(value) if value == value.to_integral_value() else float(value)
    return value + 0 if isinstance(value, float) else value


def sheet_name(name: str, taken: set[str]) -> str:
    """``name`` as Excel allows it, unique in the workbook (two translations could shorten alike)."""
    base = _SHEET_FORBIDDEN.sub("-", str(name))[:_SHEET_NAME_LENGTH]
    unique, n = base, 2
    while unique.casefold() in taken:
        unique, n = f"{base[:_SHEET_NAME_LENGTH - 3]} {n}", n + 1
    taken.add(unique.casefold())
    return unique


class Spreadsheet:
    """A workbook being written: :meth:`sheet` adds a sheet (the first one replaces openpyxl's
    empty default), :meth:`save` returns the file."""

    def __init__(self) -> None:
        from openpyxl import Workbook  # only needed when a workbook is made

        self.workbook = Workbook()
        self._names: set[str] = set()
        self._fresh = True

    def sheet(self, name: str, *, for_machines: bool = False) -> Worksheet:
        """A new sheet called ``name``: in the reader's direction (right to left in Arabic), or
        left to right ``for_machines``."""
        title = sheet_name(name, self._names)
        if self._fresh:
            sheet, self._fresh = self.workbook.active, False
            sheet.title = title
        else:
            sheet = self.workbook.create_sheet(title)
        sheet.sheet_view.rightToLeft = not for_machines and text_direction() == "rtl"
        return sheet

    def save(self) -> bytes:
        buffer = io.BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()


def append_row(sheet: Worksheet, values: Sequence[Any]) -> None:
    """``values`` as the sheet's next row; text stays text, never a formula."""
    sheet.append(list(values))
    for value, cell in zip(values, sheet[sheet.max_row], strict=False):
        if isinstance(value, str):
            cell.data_type = "s"


def bold_header(sheet: Worksheet, row: int) -> None:
    from openpyxl.styles import Alignment, Font

    for cell in sheet[row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def set_widths(sheet: Worksheet, first_column: Iterable[str], headers: Iterable[str]) -> None:
    """Wide enough for the labels down the side; the headers wrap rather than widen a number."""
    from openpyxl.utils import get_column_letter

    sheet.column_dimensions["A"].width = _fit(first_column, _WIDEST_LABEL)
    for index, header in enumerate(headers, start=2):
        sheet.column_dimensions[get_column_letter(index)].width = _fit([header], _WIDEST_FIGURE)


def _fit(texts: Iterable[str], widest: int) -> int:
    return min(widest, max([_NARROWEST, *(len(str(text)) + 2 for text in texts)]))


def write_text_table(sheet: Worksheet, header: tuple[str, str], rows: Iterable[tuple[str, str]],
                     widths: tuple[int, int]) -> None:
    """Two columns of text (an about or legend sheet): a frozen header, then wrapped rows."""
    from openpyxl.styles import Alignment

    append_row(sheet, [str(text) for text in header])
    bold_header(sheet, 1)
    for label, text in rows:
        append_row(sheet, [str(label), str(text)])
        sheet.cell(sheet.max_row, 2).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = widths
    sheet.freeze_panes = "A2"


def write_figure_table(sheet: Worksheet, title: str, header: Sequence[str],
                       lines: Iterable[tuple[str, Sequence[TableCell]]]) -> None:
    """A table as a page or PDF shows it: its title, a header row (frozen with the labels down the
    side), then a row per label; figures stored as numbers, a hidden one as an empty grey cell."""
    from openpyxl.styles import Font, PatternFill

    append_row(sheet, [str(title)])
    sheet["A1"].font = Font(bold=True, size=12)
    append_row(sheet, [str(text) for text in header])
    bold_header(sheet, 2)
    hidden = PatternFill("solid", fgColor=HIDDEN_COLOUR)
    labels = [str(header[0])]
    for label, cells in lines:
        labels.append(str(label))
        append_row(sheet, [str(label), *(number(cell.value) if isinstance(cell, Figure) else cell for cell in cells)])
        for column, cell in enumerate(cells, start=2):
            if isinstance(cell, Figure):
                written = sheet.cell(sheet.max_row, column)
                if cell.value is None:
                    written.fill = hidden
                else:
                    written.number_format = cell.number_format
    set_widths(sheet, labels, [str(text) for text in header[1:]])
    sheet.freeze_panes = "B3"


def write_machine_table(sheet: Worksheet, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Long format for machines: a header of codes (frozen), one value per row, each column as
    wide as its longest entry. Dates show as 2026-12-31 (openpyxl's format for a date)."""
    from openpyxl.utils import get_column_letter

    append_row(sheet, list(columns))
    bold_header(sheet, 1)
    widths = [len(column) for column in columns]
    for row in rows:
        values = [number(value) for value in row]
        append_row(sheet, values)
        widths = [max(width, len(str(value))) for width, value in zip(widths, values, strict=True)]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(_WIDEST_MACHINE, width + 2)
    sheet.freeze_panes = "A2"


def defused(text: str) -> str:
    """``text`` as a spreadsheet shows it but never evaluates it."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def tidy_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """Long-format rows as CSV: numbers written plainly ("0.84", whatever the language), empty
    where not shown, flags as true/false, dates as 2026-12-31, text defused. UTF-8 with a
    byte-order mark, so that spreadsheets read accents and Arabic correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([_csv_value(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return defused(value)
    return str(number(value))
