"""The national dashboard's charts (server-rendered SVG, saas.charts), drawn only from the
protected figures: a suppressed count or a mean that is not shown is a gap, never a guess.
The tables next to them on the page carry the same figures and are the accessible version.
"""

from __future__ import annotations

from collections.abc import Callable

import pygal

from saas import charts
from saas.foundation.national import Breakdown, Count, NationalFigures
from saas.foundation.tables import DIRECTIONS, TITLES, moments, trend_columns
from saas.i18n import _

#: One colour per trend line: families supported, new, closed; volunteers active, new.
TREND_COLOURS = (charts.BLUE, charts.GREEN, charts.VERMILION, "#CC79A7", "#8B6D00")
GROWTH_COLOURS = (charts.BLUE, charts.VERMILION)


def trend_chart(figures: NationalFigures, *, printed: bool = False) -> bytes:
    """Lines per quarter: families and volunteers."""
    chart = pygal.Line(style=charts.style(TREND_COLOURS, printed=printed), title=str(TITLES["trend"]),
                       x_label_rotation=25, show_y_guides=True, allow_interruptions=True, dots_size=4,
                       **charts.COMMON_OPTIONS)
    chart.x_labels = [row.label for row in figures.trend]
    for key, label in trend_columns(figures):
        chart.add(label, [_value(row.values.get(key)) for row in figures.trend])
    return charts.render(chart)


def means_chart(figures: NationalFigures, *, printed: bool = False) -> bytes:
    """Grouped bars: the mean score (1–4) per life domain at T0, T1 and Tend."""
    chart = pygal.Bar(style=charts.style(charts.MOMENT_PALETTE[:len(moments(figures))], printed=printed),
                      title=_("Mean score per life domain (1–4)"), range=(1, 4), x_label_rotation=25,
                      show_y_guides=True, truncate_legend=-1, legend_at_bottom_columns=1, **charts.COMMON_OPTIONS)
    if figures.impact:  # pygal cannot place y labels on a chart without data
        chart.y_labels = [1, 2, 3, 4]
    chart.x_labels = [domain.label for domain in figures.impact]
    for code, label in moments(figures):
        chart.add(label, [charts.number(domain.means.get(code, (None, None))[1]) for domain in figures.impact])
    return charts.render(chart)


def change_chart(figures: NationalFigures, *, printed: bool = False) -> bytes:
    """Horizontal bars: the mean paired change T0 → Tend per life domain."""
    chart = pygal.HorizontalBar(style=charts.style([charts.BLUE], printed=printed),
                                title=_("Mean change from T0 to Tend (points on the 1–4 scale)"), show_legend=False,
                                **charts.COMMON_OPTIONS)
    chart.x_labels = [domain.label for domain in figures.impact]
    chart.add(_("Mean change"), [charts.number(domain.change_mean) for domain in figures.impact])
    return charts.render(chart)


def directions_chart(figures: NationalFigures, *, printed: bool = False) -> bytes:
    """Stacked horizontal bars: families improved, stable and worse per life domain (counts)."""
    chart = pygal.HorizontalStackedBar(style=charts.style(charts.DIRECTION_COLOURS, printed=printed),
                                       title=_("Families improved, stable or worse"), **charts.COMMON_OPTIONS)
    chart.x_labels = [domain.label for domain in figures.impact]
    for code, label in DIRECTIONS:
        chart.add(str(label), [_value(domain.directions.get(code)) for domain in figures.impact])
    return charts.render(chart)


def _value(count: Count | None) -> int | None:
    return count.value if count is not None else None


def _breakdown_chart(breakdown: Breakdown, title: str, series: str, printed: bool) -> bytes:
    chart = pygal.HorizontalBar(style=charts.style([charts.BLUE], printed=printed), title=title, show_legend=False,
                                **{**charts.COMMON_OPTIONS, "height": 140 + 40 * max(len(breakdown.rows), 1)})
    chart.x_labels = [row.label for row in breakdown.rows]
    chart.add(series, [row.count.value for row in breakdown.rows])
    return charts.render(chart)


def closure_reasons_chart(figures: NationalFigures, *, printed: bool = False) -> bytes:
    return _breakdown_chart(figures.closure_reasons, str(TITLES["closure_reasons"]), _("Families"), printed)


def children_chart(figures: NationalFigures, *, printed: bool = False) -> bytes:
    return _breakdown_chart(figures.children, str(TITLES["children"]), _("Children"), printed)


def growth_chart(figures: NationalFigures, *, printed: bool = False) -> bytes:
    """Bars per year: families and volunteers (organisations and municipalities are in the table)."""
    chart = pygal.Bar(style=charts.style(GROWTH_COLOURS, printed=printed), title=str(TITLES["growth"]),
                      show_y_guides=True, **charts.COMMON_OPTIONS)
    chart.x_labels = [row.label for row in figures.growth]
    chart.add(_("Families"), [row.families.value for row in figures.growth])
    chart.add(_("Volunteers"), [row.volunteers.value for row in figures.growth])
    return charts.render(chart)


#: Each chart by the name in its URL, in the order of the page.
CHARTS: dict[str, Callable[..., bytes]] = {
    "trend": trend_chart, "means": means_chart, "change": change_chart, "directions": directions_chart,
    "closure_reasons": closure_reasons_chart, "children": children_chart, "growth": growth_chart,
}
