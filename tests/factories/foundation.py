"""Published statistics for tests: a tenant's publication with the cells given (the publishing job's
own Cell), written inside that tenant's own context (as the job does), and frozen years.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from flask import Flask

from saas.auth.models import User
from saas.db import tenant_context
from saas.foundation.models import (
    PublicationStatus,
    PublicationTrigger,
    PublishedStatistic,
    StatisticsPublication,
    StatisticsSnapshot,
)
from saas.tenancy.models import Tenant
from tenants.publishing.cells import Cell
from tests.factories.platform import database


def publish(app: Flask, tenant: Tenant, cells: Iterable[Cell], *,
            trigger: PublicationTrigger = PublicationTrigger.COMMAND,
            status: PublicationStatus = PublicationStatus.SUCCEEDED,
            started_at: datetime | None = None, finished_at: datetime | None = None,
            error: str | None = None) -> StatisticsPublication:
    """A publication of ``tenant`` with ``cells`` (none for a failed run, say)."""
    cells = list(cells)
    started_at = started_at or datetime.now(UTC)
    with database(app) as session, tenant_context(session, tenant.id):
        publication = StatisticsPublication(
            started_at=started_at, finished_at=finished_at or started_at, trigger=trigger, status=status,
            cells=len(cells), periods=len({cell.period for cell in cells}), error=error)
        session.add(publication)
        session.flush()
        session.add_all(PublishedStatistic(publication_id=publication.id, **cell.as_row()) for cell in cells)
        session.flush()
    return publication


def freeze_year(app: Flask, year: int, *, frozen_at: datetime | None = None, frozen_by: User | None = None,
                tenants: int = 0, cells: int = 0) -> StatisticsSnapshot:
    """A snapshot of ``year`` (no cells are copied: the published ones simply stop being replaced)."""
    with database(app) as session:
        snapshot = StatisticsSnapshot(year=year, frozen_at=frozen_at or datetime.now(UTC),
                                      frozen_by_id=frozen_by.id if frozen_by else None, tenants=tenants, cells=cells)
        session.add(snapshot)
        session.flush()
    return snapshot
