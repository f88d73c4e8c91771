"""What the tenant's "Shared with the foundation" page reads: its publications and the cells it
has published per period (a fixed number of statements)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from saas.db import db
from saas.foundation.freezing import frozen_years
from saas.foundation.models import PublishedStatistic, StatisticsPublication
from saas.foundation.periods import Period

RECENT_PUBLICATIONS = 20


@dataclass(frozen=True)
class PublishedPeriod:
    period: Period
    cells: int
    #: The foundation froze the year: its cells are no longer replaced.
    frozen: bool


def recent_publications(limit: int = RECENT_PUBLICATIONS) -> list[StatisticsPublication]:
    """The bound tenant's last publications, newest first (one statement)."""
    return list(db.session.scalars(select(StatisticsPublication)
                                   .order_by(StatisticsPublication.started_at.desc(), StatisticsPublication.id)
                                   .limit(limit)))


def published_periods() -> list[PublishedPeriod]:
    """The periods the bound tenant has cells for, newest year first and each year before its
    quarters, with the number of cells (two statements)."""
    counts = db.session.execute(select(PublishedStatistic.period, func.count()).group_by(PublishedStatistic.period))
    frozen = frozen_years()
    periods = []
    for key, cells in counts:
        try:
            period = Period.parse(key)
        except ValueError:  # written by nobody but the job; skipped rather than shown wrong
            continue
        periods.append(PublishedPeriod(period, int(cells), period.year in frozen))
    return sorted(periods, key=lambda row: (-row.period.year, row.period.quarter or 0))
