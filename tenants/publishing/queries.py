"""What the tenant's "Shared with the foundation" page reads: its publications, and per year what
it shared and whether the foundation sees it yet (a fixed number of statements)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from saas.clock import local_today
from saas.db import db
from saas.foundation.measures import ALL, HOURS_SCALE, Measure
from saas.foundation.models import PublishedStatistic, StatisticsPublication, StatisticsSnapshot
from saas.foundation.periods import Period
from saas.foundation.release import is_released, release_date, released_on

#: The figures the page shows per year, in order: (key, measure, category or None for the sum of
#: every category). The labels are the foundation's own (saas.foundation.national_labels).
SHARED_FIGURES = (
    ("families_supported", Measure.FAMILIES, "supported"),
    ("families_new", Measure.FAMILIES, "new"),
    ("families_closed", Measure.FAMILIES, "closed"),
    ("children", Measure.CHILDREN, None),
    ("volunteers_active", Measure.VOLUNTEERS, "active"),
    ("volunteers_new", Measure.VOLUNTEERS, "new"),
    ("volunteers_stopped", Measure.VOLUNTEERS, "stopped"),
    ("training_hours", Measure.TRAINING_HOURS, ALL),
    ("with_care", Measure.OUTCOME, "with_care"),
    ("care_stopped", Measure.OUTCOME, "care_stopped"),
    ("care_reduced", Measure.OUTCOME, "care_reduced"),
    ("would_otherwise_be_referred", Measure.OUTCOME, "would_otherwise_be_referred"),
    ("prevented_referral_confirmed", Measure.OUTCOME, "prevented_referral_confirmed"),
)
#: Years the page shows: the newest ones the tenant shared.
SHARED_YEARS = 3

RECENT_PUBLICATIONS = 20


def recent_publications(limit: int = RECENT_PUBLICATIONS) -> list[StatisticsPublication]:
    """The bound tenant's last publications, newest first (one statement)."""
    return list(db.session.scalars(select(StatisticsPublication)
                                   .order_by(StatisticsPublication.started_at.desc(), StatisticsPublication.id)
                                   .limit(limit)))


@dataclass(frozen=True)
class SharedYear:
    """One year as the organisation shared it: the figures (sums over the tracks; training hours
    in hours) and where the year stands: ``released_on`` the day the foundation first saw it (None
    while it is still shared every night), ``release_on`` when it will."""

    year: int
    figures: dict[str, int | Decimal] = field(default_factory=dict)
    released_on: date | None = None
    release_on: date | None = None


def shared_years(limit: int = SHARED_YEARS) -> list[SharedYear]:
    """The bound tenant's newest ``limit`` shared years, newest first, with their figures (two
    statements: the sums, the years frozen early)."""
    measures = {measure.value for _key, measure, _category in SHARED_FIGURES}
    statistic = PublishedStatistic
    rows = db.session.execute(
        select(statistic.period, statistic.measure, statistic.category, func.sum(statistic.n),
               func.sum(statistic.total))
        .where(statistic.measure.in_(measures), statistic.period.not_like("%-Q%"))
        .group_by(statistic.period, statistic.measure, statistic.category))
    sums: dict[int, dict[tuple[str, str], tuple[int, int]]] = {}
    for period, measure, category, n, total in rows:
        try:
            year = Period.parse(period).year
        except ValueError:  # written by nobody but the job; skipped rather than shown wrong
            continue
        sums.setdefault(year, {})[(measure, category)] = (int(n or 0), int(total or 0))
    snapshots = db.session.execute(select(StatisticsSnapshot.year, StatisticsSnapshot.frozen_at))
    frozen_at = {year: at for year, at in snapshots}
    today = local_today()
    shared = []
    for year in sorted(sums, reverse=True)[:limit]:
        cells = sums[year]
        figures: dict[str, int | Decimal] = {}
        for key, measure, category in SHARED_FIGURES:
            if measure == Measure.TRAINING_HOURS:
                figures[key] = Decimal(cells.get((measure.value, ALL), (0, 0))[1]) / HOURS_SCALE
            else:
                figures[key] = sum(n for (m, c), (n, _total) in cells.items()
                                   if m == measure.value and (category is None or c == category))
        if is_released(year, frozen_at, today):
            shared.append(SharedYear(year, figures, released_on=released_on(year, frozen_at.get(year))))
        else:
            shared.append(SharedYear(year, figures, release_on=release_date(year)))
    return shared
