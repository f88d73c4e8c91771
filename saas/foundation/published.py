"""Reading the published statistics for the national figures: a fixed number of SQL statements.

Everything the national view of one year needs is summed by the database across tenants, so the
number of statements (and the rows fetched) does not grow with the number of tenants:

1. :func:`released_years` — the years released (saas.foundation.release), and how many tenants
   published each: a year still open is never read;
2. :func:`read_published` — (a) the cells, summed per (period, measure, track, domain, moment,
   category) with the number of tenants contributing to each (a tenant with n = 0 contributes
   nothing), once per track and once over all tracks (``ANY_TRACK``: how many *different* tenants
   a national part is built from cannot be added up from the tracks); (b) the fidelity cells of
   the year per tenant; (c) the year's snapshot; (d) each tenant's last publication.

Tenants that were deactivated keep their published cells, and those count: a year's national
figures should not shrink because an organisation stopped afterwards (a frozen year could not
anyway). The published tables are tenant tables: every statement here crosses tenants on purpose
(``cross_tenant``); on PostgreSQL the foundation's reader policy is what lets them through.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import String, and_, case, cast, func, literal, or_, select, union_all

from saas.db import cross_tenant, db
from saas.foundation.measures import SCORE_MEASURES, SCORE_SCALE, Measure
from saas.foundation.models import PublishedStatistic, StatisticsPublication, StatisticsSnapshot
from saas.foundation.periods import Period, year_periods
from saas.foundation.release import is_released
from saas.tenancy.models import Tenant

#: The track of the cells summed over all tracks (no track code is "*").
ANY_TRACK = "*"
#: Measures summed for every year (the growth table); the others only for the year and the one before.
GROWTH_MEASURES = (Measure.FAMILIES, Measure.VOLUNTEERS, Measure.MUNICIPALITIES)
_REASON = "published statistics"


class CellKey(NamedTuple):
    period: str
    measure: str
    track: str
    domain: str = ""
    moment: str = ""
    category: str = ""


@dataclass(frozen=True)
class CellSum:
    """A national cell: the tenants' n, total and squares added up, and how many tenants had n > 0."""

    n: int = 0
    total: int = 0
    squares: int = 0
    tenants: int = 0


@dataclass(frozen=True)
class FidelityCell:
    tenant_name: str
    indicator: str
    n: int
    total: int


@dataclass(frozen=True)
class LastPublication:
    """A tenant's last publishing run (every field None when it never ran)."""

    tenant_name: str
    started_at: datetime | None = None
    finished_at: datetime | None = None
    trigger: object | None = None   #: saas.foundation.models.PublicationTrigger
    status: object | None = None    #: saas.foundation.models.PublicationStatus
    cells: int | None = None


@dataclass
class PublishedData:
    """What :func:`read_published` found for one year (the input of saas.foundation.national)."""

    cells: dict[CellKey, CellSum] = field(default_factory=dict)
    fidelity: list[FidelityCell] = field(default_factory=list)
    frozen_at: datetime | None = None
    publications: list[LastPublication] = field(default_factory=list)

    def cell(self, key: CellKey) -> CellSum:
        return self.cells.get(key, _EMPTY)


_EMPTY = CellSum()


def released_years(today: date) -> tuple[dict[int, int], set[int]]:
    """The years released by ``today`` (saas.foundation.release) as {year: number of tenants that
    published it}, and the years frozen early; a year still open is not among them, whatever was
    published for it (one statement)."""
    statistic, snapshot = PublishedStatistic, StatisticsSnapshot
    statement = (select(statistic.period, func.count(statistic.tenant_id.distinct()), func.count(snapshot.year))
                 .outerjoin(snapshot, cast(snapshot.year, String) == statistic.period)
                 .where(statistic.period.not_like("%-Q%"))
                 .group_by(statistic.period))
    years: dict[int, int] = {}
    frozen: set[int] = set()
    for period, tenants, snapshots in db.session.execute(cross_tenant(statement, _REASON)):
        try:
            year = Period.parse(period).year
        except ValueError:  # a period the contract does not know: not ours to show
            continue
        if snapshots:
            frozen.add(year)
        if is_released(year, frozen, today):
            years[year] = int(tenants)
    return years, frozen


def read_publications() -> PublishedData:
    """No figures, only every tenant's last publication: what the foundation sees before any year
    is released (one statement)."""
    return PublishedData(publications=_last_publications())


def read_published(year: int) -> PublishedData:
    """The cells of ``year`` and the year before (every year for GROWTH_MEASURES), the fidelity
    cells of ``year``, its snapshot and every tenant's last publication (four statements)."""
    return PublishedData(cells=_cells(year), fidelity=_fidelity(year), frozen_at=_frozen_at(year),
                         publications=_last_publications())


