"""What every server-rendered SVG chart (pygal) of the platform shares: colours, style, rendering
without scripts, and the narrow CSP of the routes that serve them.

Pages embed a chart as ``<img src=…>`` from its own route (image/svg+xml): an SVG shown as an
image runs no script, and the page keeps its strict CSP. pygal's scripts are left out (``js=[]``,
and its configuration script removed by :func:`render`); its inline ``<style>`` lives inside the
SVG document, which the chart route allows with a policy of its own (:data:`SVG_CSP`). The table
next to every chart is its accessible equivalent. The PDFs (WeasyPrint) embed the same SVGs as
data: URIs, drawn with :data:`PRINT_STYLE`'s font, which the PDF renderer has.
"""

from __future__ import annotations

import base64
import sys
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pygal
from pygal.etree import etree
from pygal.style import Style

# pygal appends an old-style import hook to sys.meta_path (for its map plugins, unused here) that
# raises an ImportWarning on every later import that reaches it, which the test suite treats as an
# error (WeasyPrint's imports hit it). Remove it, whoever imported pygal first.
sys.meta_path[:] = [finder for finder in sys.meta_path if not isinstance(finder, pygal.PluginImportFixer)]

#: The chart route's own policy: the SVG's inline styles, and nothing else.
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'"

# Okabe–Ito colours: distinguishable for colour-blind readers, each at least 3:1 on white.
VERMILION = "#D55E00"
BLUE = "#0072B2"
GREEN = "#009E73"
GREY = "#767676"
#: improved, stable, worse
DIRECTION_COLOURS = (GREEN, GREY, VERMILION)
#: A series per moment of measurement (T0, T1, Tend), in that order.
MOMENT_PALETTE = (VERMILION, BLUE, GREEN)

#: Style of the charts on screen (the page's font) …
SCREEN_STYLE: dict[str, Any] = dict(
    background="#ffffff", plot_background="#ffffff", foreground="#1f2933", foreground_strong="#1f2933",
    foreground_subtle="#6b7280", font_family="system-ui, sans-serif", label_font_size=13,
    major_label_font_size=13, legend_font_size=14, title_font_size=16, value_font_size=12)
#: … and in the PDFs (a font WeasyPrint finds on the server, slightly smaller).
PRINT_STYLE: dict[str, Any] = dict(
    background="#ffffff", plot_background="#ffffff", foreground="#1f2933", foreground_strong="#1f2933",
    foreground_subtle="#6b7280", font_family="DejaVu Sans, sans-serif", label_font_size=12,
    major_label_font_size=12, legend_font_size=13, title_font_size=15)

#: Options of every chart: no JavaScript, full labels, the legend below, "—" when there is no data.
COMMON_OPTIONS: dict[str, Any] = dict(js=[], width=900, height=460, truncate_label=-1, legend_at_bottom=True,
                                      print_values=False, no_data_text="—")


def style(colours: Sequence[str], *, printed: bool = False) -> Style:
    """A pygal style with ``colours`` for the series (blue when there are none)."""
    return Style(colors=tuple(colours) or (BLUE,), **(PRINT_STYLE if printed else SCREEN_STYLE))


def render(chart: pygal.graph.graph.Graph) -> bytes:
    """The chart as an SVG document without pygal's configuration script (added even with
    ``js=[]``): an image runs none anyway, and nothing in the file should need one."""
    return without_scripts(chart.render_tree())


def without_scripts(tree: Any) -> bytes:
    """The SVG element tree serialised, with every <script> element taken out."""
    for parent in list(tree.iter()):
        for child in list(parent):
            if str(child.tag).endswith("script"):
                parent.remove(child)
    return etree.tostring(tree, encoding="utf-8", xml_declaration=True)


def number(value: Decimal | Fraction | float | int | None, digits: int = 2) -> float | None:
    """A figure as pygal wants it: a float (rounded), or None for a gap in the chart."""
    return None if value is None else round(float(value), digits)


#: How the PDFs (WeasyPrint) embed a chart: the SVG as a data: URI, read without any fetch.
SVG_DATA_PREFIX = "data:image/svg+xml;base64,"


def svg_data_uri(svg: bytes) -> str:
    return SVG_DATA_PREFIX + base64.b64encode(svg).decode("ascii")


def only_inline_svg(url: str, *args: object, **kwargs: object) -> Any:
    """WeasyPrint's URL fetcher for the PDFs: the charts' data: URIs, and nothing from the network
    or the disk, whatever a label in the document contains."""
    from weasyprint.urls import URLFetcherResponse  # heavy; only the PDFs need it

    if url.startswith(SVG_DATA_PREFIX):
        return URLFetcherResponse(url, body=base64.b64decode(url.removeprefix(SVG_DATA_PREFIX)),
                                  headers={"Content-Type": "image/svg+xml"})
    raise ValueError(f"a PDF loads no resources ({url[:40]!r} refused)")
