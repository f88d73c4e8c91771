"""Municipality reports: generated in the background, frozen when submitted."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from saas.db import TenantScoped, db, enum_type, utcnow
from tenants.impact.vocabulary import ReportStatus


class MunicipalityReport(TenantScoped, db.Model):
    """A report for one municipality and period: generated in the background, frozen when submitted."""

    __tablename__ = "municipality_reports"
    __table_args__ = (sa.Index(None, "tenant_id", "municipality", "period_start"),)

    municipality: Mapped[str] = mapped_column(sa.String(120))
    period_start: Mapped[date]
    period_end: Mapped[date]
    status: Mapped[ReportStatus] = mapped_column(enum_type(ReportStatus, "report_status"),
                                                 default=ReportStatus.QUEUED)
    #: 0–100, for the progress bar while it is generated.
    progress: Mapped[int] = mapped_column(default=0)
    #: The suppressed figures the files were made from (what leaves the tenant).
    figures: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    pdf: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    xlsx: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    error: Mapped[str | None] = mapped_column(sa.String(500))
    requested_by_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    generated_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    submitted_by_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
