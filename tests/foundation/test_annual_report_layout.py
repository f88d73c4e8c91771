"""The annual report's PDF never clips (issue 16): in Dutch, English and Arabic, with figures that
stress every width (tests/foundation/wide_figures.py), nothing on any page is wider than the page's
content area and no heading is left at the bottom of a page; and each chart's text alternative
says which of its values are not shown."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

import pytest
from flask import Flask

from saas.foundation import charts as national_charts
from saas.foundation.annual_report import annual_report_pdf
from saas.foundation.national import Breakdown, BreakdownRow, Count, NationalFigures
from saas.i18n import force_locale
from tests.foundation.sample_figures import sample_figures
from tests.foundation.wide_figures import wide_figures
from tests.support.pdf_layout import overflows, rendered_documents, stranded_headings

if TYPE_CHECKING:
    from weasyprint.document import Document


def laid_out(app: Flask, figures: NationalFigures, language: str) -> Document:
    """The annual report's document as WeasyPrint laid it out for the PDF, in ``language``."""
    with app.test_request_context("/"), force_locale(language), rendered_documents() as documents:
        annual_report_pdf(figures)
    [document] = documents
    return document


@pytest.fixture
def english(app: Flask) -> Iterator[None]:
    with app.test_request_context("/"), force_locale("en"):
        yield


@pytest.mark.parametrize("language", ["nl", "en", "ar"])
def test_nothing_sticks_out_of_the_page_and_no_heading_ends_one(app: Flask, language: str) -> None:
    document = laid_out(app, wide_figures(language), language)
    assert [str(overflow) for overflow in overflows(document)] == []
    assert [str(heading) for heading in stranded_headings(document)] == []


def test_the_usual_report_fits_too(app: Flask) -> None:
    document = laid_out(app, sample_figures(), "nl")
    assert overflows(document) == [] and stranded_headings(document) == []


def test_each_chart_names_the_values_it_does_not_show(app: Flask) -> None:
    document = laid_out(app, sample_figures(), "en")
    alts = [box.element.get("alt") for page in document.pages for box in page._page_box.descendants()
            if box.element_tag == "img"]
    means = next(alt for alt in alts if alt.startswith("Bar chart of the mean score per life domain"))
    # Financiën: T1 suppressed; Wonen: Tend suppressed (T1 nobody scored: a gap, not hidden).
    assert means.endswith(": Financiën (T1) and Wonen (Tend).")
    closure = next(alt for alt in alts if alt.startswith("Bar chart of the families closed per reason"))
    assert closure.endswith(": Moved away.")  # one series: the category alone


@pytest.mark.usefixtures("english")
def test_a_chart_that_shows_everything_has_no_note() -> None:
    children = national_charts.BUILDERS["children"]
    assert national_charts.hidden_note(children(sample_figures(), True, "desktop")) != ""  # 4 to 11 years
    shown = replace(sample_figures(), children=Breakdown([BreakdownRow("0-3", "0 to 3 years", Count(140))], Count(140)))
    assert national_charts.hidden_note(children(shown, True, "desktop")) == ""


@pytest.mark.usefixtures("english")
def test_a_suppressed_quarter_is_named_though_its_line_only_has_a_gap() -> None:
    chart = national_charts.BUILDERS["trend"](sample_figures(), True, "desktop")
    note = national_charts.hidden_note(chart)
    assert "Q1 2024 (New families)" in note and "Q1 2025 (New families)" in note
    assert "&lt;10" not in national_charts.trend_chart(sample_figures(), printed=True).decode()
