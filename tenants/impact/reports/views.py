"""Municipality reports: generated in the background, downloaded as PDF and XLSX, frozen when submitted.

Managers ask for and submit reports; report viewers (e.g. the municipality's contact) see and
download only submitted ones; coordinators and volunteers have no access. Every page and file
shows only the stored, suppressed figures. Written with the request recipe of saas.web.
"""

from __future__ import annotations

import uuid
from functools import partial
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from saas.auth.roles import Role
from saas.clock import local_today
from saas.db import db
from saas.errors import OperationError, invalid_input, or_404
from saas.forms import PageQuery, validate_input, validate_query
from saas.i18n import L_, _, get_locale
from saas.tenancy.context import current_membership, current_tenant, tenant_blueprint
from saas.web import after_commit, tenant_route
from tenants.impact.reports import jobs, operations
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
FILES = {"pdf": ("application/pdf", "pdf"),
         "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")}
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
    today = local_today()
    last_year = today.year - 1
    municipalities = current_tenant.municipalities or []
    return {"municipality": municipalities[0] if len(municipalities) == 1 else "",
            "period_start": f"{last_year}-01-01", "period_end": f"{last_year}-12-31"}


def _render_index(values: Any, errors: dict[str, Any], status: int = 200) -> Any:
    number = validate_query(PageQuery()).get("page") or 1
    page = db.paginate(operations.report_list(submitted_only=_is_viewer()), page=number,
                       per_page=operations.PAGE_SIZE, error_out=False)
    return render_template("reports/index.html", page=page, values=values, errors=errors,
                           municipalities=current_tenant.municipalities or [], can_manage=not _is_viewer(),
                           ReportStatus=ReportStatus), status


@reader_route("/reports/")
def index() -> Any:
    return _render_index(_default_values(), {})


@manager_route("/reports/", methods=["POST"])
def create() -> ResponseReturnValue:
    # Not run_form: the report page that follows shows the progress, so no message is flashed.
    data, errors = validate_input(ReportForm(municipalities=current_tenant.municipalities))
    if errors:
        return invalid_input(errors, lambda: _render_index(request.form, errors, 422))
    report = operations.request_report(current_user, data)
    _generate(report)
    return redirect(url_for(".show", report_id=report.id))


def _generate(report: MunicipalityReport) -> None:
    """Generate once the request has committed (a worker must find the report, and generation
    commits as it goes): inline without Redis, so the page that follows shows the result."""
    after_commit(partial(jobs.start_generation, report, str(get_locale() or "nl")))


@reader_route("/reports/<uuid:report_id>")
def show(report_id: uuid.UUID) -> Any:
    report = _visible_or_404(operations.report_detail(report_id))
    running = report.status in (ReportStatus.QUEUED, ReportStatus.RUNNING)
    return render_template("reports/show.html", report=report, running=running, can_manage=not _is_viewer(),
                           downloadable=report.status in DOWNLOADABLE, ReportStatus=ReportStatus)


def _download(report_id: uuid.UUID, kind: str) -> Response:
    found = operations.report_file(report_id, kind)
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
    # Not run_form: this is a button on the report page, so a refusal is told there (a flash and
    # back, for JSON clients too), not as a form error.
    report = or_404(operations.report_detail(report_id))
    try:
        operations.submit_report(current_user, report)
    except OperationError as exc:
        flash(str(exc), "error")
    else:
        flash(_("The report has been marked as submitted. It is now frozen."), "success")
    return redirect(url_for(".show", report_id=report.id))


@manager_route("/reports/<uuid:report_id>/regenerate", methods=["POST"])
def regenerate(report_id: uuid.UUID) -> ResponseReturnValue:
    # Not run_form, like submit: a refusal is told on the report page; the progress there is the message.
    report = or_404(operations.report_detail(report_id))
    try:
        operations.prepare_regeneration(current_user, report)
    except OperationError as exc:
        flash(str(exc), "error")
    else:
        _generate(report)
    return redirect(url_for(".show", report_id=report.id))
