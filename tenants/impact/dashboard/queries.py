"""The dashboard's figures in one call: the measurement figures (tenants.impact.dashboard.aggregates)
and the reach (tenants.impact.dashboard.reach), kept between requests until the tenant's data changes.

Aggregating them costs a pass over every measurement, family and match of the tenant (half a second
at 5,000 families on SQLite), while the manager's dashboard and its three charts ask for the same
figures over and over. So they are kept in the process (saas.figures_cache) under the tenant's
*data version* (saas.tenancy.versions), raised by the commit of every change to its data. A cache
rather than SQL alone because any SQL over the tenant's rows grows with them; the version is read with
the tenant, whatever the tenant's size. (It replaced a version read from the audit log, whose newest
change lay behind every view of a file audited since: a scan that grew with the views.)
"""

from __future__ import annotations

from dataclasses import dataclass

from saas.clock import local_today
from saas.db import bound_tenant_id, db
from saas.figures_cache import figures_cache
from saas.tenancy.versions import current_data_version
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


@dataclass(frozen=True)
class ImpactFigures:
    scope: Scope
    measured: dict[Moment, int]
    domains: list[DomainMeans]
    changes: list[DomainChange]
    outcomes: Outcomes
    reach: Reach


Version = int


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
    """The bound tenant's data version (saas.tenancy.versions): raised by the commit of every change
    to what the figures are aggregated from (measurements, families, matches, the instruments), and
    not by views of a file, so reading one statement — none in a request — tells whether they hold."""
    return current_data_version()
