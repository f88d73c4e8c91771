"""A member promoted to a staff role while signed in must set up two-factor before continuing."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pyotp
from flask import Flask
from sqlalchemy import select

from saas.auth.models import Membership, User
from saas.auth.roles import Role
from saas.db import db, tenant_context
from saas.tenancy.models import Tenant
from tests.factories.platform import PASSWORD
from tests.support.sessions import sign_in


def test_a_promoted_volunteer_sets_up_two_factor_and_returns_to_the_page(
        app: Flask, tenant_a: Tenant, volunteer_a: User) -> None:
    client = app.test_client()
    sign_in(client, volunteer_a)
    with app.app_context(), tenant_context(db.session, tenant_a.id):
        db.session.scalars(select(Membership).where(Membership.user_id == volunteer_a.id)).one().role = Role.COORDINATOR
        db.session.commit()
    response = client.get("/t/alpha/")
    assert response.status_code == 302
    location = urlsplit(response.location)
    assert location.path == "/account/two-factor/setup"
    next_url = parse_qs(location.query)["next"][0]
    assert next_url.startswith("/t/alpha/")
    assert client.get(response.location).status_code == 200
    with client.session_transaction() as session:
        secret = session["totp_setup_secret"]
    page = client.post("/account/two-factor/setup", data={
        "current_password": PASSWORD, "code": pyotp.TOTP(secret).now(), "next": next_url})
    assert page.status_code == 200
    assert 'href="/t/alpha/"' in page.text  # the continue link leads back
    assert client.get("/t/alpha/").status_code == 200
