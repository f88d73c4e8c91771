"""The foundation's tenant pages: creating a tenant with its first manager, editing, access."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from saas.audit.models import AuditEvent, PlatformEvent
from saas.auth.models import Invitation, User
from saas.auth.roles import FoundationRole, Role
from saas.db import db, tenant_context
from saas.tenancy.models import Tenant
from tests.factories.platform import create_user
from tests.support.mailbox import Mailbox
from tests.support.sessions import SignIn

NEW_TENANT = {"name": "Samen Oplopen Gouda", "slug": "gouda", "municipalities": "Gouda\nBodegraven-Reeuwijk",
              "default_locale": "nl", "manager_email": "teamleider@gouda.example"}


def tenant_by_slug(app: Flask, slug: str) -> Tenant | None:
    with app.app_context():
        return db.session.scalars(select(Tenant).where(Tenant.slug == slug)).first()


def test_an_admin_creates_a_tenant_and_its_manager_is_invited(
        app: Flask, signed_in: SignIn, foundation_admin: User, mailbox: Mailbox) -> None:
    client: FlaskClient = signed_in(foundation_admin)
    assert client.get("/foundation/tenants/new").status_code == 200
    response = client.post("/foundation/tenants/new", data=NEW_TENANT)
    assert response.status_code == 302
    tenant = tenant_by_slug(app, "gouda")
    assert tenant.municipalities == ["Gouda", "Bodegraven-Reeuwijk"]
    link = re.search(r"http://localhost(/invite/gouda/\S+)", mailbox.last_body("teamleider@gouda.example")).group(1)
    with app.app_context():
        created = db.session.scalars(select(PlatformEvent).where(PlatformEvent.action == "tenant.created")).one()
        assert (created.user_id, created.tenant_id) == (foundation_admin.id, tenant.id)
        with tenant_context(db.session, tenant.id):
            assert db.session.scalars(select(Invitation.role)).one() == Role.MANAGER
            assert set(db.session.scalars(select(AuditEvent.action))) == {"tenant.created", "invitation.sent"}
    # The new manager accepts, sets up an authenticator and lands in the new tenant.
    newcomer = app.test_client()
    response = newcomer.post(link, data={"name": "Greet Teamleider", "password": "a long enough passphrase",
                                         "password_confirm": "a long enough passphrase"})
    assert response.status_code == 302 and response.location.endswith("/account/two-factor/setup")
    assert "Samen Oplopen Gouda" in client.get("/foundation/tenants/").text


def test_a_taken_or_malformed_slug_is_refused_and_nothing_is_written(
        app: Flask, signed_in: SignIn, foundation_admin: User, tenant_a: Tenant, mailbox: Mailbox) -> None:
    client: FlaskClient = signed_in(foundation_admin)
    for slug in ("alpha", "Has Spaces", "-dash", "ab", "foundation"):
        response = client.post("/foundation/tenants/new", data={**NEW_TENANT, "slug": slug})
        assert response.status_code == 422, slug
        assert 'class="field-error"' in response.text
    response = client.post("/foundation/tenants/new", data={**NEW_TENANT, "municipalities": "  "})
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Tenant)) == 1
    assert mailbox.messages == []


def test_an_admin_edits_and_closes_a_tenant(app: Flask, signed_in: SignIn, foundation_admin: User, tenant_a: Tenant,
                                            volunteer_a: User) -> None:
    from tests.support.sessions import sign_in

    member = app.test_client()
    sign_in(member, volunteer_a)
    assert member.get("/t/alpha/").status_code == 200
    client: FlaskClient = signed_in(foundation_admin)
    response = client.post("/foundation/tenants/alpha", data={
        "name": "Samen Oplopen Alfa", "municipalities": "Alfen", "default_locale": "en"})  # no is_active: closed
    assert response.status_code == 302
    tenant = tenant_by_slug(app, "alpha")
    assert (tenant.name, tenant.municipalities, tenant.default_locale, tenant.is_active) == (
        "Samen Oplopen Alfa", ["Alfen"], "en", False)
    assert member.get("/t/alpha/").status_code == 404


def test_an_admin_invites_another_manager(app: Flask, signed_in: SignIn, foundation_admin: User, tenant_a: Tenant,
                                          mailbox: Mailbox) -> None:
    client: FlaskClient = signed_in(foundation_admin)
    assert client.post("/foundation/tenants/alpha/invite-manager",
                       data={"manager_email": "tweede@alpha.example"}).status_code == 302
    assert "/invite/alpha/" in mailbox.last_body("tweede@alpha.example")
    assert client.post("/foundation/tenants/alpha/invite-manager", data={"manager_email": "nope"}).status_code == 422


def test_foundation_staff_see_tenants_but_cannot_change_them(app: Flask, signed_in: SignIn, tenant_a: Tenant) -> None:
    staff = create_user(app, "analist@stichting.example", foundation_role=FoundationRole.STAFF)
    client: FlaskClient = signed_in(staff)
    assert client.get("/foundation/tenants/").status_code == 200
    assert client.get("/foundation/tenants/alpha").status_code == 200
    assert client.get("/foundation/tenants/new").status_code == 403
    assert client.post("/foundation/tenants/new", data=NEW_TENANT).status_code == 403
    assert client.post("/foundation/tenants/alpha", data={"name": "x"}).status_code == 403
    assert client.post("/foundation/tenants/alpha/invite-manager", data={"manager_email": "a@b.nl"}).status_code == 403
    assert tenant_by_slug(app, "gouda") is None


def test_tenant_members_get_404_on_foundation_pages(app: Flask, tenant_a: Tenant) -> None:
    from tests.support.sessions import sign_in

    for role in Role:
        client = app.test_client()
        sign_in(client, create_user(app, f"{role.value}@alpha.example", tenant=tenant_a, role=role))
        for url in ("/foundation/", "/foundation/tenants/", "/foundation/tenants/new", "/foundation/tenants/alpha"):
            assert client.get(url).status_code == 404, (role, url)


def test_foundation_staff_get_404_on_tenant_pages(app: Flask, signed_in: SignIn, foundation_admin: User,
                                                  tenant_a: Tenant) -> None:
    client: FlaskClient = signed_in(foundation_admin)
    for url in ("/t/alpha/", "/t/alpha/members/", "/t/alpha/audit/"):
        assert client.get(url).status_code == 404, url


def test_foundation_pages_need_two_factor(app: Flask) -> None:
    admin = create_user(app, "new-admin@stichting.example", foundation_role=FoundationRole.ADMIN, two_factor=False)
    client = app.test_client()
    response = client.post("/login", data={"email": admin.email, "password": "correct horse battery staple"})
    assert response.location.endswith("/account/two-factor/setup")
    assert client.get("/foundation/").status_code == 302  # not signed in until the authenticator is set up


def test_anonymous_visitors_are_sent_to_sign_in(client: FlaskClient) -> None:
    response = client.get("/foundation/")
    assert response.status_code == 302 and response.location.startswith("/login")
