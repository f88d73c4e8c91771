"""Municipality reports: generated in the background, downloaded as PDF and XLSX, frozen when submitted.

Managers ask for and submit reports; report viewers (e.g. the municipality's contact) see and
download only submitted ones; coordinators and volunteers have no access. Every page and file
shows only the stored, suppressed figures. Written with the request recipe of saas.web.
"""

from __future__ import annotations

import uuid
from functools import partial
from typing import Any

from flask import Response, abort, jsonify, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from saas.auth.roles import Role
from saas.clock import local_today
from saas.db import db
from saas.errors import or_404, wants_json
from saas.forms import Confirmed, Form, PageQuery, validate_query
from saas.i18n import L_, _, get_locale
from saas.web import Errors, FormPage, after_commit, back_with_refusal, run_form, tenant_route
from saas.web.tenant import current_membership, current_tenant, tenant_blueprint
from tenants.impact.reports import jobs, labels, operations, queries
from tenants.impact.reports.models import MunicipalityReport
from tenants.impact.reports.schemas import ReportForm
from tenants.impact.vocabulary import ReportStatus

bp = tenant_blueprint("reports", __name__, template_folder="templates")

#: Names of this module's audit actions, declared in the package's front door (saas.audit.labels).
AUDIT_LABELS = {
    "report.requested": L_("Municipality report requested"),
    "report.submitted": L_("Municipality report submitted"),
    "report.regenerated": L_("Municipality report generated again"),
}

READERS = (Role.MANAGER, Role.REPORT_VIEWER)
#: Pages that show reports: for managers and report viewers.
reader_route = partial(tenant_route, bp, roles=READERS)
#: Asking for, submitting and generating again: managers only.
manager_route = partial(tenant_route, bp, roles=(Role.MANAGER,))
FILES = {
    "pdf": ("application/pdf", "pdf"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}
DOWNLOADABLE = frozenset({ReportStatus.READY, ReportStatus.SUBMITTED})


def _is_viewer() -> bool:
    return current_membership.role == Role.REPORT_VIEWER


def _visible_or_404(report: MunicipalityReport | None) -> MunicipalityReport:
    """Report viewers see submitted reports only; any other report is "not found" to them."""
    report = or_404(report)
    if _is_viewer() and report.status != ReportStatus.SUBMITTED:
        abort(404)
    return report


def _default_values() -> dict[str, Any]:
    """The form's starting values: last calendar year, and the municipality when there is one only."""
    last_year = local_today().year - 1
    municipalities = current_tenant.municipalities or []
    return {
        "municipality": municipalities[0] if len(municipalities) == 1 else "",
        "period_start": f"{last_year}-01-01",
        "period_end": f"{last_year}-12-31",
    }


def _render_index(values: Any, errors: Errors) -> str:
    number = validate_query(PageQuery()).get("page") or 1
    page = db.paginate(
        queries.report_list(submitted_only=_is_viewer()), page=number, per_page=queries.PAGE_SIZE, error_out=False
    )
    return render_template(
        "reports/index.html",
        page=page,
        values=values,
        errors=errors,
        municipalities=current_tenant.municipalities or [],
        can_manage=not _is_viewer(),
        ReportStatus=ReportStatus,
    )


def _report_page() -> FormPage[MunicipalityReport]:
    """The list with the form that asks for a report. Asking says nothing: the report's page that
    follows shows its progress."""

    def form() -> ReportForm:
        return ReportForm(municipalities=current_tenant.municipalities)

    def ask(data: dict[str, Any]) -> MunicipalityReport:
        report = operations.request_report(current_user, data)
        _generate(report)
        return report

    return FormPage(form, _render_index, ask, lambda report: (None, _report_url(report)), values=_default_values)


@reader_route("/reports/")
def index() -> ResponseReturnValue:
    return _report_page().respond()


@manager_route("/reports/", methods=["POST"])
def create() -> ResponseReturnValue:
    return _report_page().respond()


def _generate(report: MunicipalityReport) -> None:
    """Generate once the request has committed (a worker must find the report, and generation
    commits as it goes): inline without Redis, so the page that follows shows the result."""
    lease_id = jobs.lease_generation(report, str(get_locale() or "nl"))  # committed with the report
    after_commit(partial(jobs.start_generation, report, lease_id))


def _report_url(report: MunicipalityReport) -> str:
    return url_for(".show", report_id=report.id)


@reader_route("/reports/<uuid:report_id>")
def show(report_id: uuid.UUID) -> ResponseReturnValue:
    """The report; while it is generated, static/report-progress.js asks this URL for JSON and updates
    the progress in place (no timed refresh, WCAG 2.2.1); without script "Look again now" does."""
    report = _visible_or_404(queries.report_detail(report_id))
    running = report.status in (ReportStatus.QUEUED, ReportStatus.RUNNING)
    if wants_json():
        return jsonify(running=running, status=report.status.value, label=str(report.status.label),
                       progress=report.progress)
    downloadable = report.status in DOWNLOADABLE
    return render_template(
        "reports/show.html",
        report=report,
        running=running,
        can_manage=not _is_viewer(),
        downloadable=downloadable,
        ReportStatus=ReportStatus,
        **(_figures(report) if downloadable else {}),
    )


def _figures(report: MunicipalityReport) -> dict[str, Any]:
    """The stored (suppressed) figures laid out as the PDF gets them (tenants.impact.reports.files)."""
    return dict(figures=report.figures, tables=labels.layouts(report.figures), format_value=labels.format_value,
                suppressed=labels.SUPPRESSED, not_shown=labels.NOT_SHOWN,
                suppressed_reason=labels.suppressed_reason(), not_shown_reason=labels.not_shown_reason())


def _download(report_id: uuid.UUID, kind: str) -> Response:
    found = queries.report_file(report_id, kind)
    report, content = _visible_or_404(found[0] if found else None), (found[1] if found else None)
    if report.status not in DOWNLOADABLE or content is None:
        abort(404)
    mimetype, extension = FILES[kind]
    name = f"report-{_slug(report.municipality)}-{report.period_start}-{report.period_end}.{extension}"
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _slug(text: str) -> str:
    return "".join(c if c.isascii() and c.isalnum() else "-" for c in text.lower()).strip("-") or "municipality"


@reader_route("/reports/<uuid:report_id>/report.pdf")
def download_pdf(report_id: uuid.UUID) -> Response:
    return _download(report_id, "pdf")


@reader_route("/reports/<uuid:report_id>/report.xlsx")
def download_xlsx(report_id: uuid.UUID) -> Response:
    return _download(report_id, "xlsx")


@manager_route("/reports/<uuid:report_id>/submit", methods=["POST"])
def submit(report_id: uuid.UUID) -> ResponseReturnValue:
    report = or_404(queries.report_detail(report_id))
    # A button on the report page, confirmed in a dialog (submitting freezes it); a refusal is told
    # on that page.
    return run_form(
        Confirmed(),
        lambda _nothing: operations.submit_report(current_user, report),
        back_with_refusal(_report_url(report)),
        lambda _none: (_("The report has been marked as submitted. It is now frozen."), _report_url(report)),
    )


@manager_route("/reports/<uuid:report_id>/regenerate", methods=["POST"])
def regenerate(report_id: uuid.UUID) -> ResponseReturnValue:
    report = or_404(queries.report_detail(report_id))

    def generate_again(_nothing: dict[str, Any]) -> None:
        operations.prepare_regeneration(current_user, report)
        _generate(report)

    # A button like submit; the progress on the report page is the message.
    return run_form(Form(), generate_again, back_with_refusal(_report_url(report)),
                    lambda _none: (None, _report_url(report)))
