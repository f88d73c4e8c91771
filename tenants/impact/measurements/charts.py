"""Server-rendered SVG charts (pygal) of a family's progress: the grade per domain at T0/T1/Tend.

The page embeds the chart as ``<img src=…>`` from its own route; saas.charts explains why (no
script, the SVG's own CSP) and holds what every chart shares. The table on the page is the
accessible equivalent.
"""

from __future__ import annotations

from collections.abc import Sequence

import pygal

from saas import charts
from saas.charts import SVG_CSP
from tenants.impact.measurements.queries import DomainRow
from tenants.impact.vocabulary import Moment

__all__ = ["MOMENT_COLOURS", "SVG_CSP", "progress_chart"]

#: One colour per moment, distinguishable for colour-blind readers (Okabe–Ito) and 3:1 on white.
MOMENT_COLOURS = dict(zip((Moment.T0, Moment.T1, Moment.TEND), charts.MOMENT_PALETTE, strict=True))


def progress_chart(rows: Sequence[DomainRow], moments: Sequence[Moment], *, title: str,
                   moment_labels: dict[Moment, str]) -> bytes:
    """A grouped bar chart of the grade (2.5–10) per domain, one bar per moment in ``moments``."""
    chart = pygal.Bar(style=charts.style([MOMENT_COLOURS[moment] for moment in moments]), title=title,
                      range=(0, 10), x_label_rotation=25, show_y_guides=True, **charts.COMMON_OPTIONS)
    if moments:  # pygal cannot place y labels on a chart without series (it shows "no data")
        chart.y_labels = [0, 2.5, 5, 7.5, 10]
    chart.x_labels = [row.label for row in rows]
    for moment in moments:
        chart.add(moment_labels[moment], [charts.number(row.grades.get(moment)) for row in rows])
    return charts.render(chart)
