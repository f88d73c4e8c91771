"""The XLSX of a municipality report, made only from its stored (suppressed) figures, in the
report's language.

For people: an "about" sheet, a legend, and one sheet per table laid out like the PDF (translated
names and headers, numbers stored as numbers with a number format, header rows frozen). A figure
that is not shown is an empty grey cell, never the text "<10" in a numeric column, which would
make every sum or chart over that column fail; the legend says why it is empty.
For machines: one tidy sheet, ``data``, in long format with stable English codes, so a script
reads the same columns whatever language the report was made in.

The layout, the grey of a hidden figure and the machine format are the platform's one recipe
(saas.spreadsheets), shared with the foundation's exports; this module fills it with a report's
figures.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from flask_babel import format_date, format_datetime

from saas.i18n import _, format_number
from saas.spreadsheets import (
    INTEGER,
    MACHINE_SHEET,
    Figure,
    Spreadsheet,
    number_format,
    write_figure_table,
    write_machine_table,
    write_text_table,
)
from tenants.impact.reports.figures import CHANGE, COUNT, GRADE, HOURS
from tenants.impact.reports.labels import Layout, layouts, suppressed_reason

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

#: Excel number formats per unit; Excel shows them with the reader's own decimal separator.
NUMBER_FORMATS = {COUNT: INTEGER, HOURS: INTEGER, GRADE: number_format(1), CHANGE: number_format(2, signed=True)}
MACHINE_COLUMNS = ("table", "measure", "category", "period_start", "period_end", "unit", "value", "suppressed")


def report_xlsx(report: Any, tenant_name: str) -> bytes:
    spreadsheet = Spreadsheet()
    about_sheet(spreadsheet.sheet(_("About")), report, tenant_name)
    legend_sheet(spreadsheet.sheet(_("Legend")), report.figures)
    for table in layouts(report.figures):
        figures_sheet(spreadsheet.sheet(table.sheet_name), table)
    machine_sheet(spreadsheet.sheet(MACHINE_SHEET, for_machines=True), report.figures)
    return spreadsheet.save()


def about_sheet(sheet: Worksheet, report: Any, tenant_name: str) -> None:
    figures = report.figures
    period = _("%(start)s to %(end)s", start=format_date(date.fromisoformat(figures["period_start"]), "long"),
               end=format_date(date.fromisoformat(figures["period_end"]), "long"))
    computed = figures.get("computed_at")
    rows = [(_("Organisation"), tenant_name), (_("Municipality"), report.municipality), (_("Period"), period),
            (_("Figures computed at"), format_datetime(datetime.fromisoformat(computed)) if computed else "")]
    write_text_table(sheet, (_("Subject"), _("Value")), rows, widths=(28, 80))


def legend_sheet(sheet: Worksheet, figures: dict[str, Any]) -> None:
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


def figures_sheet(sheet: Worksheet, table: Layout) -> None:
    """The table as the PDF shows it: its title, a header row (frozen), then a row per category
    (or measure), numbers stored as numbers."""
    lines = [(label, [None if cell is None else Figure(cell["value"], NUMBER_FORMATS.get(cell["unit"], "General"))
                      for cell in cells]) for label, cells in table.lines]
    write_figure_table(sheet, table.title, [table.row_heading, *table.columns], lines)


def machine_sheet(sheet: Worksheet, figures: dict[str, Any]) -> None:
    """Long format: one figure per row, stable codes, the value (empty when not shown) and a flag.
    A row of the quarter table has its quarter's own days; the others cover the report's period."""
    start, end = figures["period_start"], figures["period_end"]
    write_machine_table(sheet, MACHINE_COLUMNS, (
        (key, r["measure"], r["category"], date.fromisoformat(r.get("period_start", start)),
         date.fromisoformat(r.get("period_end", end)), r["unit"], r["value"], r["value"] is None)
        for key, rows in figures.get("tables", {}).items() for r in rows))
