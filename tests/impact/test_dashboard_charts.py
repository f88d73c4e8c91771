"""The impact dashboard's chart builders (issue #15): a phone layout with horizontal bars and
larger type, stacks of shares that add up to exactly 100 %, axis numbers in the reader's
locale; and the chart routes' ?layout= parameter."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from fractions import Fraction

import pytest
from flask import Flask
from flask.testing import FlaskClient

from saas import charts as shared
from saas.auth.models import User
from tenants.impact.dashboard import charts
from tenants.impact.dashboard.aggregates import DomainChange, DomainMeans
from tenants.impact.measurements.scoring import PairedChange
from tenants.impact.vocabulary import Moment
from tests.impact.dashboard_dataset import YEAR, dataset  # noqa: F401 - a fixture
from tests.support.sessions import SignIn

URL = "/t/alpha/impact/"
MEANS = [DomainMeans("finances", "Financiën", {Moment.T0: 3, Moment.TEND: 2},
                     {Moment.T0: Decimal("6.5"), Moment.TEND: Decimal("6")})]
# 1 : 1 : 1 — each share rounded on its own would be 33.3 % and the stack 99.9 %.
CHANGES = [DomainChange("finances", "Financiën", PairedChange(3, Fraction(1, 3), None, None, None), 1, 1, 1),
           DomainChange("housing", "Wonen", PairedChange(7, Fraction(-1, 7), None, None, None), 2, 4, 1)]


def texts(svg: bytes) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg.decode())


def values(svg: bytes) -> list[str]:
    """The values of the bars as pygal formats them (their tooltips)."""
    return re.findall(r'<desc class="value">([^<]*)</desc>', svg.decode())


@pytest.fixture
def dutch(app: Flask) -> Iterator[None]:
    with app.test_request_context("/", headers={"Accept-Language": "nl"}):
        yield


def draw_all(layout: str) -> list[bytes]:
    labels = {moment: str(moment.value) for moment in Moment}
    return [charts.means_chart(MEANS, [Moment.T0, Moment.TEND], title="M", moment_labels=labels, layout=layout),
            charts.change_chart(CHANGES, title="C", series="S", layout=layout),
            charts.direction_chart(CHANGES, title="D", labels=["Up", "Same", "Down"], layout=layout)]


@pytest.mark.usefixtures("dutch")
def test_the_phone_layout_has_horizontal_bars_and_larger_type() -> None:
    for desktop, phone in zip(draw_all(shared.DESKTOP), draw_all(shared.PHONE), strict=True):
        sizes = [int(size) for size in re.findall(r"font-size:\s*(\d+)px", phone.decode())]
        assert 'width="360"' in phone.decode() and 'width="900"' in desktop.decode()
        assert min(sizes) >= 15 and "horizontal" in re.search(r'<g class="graph[^"]*"', phone.decode()).group(0)
    assert 'class="graph bar-graph vertical"' in draw_all(shared.DESKTOP)[0].decode()  # desktop keeps its columns


def test_shares_add_up_to_exactly_one_hundred() -> None:
    assert charts.shares([1, 1, 1]) == [33.4, 33.3, 33.3]
    assert charts.shares([2, 4, 1]) == [28.6, 57.1, 14.3]
    assert charts.shares([1, 1, 1, 1, 1, 1], digits=0) == [17, 17, 17, 17, 16, 16]
    assert charts.shares([0, 0, 0]) == [0.0, 0.0, 0.0]
    for counts in ([1, 2, 4], [5, 5, 1], [1, 0, 0], [3, 3, 3], [10, 7, 13]):
        assert sum(round(10 * share) for share in charts.shares(counts)) == 1000


@pytest.mark.usefixtures("dutch")
def test_axis_numbers_are_in_dutch() -> None:
    _means, change, direction = (texts(svg) for svg in draw_all(shared.DESKTOP))
    assert any(re.fullmatch(r"[+−]0,\d+", text) for text in change)
    assert not any(re.fullmatch(r"[+−-]?\d+\.\d+", text) for text in change)
    assert "50%" in direction and "100%" in direction


@pytest.fixture
def manager(signed_in: SignIn, manager_a: User) -> FlaskClient:
    return signed_in(manager_a)


@pytest.mark.usefixtures("dataset")
def test_the_chart_routes_take_a_layout(manager: FlaskClient) -> None:
    html = manager.get(f"{URL}?year={YEAR}").text
    assert f'<source media="(max-width: 40em)" srcset="{URL}chart/means.svg?layout=phone&amp;year={YEAR}' in html
    for name in ("means", "change", "direction"):
        phone = manager.get(f"{URL}chart/{name}.svg?year={YEAR}&layout=phone")
        assert phone.status_code == 200 and 'width="360"' in phone.text and "<script" not in phone.text
        assert phone.headers["Content-Security-Policy"] == shared.SVG_CSP
    for bad in ("tablet", "", "PHONE", "%00"):
        response = manager.get(f"{URL}chart/means.svg?year={YEAR}&layout={bad}")
        assert response.status_code == 200 and 'width="900"' in response.text


LONG = [DomainChange("finances", "Financiën en administratie",
                     PairedChange(3, Fraction(1, 3), None, None, None), 1, 1, 1),
        DomainChange("debts", "Financiën en schulden", PairedChange(3, Fraction(1, 3), None, None, None), 1, 1, 1),
        DomainChange("network", "Sociaal netwerk en maatschappelijke participatie",
                     PairedChange(7, Fraction(-1, 7), None, None, None), 2, 4, 1)]


def plot_width(svg: bytes) -> float:
    """The width of the plotting area (the bars' room), from pygal's background rectangle."""
    return float(re.search(r'class="plot"><rect [^>]*width="([\d.]+)"', svg.decode()).group(1))


@pytest.mark.usefixtures("dutch")
def test_long_names_are_shortened_on_a_phone_and_whole_on_the_desktop() -> None:
    names = [change.label for change in LONG]
    legend = ["Vooruitgegaan sinds het eerste gesprek", "Gelijk gebleven", "Achteruitgegaan sinds het eerste gesprek"]
    desktop = texts(charts.direction_chart(LONG, title="D", labels=legend, layout=shared.DESKTOP))
    phone_svg = charts.direction_chart(LONG, title="D", labels=legend, layout=shared.PHONE)
    phone = texts(phone_svg)
    assert all(name in desktop for name in names)
    assert not any(name in phone for name in names if len(name) > shared.PHONE_LABEL_CHARS)
    shortened = [text for text in phone if text.endswith("…")]
    assert {"Financiën en ad…", "Financiën en sc…", "Sociaal netwerk…"} <= set(shortened), shortened
    assert len({text for text in shortened if text.startswith("Financiën")}) == 2  # still told apart
    assert all(len(text) <= shared.PHONE_LABEL_CHARS for text in shortened if text.startswith(("Fin", "Soc")))
    assert plot_width(phone_svg) >= 160  # the bars keep about half of the 360 px (70 px with whole names)
    # The legend is below the plot, one name a line from the chart's left edge, cut to fit its width.
    legends = re.search(r'<g transform="translate\((\d+), (\d+)\)" class="legends">', phone_svg.decode())
    assert legends and int(legends.group(1)) == 10 and int(legends.group(2)) > 46 + 139
    assert "Vooruitgegaan sinds het eerste ge…" in phone and "Gelijk gebleven" in phone
    assert "<title>Vooruitgegaan sinds het eerste gesprek</title>" in phone_svg.decode()


def test_short_labels_cut_at_a_word_where_they_can() -> None:
    assert shared.short_label("Wonen") == "Wonen"
    assert shared.short_label("Lichamelijke gezondheid") == "Lichamelijke…"
    assert shared.short_label("Arbeidsmarktparticipatievermogen") == "Arbeidsmarktpar…"
    assert shared.short_label("  twee   spaties  ") == "twee spaties"
    assert shared.category_labels(["Financiën en administratie"]) == ["Financiën en administratie"]
    assert shared.category_labels(["Financiën en administratie", "Financiën en schulden"], shared.PHONE) == [
        "Financiën en ad…", "Financiën en sc…"]


@pytest.mark.usefixtures("dutch")
def test_the_charts_are_in_grades() -> None:
    means, change, _direction = draw_all(shared.DESKTOP)
    assert {"0", "2,5", "5", "7,5", "10"} <= set(texts(means))  # the grade axis, as on the family file
    # Financiën: 6.5 / 3 on the 1–4 scale is a grade of 5.4; a change of 1/3 point is 0.83 grade points.
    assert values(means) == ["5,4", "7,5"] and values(change) == ["+0,83", "−0,36"]


def test_change_ticks_fit_the_layout() -> None:
    assert charts.change_ticks([0.3, 2.4, 1.1], 4) == [0, 1, 2, 3]  # not pygal's 0.2 steps on a phone
    assert charts.change_ticks([-0.36, 0.83], 10) == [-0.4, -0.2, 0, 0.2, 0.4, 0.6, 0.8, 1]
    assert charts.change_ticks([-0.36, 0.83], 4) == [-0.5, 0, 0.5, 1]
    assert charts.change_ticks([0, None], 4) == [0, 0.25, 0.5, 0.75, 1]
    phone = texts(charts.direction_chart(CHANGES, title="D", labels=["Up", "Same", "Down"], layout=shared.PHONE))
    assert "10%" not in phone and {"0%", "50%", "100%"} <= set(phone)
