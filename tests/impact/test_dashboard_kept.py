"""The dashboard's figures are kept between requests until the tenant's data changes (its data
version, saas.tenancy.versions): the page and its charts stop aggregating on every request."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from saas.audit.models import AuditEvent
from saas.auth.models import User
from saas.tenancy.models import Tenant
from tenants.impact.dashboard.queries import data_version
from tenants.volunteers.models import Volunteer
from tests.factories.dashboard import create_instrument, seed_families
from tests.factories.platform import in_tenant, today
from tests.support.queries import count_queries
from tests.support.sessions import SignIn

URL = "/t/alpha/impact/"


@pytest.fixture
def manager(signed_in: SignIn, manager_a: User) -> FlaskClient:
    return signed_in(manager_a)


def _make_a_change(app: Flask, tenant: Tenant) -> None:
    with in_tenant(app, tenant) as session:
        session.add(Volunteer(name="Nieuw", applied_on=today(app)))
        session.commit()


def _version(app: Flask, tenant: Tenant) -> int:
    with in_tenant(app, tenant) as session:
        version = data_version()
        session.rollback()
        return version


def _measured_at_t0(html: str) -> int:
    marker = 'data-figure="measured-t0">'
    return int(html[html.index(marker) + len(marker):].split("<", 1)[0])


def test_the_figures_are_kept_until_the_data_changes(app: Flask, manager: FlaskClient, tenant_a: Tenant) -> None:
    year = today(app).year
    instrument = create_instrument(app, code="dashboard-kept")
    seed_families(app, tenant_a, instrument, 2, year)
    assert _measured_at_t0(manager.get(URL).text) == 2
    with count_queries(app) as kept:
        assert _measured_at_t0(manager.get(URL).text) == 2
        assert manager.get(f"{URL}chart/means.svg").status_code == 200
    assert not any("domain_scores" in statement for statement in kept)  # nothing aggregated again

    seed_families(app, tenant_a, instrument, 3, year)  # written in bulk: a change all the same
    assert _measured_at_t0(manager.get(URL).text) == 5


def test_another_tenants_change_keeps_the_figures(app: Flask, tenant_a: Tenant, tenant_b: Tenant) -> None:
    before = _version(app, tenant_a)
    _make_a_change(app, tenant_b)
    assert _version(app, tenant_a) == before
    _make_a_change(app, tenant_a)
    assert _version(app, tenant_a) == before + 1


def test_viewing_a_file_does_not_renew_the_figures(app: Flask, tenant_a: Tenant) -> None:
    """A family file's view is audited (NEN 7513) but changes no figure: it keeps the cache."""
    before = _version(app, tenant_a)
    with in_tenant(app, tenant_a) as session:
        session.add_all([AuditEvent(action="family.viewed"), AuditEvent(action="family.contact_details_viewed")])
        session.commit()
    assert _version(app, tenant_a) == before
