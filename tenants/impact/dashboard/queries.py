"""The dashboard's figures in one call: the measurement figures (tenants.impact.dashboard.aggregates)
and the reach (tenants.impact.dashboard.reach), kept between requests until the tenant's data changes.

Aggregating them costs a pass over every measurement, family and match of the tenant (half a second
at 5,000 families on SQLite), while the manager's dashboard and its three charts ask for the same
figures over and over. So they are kept in the process (saas.figures_cache) under the tenant's
*data version*: its audit log, which every write appends to (saas.audit; docs/architecture.md §2,
operations.py). A cache rather than SQL alone because any SQL over the tenant's rows grows with them;
the audit log's version reads its newest change and counts the last ten to twenty minutes of
changes, whatever the tenant's size (so an entry lives ten minutes at most there).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from saas.audit.models import AuditEvent
from saas.clock import local_today
from saas.db import bound_tenant_id, db, utcnow
from saas.figures_cache import figures_cache
from tenants.impact.dashboard.aggregates import (
    DomainChange,
    DomainMeans,
    Scope,
    YearActivity,
    domain_labels,
    domain_means,
    measured,
    paired_changes,
    year_activity,
)
from tenants.impact.dashboard.reach import Outcomes, Reach, outcomes, reach
from tenants.impact.vocabulary import Moment

#: Longer than any transaction that writes to a tenant runs (see data_version).
SETTLING = timedelta(minutes=10)


@dataclass(frozen=True)
class ImpactFigures:
    scope: Scope
    measured: dict[Moment, int]
    domains: list[DomainMeans]
    changes: list[DomainChange]
    outcomes: Outcomes
    reach: Reach


Version = tuple[datetime, datetime | None, int]


def kept_impact_figures(scope: Scope, language: str, version: Version) -> ImpactFigures:
    """Every figure of the dashboard, kept under the data version ``version`` (read by the caller),
    else aggregated (nine statements). Today is part of the key: the current year's figures are
    taken on today (Scope.reference_day)."""
    key = (bound_tenant_id(db.session), version, scope, language, local_today())
    return figures_cache("impact.figures").get_or_build(key, lambda: impact_figures(scope, language))


def impact_figures(scope: Scope, language: str) -> ImpactFigures:
    """Every figure of the dashboard, aggregated now (nine statements)."""
    labels = domain_labels(language)
    return ImpactFigures(scope, measured(scope), domain_means(scope, labels), paired_changes(scope, labels),
                         outcomes(scope), reach(scope))


def kept_year_activity(version: Version) -> YearActivity:
    """aggregates.year_activity, kept under the data version ``version`` (read by the caller)."""
    return figures_cache("impact.years").get_or_build((bound_tenant_id(db.session), version), year_activity)


def data_version() -> Version:
    """A value that changes whenever a figure of the bound tenant can (one statement): the time of its
    newest audit event of a change (views of a file are left out), and how many it recorded since
    ``since``, a moment at least SETTLING ago that moves in steps of SETTLING.

    The newest time alone would miss a transaction that recorded an earlier time but committed after
    a newer one. Such a late commit (of a transaction shorter than SETTLING) recorded its time after
    ``since``, so it changes the count; ``since`` stays fixed between its steps, so the count changes
    only by commits, and it is part of the version, so a step starts afresh."""
    now = utcnow()
    step = SETTLING.total_seconds()
    since = datetime.fromtimestamp((now.timestamp() // step - 1) * step, tz=now.tzinfo)
    changes = ~AuditEvent.action.like("%viewed")  # reading a file is audited too, but changes no figure
    newest = select(func.max(AuditEvent.at)).where(changes).scalar_subquery()
    recent = select(func.count()).select_from(AuditEvent).where(AuditEvent.at >= since, changes).scalar_subquery()
    latest, count = db.session.execute(select(newest, recent)).one()
    return since, latest, int(count)
