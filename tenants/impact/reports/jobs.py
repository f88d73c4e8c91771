"""Generating a municipality report in the background (saas.jobs.tasks: inline without Redis, on
an RQ worker with it).

The task gets ids, binds the report's tenant itself (a worker has no request), and commits after
each step so the report page's progress bar moves: figures (with disclosure control), then the
PDF, then the XLSX. Any failure is recorded on the report as FAILED with a short reason, never
raised to the page that asked for it. A submitted report is frozen: the task leaves it alone.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from sqlalchemy import select

from saas.db import db, tenant_context, utcnow
from saas.i18n import force_locale
from saas.jobs.tasks import dispatch, lease_task
from saas.tenancy.models import Tenant
from tenants.impact.reports import figures, files, workbook
from tenants.impact.reports.models import MunicipalityReport
from tenants.impact.vocabulary import ReportStatus

logger = logging.getLogger("saas.jobs")

TASK = "tenants.impact.reports.jobs:generate_report"
#: Called by the reaper when the generation is given up (saas.jobs.leases): workers kept dying on it.
ABANDONED = "tenants.impact.reports.jobs:abandon_generation"
ERROR_LENGTH = MunicipalityReport.error.type.length  # type: ignore[attr-defined]
#: Statuses generation may start from: a submitted report is never regenerated.
GENERATABLE = frozenset({ReportStatus.QUEUED, ReportStatus.RUNNING, ReportStatus.READY, ReportStatus.FAILED})


def lease_generation(report: MunicipalityReport, locale: str) -> uuid.UUID:
    """The lease of the generation of ``report`` (flushed): committed with the report itself, so a
    report never exists without its task (saas.jobs.leases takes back one that was never queued)."""
    return lease_task(TASK, if_abandoned=ABANDONED, tenant_id=str(report.tenant_id), report_id=str(report.id),
                      locale=locale)


def start_generation(report: MunicipalityReport, lease_id: uuid.UUID) -> None:
    """Run or queue the generation of ``report`` (already committed with its lease, so a worker can
    find both); when Redis is away it runs inline. Any other failure marks the report FAILED, so it
    can be tried again."""
    try:
        dispatch(lease_id)
    except Exception as exc:  # e.g. Redis unreachable: the page still answers, the report says why
        logger.exception("report %s could not be queued", report.id)
        db.session.rollback()
        _fail(report.tenant_id, report.id, exc)


def generate_report(tenant_id: str, report_id: str, locale: str = "nl") -> None:
    tenant_uuid, report_uuid = uuid.UUID(tenant_id), uuid.UUID(report_id)
    with tenant_context(db.session, tenant_uuid), force_locale(locale):
        report = db.session.get(MunicipalityReport, (tenant_uuid, report_uuid))
        if report is None or report.status not in GENERATABLE:
            logger.info("report %s not generated: %s", report_id, "gone" if report is None else report.status.value)
            return
        try:
            _generate(report, db.session.get_one(Tenant, tenant_uuid).name)
        except ReportFrozen:
            db.session.rollback()
            logger.info("report %s was submitted while it was generated; left as submitted", report_id)
        except Exception as exc:  # recorded on the report; the person sees "failed" and can try again
            db.session.rollback()
            logger.exception("report %s failed", report_id)
            _fail(tenant_uuid, report_uuid, exc)


def abandon_generation(tenant_id: str, report_id: str, **_arguments: str) -> None:
    """Mark a report whose generation was given up as failed (unless it was submitted meanwhile):
    it never stays "queued" or "running", and the person can ask for it again."""
    tenant_uuid, report_uuid = uuid.UUID(tenant_id), uuid.UUID(report_id)
    with tenant_context(db.session, tenant_uuid):
        report = db.session.get(MunicipalityReport, (tenant_uuid, report_uuid))
        if report is None or report.status not in (ReportStatus.QUEUED, ReportStatus.RUNNING):
            return
    _fail(tenant_uuid, report_uuid, GenerationAbandoned("the generation stopped too often and was given up"))


class GenerationAbandoned(Exception):
    """The workers generating the report kept dying (saas.jobs.leases gave it up)."""


def _fail(tenant_id: uuid.UUID, report_id: uuid.UUID, exc: Exception) -> None:
    with tenant_context(db.session, tenant_id):
        report = db.session.get_one(MunicipalityReport, (tenant_id, report_id))
        report.status = ReportStatus.FAILED  # the progress stays where it stopped
        report.error = f"{type(exc).__name__}: {exc}"[:ERROR_LENGTH]
        db.session.commit()


def _generate(report: MunicipalityReport, tenant_name: str) -> None:
    render_report(report, tenant_name, progress=lambda percent: _step(report, ReportStatus.RUNNING, percent))
    _step(report, ReportStatus.READY, 100)


def render_report(report: MunicipalityReport, tenant_name: str,
                  progress: Callable[[int], None] = lambda _percent: None) -> None:
    """Compute the suppressed figures of ``report`` and make its PDF and XLSX from them, in the
    current locale. ``progress`` is told how far it got; it commits in the background job, and does
    nothing for the demo, which makes its reports inside the seeding transaction."""
    progress(10)
    report.figures = figures.compute_figures(report.municipality, report.period_start, report.period_end)
    report.pdf = report.xlsx = None
    progress(40)
    report.pdf = files.report_pdf(report, tenant_name)
    progress(70)
    report.xlsx = workbook.report_xlsx(report, tenant_name)
    report.generated_at = utcnow()


class ReportFrozen(Exception):
    """The report was submitted while it was being generated: stop and leave it as submitted."""


def _step(report: MunicipalityReport, status: ReportStatus, progress: int) -> None:
    """Record progress, unless the report was submitted meanwhile (its row is locked for the check,
    and nothing pending is flushed before it)."""
    with db.session.no_autoflush:
        current = db.session.scalar(select(MunicipalityReport.status).where(MunicipalityReport.id == report.id)
                                    .with_for_update())
    if current == ReportStatus.SUBMITTED:
        raise ReportFrozen(report.id)
    report.status, report.progress, report.error = status, progress, None
    db.session.commit()
