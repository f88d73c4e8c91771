"""Charts drawn for print in a right-to-left language (the PDFs): WeasyPrint draws an SVG's text
letter by letter, without the bidirectional algorithm or Arabic shaping, so saas.charts gives it
the text shaped (joined letters) and in visual order (saas.charts.print_text). The page's chart
(the browser does both itself) keeps the text as written, and so does every chart in a
left-to-right language; numbers, Latin words and "<10" marks keep their order."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask

from saas.charts import print_text
from saas.foundation import charts as national_charts
from saas.i18n import _, force_locale
from tenants.impact.reports import files
from tenants.impact.vocabulary import Moment
from tests.foundation.sample_figures import sample_figures
from tests.test_pdf_layout import wide_figures

#: A chart title with numbers, Latin words and brackets in it …
LOGICAL = "متوسط التغيّر من T0 إلى Tend (بنقاط الدرجة)"
#: … as WeasyPrint must draw it, left to right: joined forms (the shadda left out), read from the
#: right, "T0" and "Tend" as written, the brackets mirrored so that they still enclose their words.
VISUAL = "(ﺔﺟﺭﺪﻟﺍ ﻁﺎﻘﻨﺑ) Tend ﻰﻟﺇ T0 ﻦﻣ ﺮﻴﻐﺘﻟﺍ ﻂﺳﻮﺘﻣ"
#: Arabic letters as written (logical order, unjoined), and their joined presentation forms.
ARABIC_LETTERS = re.compile("[\u0621-\u064a]")
PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufeff]")


def texts(svg: bytes) -> list[str]:
    """The text the SVG draws (<text>; <title> and <desc> are not drawn)."""
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg.decode())


@pytest.fixture
def arabic(app: Flask) -> Iterator[None]:
    with app.test_request_context("/"), force_locale("ar"):
        yield


@pytest.fixture
def dutch(app: Flask) -> Iterator[None]:
    with app.test_request_context("/"), force_locale("nl"):
        yield


@pytest.mark.usefixtures("arabic")
def test_arabic_text_is_shaped_and_in_visual_order_for_print() -> None:
    assert print_text(LOGICAL) == VISUAL
    assert print_text("نمو الأطفال") == "ﻝﺎﻔﻃﻷﺍ ﻮﻤﻧ"  # "growth of the children": two words, read from the right
    for text in ("T0", "2025", "<10", "Q1 2025", "+0.25", "T1: 1-meting", ""):
        assert print_text(text) == text


@pytest.mark.usefixtures("dutch")
def test_text_in_a_left_to_right_language_is_left_as_written() -> None:
    assert print_text(LOGICAL) == LOGICAL


@pytest.mark.usefixtures("arabic")
def test_the_printed_arabic_chart_draws_the_visual_text_and_the_page_chart_the_text_as_written() -> None:
    title = _("Mean change from T0 to Tend (grade points)")
    printed = national_charts.change_chart(sample_figures(), printed=True)
    page = national_charts.change_chart(sample_figures())
    assert print_text(title) in texts(printed) and title not in texts(printed)
    assert not any(ARABIC_LETTERS.search(text) for text in texts(printed))
    assert "&lt;10" in texts(printed) and "+0.25" in printed.decode()  # a mark and a value as they were
    assert title in texts(page) and not any(PRESENTATION_FORMS.search(text) for text in texts(page))
    # The SVG's <title> (not drawn) keeps the text as written.
    assert f"<title>{title}</title>" in printed.decode()


@pytest.mark.usefixtures("arabic")
def test_the_municipality_reports_arabic_charts_are_drawn_for_print() -> None:
    svg = files.grade_chart(wide_figures())
    assert svg is not None
    drawn = texts(svg)
    assert print_text(str(files.GRADE_CHART_TITLE)) in drawn
    assert print_text(str(Moment.T1.label)) in drawn  # the legend, shaped
    assert not any(ARABIC_LETTERS.search(text) for text in drawn)
    assert "<script" not in svg.decode()


@pytest.mark.usefixtures("dutch")
def test_a_dutch_printed_chart_keeps_its_text_and_its_legend_whole() -> None:
    svg = files.grade_chart(wide_figures())
    assert svg is not None
    legend = str(Moment.T1.label)
    assert len(legend) > 30 and legend in texts(svg)  # "T1: 1-meting, een jaar na de koppeling", not cut
    assert str(files.GRADE_CHART_TITLE) in texts(svg)
    assert not any(text.endswith("…") for text in texts(svg))


@pytest.mark.usefixtures("arabic")
def test_a_hidden_figures_mark_reads_left_to_right_on_an_arabic_page() -> None:
    page = national_charts.change_chart(sample_figures()).decode()
    marks = re.findall(r"<text[^>]*>&lt;10</text>", page)
    assert marks and all('direction="ltr"' in mark for mark in marks)  # not "10>" in a right-to-left page
