"""Reads of municipality reports: the list, one report without its files, one file, and the rule
of which periods a report may cover. Each list page is one statement and its count."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import defer, load_only

from saas.auth.models import Membership, User
from saas.auth.roles import Role
from saas.db import db
from tenants.impact.reports.models import MunicipalityReport
from tenants.impact.vocabulary import ReportStatus

#: The files are large: lists and status pages never load them.
WITHOUT_FILES = (defer(MunicipalityReport.pdf), defer(MunicipalityReport.xlsx))
PAGE_SIZE = 25
#: What the list shows: not the files, nor the figures.
LIST_COLUMNS = load_only(
    MunicipalityReport.municipality,
    MunicipalityReport.period_start,
    MunicipalityReport.period_end,
    MunicipalityReport.status,
    MunicipalityReport.progress,
    MunicipalityReport.created_at,
    MunicipalityReport.generated_at,
    MunicipalityReport.submitted_at,
)


def is_calendar_year(start: date, end: date, today: date) -> bool:
    """Reports cover fixed periods only — one calendar year (this year: up to today) — so two
    reports never overlap in part and cannot be subtracted to single out a family."""
    if start != date(start.year, 1, 1):
        return False
    return end == date(start.year, 12, 31) or (start.year == today.year and end == today)


def report_list(*, submitted_only: bool) -> Any:
    """Reports newest first, without their files or figures (one statement per page, and its count)."""
    statement = (
        select(MunicipalityReport)
        .options(LIST_COLUMNS)
        .order_by(MunicipalityReport.created_at.desc(), MunicipalityReport.id)
    )
    if submitted_only:
        statement = statement.where(MunicipalityReport.status == ReportStatus.SUBMITTED)
    return statement


def report_detail(report_id: uuid.UUID) -> MunicipalityReport | None:
    """The report without its files (its page and the buttons on it)."""
    return db.session.scalars(
        select(MunicipalityReport).options(*WITHOUT_FILES).where(MunicipalityReport.id == report_id)
    ).first()


def report_file(report_id: uuid.UUID, kind: str) -> tuple[MunicipalityReport, bytes | None] | None:
    """The report with only the one file asked for loaded."""
    column = MunicipalityReport.pdf if kind == "pdf" else MunicipalityReport.xlsx
    other = MunicipalityReport.xlsx if kind == "pdf" else MunicipalityReport.pdf
    report = db.session.scalars(
        select(MunicipalityReport).options(defer(other)).where(MunicipalityReport.id == report_id)
    ).first()
    return None if report is None else (report, getattr(report, column.key))


def active_viewers() -> list[User]:
    """The bound tenant's active report viewers whose account is active (who hear of a submitted report)."""
    return list(db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.is_active, Membership.role == Role.REPORT_VIEWER, User.is_active)
        .order_by(User.name)
    ))
