"""What every server-rendered SVG chart (pygal) of the platform shares: colours, style, rendering
without scripts, and the narrow CSP of the routes that serve them.

Pages embed a chart as ``<img src=…>`` from its own route (image/svg+xml): an SVG shown as an
image runs no script, and the page keeps its strict CSP. pygal's scripts are left out (``js=[]``,
and its configuration script removed by :func:`render`); its inline ``<style>`` lives inside the
SVG document, which the chart route allows with a policy of its own (:data:`SVG_CSP`). The table
next to every chart is its accessible equivalent. The PDFs (WeasyPrint) embed the same SVGs as
data: URIs, drawn with :data:`PRINT_STYLE`'s font, which the PDF renderer has. WeasyPrint draws an
SVG's text letter by letter, without the bidirectional algorithm or Arabic shaping, so a chart drawn
for print in a right-to-left language has its text shaped and in visual order (:func:`print_text`).
"""

from __future__ import annotations

import base64
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pygal
from arabic_reshaper import reshape
from bidi.algorithm import get_display
from flask_babel import format_decimal, format_percent
from pygal.etree import etree
from pygal.style import Style

from saas.i18n import text_direction

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
    major_label_font_size=13, legend_font_size=14, title_font_size=16, value_font_size=12,
    value_label_font_size=13)
#: … and in the PDFs (a font WeasyPrint finds on the server, slightly smaller).
PRINT_STYLE: dict[str, Any] = dict(
    background="#ffffff", plot_background="#ffffff", foreground="#1f2933", foreground_strong="#1f2933",
    foreground_subtle="#6b7280", font_family="DejaVu Sans, sans-serif", label_font_size=12,
    major_label_font_size=12, legend_font_size=13, title_font_size=15, value_label_font_size=12)

#: Options of every chart: no JavaScript, full labels, the legend below, "—" when there is no data.
#: (``print_labels`` writes the text of a value :func:`marked` as not shown; no other value has one.)
COMMON_OPTIONS: dict[str, Any] = dict(js=[], width=900, height=460, truncate_label=-1, legend_at_bottom=True,
                                      print_values=False, print_labels=True, no_data_text="—")

# Phone layout (issue #15): the desktop chart (900 px wide) shrunk onto a 375 px screen has 5 px
# text. The phone variant is drawn at about the width it is shown at, with horizontal bars (the
# category names get a line of their own) and larger type: 15 px in 360 SVG px, shown at ≥ 300
# CSS px, stays ≥ 12 CSS px.
PHONE = "phone"
DESKTOP = "desktop"
PHONE_WIDTH = 360
#: On a phone the category names beside horizontal bars are cut to this many characters (with "…"),
#: which leaves the bars about half of the 360 px; the table beside every chart has the names in full.
PHONE_LABEL_CHARS = 16
#: The legend's names on a phone, a line each across the whole width (pygal adds the full name as title).
PHONE_LEGEND_CHARS = 34
PHONE_STYLE: dict[str, Any] = {**SCREEN_STYLE, "label_font_size": 15, "major_label_font_size": 15,
                               "legend_font_size": 15, "title_font_size": 16, "value_font_size": 15,
                               "value_label_font_size": 15, "tooltip_font_size": 15}


def layout_of(args: Mapping[str, str]) -> str:
    """The layout a chart URL asks for: ``?layout=phone``; any other value gives the desktop chart."""
    return PHONE if args.get("layout") == PHONE else DESKTOP


def phone_options(rows: int, bars_per_row: int = 1, legend_rows: int = 0) -> dict[str, Any]:
    """Options of a phone chart: narrow, as tall as its bars need, the legend below in one column
    (:func:`render` moves it to the left edge) with its names cut to fit, not running off the right."""
    return {**COMMON_OPTIONS, "width": PHONE_WIDTH, "height": 120 + rows * (20 * bars_per_row + 16) + 24 * legend_rows,
            "legend_at_bottom": True, "legend_at_bottom_columns": 1, "truncate_legend": PHONE_LEGEND_CHARS,
            "x_label_rotation": 0}


def short_label(text: str, limit: int = PHONE_LABEL_CHARS) -> str:
    """``text`` in at most ``limit`` characters: cut at a word boundary where one is not too early,
    ending in "…"."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-–/(") + "…"


def category_labels(texts: Iterable[Any], layout: str = DESKTOP) -> list[Any]:
    """The category names of a chart: whole on the desktop, :func:`short_label` on a phone (cut
    mid-word instead where two names would otherwise read the same)."""
    texts = list(texts)
    if layout != PHONE:
        return texts
    short = [short_label(text) for text in texts]
    twice = {label for label in short if short.count(label) > 1}
    return [label if label not in twice or not label.endswith("…")
            else " ".join(str(text).split())[:PHONE_LABEL_CHARS - 1].rstrip() + "…"
            for text, label in zip(texts, short, strict=True)]


class PrintStyle(Style):
    """The style of a chart drawn for print (the PDFs): :func:`render` gives such a chart's text to
    the PDF renderer as it must be drawn (:func:`print_text`)."""


def chart_style(colours: Sequence[str], layout: str = DESKTOP, *, printed: bool = False) -> Style:
    """:func:`style`, with the phone layout's larger type."""
    if layout == PHONE and not printed:
        return Style(colors=tuple(colours) or (BLUE,), **PHONE_STYLE)
    return style(colours, printed=printed)


