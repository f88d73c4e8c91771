"""A tenant's settings row (saas.tenant_settings): reading gives the declared defaults and writes
nothing; the row is stored the first time it is changed. The policy pages rely on this: a GET
is a read."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from saas.auth.roles import Role
from saas.db import db, tenant_context
from saas.tenancy.models import Tenant
from tenants.matching.eligibility import MATCHING_POLICY
from tenants.matching.models import MatchingPolicy
from tenants.volunteers.models import ScreeningPolicy
from tests.factories.platform import create_user
from tests.support.sessions import sign_in


def stored(app: Flask, tenant: Tenant, model: type) -> int:
    with app.app_context(), tenant_context(db.session, tenant.id):
        return db.session.scalar(select(func.count()).select_from(model))


def test_reading_gives_the_defaults_without_storing_them(app: Flask, tenant_a: Tenant) -> None:
    with app.app_context(), tenant_context(db.session, tenant_a.id):
        policy = MATCHING_POLICY.read()
        assert (policy.contact_warning_days, policy.contact_alarm_days) == (14, 30)
        assert policy not in db.session
        db.session.commit()
    assert stored(app, tenant_a, MatchingPolicy) == 0

    with app.app_context(), tenant_context(db.session, tenant_a.id):
        MATCHING_POLICY.for_update().contact_warning_days = 7
        db.session.commit()
    with app.app_context(), tenant_context(db.session, tenant_a.id):
        assert MATCHING_POLICY.read().contact_warning_days == 7
    assert stored(app, tenant_a, MatchingPolicy) == 1


def test_the_policy_pages_write_nothing_on_get(app: Flask, client: FlaskClient, tenant_a: Tenant) -> None:
    sign_in(client, create_user(app, "manager@alpha.example", tenant=tenant_a, role=Role.MANAGER))
    for url in ("/t/alpha/matching/policy", "/t/alpha/volunteers/policy"):
        assert client.get(url).status_code == 200, url
    assert stored(app, tenant_a, MatchingPolicy) == stored(app, tenant_a, ScreeningPolicy) == 0
