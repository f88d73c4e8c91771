"""The national dashboard over published statistics (tests/foundation/national_dataset.py): what
foundation staff see, the year and track choice, query parameters that do not fit, the annual
PDF, and a fixed number of SQL statements however many tenants published."""

from __future__ import annotations

import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from saas.auth.roles import FoundationRole
from saas.clock import local_today
from saas.foundation.models import PublicationStatus, PublicationTrigger
from saas.foundation.release import release_date
from saas.tenancy.models import Tenant
from tests.factories.foundation import freeze_year, publish
from tests.factories.platform import create_tenant, create_user
from tests.foundation.view_support import page_tables, publish_tenants
from tests.support.clock import while_open
from tests.support.queries import count_queries
from tests.support.sessions import SignIn

SECTIONS = ("National figures", "Trend per quarter", "Impact per life domain", "Outcomes", "Reach",
            "Fidelity per organisation", "Growth over the years", "Publications", "About these figures")


@pytest.fixture
def published(app: Flask) -> list[Tenant]:
    return publish_tenants(app, 4)


@pytest.fixture
def staff(app: Flask, signed_in: SignIn) -> FlaskClient:
    return signed_in(create_user(app, "analist@stichting.example", foundation_role=FoundationRole.STAFF,
                                 locale="en"))


def headline(html: str, label: str) -> str:
    rows = page_tables(html)["National figures"]
    return next(row[1] for row in rows if row[0] == label)


def test_staff_see_every_section_of_the_newest_year(published: list[Tenant], staff: FlaskClient) -> None:
    response = staff.get("/foundation/")
    assert response.status_code == 200
    html = response.text
    assert "<h1>National statistics 2025</h1>" in html
    for heading in SECTIONS:
        assert re.search(rf"<h2 id=\"[a-z_-]+\">{heading}</h2>", html), heading
    assert 'aria-current="page">Statistics</a>' in html
    # The dataset has 7 new volunteers nationally in 2025-Q3: shown as "<10", with its reason.
    trend = {row[0]: row for row in page_tables(html)["Trend per quarter"]}
    assert trend["Q3 2025"][5] == "<10"
    assert '<abbr title="Not shown: fewer than 10' in html
    # Counts are rounded to 5.
    families = headline(html, "Families supported")
    assert families != "<10" and int(families.replace(",", "")) % 5 == 0
    assert "The figures of 2025 were released on 1 February 2026 and do not change any more." in html
    assert "will be shown from" in html  # the next year, not yet
    assert "/freeze" not in html and "Publish now" not in html  # staff change nothing


def test_the_year_and_the_track_can_be_chosen(published: list[Tenant], staff: FlaskClient) -> None:
    html = staff.get("/foundation/?year=2024&track=regular").text
    assert "<h1>National statistics 2024</h1>" in html
    assert '<option value="regular" selected>' in html
    assert '<option value="2024" selected>' in html
    assert "/foundation/charts/trend.svg?year=2024&amp;track=regular" in html
    assert "/foundation/export/impact.csv?year=2024&amp;track=regular" in html


@pytest.mark.parametrize("query", ["year=abc", "year=1999", "year=2023", "year=99999999999999999999", "year=-1",
                                   "year=2025.0", "track=nonsense", "track=" + "x" * 500, "track=%00",
                                   "year=2024&year=abc", "track[]=regular", "page=3&sort=name"])
def test_query_parameters_that_do_not_fit_are_ignored(published: list[Tenant], staff: FlaskClient,
                                                      query: str) -> None:
    response = staff.get(f"/foundation/?{query}")
    assert response.status_code == 200, query
    assert "<h1>National statistics 202" in response.text
    assert '<option value="" selected>All tracks</option>' in response.text or "track=regular" in query
    for url in (f"/foundation/charts/trend.svg?{query}", f"/foundation/export/trend.csv?{query}"):
        assert staff.get(url).status_code == 200, url


def test_a_year_is_not_shown_before_it_is_released_and_an_early_release_says_when(
        app: Flask, published: list[Tenant], signed_in: SignIn) -> None:
    with while_open(2025):  # 22 January 2026
        staff = signed_in(create_user(app, "analist@stichting.example", foundation_role=FoundationRole.STAFF,
                                      locale="en"))
        html = staff.get("/foundation/?year=2025").text
        assert "<h1>National statistics 2024</h1>" in html  # 2025 is not offered yet, whatever is asked
        assert "The figures of 2025 will be shown from 1 February 2026" in html
        freeze_year(app, 2025)
        assert "The figures of 2025 were released on 22 January 2026" in staff.get("/foundation/?year=2025").text


