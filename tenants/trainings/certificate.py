"""The PDF certificate of a course completion, rendered by WeasyPrint from an HTML template.

The stylesheet is a file (certificate.css), and WeasyPrint may fetch nothing: the certificate
uses no images or remote resources, so a name with markup cannot make the server load a URL. The
PDF is tagged (structure tree, and the template's ``lang``/``dir`` as the document's language), so a
screen reader can read it: WCAG 1.3.1 through EN 301 549 clause 10.
"""

from __future__ import annotations

from pathlib import Path

from flask import render_template

from tenants.trainings.models import CourseCompletion

STYLESHEET = Path(__file__).parent / "certificate.css"


def _refuse_fetch(url: str, *args: object, **kwargs: object) -> dict[str, object]:
    raise ValueError(f"the certificate loads no resources ({url!r} refused)")


def certificate_pdf(completion: CourseCompletion, tenant_name: str) -> bytes:
    from weasyprint import CSS, HTML  # imported here: heavy, and only needed for this download

    html = render_template("trainings/certificate.html", completion=completion, course=completion.course,
                           volunteer=completion.volunteer, tenant_name=tenant_name)
    return HTML(string=html, url_fetcher=_refuse_fetch).write_pdf(
        stylesheets=[CSS(filename=str(STYLESHEET), url_fetcher=_refuse_fetch)], pdf_tags=True)
