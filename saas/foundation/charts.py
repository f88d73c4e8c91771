"""The national dashboard's charts (server-rendered SVG, saas.charts), drawn only from the
protected figures: a suppressed count, or a mean not shown because it rests on fewer than 10
families, is marked "<10" at its place (never drawn as an empty bar, never guessed; a line has a
gap there), and :func:`hidden_note` names those places for the chart's text alternative. The
tables next to them on the page carry the same figures and are the accessible version. Each chart
has a desktop and a phone layout (``layout``, saas.charts.PHONE: horizontal bars, larger type); in
print (the annual PDF) the means are horizontal bars too, so long domain names and the "<10" marks
each get a line of their own (issue 16).

Each chart is built (:data:`BUILDERS`: the pygal chart, not yet drawn) and then rendered; the
public ``*_chart`` functions do both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

import pygal
from babel.lists import format_list

from saas import charts
from saas.foundation.disclosure import SUPPRESSED_MARK
from saas.foundation.national import Breakdown, Count, DomainImpact, NationalFigures
from saas.foundation.tables import DIRECTIONS, TITLES, moments, trend_columns
from saas.i18n import _, get_locale

#: One colour per trend line: families supported, new, closed; volunteers active, new.
TREND_COLOURS = (charts.BLUE, charts.GREEN, charts.VERMILION, "#CC79A7", "#8B6D00")
GROWTH_COLOURS = (charts.BLUE, charts.VERMILION)
#: Numbers on the axes, in the reader's locale.
COUNTS = charts.decimal_formatter("#,##0")
SCORES = charts.decimal_formatter("0.#")
CHANGES = charts.decimal_formatter("+0.0#;−0.0#")


def _count(count: Count | None) -> Any:
    """A protected count as pygal wants it: the number, the "<10" mark, or None (no such cell)."""
    if count is None:
        return None
    return charts.marked(SUPPRESSED_MARK) if count.value is None else count.value


def _point(count: Count | None) -> Any:
    """A protected count on a line: the number, or a gap — labelled "<10" when suppressed, so
    :func:`hidden_note` can name it (pygal draws no label where there is no point)."""
    if count is None or count.value is None:
        return None if count is None else {"value": None, "label": SUPPRESSED_MARK}
    return count.value


def _is_hidden(value: Any) -> bool:
    return isinstance(value, dict) and value.get("label") == SUPPRESSED_MARK


def _mean(mean: Decimal | None, families: Count | None, at: float = 0) -> Any:
    """A protected mean: hidden over fewer than 10 families ("<10"); a gap where nobody was scored."""
    if mean is not None:
        return charts.number(mean)
    return None if families is None or families.value == 0 else charts.marked(SUPPRESSED_MARK, at)


def _bars(layout: str, rows: int, series: int, *, horizontal: bool = False) -> tuple[type, dict[str, Any]]:
    """Bar class and size options: on a phone always horizontal bars, as tall as they need.
    Horizontal bars elsewhere are as tall as they need too (at least the usual height): a "<10"
    mark is text of about 14 px, which must not run into the bar above it."""
    if layout == charts.PHONE:
        return pygal.HorizontalBar, charts.phone_options(rows, series, series if series > 1 else 0)
    if horizontal:
        legend_rows = series if series > 1 else 0
        height = 120 + rows * (16 * series + 16) + 24 * legend_rows
        return pygal.HorizontalBar, {**charts.COMMON_OPTIONS, "height": max(height, charts.COMMON_OPTIONS["height"]),
                                     "x_label_rotation": 0}
    return pygal.Bar, {"x_label_rotation": 25, **charts.COMMON_OPTIONS}


def _ticks(values: Iterable[Any]) -> list[int]:
    return charts.count_ticks(value for value in values if isinstance(value, int))


def _trend(figures: NationalFigures, printed: bool, layout: str) -> Any:
    """Lines per quarter: families and volunteers (a suppressed quarter is a gap in its line)."""
    options = {**charts.COMMON_OPTIONS, "x_label_rotation": 25}
    if layout == charts.PHONE:  # every other quarter named, so the labels do not collide
        options = {**charts.phone_options(0, legend_rows=len(TREND_COLOURS)), "height": 480, "x_label_rotation": 45,
                   "x_labels_major_every": 2, "show_minor_x_labels": False}
    chart = pygal.Line(style=charts.chart_style(TREND_COLOURS, layout, printed=printed), title=str(TITLES["trend"]),
                       show_y_guides=True, allow_interruptions=True, dots_size=4, value_formatter=COUNTS, **options)
    chart.x_labels = charts.category_labels([row.label for row in figures.trend], layout)
    values: list[Any] = []
    for key, label in trend_columns(figures):
        line = [_point(row.values.get(key)) for row in figures.trend]
        values += line
        chart.add(label, line)
    if any(isinstance(value, int) for value in values):
        chart.y_labels = _ticks(values)
    return chart


def _means(figures: NationalFigures, printed: bool, layout: str) -> Any:
    """Grouped bars: the mean grade per life domain at T0, T1 and Tend (the axis of the family file
    and the dashboards: 0, 2.5, 5, 7.5, 10); horizontal in print, where the domains' names would
    otherwise be slanted across the page."""
    shown = moments(figures)
    kind, options = _bars(layout, len(figures.impact), len(shown), horizontal=printed)
    chart = kind(style=charts.chart_style(charts.MOMENT_PALETTE[:len(shown)], layout, printed=printed),
                 title=_("Mean grade per life domain"), range=(0, 10), show_y_guides=True,
                 value_formatter=SCORES, **{"truncate_legend": -1, "legend_at_bottom_columns": 1, **options})
    if figures.impact:  # pygal cannot place y labels on a chart without data
        chart.y_labels = [0, 2.5, 5, 7.5, 10]
    chart.x_labels = charts.category_labels([domain.label for domain in figures.impact], layout)
    for code, label in shown:
        chart.add(label, [_mean(mean, families) for domain in figures.impact
                          for families, mean in [domain.means.get(code, (None, None))]])
    return chart


def _change(figures: NationalFigures, printed: bool, layout: str) -> Any:
    """Horizontal bars: the mean paired change T0 → Tend per life domain."""
    _kind, options = _bars(layout, len(figures.impact), 1, horizontal=True)
    chart = pygal.HorizontalBar(style=charts.chart_style([charts.BLUE], layout, printed=printed),
                                title=_("Mean change from T0 to Tend (grade points)"), show_legend=False,
                                value_formatter=CHANGES, **{**options, "x_label_rotation": 0})
    chart.x_labels = charts.category_labels([domain.label for domain in figures.impact], layout)
    chart.add(_("Mean change"), [_mean(domain.change_mean, domain.change_n) for domain in figures.impact])
    return chart


def _directions(figures: NationalFigures, printed: bool, layout: str) -> Any:
    """Grouped horizontal bars: families improved, stable and worse per life domain (counts).

    Not stacked: each part is rounded to 5 and may be suppressed on its own, so a stack of the
    parts would not add up to the domain's (also rounded) total and would claim a sum it is not."""
    impact: list[DomainImpact] = figures.impact
    _kind, options = _bars(layout, len(impact), len(DIRECTIONS), horizontal=True)
    chart = pygal.HorizontalBar(style=charts.chart_style(charts.DIRECTION_COLOURS, layout, printed=printed),
                                title=_("Families improved, stable or worse"), value_formatter=COUNTS,
                                **{**options, "x_label_rotation": 0})
    chart.x_labels = charts.category_labels([domain.label for domain in impact], layout)
    values: list[Any] = []
    for code, label in DIRECTIONS:
        bars = [_count(domain.directions.get(code)) for domain in impact]
        values += bars
        chart.add(str(label), bars)
    if any(isinstance(value, int) for value in values):
        chart.y_labels = _ticks(values)
    return chart


