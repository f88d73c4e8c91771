"""Published statistics for tests: a tenant's publication with the cells given, written inside that
tenant's own context (as the publishing job does), and frozen years."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Flask

from saas.auth.models import User
from saas.db import tenant_context
from saas.foundation.measures import ALL, Measure
from saas.foundation.models import (
    PublicationStatus,
    PublicationTrigger,
    PublishedStatistic,
    StatisticsPublication,
    StatisticsSnapshot,
)
from saas.tenancy.models import Tenant
from tests.support.factories import database


@dataclass(frozen=True)
class Cell:
    """One published cell, as saas.foundation.measures describes it."""

    period: str
    measure: Measure | str
    n: int = 0
    total: int = 0
    squares: int = 0
    track: str = ALL
    domain: str = ALL
    moment: str = ALL
    category: str = ALL


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
        session.add_all(PublishedStatistic(
            publication_id=publication.id, period=cell.period, measure=str(cell.measure), track=cell.track,
            domain=cell.domain, moment=cell.moment, category=cell.category, n=cell.n, total=cell.total,
            squares=cell.squares) for cell in cells)
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
