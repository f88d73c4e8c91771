"""The national annual report: one year's figures for all tracks as a tagged PDF (WeasyPrint), with
the dashboard's sections, tables and charts — made from the same protected figures.

The charts are embedded as SVG data: URIs; the URL fetcher allows nothing else, so rendering
never reaches the network or the disk whatever a label contains.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from flask import render_template

from saas.db import utcnow
from saas.foundation.charts import CHARTS
from saas.foundation.national import NationalFigures
from saas.foundation.tables import all_tables, impact_parts

STYLESHEET = Path(__file__).parent / "templates" / "foundation" / "annual_report.css"
SVG_PREFIX = "data:image/svg+xml;base64,"


def chart_sources(figures: NationalFigures) -> dict[str, str]:
    """Every chart, drawn for print, as a data: URI by its name."""
    return {name: SVG_PREFIX + base64.b64encode(draw(figures, printed=True)).decode("ascii")
            for name, draw in CHARTS.items()}


def _only_inline_data(url: str, *args: object, **kwargs: object) -> Any:
    """WeasyPrint's URL fetcher: the charts' data: URIs, and nothing from the network or disk."""
    from weasyprint.urls import URLFetcherResponse

    if url.startswith(SVG_PREFIX):
        return URLFetcherResponse(url, body=base64.b64decode(url.removeprefix(SVG_PREFIX)),
                                  headers={"Content-Type": "image/svg+xml"})
    raise ValueError(f"the annual report loads no resources ({url[:40]!r} refused)")


def annual_report_pdf(figures: NationalFigures) -> bytes:
    from weasyprint import CSS, HTML  # heavy; only needed here

    html = render_template("foundation/annual_report_pdf.html", figures=figures, tables=all_tables(figures),
                           impact_parts=impact_parts(figures), charts=chart_sources(figures), now=utcnow())
    return HTML(string=html, url_fetcher=_only_inline_data).write_pdf(
        stylesheets=[CSS(filename=str(STYLESHEET), url_fetcher=_only_inline_data)], pdf_tags=True)