def _breakdown(breakdown: Breakdown, title: str, series: str, printed: bool, layout: str) -> Any:
    _kind, options = _bars(layout, len(breakdown.rows), 1, horizontal=True)
    if layout != charts.PHONE:  # a few bars: no taller than they need
        options = {**options, "height": 140 + 40 * max(len(breakdown.rows), 1)}
    chart = pygal.HorizontalBar(style=charts.chart_style([charts.BLUE], layout, printed=printed), title=title,
                                show_legend=False, value_formatter=COUNTS, **{**options, "x_label_rotation": 0})
    chart.x_labels = charts.category_labels([row.label for row in breakdown.rows], layout)
    values = [_count(row.count) for row in breakdown.rows]
    chart.add(series, values)
    if any(isinstance(value, int) for value in values):
        chart.y_labels = _ticks(values)
    return chart


def _closure_reasons(figures: NationalFigures, printed: bool, layout: str) -> Any:
    return _breakdown(figures.closure_reasons, str(TITLES["closure_reasons"]), _("Families"), printed, layout)


def _children(figures: NationalFigures, printed: bool, layout: str) -> Any:
    return _breakdown(figures.children, str(TITLES["children"]), _("Children"), printed, layout)


def _growth(figures: NationalFigures, printed: bool, layout: str) -> Any:
    """Bars per year: families and volunteers (organisations and municipalities are in the table)."""
    kind, options = _bars(layout, len(figures.growth), 2)
    chart = kind(style=charts.chart_style(GROWTH_COLOURS, layout, printed=printed), title=str(TITLES["growth"]),
                 show_y_guides=True, value_formatter=COUNTS, **{**options, "x_label_rotation": 0})
    chart.x_labels = charts.category_labels([row.label for row in figures.growth], layout)
    families = [_count(row.families) for row in figures.growth]
    volunteers = [_count(row.volunteers) for row in figures.growth]
    chart.add(_("Families"), families)
    chart.add(_("Volunteers"), volunteers)
    if any(isinstance(value, int) for value in families + volunteers):
        chart.y_labels = _ticks(families + volunteers)
    return chart


