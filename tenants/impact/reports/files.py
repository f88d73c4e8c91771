"""The files of a municipality report, made only from its stored (suppressed) figures: a PDF
rendered by WeasyPrint from an HTML template with tables and pygal charts, and an XLSX with one
tidy sheet per table (measure, category, value).

Labels are resolved when the files are made, in the language of the person who asked for the
report; the figures themselves hold stable codes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pygal
from flask import render_template

from saas import charts as chart_kit
from saas.i18n import L_, _
from tenants.families.vocabulary import ClosureReason, ReferrerType, YesNoUnknown
from tenants.impact.reports.figures import COUNT, HOURS
from tenants.impact.vocabulary import Moment
from tenants.life_domains import LIFE_DOMAINS

STYLESHEET = Path(__file__).parent / "templates" / "reports" / "report.css"
#: How a suppressed count or hour total is written in the files.
SUPPRESSED = "<10"
#: How a mean that is not shown (too few families) is written.
NOT_SHOWN = "–"

TABLE_TITLES = {
    "reach": L_("Reach"),
    "children_by_age": L_("Children in the supported families, by age"),
    "referral_channels": L_("Referrals by referrer"),
    "closure_reasons": L_("Closed support by reason"),
    "professional_care": L_("Professional care at closure (families that had it at referral)"),
    "prevented_referrals": L_("Referral to professional care prevented (confirmed at closure)"),
    "satisfaction": L_("Satisfaction of the families (grade 1–10)"),
    "measured_families": L_("Families measured in the period"),
    "domain_means": L_("Grade per life domain at each moment"),
    "outcome_changes": L_("Change per life domain from T0 to Tend (families with both measurements)"),
    "change_directions": L_("Families improved, stable or worse per life domain"),
}

GRADE_CHART_TITLE = L_("Grade per life domain at each moment")

MEASURES = {
    "families_supported": L_("Families supported"),
    "families_referred": L_("Families referred"),
    "families_closed": L_("Families whose support ended"),
    "active_volunteers": L_("Active volunteers"),
    "matches_running": L_("Matches running"),
    "matches_started": L_("Matches started"),
    "contact_moments": L_("Contact moments"),
    "volunteer_visits": L_("Visits by volunteers"),
    "volunteer_hours": L_("Estimated volunteer hours"),
    "trained_volunteers": L_("Volunteers who attended training"),
    "training_hours": L_("Training hours"),
    "children": L_("Children"),
    "families_with_professional_care": L_("Families"),
    "families_grading": L_("Families who gave a grade"),
    "mean_grade": L_("Mean grade"),
    "families_measured": L_("Families measured"),
    "families_paired": L_("Families with T0 and Tend"),
    "grade_t0": L_("Grade at T0"),
    "grade_t1": L_("Grade at T1"),
    "grade_tend": L_("Grade at Tend"),
    "families_scored_t0": L_("Families scored at T0"),
    "families_scored_t1": L_("Families scored at T1"),
    "families_scored_tend": L_("Families scored at Tend"),
    "change": L_("Change (grade points)"),
    "change_ci_low": L_("Confidence interval, lower bound"),
    "change_ci_high": L_("Confidence interval, upper bound"),
    "families_improved": L_("Improved"),
    "families_stable": L_("Stable"),
    "families_worse": L_("Worse"),
}

CATEGORIES = {
    "all": L_("All"),
    "total": L_("Total"),
    "unknown": L_("Unknown"),
    "stopped_or_reduced": L_("Stopped or reduced"),
    "unchanged_or_increased": L_("Unchanged or increased"),
    "0-3": L_("0 to 3 years"),
    "4-11": L_("4 to 11 years"),
    "12-17": L_("12 to 17 years"),
    "18+": L_("18 years and older"),
    **{kind.value: kind.label for kind in ReferrerType},
    **{reason.value: reason.label for reason in ClosureReason},
    **{answer.value: answer.label for answer in YesNoUnknown},
    **{moment.value: moment.label for moment in Moment},
    **LIFE_DOMAINS,
}


def measure_label(code: str) -> str:
    return str(MEASURES.get(code, code))


def category_label(code: str) -> str:
    label = CATEGORIES.get(code)
    return str(label) if label is not None else code


def format_value(row: dict[str, Any]) -> str:
    value = row["value"]
    if value is None:
        return SUPPRESSED if row["unit"] in (COUNT, HOURS) else NOT_SHOWN
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


@dataclass
class Grid:
    """A table of the figures laid out for reading: categories down, measures across."""

    key: str
    title: str
    columns: list[str]
    rows: list[tuple[str, list[str]]]


def grid(key: str, rows: list[dict[str, Any]]) -> Grid:
    measures = list(dict.fromkeys(r["measure"] for r in rows))
    categories = list(dict.fromkeys(r["category"] for r in rows))
    if len(categories) == 1:  # one figure per measure: measures down
        return Grid(key, str(TABLE_TITLES.get(key, key)), [_("Value")],
                    [(measure_label(r["measure"]), [format_value(r)]) for r in rows])
    cells = {(r["category"], r["measure"]): format_value(r) for r in rows}
    return Grid(key, str(TABLE_TITLES.get(key, key)), [measure_label(m) for m in measures],
                [(category_label(c), [cells.get((c, m), "") for m in measures]) for c in categories])


def grids(figures: dict[str, Any]) -> list[Grid]:
    return [grid(key, rows) for key, rows in figures.get("tables", {}).items() if rows]


# Charts --------------------------------------------------------------------------------------------

_STYLE = chart_kit.style([chart_kit.BLUE], printed=True)


def grade_chart(figures: dict[str, Any]) -> bytes | None:
    """Grouped bars of the grade per domain at each moment (as the dashboard's means chart), from
    the suppressed figures; None when no domain has enough families to show."""
    rows = figures.get("tables", {}).get("domain_means", [])
    values = {(r["category"], r["measure"]): r["value"] for r in rows}
    moments = [m for m in Moment if any(values.get((d, f"grade_{m.value}")) is not None for d, _m in values)]
    domains = [d for d in dict.fromkeys(r["category"] for r in rows)
               if any(values.get((d, f"grade_{m.value}")) is not None for m in moments)]
    if not domains:
        return None
    colours = dict(zip((Moment.T0, Moment.T1, Moment.TEND), chart_kit.MOMENT_PALETTE, strict=True))
    style = chart_kit.style([colours[m] for m in moments], printed=True)
    chart = pygal.Bar(js=[], style=style, width=900, height=440, range=(0, 10), y_labels=[0, 2.5, 5, 7.5, 10],
                      x_label_rotation=25, truncate_label=-1, legend_at_bottom=True, show_y_guides=True,
                      title=str(GRADE_CHART_TITLE))
    chart.x_labels = [category_label(d) for d in domains]
    for moment in moments:
        chart.add(str(moment.label), [values.get((d, f"grade_{moment.value}")) for d in domains])
    return chart.render()


def breakdown_chart(figures: dict[str, Any], key: str) -> bytes | None:
    """Horizontal bars of a breakdown (shown categories only, without the total)."""
    rows = [r for r in figures.get("tables", {}).get(key, []) if r["category"] != "total" and r["value"]]
    if not rows:
        return None
    chart = pygal.HorizontalBar(js=[], style=_STYLE, width=900, height=120 + 36 * len(rows), show_legend=False,
                                title=str(TABLE_TITLES.get(key, key)), truncate_label=-1)
    chart.x_labels = [category_label(r["category"]) for r in rows]
    chart.add(measure_label(rows[0]["measure"]), [r["value"] for r in rows])
    return chart.render()


def charts(figures: dict[str, Any]) -> list[str]:
    """The report's charts as data: URIs (an <img> runs no script; WeasyPrint reads them offline)."""
    rendered = [grade_chart(figures), breakdown_chart(figures, "children_by_age"),
                breakdown_chart(figures, "closure_reasons")]
    return [chart_kit.svg_data_uri(svg) for svg in rendered if svg]


# Files ---------------------------------------------------------------------------------------------

def report_pdf(report: Any, tenant_name: str) -> bytes:
    from weasyprint import CSS, HTML  # heavy; only needed here

    html = render_template("reports/report_pdf.html", report=report, figures=report.figures, tenant_name=tenant_name,
                           grids=grids(report.figures), charts=charts(report.figures), suppressed=SUPPRESSED,
                           not_shown=NOT_SHOWN)
    return HTML(string=html, url_fetcher=chart_kit.only_inline_svg).write_pdf(
        stylesheets=[CSS(filename=str(STYLESHEET), url_fetcher=chart_kit.only_inline_svg)])


def sheet_title(key: str) -> str:
    """Excel allows 31 characters and no []:*?/\\ in a sheet name; the stable code fits."""
    return key[:31]


def report_xlsx(report: Any, tenant_name: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    about = workbook.active
    about.title = "about"
    figures = report.figures
    for label, value in (
        (_("Organisation"), tenant_name),
        (_("Municipality"), report.municipality),
        (_("Period"), f"{figures['period_start']} – {figures['period_end']}"),
        (_("Generated at (UTC)"), figures.get("computed_at", "")),
        (_("Disclosure control"), _("Counts under %(threshold)s are shown as %(suppressed)s; other counts are "
                                    "rounded to %(rounding)s; means only over %(minimum)s or more families.",
                                    threshold=figures["disclosure"]["threshold"], suppressed=SUPPRESSED,
                                    rounding=figures["disclosure"]["rounding"],
                                    minimum=figures["disclosure"]["min_families_for_mean"])),
    ):
        about.append([str(label), str(value)])
    about.column_dimensions["A"].width, about.column_dimensions["B"].width = 24, 90
    for key, rows in figures.get("tables", {}).items():
        sheet = workbook.create_sheet(sheet_title(key))
        sheet.append(["measure", "category", "value", "unit", str(_("Measure")), str(_("Category"))])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for r in rows:
            value = r["value"] if r["value"] is not None else format_value(r)
            sheet.append([r["measure"], r["category"], value, r["unit"], measure_label(r["measure"]),
                          category_label(r["category"])])
        for column, width in zip("ABCDEF", (28, 28, 10, 8, 40, 40), strict=True):
            sheet.column_dimensions[column].width = width
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
