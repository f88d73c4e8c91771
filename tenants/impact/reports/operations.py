"""Every change to a municipality report: asking for one, submitting (freezing) it, asking for it
to be generated again. Each only flushes and audits; generation itself is tenants.impact.reports.jobs,
and the reads are tenants.impact.reports.queries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from saas.audit.operations import record
from saas.auth.models import User
from saas.db import db, utcnow
from saas.errors import OperationError
from saas.i18n import L_
from saas.jobs.tasks import TASK_TIMEOUT
from saas.notifications import kinds
from saas.notifications.sending import notify, tenant_link
from tenants.impact.reports import queries
from tenants.impact.reports.models import MunicipalityReport
from tenants.impact.vocabulary import ReportStatus

#: A report still queued or running this long after it was asked for was lost (a worker crashed,
#: or RQ's timeout stopped it): it may be generated again.
STALE_AFTER = timedelta(seconds=2 * TASK_TIMEOUT)


def request_report(actor: User, data: dict[str, Any]) -> MunicipalityReport:
    """Ask for a report on ``data``'s municipality and period; it waits in the queue to be generated."""
    report = MunicipalityReport(
        municipality=data["municipality"],
        period_start=data["period_start"],
        period_end=data["period_end"],
        status=ReportStatus.QUEUED,
        progress=0,
        figures={},
        requested_by_id=actor.id,
    )
    db.session.add(report)
    db.session.flush()
    record(
        actor,
        "report.requested",
        report,
        municipality=report.municipality,
        period_start=report.period_start.isoformat(),
        period_end=report.period_end.isoformat(),
    )
    return report


def _lock(report: MunicipalityReport) -> MunicipalityReport:
    """The report as it is now, locked: a submit and a generation never interleave."""
    return db.session.scalars(
        select(MunicipalityReport)
        .where(MunicipalityReport.id == report.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def submit_report(actor: User, report: MunicipalityReport) -> None:
    """Mark the report as submitted to the municipality: from now on it never changes. One report
    per municipality and year is submitted, so viewers never see two versions to compare."""
    report = _lock(report)
    if report.status == ReportStatus.SUBMITTED:
        raise OperationError(L_("This report has already been submitted."))
    if report.status != ReportStatus.READY:
        raise OperationError(L_("Only a report that is ready can be submitted."))
    earlier = db.session.scalar(
        select(MunicipalityReport.id).where(
            MunicipalityReport.municipality == report.municipality,
            MunicipalityReport.status == ReportStatus.SUBMITTED,
            MunicipalityReport.period_start == report.period_start,
            MunicipalityReport.id != report.id,
        )
    )
    if earlier is not None:
        raise OperationError(
            L_(
                "A report for %(municipality)s and %(year)s has already been submitted.",
                municipality=report.municipality,
                year=report.period_start.year,
            )
        )
    report.status, report.submitted_at, report.submitted_by_id = ReportStatus.SUBMITTED, utcnow(), actor.id
    db.session.flush()
    record(actor, "report.submitted", report, municipality=report.municipality)
    _mail_viewers(report)


def _mail_viewers(report: MunicipalityReport) -> None:
    """Tell each active report viewer, in their own language, that the report can be read: a
    notification (saas.notifications), sent once the submit has committed, as each viewer chose."""
    notify(kinds.REPORT_SUBMITTED, queries.active_viewers(), subject_id=report.id, event_key="submitted",
           link=tenant_link("reports.show", report_id=report.id), municipality=report.municipality,
           period_start=report.period_start, period_end=report.period_end)


def prepare_regeneration(actor: User, report: MunicipalityReport) -> None:
    """Queue the report to be generated again (e.g. after corrections, or when it failed)."""
    report = _lock(report)
    if report.status == ReportStatus.SUBMITTED:
        raise OperationError(
            L_(
                "A submitted report is frozen and cannot be generated again. "
                "Ask for a new report for the same municipality and period instead."
            )
        )
    if report.status in (ReportStatus.QUEUED, ReportStatus.RUNNING) and report.created_at > utcnow() - STALE_AFTER:
        raise OperationError(L_("This report is being generated already."))
    report.status, report.progress, report.error = ReportStatus.QUEUED, 0, None
    db.session.flush()
    record(actor, "report.regenerated", report)
