"""Server-rendered SVG charts (pygal) of the impact dashboard, served from their own routes as
``<img>`` (see tenants.impact.charts for why: no script, and the SVG's own CSP). The tables on
the dashboard carry the same figures and are the accessible version."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction

import pygal
from pygal.style import Style

from tenants.impact.aggregates import DomainChange, DomainMeans
from tenants.impact.charts import MOMENT_COLOURS
from tenants.impact.vocabulary import Moment

#: Okabe–Ito colours, each at least 3:1 on white: improved, stable, worse.
DIRECTION_COLOURS = ("#009E73", "#767676", "#D55E00")
CHANGE_COLOUR = "#0072B2"

_STYLE = dict(background="#ffffff", plot_background="#ffffff", foreground="#1f2933", foreground_strong="#1f2933",
              foreground_subtle="#6b7280", font_family="system-ui, sans-serif", label_font_size=13,
              major_label_font_size=13, legend_font_size=14, title_font_size=16, value_font_size=12)
#: pygal writes its configuration as an inline script even without its JavaScript: taken out, as
#: an image never runs it and the chart's CSP would block it anyway.
_SCRIPT = re.compile(rb"<script\b.*?</script>", re.DOTALL)
_COMMON = dict(js=[], width=900, height=460, truncate_label=-1, legend_at_bottom=True, print_values=False,
               no_data_text="—")


def means_chart(domains: Sequence[DomainMeans], moments: Sequence[Moment], *, title: str,
                moment_labels: Mapping[Moment, str]) -> bytes:
    """Grouped bars: the mean domain score (1–4) at each of ``moments``."""
    colours = tuple(MOMENT_COLOURS[moment] for moment in moments) or (CHANGE_COLOUR,)
    # pygal fails on y_labels without a series: the fixed labels only when there is something to show.
    y_labels = {"y_labels": [1, 2, 3, 4]} if domains and moments else {}
    chart = pygal.Bar(style=Style(colors=colours, **_STYLE), title=title, range=(1, 4), x_label_rotation=25,
                      show_y_guides=True, **y_labels, **_COMMON)
    chart.x_labels = [domain.label for domain in domains]
    for moment in moments:
        chart.add(moment_labels[moment], [_number(domain.mean(moment)) for domain in domains])
    return _render(chart)


def change_chart(changes: Sequence[DomainChange], *, title: str, series: str) -> bytes:
    """Horizontal bars: the mean change T0 → Tend per domain (points on the 1–4 scale)."""
    chart = pygal.HorizontalBar(style=Style(colors=(CHANGE_COLOUR,), **_STYLE), title=title, show_legend=False,
                                **_COMMON)
    chart.x_labels = [change.label for change in changes]
    chart.add(series, [_number(change.change.mean) for change in changes])
    return _render(chart)


def direction_chart(changes: Sequence[DomainChange], *, title: str, labels: Sequence[str]) -> bytes:
    """Stacked horizontal bars: the share (%) of families improved, stable and worse per domain."""
    chart = pygal.HorizontalStackedBar(style=Style(colors=DIRECTION_COLOURS, **_STYLE), title=title,
                                       range=(0, 100), **_COMMON)
    chart.x_labels = [change.label for change in changes]
    for label, counts in zip(labels, ([change.improved for change in changes], [change.stable for change in changes],
                                      [change.worse for change in changes]), strict=True):
        chart.add(label, [round(100 * count / change.n, 1) for count, change in zip(counts, changes, strict=True)])
    return _render(chart)


def _render(chart: pygal.graph.graph.Graph) -> bytes:
    return _SCRIPT.sub(b"", chart.render())


def _number(value: Decimal | Fraction | None) -> float | None:
    return None if value is None else round(float(value), 2)