def _cells(year: int) -> dict[CellKey, CellSum]:
    statistic = PublishedStatistic
    periods = [*year_periods(year), *year_periods(year - 1)]
    wanted = or_(and_(statistic.period.in_(periods), statistic.measure != Measure.FIDELITY.value),
                 and_(statistic.measure.in_([measure.value for measure in GROWTH_MEASURES]),
                      statistic.period.not_like("%-Q%")))
    contributing = func.count(case((statistic.n != 0, statistic.tenant_id)).distinct())
    # Each row's scores into units of 1/SCORE_SCALE before tenants are added up (a frozen year keeps
    # the unit it was published in; SCORE_SCALE is a multiple of every unit ever written).
    factor = case((statistic.measure.in_([measure.value for measure in SCORE_MEASURES]),
                   literal(SCORE_SCALE) // statistic.score_scale), else_=1)
    sums = (func.sum(statistic.n), func.sum(statistic.total * factor), func.sum(statistic.squares * factor * factor),
            contributing)
    dimensions = (statistic.domain, statistic.moment, statistic.category)
    per_track = (select(statistic.period, statistic.measure, statistic.track, *dimensions, *sums)
                 .where(wanted).group_by(statistic.period, statistic.measure, statistic.track, *dimensions))
    all_tracks = (select(statistic.period, statistic.measure, literal(ANY_TRACK), *dimensions, *sums)
                  .where(wanted).group_by(statistic.period, statistic.measure, *dimensions))
    cells: dict[CellKey, CellSum] = {}
    for period, measure, track, domain, moment, category, n, total, squares, tenants in db.session.execute(
            cross_tenant(union_all(per_track, all_tracks), _REASON)):
        cells[CellKey(period, measure, track, domain, moment, category)] = CellSum(
            int(n or 0), int(total or 0), int(squares or 0), int(tenants or 0))
    return cells


def _fidelity(year: int) -> list[FidelityCell]:
    statistic = PublishedStatistic
    statement = (select(Tenant.name, statistic.category, statistic.n, statistic.total)
                 .join(Tenant, Tenant.id == statistic.tenant_id)
                 .where(statistic.period == str(year), statistic.measure == Measure.FIDELITY.value)
                 .order_by(Tenant.name, Tenant.id))
    return [FidelityCell(name, indicator, int(n), int(total))
            for name, indicator, n, total in db.session.execute(cross_tenant(statement, _REASON))]


def published_version() -> tuple[tuple[LastPublication, ...], tuple[tuple[int, datetime], ...]]:
    """What changes whenever the published figures can (two statements): each tenant's last
    publication (a run replaces the tenant's cells and adds its record in one transaction; a tenant
    created or renamed shows here too) and the frozen years."""
    frozen = db.session.execute(select(StatisticsSnapshot.year, StatisticsSnapshot.frozen_at)
                                .order_by(StatisticsSnapshot.year))
    return tuple(_last_publications()), tuple((year, at) for year, at in frozen)


def _frozen_at(year: int) -> datetime | None:
    return db.session.scalar(select(StatisticsSnapshot.frozen_at).where(StatisticsSnapshot.year == year))


@functools.cache
def _last_publications_statement() -> Any:
    """The statement of :func:`_last_publications`, built once: building its subqueries cost more
    than running it (issue 19)."""
    publication = StatisticsPublication
    latest = (select(publication.tenant_id, func.max(publication.started_at).label("started_at"))
              .group_by(publication.tenant_id).subquery())
    last = (select(publication).join(latest, and_(latest.c.tenant_id == publication.tenant_id,
                                                  latest.c.started_at == publication.started_at))
            .subquery())
    return cross_tenant(select(Tenant.id, Tenant.name, last.c.started_at, last.c.finished_at, last.c.trigger,
                               last.c.status, last.c.cells)
                        .outerjoin(last, last.c.tenant_id == Tenant.id)
                        .order_by(Tenant.name, Tenant.id, last.c.finished_at.desc()), _REASON)


def _last_publications() -> list[LastPublication]:
    """Every tenant with its last run (by start), by name; a LEFT JOIN keeps those that never ran."""
    found: dict[object, LastPublication] = {}
    for tenant_id, name, started_at, finished_at, trigger, status, cells in db.session.execute(
            _last_publications_statement()):
        # Two runs started at the same instant: the one that finished last.
        found.setdefault(tenant_id, LastPublication(name, started_at, finished_at, trigger, status, cells))
    return list(found.values())