def hidden_note(chart: Any) -> str:
    """A sentence naming what a built chart does not show ("<10"), for its text alternative: each
    category, with its series when the chart has several; "" when everything is shown."""
    several = len(chart.raw_series) > 1
    hidden: dict[str, list[str]] = {}
    for values, options in chart.raw_series:
        for category, value in zip(chart.x_labels or [], values, strict=False):
            if _is_hidden(value):
                hidden.setdefault(str(category), []).append(str(options.get("title", "")))
    if not hidden:
        return ""
    locale = get_locale()
    places = [_("%(category)s (%(series)s)", category=category, series=format_list(series, locale=locale))
              if several else category for category, series in hidden.items()]
    return _("Not shown, because fewer than 10 or hidden so that a small number cannot be worked out from "
             "the totals: %(places)s.", places=format_list(places, locale=locale))


#: Each chart's builder (the pygal chart, not yet rendered) by the name in its URL, in the order of the page.
BUILDERS: dict[str, Callable[[NationalFigures, bool, str], Any]] = {
    "trend": _trend, "means": _means, "change": _change, "directions": _directions,
    "closure_reasons": _closure_reasons, "children": _children, "growth": _growth,
}


# The charts drawn (what the chart routes serve and the PDF embeds): each builder's chart, rendered.

def trend_chart(figures: NationalFigures, *, printed: bool = False, layout: str = charts.DESKTOP) -> bytes:
    return charts.render(_trend(figures, printed, layout))


def means_chart(figures: NationalFigures, *, printed: bool = False, layout: str = charts.DESKTOP) -> bytes:
    return charts.render(_means(figures, printed, layout))


def change_chart(figures: NationalFigures, *, printed: bool = False, layout: str = charts.DESKTOP) -> bytes:
    return charts.render(_change(figures, printed, layout))


def directions_chart(figures: NationalFigures, *, printed: bool = False, layout: str = charts.DESKTOP) -> bytes:
    return charts.render(_directions(figures, printed, layout))


def closure_reasons_chart(figures: NationalFigures, *, printed: bool = False, layout: str = charts.DESKTOP) -> bytes:
    return charts.render(_closure_reasons(figures, printed, layout))


def children_chart(figures: NationalFigures, *, printed: bool = False, layout: str = charts.DESKTOP) -> bytes:
    return charts.render(_children(figures, printed, layout))


def growth_chart(figures: NationalFigures, *, printed: bool = False, layout: str = charts.DESKTOP) -> bytes:
    return charts.render(_growth(figures, printed, layout))


#: Each chart, drawn, by the name in its URL, in the order of the page.
CHARTS: dict[str, Callable[..., bytes]] = {
    "trend": trend_chart, "means": means_chart, "change": change_chart, "directions": directions_chart,
    "closure_reasons": closure_reasons_chart, "children": children_chart, "growth": growth_chart,
}
