"""The dashboard's figures in one call: the measurement figures (tenants.impact.dashboard.aggregates)
and the reach (tenants.impact.dashboard.reach)."""

from __future__ import annotations

from dataclasses import dataclass

from tenants.impact.dashboard.aggregates import (
    DomainChange,
    DomainMeans,
    Scope,
    domain_labels,
    domain_means,
    measured,
    paired_changes,
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


def impact_figures(scope: Scope, language: str) -> ImpactFigures:
    """Every figure of the dashboard (nine statements)."""
    labels = domain_labels(language)
    return ImpactFigures(scope, measured(scope), domain_means(scope, labels), paired_changes(scope, labels),
                         outcomes(scope), reach(scope))
