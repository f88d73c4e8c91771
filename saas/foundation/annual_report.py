"""The national annual report: one year's figures for all tracks as a tagged PDF (WeasyPrint), with
the dashboard's sections, tables and charts — made from the same protected figures.

The charts are embedded as SVG data: URIs; the URL fetcher allows nothing else, so rendering
never reaches the network or the disk whatever a label contains.
"""

from __future__ import annotations

from pathlib import Path

from flask import render_template

from saas import charts
from saas.db import utcnow
from saas.foundation.charts import CHARTS
from saas.foundation.national import NationalFigures
from saas.foundation.tables import all_tables, fidelity, impact_parts

STYLESHEET = Path(__file__).parent / "templates" / "foundation" / "annual_report.css"


def chart_sources(figures: NationalFigures) -> dict[str, str]:
    """Every chart, drawn for print, as a data: URI by its name."""
    return {name: charts.svg_data_uri(draw(figures, printed=True)) for name, draw in CHARTS.items()}


def annual_report_pdf(figures: NationalFigures) -> bytes:
    from weasyprint import CSS, HTML  # heavy; only needed here

    tables = all_tables(figures) | {"fidelity": fidelity(figures, per_organisation=False)}
    html = render_template("foundation/annual_report_pdf.html", figures=figures, tables=tables,
                           impact_parts=impact_parts(figures), charts=chart_sources(figures), now=utcnow())
    return HTML(string=html, url_fetcher=charts.only_inline_svg).write_pdf(
        stylesheets=[CSS(filename=str(STYLESHEET), url_fetcher=charts.only_inline_svg)], pdf_tags=True)
