"""The PDF of a municipality report, made only from its stored (suppressed) figures: rendered by
WeasyPrint from an HTML template with tables and pygal charts, tagged (a structure tree and the
document's language, for screen readers: WCAG 1.3.1 through EN 301 549 clause 10). The XLSX is
made by tenants.impact.reports.workbook.

Labels are resolved when the files are made, in the report's language (labels.py); the figures
themselves hold stable codes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pygal
from flask import render_template

from saas import charts as chart_kit
from saas import pdf
from saas.i18n import format_number
from tenants.impact.reports import labels
from tenants.impact.reports.labels import TABLE_TITLES, category_label, measure_label
from tenants.impact.reports.workbook import report_xlsx
from tenants.impact.vocabulary import Moment

__all__ = ["charts", "report_pdf", "report_xlsx"]

STYLESHEET = Path(__file__).parent / "templates" / "reports" / "report.css"
GRADE_CHART_TITLE = TABLE_TITLES["domain_means"]


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
    # pygal writes its own "2.5"; the axis is labelled in the report's language instead.
    y_labels = [{"value": v, "label": format_number(v, 1)} for v in (0, 2.5, 5, 7.5, 10)]
    chart = pygal.Bar(js=[], style=style, width=900, height=440, range=(0, 10), y_labels=y_labels,
                      value_formatter=lambda v: format_number(v, 1), x_label_rotation=25, truncate_label=-1,
                      legend_at_bottom=True, truncate_legend=-1, show_y_guides=True,
                      title=str(GRADE_CHART_TITLE))
    chart.x_labels = [category_label(d) for d in domains]
    for moment in moments:
        chart.add(str(moment.label), [values.get((d, f"grade_{moment.value}")) for d in domains])
    return chart_kit.render(chart)


def breakdown_chart(figures: dict[str, Any], key: str) -> bytes | None:
    """Horizontal bars of a breakdown (shown categories only, without the total)."""
    rows = [r for r in figures.get("tables", {}).get(key, []) if r["category"] != "total" and r["value"]]
    if not rows:
        return None
    chart = pygal.HorizontalBar(js=[], style=_STYLE, width=900, height=120 + 36 * len(rows), show_legend=False,
                                title=str(TABLE_TITLES.get(key, key)), truncate_label=-1,
                                value_formatter=lambda v: format_number(v))
    chart.x_labels = [category_label(r["category"]) for r in rows]
    chart.add(measure_label(rows[0]["measure"]), [r["value"] for r in rows])
    return chart_kit.render(chart)


def charts(figures: dict[str, Any]) -> list[tuple[str, str]]:
    """The report's charts as (text alternative, data: URI) — an <img> runs no script and WeasyPrint
    reads it offline; the tagged PDF needs each image described (its figures are in the tables). Drawn
    for print (saas.charts.render): in a right-to-left language their text is shaped and in visual order."""
    rendered = [(GRADE_CHART_TITLE, grade_chart(figures)),
                (TABLE_TITLES["children_by_age"], breakdown_chart(figures, "children_by_age")),
                (TABLE_TITLES["closure_reasons"], breakdown_chart(figures, "closure_reasons"))]
    return [(str(title), chart_kit.svg_data_uri(svg)) for title, svg in rendered if svg]


# Files ---------------------------------------------------------------------------------------------

def report_pdf(report: Any, tenant_name: str) -> bytes:
    """The PDF in the current locale (the template sets the document's language and direction)."""
    html = render_template("reports/report_pdf.html", report=report, figures=report.figures, tenant_name=tenant_name,
                           tables=labels.layouts(report.figures), format_value=labels.format_value,
                           charts=charts(report.figures), suppressed=labels.SUPPRESSED, not_shown=labels.NOT_SHOWN,
                           suppressed_reason=labels.suppressed_reason(), not_shown_reason=labels.not_shown_reason())
    return pdf.report_pdf(html, STYLESHEET)
