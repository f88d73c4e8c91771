"""The XLSX of a municipality report, made only from its stored (suppressed) figures, in the
report's language.

For people: an "about" sheet, a legend, and one sheet per table laid out like the PDF (translated
names and headers, numbers stored as numbers with a number format, header rows frozen). A figure
that is not shown is an empty grey cell, never the text "<10" in a numeric column, which would
make every sum or chart over that column fail; the legend says why it is empty.
For machines: one tidy sheet, ``data``, in long format with stable English codes, so a script
reads the same columns whatever language the report was made in.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from typing import Any

from flask_babel import format_date, format_datetime

from saas.i18n import _, format_number, text_direction
from tenants.impact.reports.figures import CHANGE, COUNT, GRADE, HOURS
from tenants.impact.reports.labels import Layout, layouts, suppressed_reason

#: Excel number formats per unit; Excel shows them with the reader's own decimal separator.
NUMBER_FORMATS = {COUNT: "#,##0", HOURS: "#,##0", GRADE: "0.0", CHANGE: "+0.00;-0.00;0.00"}
MACHINE_SHEET = "data"
MACHINE_COLUMNS = ("table", "measure", "category", "period_start", "period_end", "unit", "value", "suppressed")
#: Excel refuses these characters in a sheet name, and names longer than 31 characters.
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_HIDDEN = "D9D9D9"  # the grey of a cell that is not shown


def report_xlsx(report: Any, tenant_name: str) -> bytes:
    from openpyxl import Workbook  # only needed for this file

    workbook = Workbook()
    names: set[str] = set()
    about_sheet(workbook.active, report, tenant_name, names)
    legend_sheet(workbook.create_sheet(sheet_name(_("Legend"), names)), report.figures)
    for table in layouts(report.figures):
        figures_sheet(workbook.create_sheet(sheet_name(table.sheet_name, names)), table)
    for sheet in workbook.worksheets:  # an Arabic reader's sheets run right to left, like the PDF
        sheet.sheet_view.rightToLeft = text_direction() == "rtl"
    machine_sheet(workbook.create_sheet(sheet_name(MACHINE_SHEET, names)), report.figures)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_name(name: str, taken: set[str]) -> str:
    """``name`` as Excel allows it, unique in the workbook (two translations could shorten alike)."""
    base = _SHEET_FORBIDDEN.sub("-", str(name))[:31]
    unique, n = base, 2
    while unique.casefold() in taken:
        unique, n = f"{base[:28]} {n}", n + 1
    taken.add(unique.casefold())
    return unique


def about_sheet(sheet: Any, report: Any, tenant_name: str, names: set[str]) -> None:
    figures = report.figures
    sheet.title = sheet_name(_("About"), names)
    period = _("%(start)s to %(end)s", start=format_date(date.fromisoformat(figures["period_start"]), "long"),
               end=format_date(date.fromisoformat(figures["period_end"]), "long"))
    computed = figures.get("computed_at")
    rows = [(_("Organisation"), tenant_name), (_("Municipality"), report.municipality), (_("Period"), period),
            (_("Figures computed at"), format_datetime(datetime.fromisoformat(computed)) if computed else "")]
    write_text_table(sheet, (_("Subject"), _("Value")), rows, widths=(28, 80))


def legend_sheet(sheet: Any, figures: dict[str, Any]) -> None:
    rules = figures["disclosure"]
    rows = [
        (_("Empty grey cell"), "{} {}".format(suppressed_reason(), _(
            "A grade or change is only shown over %(minimum)s or more families.",
            minimum=rules["min_families_for_mean"]))),
        (_("Rounding"), _("Counts and hours are rounded to the nearest %(rounding)s, so totals may differ slightly "
                          "from the sum of their parts.", rounding=rules["rounding"])),
        (_("Grade"), _("The mean answer on the life-domain questionnaire expressed as a school grade "
                       "(%(lowest)s to %(highest)s).", lowest=format_number(2.5, 1), highest=format_number(10))),
        (_("Change (grade points)"), _("The mean difference between T0 and Tend for families with both "
                                       "measurements, with its 95 per cent confidence interval.")),
        (MACHINE_SHEET, _("The same figures for computers: one figure per row, with codes instead of names; "
                          "suppressed is TRUE where a figure is not shown.")),
    ]
    write_text_table(sheet, (_("Term"), _("Meaning")), rows, widths=(28, 100))


def write_text_table(sheet: Any, header: tuple[str, str], rows: list[tuple[str, str]],
                     widths: tuple[int, int]) -> None:
    from openpyxl.styles import Alignment

    sheet.append([str(text) for text in header])
    bold_header(sheet, 1)
    for label, text in rows:
        sheet.append([str(label), str(text)])
        sheet.cell(sheet.max_row, 2).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = widths
    sheet.freeze_panes = "A2"


def figures_sheet(sheet: Any, table: Layout) -> None:
    """The table as the PDF shows it: its title, a header row (frozen), then a row per category
    (or measure), numbers stored as numbers."""
    from openpyxl.styles import Font, PatternFill

    sheet.append([table.title])
    sheet["A1"].font = Font(bold=True, size=12)
    sheet.append([table.row_heading, *table.columns])
    bold_header(sheet, 2)
    hidden = PatternFill("solid", fgColor=_HIDDEN)
    for label, cells in table.lines:
        sheet.append([label, *(None if cell is None else number(cell["value"]) for cell in cells)])
        for column, cell in enumerate(cells, start=2):
            written = sheet.cell(sheet.max_row, column)
            if cell is not None and cell["value"] is None:
                written.fill = hidden
            elif cell is not None:
                written.number_format = NUMBER_FORMATS.get(cell["unit"], "General")
    set_widths(sheet, [table.row_heading, *(label for label, _cells in table.lines)], table.columns)
    sheet.freeze_panes = "B3"


def bold_header(sheet: Any, row: int) -> None:
    from openpyxl.styles import Alignment, Font

    for cell in sheet[row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def set_widths(sheet: Any, first_column: list[str], headers: list[str]) -> None:
    """Wide enough for the labels down the side; the headers wrap rather than widen a number."""
    from openpyxl.utils import get_column_letter

    sheet.column_dimensions["A"].width = min(60, max(12, *(len(text) + 2 for text in first_column)))
    for index, header in enumerate(headers, start=2):
        sheet.column_dimensions[get_column_letter(index)].width = min(24, max(12, len(header) + 2))


def machine_sheet(sheet: Any, figures: dict[str, Any]) -> None:
    """Long format: one figure per row, stable codes, the value (empty when not shown) and a flag."""
    from openpyxl.styles import Font

    sheet.append(list(MACHINE_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    start, end = date.fromisoformat(figures["period_start"]), date.fromisoformat(figures["period_end"])
    for key, rows in figures.get("tables", {}).items():
        for r in rows:
            sheet.append([key, r["measure"], r["category"], start, end, r["unit"], number(r["value"]),
                          r["value"] is None])
    for row in sheet.iter_rows(min_row=2, min_col=4, max_col=5):
        for cell in row:
            cell.number_format = "yyyy-mm-dd"
    for column, width in zip("ABCDEFGH", (22, 32, 28, 12, 12, 8, 10, 11), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"


def number(value: Any) -> Any:
    """A figure as stored in a cell: a mean that rounds to nothing loses its sign (-0.0 + 0 is 0.0)."""
    return value + 0 if isinstance(value, float) else value
