"""Server-rendered SVG charts (pygal) of the impact dashboard, served from their own routes as
``<img>`` (see saas.charts for why: no script, and the SVG's own CSP). The tables on the
dashboard carry the same figures and are the accessible version."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pygal

from saas import charts
from saas.charts import COMMON_OPTIONS as _COMMON
from saas.charts import DIRECTION_COLOURS
from saas.charts import number as _number
from tenants.impact.dashboard.aggregates import DomainChange, DomainMeans
from tenants.impact.measurements.charts import MOMENT_COLOURS
from tenants.impact.vocabulary import Moment

CHANGE_COLOUR = charts.BLUE


def means_chart(domains: Sequence[DomainMeans], moments: Sequence[Moment], *, title: str,
                moment_labels: Mapping[Moment, str]) -> bytes:
    """Grouped bars: the mean domain score (1–4) at each of ``moments``."""
    colours = tuple(MOMENT_COLOURS[moment] for moment in moments) or (CHANGE_COLOUR,)
    # pygal fails on y_labels without a series: the fixed labels only when there is something to show.
    y_labels = {"y_labels": [1, 2, 3, 4]} if domains and moments else {}
    chart = pygal.Bar(style=charts.style(colours), title=title, range=(1, 4), x_label_rotation=25,
                      show_y_guides=True, **y_labels, **_COMMON)
    chart.x_labels = [domain.label for domain in domains]
    for moment in moments:
        chart.add(moment_labels[moment], [_number(domain.mean(moment)) for domain in domains])
    return charts.render(chart)


def change_chart(changes: Sequence[DomainChange], *, title: str, series: str) -> bytes:
    """Horizontal bars: the mean change T0 → Tend per domain (points on the 1–4 scale)."""
    chart = pygal.HorizontalBar(style=charts.style([CHANGE_COLOUR]), title=title, show_legend=False,
                                **_COMMON)
    chart.x_labels = [change.label for change in changes]
    chart.add(series, [_number(change.change.mean) for change in changes])
    return charts.render(chart)


def direction_chart(changes: Sequence[DomainChange], *, title: str, labels: Sequence[str]) -> bytes:
    """Stacked horizontal bars: the share (%) of families improved, stable and worse per domain."""
    chart = pygal.HorizontalStackedBar(style=charts.style(DIRECTION_COLOURS), title=title,
                                       range=(0, 100), **_COMMON)
    chart.x_labels = [change.label for change in changes]
    for label, counts in zip(labels, ([change.improved for change in changes], [change.stable for change in changes],
                                      [change.worse for change in changes]), strict=True):
        chart.add(label, [round(100 * count / change.n, 1) for count, change in zip(counts, changes, strict=True)])
    return charts.render(chart)