def test_admins_may_release_an_ended_year_early_and_ask_for_a_publication(
        app: Flask, published: list[Tenant], signed_in: SignIn) -> None:
    admin = create_user(app, "beheer@stichting.example", foundation_role=FoundationRole.ADMIN, locale="en")
    with while_open(2025):
        html = signed_in(admin).get("/foundation/").text
        assert 'action="/foundation/years/2025/freeze"' in html and 'name="confirmed"' in html
        assert "Release 2025 now" in html and 'action="/foundation/publications/run"' in html
    html = signed_in(admin).get("/foundation/").text
    with app.app_context():
        today = local_today()
    # Only in January, before its release date, is last year over and still unreleased; any other day the
    # next year to be released is the one still running, which cannot be released early.
    assert ("/freeze" in html) == (today < release_date(today.year - 1))
    assert 'action="/foundation/publications/run"' in html


def test_each_tenant_s_last_publication_is_listed_and_failures_stand_out(
        app: Flask, published: list[Tenant], staff: FlaskClient) -> None:
    publish(app, published[1], [], trigger=PublicationTrigger.NIGHTLY, status=PublicationStatus.FAILED,
            error="boom")
    create_tenant(app, "new-org", name="Samen Oplopen Nieuw")
    rows = {row[0]: row for row in page_tables(staff.get("/foundation/").text)["Last publication per organisation"]}
    assert rows["Samen Oplopen 01"][1] == "Failed"
    assert rows["Samen Oplopen 00"][1] == "Published"
    assert rows["Samen Oplopen Nieuw"][1] == "Never published"
    assert 'class="state state--waiting">Failed</strong>' in staff.get("/foundation/").text


def test_without_any_publication_the_page_says_so(staff: FlaskClient) -> None:
    response = staff.get("/foundation/")
    assert response.status_code == 200
    assert "No year has been released yet" in response.text
    assert staff.get("/foundation/report/2025.pdf").status_code == 404


def test_the_dashboard_sends_as_many_statements_for_few_tenants_as_for_many(app: Flask, staff: FlaskClient) -> None:
    publish_tenants(app, 3)
    staff.get("/foundation/")  # the first request loads what every later one finds cached
    with count_queries(app) as few:
        assert staff.get("/foundation/").status_code == 200
    publish_tenants(app, 9, first=3)
    staff.get("/foundation/")  # the publications changed what is kept (saas.foundation.national.kept_national_figures)
    with count_queries(app) as many:
        assert staff.get("/foundation/").status_code == 200
    assert len(few) == len(many), (len(few), len(many))
    assert len(many) <= 12, many


def test_the_annual_report_is_a_pdf_of_the_year(published: list[Tenant], staff: FlaskClient) -> None:
    html = staff.get("/foundation/?year=2025").text
    response = staff.get("/foundation/report/2025.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="samen-oplopen-annual-report-2025.pdf"'
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "National annual report 2025" in text
    assert f"Families supported {headline(html, 'Families supported')}" in text
    # The report may be passed on: fidelity as the national median, no organisation named.
    assert "Fidelity: the national median" in text and "National median" in text
    assert not any(tenant.name in text for tenant in published)
    assert "Samen Oplopen 03" in html


@pytest.mark.parametrize("year", [2019, 2026])
def test_there_is_no_annual_report_of_a_year_nobody_published(published: list[Tenant], staff: FlaskClient,
                                                                year: int) -> None:
    assert staff.get(f"/foundation/report/{year}.pdf").status_code == 404


@pytest.mark.parametrize("locale", ["nl", "en", "ar"])
def test_the_dashboard_and_the_report_read_in_every_language(app: Flask, published: list[Tenant],
                                                              signed_in: SignIn, locale: str) -> None:
    client = signed_in(create_user(app, f"{locale}@stichting.example", foundation_role=FoundationRole.STAFF,
                                   locale=locale))
    response = client.get("/foundation/?track=regular")
    assert response.status_code == 200
    assert f'<html lang="{locale}" dir="{"rtl" if locale == "ar" else "ltr"}">' in response.text
    assert '<span dir="ltr">' in response.text  # numbers keep their order in right-to-left text
    assert client.get("/foundation/report/2025.pdf").status_code == 200
