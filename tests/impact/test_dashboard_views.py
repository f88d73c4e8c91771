"""The impact dashboard (GET /impact/) and its charts: managers only, filters, bad query values
ignored, and a fixed number of SQL statements however many families there are."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from saas.auth.models import User
from saas.auth.roles import Role
from saas.tenancy.models import Tenant
from tenants.impact.dashboard import aggregates
from tenants.impact.measurements.charts import SVG_CSP
from tests.factories.dashboard import create_instrument, seed_families
from tests.factories.families import create_family
from tests.factories.platform import create_user, in_tenant, today
from tests.impact.dashboard_dataset import YEAR, dataset  # noqa: F401 - a fixture
from tests.support.queries import count_queries
from tests.support.sessions import SignIn

URL = "/t/alpha/impact/"


@pytest.fixture
def manager(signed_in: SignIn, manager_a: User) -> FlaskClient:
    return signed_in(manager_a)


def page(client: FlaskClient, query: str = "") -> str:
    response = client.get(URL + query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.usefixtures("dataset")
def test_the_manager_sees_the_figures_of_a_year(manager: FlaskClient) -> None:
    html = page(manager, f"?year={YEAR}")
    assert f"<option value=\"{YEAR}\" selected>" in html and '<option value="2024">' in html
    assert "Financiën" in html and "Wonen" in html  # the domains, in the manager's language (Dutch)
    assert "5,8" in html  # the mean finances grade at T0 (7.0 / 3 on the 1–4 scale, × 2.5)
    assert "+1,5" in html and "−1,3" in html and "+4,4" in html  # the paired change and its interval, in grade points
    assert "67%" in html  # two of three families improved on finances
    assert "7,5" in html  # the mean satisfaction grade
    assert f'chart/means.svg?year={YEAR}' in html and 'chart/direction.svg' in html


@pytest.mark.usefixtures("dataset")
def test_a_municipality_narrows_the_figures(manager: FlaskClient) -> None:
    html = page(manager, f"?year={YEAR}&municipality=Gamma")
    assert '<option value="Gamma" selected>' in html
    assert "municipality=Gamma" in html  # the charts follow the filter
    assert "+1,5" not in html  # Gamma has no family with a Tend


@pytest.mark.parametrize("query", ["?year=abc", "?year=99999999999", "?year=1850", "?year=٢٠٢٥",
                                   "?municipality=Beta", "?year=&municipality=", "?year=2025.0"])
@pytest.mark.usefixtures("dataset")
def test_bad_query_values_are_ignored(app: Flask, manager: FlaskClient, tenant_a: Tenant, query: str) -> None:
    html = page(manager, query)
    with in_tenant(app, tenant_a):  # this year once it has activity, else the newest year that has
        opens_on = aggregates.default_year(aggregates.year_activity())
    assert f'<option value="{opens_on}" selected>' in html
    assert '<option value="" selected>' in html  # all municipalities


@pytest.mark.usefixtures("dataset")
def test_the_charts_are_svg_with_their_own_policy(manager: FlaskClient) -> None:
    for name in ("means", "change", "direction"):
        response = manager.get(f"{URL}chart/{name}.svg?year={YEAR}&municipality=Alpha")
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
        assert response.headers["Content-Security-Policy"] == SVG_CSP
        svg = response.get_data(as_text=True)
        assert "<script" not in svg and "Financiën" in svg
    assert manager.get(f"{URL}chart/other.svg").status_code == 404
    assert manager.get(f"{URL}chart/means.svg?year=abc").status_code == 200


def test_a_year_without_figures_shows_no_charts(manager: FlaskClient) -> None:
    html = page(manager)
    assert "chart/means.svg" not in html and "chart/change.svg" not in html


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.VOLUNTEER, Role.REPORT_VIEWER])
def test_only_managers_see_the_dashboard(app: Flask, signed_in: SignIn, tenant_a: Tenant, role: Role) -> None:
    client = signed_in(create_user(app, f"{role.value}@alpha.example", tenant=tenant_a, role=role))
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}chart/means.svg").status_code == 403


def test_another_tenants_manager_gets_404(signed_in: SignIn, manager_b: User) -> None:
    assert signed_in(manager_b).get(URL).status_code == 404


def test_the_number_of_statements_does_not_grow_with_the_families(app: Flask, manager: FlaskClient,
                                                                   tenant_a: Tenant, tenant_b: Tenant) -> None:
    year = today(app).year
    instrument = create_instrument(app, code="dashboard-count")
    seed_families(app, tenant_b, instrument, 1, year)
    seed_families(app, tenant_a, instrument, 1, year)
    with count_queries(app) as few:
        html = page(manager)
    assert "chart/means.svg" in html
    seed_families(app, tenant_a, instrument, 59, year)
    create_family(app, tenant_a, family_name="Zonder meting")
    with count_queries(app) as many:
        html = page(manager)
    assert 'data-figure="measured-t0">60</td>' in html  # 60 families measured at each moment
    assert len(many) == len(few)
    with count_queries(app) as chart:
        assert manager.get(f"{URL}chart/direction.svg").status_code == 200
    assert len(chart) < len(few)
