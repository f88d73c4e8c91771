"""The national annual report: one year's figures for all tracks as a tagged PDF (WeasyPrint), with
the dashboard's sections, tables and charts — made from the same protected figures.

The charts are embedded as SVG data: URIs; the URL fetcher allows nothing else, so rendering
never reaches the network or the disk whatever a label contains. Each chart's text alternative
(the tagged PDF's /Alt) names the values it leaves out ("<10").

The stylesheet keeps everything inside the page (issue 16): wide tables wrap and hyphenate their
headers in smaller type, and headings stay with what they head. tests/support/pdf_layout.py
checks both on WeasyPrint's layout.
"""

from __future__ import annotations

from pathlib import Path

from flask import render_template

from saas import charts
from saas.db import utcnow
from saas.foundation.charts import BUILDERS, hidden_note
from saas.foundation.formatting import template_helpers
from saas.foundation.national import NationalFigures
from saas.foundation.tables import all_tables, fidelity, impact_parts
from saas.pdf import report_pdf

STYLESHEET = Path(__file__).parent / "templates" / "foundation" / "annual_report.css"


def printed_charts(figures: NationalFigures) -> tuple[dict[str, str], dict[str, str]]:
    """Every chart drawn for print, by its name: as a data: URI, and the note on what it leaves out."""
    built = {name: build(figures, True, charts.DESKTOP) for name, build in BUILDERS.items()}
    return ({name: charts.svg_data_uri(charts.render(chart)) for name, chart in built.items()},
            {name: hidden_note(chart) for name, chart in built.items()})


def annual_report_pdf(figures: NationalFigures) -> bytes:
    tables = all_tables(figures) | {"fidelity": fidelity(figures, per_organisation=False)}
    sources, notes = printed_charts(figures)
    html = render_template("foundation/annual_report_pdf.html", figures=figures, tables=tables,
                           impact_parts=impact_parts(figures), charts=sources, chart_notes=notes, now=utcnow(),
                           **template_helpers())
    return report_pdf(html, STYLESHEET)
