"""Server-rendered SVG charts (pygal) of the impact dashboard, served from their own routes as
``<img>`` (see saas.charts for why: no script, and the SVG's own CSP). The tables on the
dashboard carry the same figures and are the accessible version. Each chart has a desktop and a
phone layout (``layout``, saas.charts.PHONE: horizontal bars, larger type).

Inside the tenant the manager sees exact figures: nothing is suppressed here, so a gap is a
moment at which no family of the domain was scored. Scores are drawn as school grades (the mean on
the 1–4 scale × 2.5, tenants.impact.measurements.scoring.grade), as the family file and the
municipality report show them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

import pygal

from saas import charts
from saas.charts import COMMON_OPTIONS as _COMMON
from saas.charts import DIRECTION_COLOURS
from saas.charts import number as _number
from tenants.impact.dashboard.aggregates import DomainChange, DomainMeans
from tenants.impact.measurements.charts import MOMENT_COLOURS
from tenants.impact.measurements.scoring import GRADE_FACTOR, grade
from tenants.impact.vocabulary import Moment

CHANGE_COLOUR = charts.BLUE
#: The grade axis, as on the family file and in the municipality report (grades run from 2.5 to 10).
GRADE_TICKS = [0, 2.5, 5, 7.5, 10]
#: Steps for the axis of a change in grade points, and how many fit: pygal's own ticks (every 0.2
#: up to +2.4, say) run into each other, on a phone first.
CHANGE_STEPS = (Decimal("0.1"), Decimal("0.2"), Decimal("0.25"), Decimal("0.5"), Decimal(1), Decimal(2),
                Decimal("2.5"), Decimal(5))
MOST_TICKS = {charts.DESKTOP: 8, charts.PHONE: 4}
#: The share axis (0–100 %) on a phone; the desktop keeps pygal's steps of 10 %.
PHONE_SHARE_TICKS = [0, 50, 100]


def _options(layout: str, rows: int, series: int) -> dict[str, Any]:
    legend_rows = series if series > 1 else 0
    return charts.phone_options(rows, series, legend_rows) if layout == charts.PHONE else dict(_COMMON)


def means_chart(domains: Sequence[DomainMeans], moments: Sequence[Moment], *, title: str,
                moment_labels: Mapping[Moment, str], layout: str = charts.DESKTOP) -> bytes:
    """Grouped bars: the mean domain grade (2.5–10) at each of ``moments`` (horizontal on a phone)."""
    colours = tuple(MOMENT_COLOURS[moment] for moment in moments) or (CHANGE_COLOUR,)
    # pygal fails on y_labels without a series: the fixed labels only when there is something to show.
    y_labels = {"y_labels": GRADE_TICKS} if domains and moments else {}
    kind = pygal.HorizontalBar if layout == charts.PHONE else pygal.Bar
    chart = kind(style=charts.chart_style(colours, layout), title=title, range=(0, 10), show_y_guides=True,
                 value_formatter=charts.decimal_formatter("0.#"), **y_labels,
                 **{"x_label_rotation": 25, **_options(layout, len(domains), len(moments))})
    chart.x_labels = charts.category_labels([domain.label for domain in domains], layout)
    for moment in moments:
        chart.add(moment_labels[moment], [_number(grade(domain.exact_mean(moment))) for domain in domains])
    return charts.render(chart)


def change_chart(changes: Sequence[DomainChange], *, title: str, series: str,
                 layout: str = charts.DESKTOP) -> bytes:
    """Horizontal bars: the mean change T0 → Tend per domain, in grade points."""
    values = [_number(change.change.mean * GRADE_FACTOR) for change in changes]
    ticks = {"y_labels": change_ticks(values, MOST_TICKS[layout])} if values else {}
    chart = pygal.HorizontalBar(style=charts.chart_style([CHANGE_COLOUR], layout), title=title, show_legend=False,
                                value_formatter=charts.decimal_formatter("+0.0#;−0.0#"), **ticks,
                                **_options(layout, len(changes), 1))
    chart.x_labels = charts.category_labels([change.label for change in changes], layout)
    chart.add(series, values)
    return charts.render(chart)


def change_ticks(values: Sequence[float | None], most: int) -> list[float]:
    """Ticks for an axis of changes: through 0, covering every value, in the smallest of
    :data:`CHANGE_STEPS` that needs at most ``most`` steps."""
    shown = [Decimal(str(value)) for value in values if value is not None]
    low, high = min([Decimal(0), *shown]), max([Decimal(0), *shown])
    high = max(high, low + 1)  # no change at all still gets an axis
    step = next((step for step in CHANGE_STEPS if (high - low) / step <= most), CHANGE_STEPS[-1])
    first = int((low / step).to_integral_value(rounding=ROUND_FLOOR))
    last = int((high / step).to_integral_value(rounding=ROUND_CEILING))
    return [float(index * step) for index in range(first, last + 1)]


def shares(counts: Sequence[int], digits: int = 1) -> list[float]:
    """``counts`` as per cent of their sum, rounded so that they still add up to exactly 100
    (largest remainder: 33.3 + 33.3 + 33.4, where rounding each would give 99.9)."""
    total, unit = sum(counts), 10**digits
    if not total:
        return [0.0 for _count in counts]
    exact = [100 * unit * count / total for count in counts]
    parts = [int(value) for value in exact]
    by_remainder = sorted(range(len(counts)), key=lambda index: exact[index] - parts[index], reverse=True)
    for index in by_remainder[:100 * unit - sum(parts)]:
        parts[index] += 1
    return [part / unit for part in parts]


def direction_chart(changes: Sequence[DomainChange], *, title: str, labels: Sequence[str],
                    layout: str = charts.DESKTOP) -> bytes:
    """Stacked horizontal bars: the share (%) of families improved, stable and worse per domain;
    each stack is exactly 100 %."""
    ticks = {"y_labels": PHONE_SHARE_TICKS} if layout == charts.PHONE and changes else {}
    chart = pygal.HorizontalStackedBar(style=charts.chart_style(DIRECTION_COLOURS, layout), title=title,
                                       range=(0, 100), value_formatter=charts.percent_formatter(), **ticks,
                                       **_stack_options(layout, len(changes), len(labels)))
    chart.x_labels = charts.category_labels([change.label for change in changes], layout)
    stacks = [shares([change.improved, change.stable, change.worse]) for change in changes]
    for position, label in enumerate(labels):
        chart.add(label, [stack[position] for stack in stacks])
    return charts.render(chart)


def _stack_options(layout: str, rows: int, series: int) -> dict[str, Any]:
    """One bar a row (the stack), but a legend line per series on a phone."""
    return charts.phone_options(rows, 1, series) if layout == charts.PHONE else dict(_COMMON)
