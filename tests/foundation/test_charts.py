"""The national charts (issue #15): a phone layout with horizontal bars and larger type, "<10"
marks instead of empty bars for suppressed figures, grouped (not stacked) direction bars, axis
numbers in the reader's locale, and the chart route's ?layout= parameter."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from saas import charts
from saas.auth.roles import FoundationRole
from saas.foundation import charts as national_charts
from tests.factories.platform import create_user
from tests.foundation.sample_figures import sample_figures
from tests.foundation.view_support import publish_tenants
from tests.support.sessions import SignIn


def texts(svg: bytes) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg.decode())


def font_sizes(svg: bytes) -> list[int]:
    return [int(size) for size in re.findall(r"font-size:\s*(\d+)px", svg.decode())]


@pytest.fixture
def dutch(app: Flask):
    with app.test_request_context("/", headers={"Accept-Language": "nl"}):
        yield


@pytest.mark.usefixtures("dutch")
@pytest.mark.parametrize("name", list(national_charts.CHARTS))
def test_the_phone_layout_is_narrow_with_larger_type(name: str) -> None:
    draw = national_charts.CHARTS[name]
    desktop, phone = draw(sample_figures()), draw(sample_figures(), layout=charts.PHONE)
    assert 'width="900"' in desktop.decode() and 'width="360"' in phone.decode()
    # 15 px in 360 SVG px stays at least 12 CSS px on a 375 px screen (the 64 px is the no-data text).
    assert min(size for size in font_sizes(phone)) >= 15 > min(font_sizes(desktop))
    if name != "trend":  # a line stays a line; every bar chart is horizontal on a phone
        assert "horizontalbar-graph" in phone.decode()


@pytest.mark.usefixtures("dutch")
def test_a_suppressed_count_is_marked_below_ten_not_drawn_as_an_empty_bar() -> None:
    svg = national_charts.closure_reasons_chart(sample_figures())  # "Moved away" is suppressed
    assert "&lt;10" in svg.decode()
    assert svg.decode().count('class="bar"') == 1  # only "Goals met" has a bar
    growth = national_charts.growth_chart(sample_figures(), layout=charts.PHONE)
    assert texts(growth).count("&lt;10") == 1 and growth.decode().count('class="bar"') == 3


@pytest.mark.usefixtures("dutch")
def test_a_hidden_mean_is_marked_but_a_moment_nobody_scored_is_a_gap() -> None:
    # Financiën T1 and Wonen Tend are suppressed (<10); Wonen T1 has no family at all.
    svg = national_charts.means_chart(sample_figures())
    assert texts(svg).count("&lt;10") == 2
    assert svg.decode().count('class="bar"') == 3
    assert texts(national_charts.change_chart(sample_figures())).count("&lt;10") == 1  # Wonen


@pytest.mark.usefixtures("dutch")
def test_directions_are_grouped_bars_with_the_suppressed_parts_marked() -> None:
    svg = national_charts.directions_chart(sample_figures()).decode()
    assert "horizontalbar-graph" in svg and "horizontalstackedbar-graph" not in svg
    # Financiën: worse <10; Wonen: improved and stable <10, worse 0 (a real zero, a bar of 0).
    assert svg.count("&lt;10") == 3 and svg.count('class="bar"') == 3


@pytest.mark.usefixtures("dutch")
def test_axis_numbers_are_in_dutch() -> None:
    change = texts(national_charts.change_chart(sample_figures()))
    assert "+0,2" in change and not any(re.fullmatch(r"[+−-]?\d+\.\d+", text) for text in change)
    growth = texts(national_charts.growth_chart(sample_figures()))
    assert "1.000" in growth and not any("," in text for text in growth)  # whole counts: no 2,5 families


def test_arabic_and_english_numbers_follow_the_locale(app: Flask) -> None:
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert "+0.2" in texts(national_charts.change_chart(sample_figures()))
        assert "1,000" in texts(national_charts.growth_chart(sample_figures()))


def test_count_ticks_are_whole_numbers() -> None:
    assert charts.count_ticks([3, 7]) == [0, 2, 4, 6, 8]
    assert charts.count_ticks([None, 95]) == [0, 20, 40, 60, 80, 100]
    assert charts.count_ticks([None]) == [0, 1]


@pytest.fixture
def analyst(app: Flask, signed_in: SignIn) -> FlaskClient:
    return signed_in(create_user(app, "analist@stichting.example", foundation_role=FoundationRole.STAFF,
                                 locale="nl"))


def test_the_chart_route_takes_a_layout(app: Flask, analyst: FlaskClient) -> None:
    publish_tenants(app, 3)
    html = analyst.get("/foundation/?year=2025").text
    assert '<source media="(max-width: 40em)" srcset="/foundation/charts/trend.svg?' in html
    assert "layout=phone" in html
    phone = analyst.get("/foundation/charts/means.svg?layout=phone")
    assert phone.status_code == 200 and phone.headers["Content-Security-Policy"] == charts.SVG_CSP
    assert 'width="360"' in phone.text
    for bad in ("tablet", "", "<script>", "phone" * 50):
        response = analyst.get(f"/foundation/charts/means.svg?layout={bad}")
        assert response.status_code == 200 and 'width="900"' in response.text


@pytest.mark.usefixtures("dutch")
@pytest.mark.parametrize("name", [name for name in national_charts.CHARTS if name != "trend"])
def test_phone_bars_carry_short_names_and_the_legend_starts_at_the_edge(name: str) -> None:
    figures = sample_figures()
    names = {str(domain.label) for domain in figures.impact} | {
        str(row.label) for rows in (figures.closure_reasons.rows, figures.children.rows, figures.growth)
        for row in rows}
    desktop = texts(national_charts.CHARTS[name](figures))
    phone_svg = national_charts.CHARTS[name](figures, layout=charts.PHONE)
    phone = texts(phone_svg)
    drawn = [text for text in desktop if text in names]
    assert drawn, "the desktop chart names its categories in full"
    for full in drawn:
        assert (full in phone) == (len(full) <= charts.PHONE_LABEL_CHARS)
        assert charts.category_labels([full], charts.PHONE)[0] in phone
    legends = re.search(r'<g transform="translate\((\d+), \d+\)" class="legends">', phone_svg.decode())
    assert legends is None or legends.group(1) == "10"


def test_category_labels_are_whole_on_the_desktop() -> None:
    long = "Sociaal netwerk en maatschappelijke participatie"
    assert charts.category_labels([long]) == [long]
    assert charts.category_labels([long], charts.PHONE) == ["Sociaal netwerk…"]
