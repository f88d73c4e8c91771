"""The published statistics: the only tenant data the foundation ever reads.

Each tenant's publishing job (tenants.publishing, running inside that tenant) writes its
:class:`PublishedStatistic` cells and a :class:`StatisticsPublication` record; both are tenant
tables (ORM guard, composite keys, row-level security). A second, read-only PostgreSQL policy lets
a session whose reader is "foundation" (saas.foundation.access binds it for foundation requests)
select them across tenants — and nothing else: every other tenant table stays closed to it.

A year the foundation has frozen (:class:`StatisticsSnapshot`) is no longer republished, so its
national figures stay as they were when it was frozen.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from saas.db import TenantScoped, db, enum_type, tenant_fk, utcnow
from saas.enums import LabelledEnum
from saas.foundation.measures import SCORE_SCALE
from saas.i18n import L_


class PublicationTrigger(LabelledEnum):
    NIGHTLY = "nightly", L_("Nightly")
    ON_DEMAND = "on_demand", L_("On demand")
    COMMAND = "command", L_("By a system administrator")


class PublicationStatus(LabelledEnum):
    SUCCEEDED = "succeeded", L_("Published")
    FAILED = "failed", L_("Failed")


class StatisticsPublication(TenantScoped, db.Model):
    """One run of a tenant's publishing job: when, why, and how many cells and periods it wrote."""

    __tablename__ = "statistics_publications"
    __table_args__ = (sa.Index(None, "tenant_id", "started_at"),)

    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    trigger: Mapped[PublicationTrigger] = mapped_column(enum_type(PublicationTrigger, "publication_trigger"))
    status: Mapped[PublicationStatus] = mapped_column(enum_type(PublicationStatus, "publication_status"))
    #: Cells written (and periods recomputed); periods of frozen years are skipped.
    cells: Mapped[int] = mapped_column(default=0)
    periods: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(sa.String(500))


class PublishedStatistic(TenantScoped, db.Model):
    """One cell of a tenant's statistics: counts and sums, before any disclosure control (which is
    applied when the foundation shows or exports anything). See saas.foundation.measures."""

    __tablename__ = "published_statistics"
    __table_args__ = (
        # Named here: the generated names would pass PostgreSQL's 63 characters.
        tenant_fk("publication_id", "statistics_publications", ondelete="CASCADE",
                  name="fk_published_statistics_publication"),
        sa.UniqueConstraint("tenant_id", "period", "measure", "track", "domain", "moment", "category",
                            name="uq_published_statistics_cell"),
        sa.Index(None, "period", "measure"),
    )

    publication_id: Mapped[uuid.UUID]
    #: "2026" or "2026-Q3" (saas.foundation.periods.Period.key).
    period: Mapped[str] = mapped_column(sa.String(7))
    #: saas.foundation.measures.Measure
    measure: Mapped[str] = mapped_column(sa.String(30))
    track: Mapped[str] = mapped_column(sa.String(40), default="")
    domain: Mapped[str] = mapped_column(sa.String(40), default="")
    moment: Mapped[str] = mapped_column(sa.String(10), default="")
    category: Mapped[str] = mapped_column(sa.String(40), default="")
    n: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    total: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    squares: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    #: The unit of ``total`` and ``squares`` of the score measures (measures.SCORE_MEASURES): 1/score_scale.
    #: Rows of frozen years keep the unit they were written in (measures.LEGACY_SCORE_SCALE before scores
    #: were exact); the reader converts each row to measures.SCORE_SCALE.
    score_scale: Mapped[int] = mapped_column(default=SCORE_SCALE)


class StatisticsSnapshot(db.Model):
    """A year the foundation froze: its cells (the year and its quarters) are no longer replaced,
    so the national figures of that year do not drift afterwards (a platform table)."""

    __tablename__ = "statistics_snapshots"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    year: Mapped[int] = mapped_column(unique=True)
    frozen_at: Mapped[datetime] = mapped_column(default=utcnow)
    frozen_by_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    #: Tenants that had published the year when it was frozen, and their cells.
    tenants: Mapped[int] = mapped_column(default=0)
    cells: Mapped[int] = mapped_column(default=0)
