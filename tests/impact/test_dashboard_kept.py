"""The dashboard's figures are kept between requests until the tenant's audit log records a change
(tenants.impact.dashboard.queries): the page and its charts stop aggregating on every request."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from saas.audit.models import AuditEvent
from saas.audit.operations import record
from saas.auth.models import User
from saas.db import utcnow
from saas.tenancy.models import Tenant
from tenants.impact.dashboard.queries import data_version
from tests.factories.dashboard import create_instrument, seed_families
from tests.factories.platform import in_tenant, today
from tests.support.queries import count_queries
from tests.support.sessions import SignIn

URL = "/t/alpha/impact/"


@pytest.fixture
def manager(signed_in: SignIn, manager_a: User) -> FlaskClient:
    return signed_in(manager_a)


def _record_a_change(app: Flask, tenant: Tenant) -> None:
    with in_tenant(app, tenant) as session:
        record(None, "test.changed")
        session.commit()


def _measured_at_t0(html: str) -> int:
    marker = 'data-figure="measured-t0">'
    return int(html[html.index(marker) + len(marker):].split("<", 1)[0])


def test_the_figures_are_kept_until_a_change_is_recorded(app: Flask, manager: FlaskClient, tenant_a: Tenant) -> None:
    year = today(app).year
    instrument = create_instrument(app, code="dashboard-kept")
    seed_families(app, tenant_a, instrument, 2, year)
    _record_a_change(app, tenant_a)
    assert _measured_at_t0(manager.get(URL).text) == 2
    with count_queries(app) as kept:
        assert _measured_at_t0(manager.get(URL).text) == 2
        assert manager.get(f"{URL}chart/means.svg").status_code == 200
    assert not any("domain_scores" in statement for statement in kept)  # nothing aggregated again

    seed_families(app, tenant_a, instrument, 3, year)  # written in bulk, without the audit log: unseen
    assert _measured_at_t0(manager.get(URL).text) == 2
    _record_a_change(app, tenant_a)  # as every operation does
    assert _measured_at_t0(manager.get(URL).text) == 5


def test_a_late_commit_of_an_earlier_event_changes_the_version(app: Flask, tenant_a: Tenant) -> None:
    """A transaction that recorded its event before the newest one but committed after it."""
    _record_a_change(app, tenant_a)
    with in_tenant(app, tenant_a) as session:
        before = data_version()
        session.add(AuditEvent(action="test.late", at=utcnow() - timedelta(seconds=30)))
        session.flush()
        after = data_version()
    assert after != before and after[1] == before[1]  # the newest event is the same one


def test_another_tenants_change_keeps_the_figures(app: Flask, tenant_a: Tenant, tenant_b: Tenant) -> None:
    _record_a_change(app, tenant_a)
    with in_tenant(app, tenant_a):
        before = data_version()
    _record_a_change(app, tenant_b)
    with in_tenant(app, tenant_a):
        assert data_version() == before


def test_viewing_a_file_does_not_renew_the_figures(app: Flask, tenant_a: Tenant) -> None:
    """A family file's view is audited (NEN 7513) but changes no figure: it keeps the cache."""
    _record_a_change(app, tenant_a)
    with in_tenant(app, tenant_a) as session:
        before = data_version()
        session.add_all([AuditEvent(action="family.viewed"), AuditEvent(action="family.contact_details_viewed")])
        session.flush()
        assert data_version() == before
        session.add(AuditEvent(action="family.closed"))
        session.flush()
        assert data_version() != before
