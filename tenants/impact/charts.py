"""Server-rendered SVG charts (pygal) of a family's progress: the grade per domain at T0/T1/Tend.

The page embeds the chart as ``<img src=…>`` from its own route (image/svg+xml): an SVG shown as
an image runs no script, and the page keeps its strict CSP. pygal's scripts are left out
(``js=[]``, and its configuration script removed); its inline ``<style>`` lives inside the SVG
document, which the chart route allows with a CSP of its own (:data:`SVG_CSP`). The table on
the page is the accessible equivalent.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import pygal
from pygal.etree import etree
from pygal.style import Style

from tenants.impact.queries import DomainRow
from tenants.impact.vocabulary import Moment

# pygal appends an old-style import hook to sys.meta_path (for its map plugins, unused here) that
# raises an ImportWarning on every later import that reaches it, which the test suite treats as an
# error (WeasyPrint's imports hit it). Remove it, whoever imported pygal first.
sys.meta_path[:] = [finder for finder in sys.meta_path if not isinstance(finder, pygal.PluginImportFixer)]

#: The chart route's own policy: the SVG's inline styles, and nothing else.
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'"

#: One colour per moment, distinguishable for colour-blind readers (Okabe–Ito) and 3:1 on white.
MOMENT_COLOURS = {Moment.T0: "#D55E00", Moment.T1: "#0072B2", Moment.TEND: "#009E73"}

_STYLE = dict(background="#ffffff", plot_background="#ffffff", foreground="#1f2933", foreground_strong="#1f2933",
              foreground_subtle="#6b7280", font_family="system-ui, sans-serif", label_font_size=13,
              major_label_font_size=13, legend_font_size=14, title_font_size=16, value_font_size=12)


def progress_chart(rows: Sequence[DomainRow], moments: Sequence[Moment], *, title: str,
                   moment_labels: dict[Moment, str]) -> bytes:
    """A grouped bar chart of the grade (2.5–10) per domain, one bar per moment in ``moments``."""
    colours = tuple(MOMENT_COLOURS[moment] for moment in moments)
    chart = pygal.Bar(js=[], style=Style(colors=colours or ("#0072B2",), **_STYLE), title=title,
                      width=900, height=460, range=(0, 10), x_label_rotation=25,
                      truncate_label=-1, legend_at_bottom=True, print_values=False, show_y_guides=True,
                      no_data_text="—")
    if moments:  # pygal cannot place y labels on a chart without series (it shows "no data")
        chart.y_labels = [0, 2.5, 5, 7.5, 10]
    chart.x_labels = [row.label for row in rows]
    for moment in moments:
        chart.add(moment_labels[moment], [_number(row.grades.get(moment)) for row in rows])
    return _without_scripts(chart.render_tree())


def _without_scripts(tree: Any) -> bytes:
    """The SVG without pygal's configuration script (added even with ``js=[]``): an image runs
    none anyway, and nothing in the file should need one."""
    for parent in list(tree.iter()):
        for child in list(parent):
            if str(child.tag).endswith("script"):
                parent.remove(child)
    return etree.tostring(tree, encoding="utf-8", xml_declaration=True)


def _number(value: object) -> float | None:
    return None if value is None else round(float(value), 2)  # type: ignore[arg-type]
