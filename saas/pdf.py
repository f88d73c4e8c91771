"""The platform's reports as PDF (WeasyPrint): tagged (a structure tree and the document's
language, for screen readers), with no remote resource — the only thing a report may load is its
own inline SVG charts — and the look they share (``REPORT_STYLESHEET``: page, headings, cover, and
tables that never run off the page) under each report's own stylesheet."""

from __future__ import annotations

from pathlib import Path

from saas.charts import only_inline_svg

#: What the municipality report and the foundation's annual report share; each adds its own sheet.
REPORT_STYLESHEET = Path(__file__).parent / "static" / "pdf-reports.css"


def report_pdf(html: str, stylesheet: Path) -> bytes:
    """``html`` as a tagged PDF, styled by the shared report sheet and then ``stylesheet``."""
    from weasyprint import CSS, HTML  # heavy; only needed here

    return HTML(string=html, url_fetcher=only_inline_svg).write_pdf(
        stylesheets=[CSS(filename=str(path), url_fetcher=only_inline_svg) for path in (REPORT_STYLESHEET, stylesheet)],
        pdf_tags=True)