def decimal_formatter(pattern: str = "#,##0.##") -> Callable[[Any], str]:
    """Axis numbers in the reader's locale (Babel): "2,5" on a Dutch page, never "2.5"."""
    return lambda value: "" if value is None else format_decimal(value, pattern)


def percent_formatter() -> Callable[[Any], str]:
    """A share given in per cent (0–100), written as the locale writes a percentage."""
    return lambda value: "" if value is None else format_percent(value / 100, "#,##0%")


def count_ticks(values: Iterable[float | int | None], most: int = 6) -> list[int]:
    """Whole-number ticks for an axis of counts (pygal's own give 2.5 and 7.5 families): from 0 in
    steps of 1, 2 or 5 × 10ⁿ, at most ``most`` steps, reaching the largest value."""
    top = max((value for value in values if value is not None), default=0)
    steps = (factor * 10**power for power in range(10) for factor in (1, 2, 5))
    step = next(step for step in steps if top <= step * most)
    return list(range(0, -(-int(top) // step) * step + step, step)) if top else [0, 1]


#: The style pygal gives the bar of a :func:`marked` value; :func:`render` takes that bar out.
_NO_BAR = "display: none"


def marked(text: str, at: float = 0) -> dict[str, Any]:
    """A value that is not shown (suppressed): no bar, but ``text`` (e.g. "<10") at its place, at
    ``at`` on the value axis (its start), so a hidden figure never reads as "nothing"."""
    return {"value": at, "label": text, "style": _NO_BAR}


def style(colours: Sequence[str], *, printed: bool = False) -> Style:
    """A pygal style with ``colours`` for the series (blue when there are none); for print a
    :class:`PrintStyle`."""
    if printed:
        return PrintStyle(colors=tuple(colours) or (BLUE,), **PRINT_STYLE)
    return Style(colors=tuple(colours) or (BLUE,), **SCREEN_STYLE)


#: Letters written right to left: Hebrew, Arabic (with Syriac, Thaana, N'Ko…) and their presentation forms.
_RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")


def print_text(text: str) -> str:
    """A chart's text as WeasyPrint must be given it, which draws an SVG's text letter by letter, in
    the order written, without joining letters: in a right-to-left language, text with Arabic (or
    Hebrew) letters shaped (each letter in its joined form, arabic-reshaper; vowel marks such as the
    shadda are left out, as drawn on their own they would not sit on their letter) and in visual order,
    left to right (the Unicode bidirectional algorithm, python-bidi: a line of its own read from the
    right, numbers and Latin words in it kept in their order, brackets mirrored). Any other text
    ("T0", "2025", "<10") and every text in a left-to-right language is returned as it is.

    The browser does this itself: only the PDFs need it (:func:`render`, for a :class:`PrintStyle`)."""
    if text_direction() != "rtl" or not _RIGHT_TO_LEFT.search(text):
        return text
    # python-bidi's own implementation (bidi.algorithm) mirrors brackets (rule L4); its Rust one does not.
    return str(get_display(reshape(text), base_dir="R"))


def render(chart: pygal.graph.graph.Graph) -> bytes:
    """The chart as an SVG document without pygal's configuration script (added even with
    ``js=[]``): an image runs none anyway, and nothing in the file should need one. A value
    :func:`marked` as not shown loses its (empty) bar and keeps its text, moved off the axis. A
    chart drawn for print (a :class:`PrintStyle`) has its text set for the PDF renderer
    (:func:`print_text`), once pygal has cut and wrapped it: each line is put in order on its own."""
    tree = chart.render_tree()
    _draw_marks(tree, horizontal=bool(getattr(chart, "horizontal", False)))
    if chart.config.width == PHONE_WIDTH and chart.config.legend_at_bottom:
        _legend_from_the_edge(tree, chart.config.spacing)
    if isinstance(chart.config.style, PrintStyle):
        _text_for_print(tree)
    return without_scripts(tree)


def _text_for_print(tree: Any) -> None:
    """Every text the SVG draws (<text> and its <tspan>s), through :func:`print_text`; <title> and
    <desc>, which are not drawn, keep the text as written."""
    for element in tree.iter():
        tag = str(element.tag).rsplit("}", 1)[-1]
        if tag in ("text", "tspan") and element.text:
            element.text = print_text(element.text)
        if tag == "tspan" and element.tail:
            element.tail = print_text(element.tail)


def _draw_marks(tree: Any, *, horizontal: bool) -> None:
    for parent in list(tree.iter()):
        for child in list(parent):
            if child.get("class") == "bar" and child.get("style") == _NO_BAR:
                parent.remove(child)
            elif str(child.tag).endswith("text") and child.get("class") == "label":
                # "<10" reads left to right in every language: in an Arabic page it would turn into "10>".
                child.set("direction", "ltr")
                child.set("unicode-bidi", "embed")
                # pygal centres the text on the axis, half of it outside the plot: start beside it.
                if horizontal:
                    child.set("text-anchor", "start")
                    child.set("x", str(float(child.get("x")) + 6))
                else:
                    child.set("y", str(float(child.get("y")) - 10))


def _legend_from_the_edge(tree: Any, spacing: int) -> None:
    """pygal starts a legend below the plot at the plot's left edge, on a phone after the category
    names; start it at the chart's edge instead, so each name has the whole width."""
    for group in tree.iter():
        if group.get("class") == "legends":
            match = re.fullmatch(r"translate\((-?[\d.]+), (-?[\d.]+)\)", group.get("transform", ""))
            if match:
                group.set("transform", f"translate({spacing}, {match.group(2)})")


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
