"""A tenant's team: invitations, roles, deactivation, and the rules that protect them."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from saas.auth.models import Invitation, Membership, User
from saas.auth.roles import Role
from saas.db import db, tenant_context
from saas.tenancy.models import Tenant
from tests.factories.platform import create_user
from tests.support.confirm import CONFIRMED
from tests.support.mailbox import Mailbox
from tests.support.queries import count_queries
from tests.support.sessions import SignIn


def membership_of(app: Flask, tenant: Tenant, user: User) -> Membership:
    with app.app_context(), tenant_context(db.session, tenant.id):
        return db.session.scalars(select(Membership).where(Membership.user_id == user.id)).one()


def test_a_manager_invites_someone_and_the_mail_carries_the_link(
        app: Flask, signed_in: SignIn, manager_a: User, tenant_a: Tenant, mailbox: Mailbox) -> None:
    client: FlaskClient = signed_in(manager_a)
    response = client.post("/t/alpha/members/invite", data={"email": " New@Example.org ", "role": "coordinator"})
    assert response.status_code == 302
    body = mailbox.last_body("new@example.org")
    assert re.search(r"http://localhost/invite/alpha/[\w-]{40,}", body)
    page = client.get("/t/alpha/members/")
    assert "new@example.org" in page.text
    with app.app_context(), tenant_context(db.session, tenant_a.id):
        invitation = db.session.scalars(select(Invitation)).one()
        assert (invitation.email, invitation.role) == ("new@example.org", Role.COORDINATOR)


def test_inviting_twice_replaces_the_open_invitation(
        app: Flask, signed_in: SignIn, manager_a: User, tenant_a: Tenant) -> None:
    client: FlaskClient = signed_in(manager_a)
    for _ in range(2):
        client.post("/t/alpha/members/invite", data={"email": "new@example.org", "role": "volunteer"})
    with app.app_context(), tenant_context(db.session, tenant_a.id):
        invitations = db.session.scalars(select(Invitation)).all()
    assert sorted(i.revoked_at is None for i in invitations) == [False, True]


def test_inviting_an_existing_member_is_refused_with_a_message(
        app: Flask, signed_in: SignIn, manager_a: User, volunteer_a: User, mailbox: Mailbox) -> None:
    client: FlaskClient = signed_in(manager_a)
    response = client.post("/t/alpha/members/invite", data={"email": volunteer_a.email, "role": "volunteer"})
    assert response.status_code == 422
    assert 'class="field-error"' in response.text
    assert mailbox.to(volunteer_a.email) == []


def test_bad_invitation_input_is_explained_and_nothing_is_written(
        app: Flask, signed_in: SignIn, manager_a: User, tenant_a: Tenant, mailbox: Mailbox) -> None:
    client: FlaskClient = signed_in(manager_a)
    for data in ({"email": "not-an-address", "role": "volunteer"}, {"email": "ok@example.org", "role": "king"},
                 {"email": "x" * 300 + "@example.org", "role": "volunteer"}, {}):
        response = client.post("/t/alpha/members/invite", data=data)
        assert response.status_code == 422, data
        assert "error-summary" in response.text
    with app.app_context(), tenant_context(db.session, tenant_a.id):
        assert db.session.scalars(select(Invitation)).all() == []
    assert mailbox.messages == []


def test_a_manager_changes_a_role(app: Flask, signed_in: SignIn, manager_a: User, volunteer_a: User,
                                  tenant_a: Tenant) -> None:
    client: FlaskClient = signed_in(manager_a)
    member = membership_of(app, tenant_a, volunteer_a)
    assert client.post(f"/t/alpha/members/{member.id}/role", data={"role": "coordinator"}).status_code == 302
    assert membership_of(app, tenant_a, volunteer_a).role == Role.COORDINATOR


def test_the_last_manager_cannot_be_demoted_or_deactivated(
        app: Flask, signed_in: SignIn, manager_a: User, tenant_a: Tenant) -> None:
    client: FlaskClient = signed_in(manager_a)
    member = membership_of(app, tenant_a, manager_a)
    assert client.post(f"/t/alpha/members/{member.id}/role", data={"role": "volunteer"}).status_code == 422
    assert client.post(f"/t/alpha/members/{member.id}/active", data={"active": "0"}).status_code == 422
    member = membership_of(app, tenant_a, manager_a)
    assert member.role == Role.MANAGER and member.is_active


def test_a_second_manager_can_be_demoted(app: Flask, signed_in: SignIn, manager_a: User, tenant_a: Tenant) -> None:
    other = create_user(app, "second@alpha.example", tenant=tenant_a, role=Role.MANAGER)
    client: FlaskClient = signed_in(manager_a)
    member = membership_of(app, tenant_a, other)
    assert client.post(f"/t/alpha/members/{member.id}/role", data={"role": "coordinator"}).status_code == 302


def test_deactivated_members_lose_access_and_can_be_reactivated(
        app: Flask, manager_a: User, volunteer_a: User, tenant_a: Tenant) -> None:
    from tests.support.sessions import sign_in

    manager, volunteer = app.test_client(), app.test_client()
    sign_in(manager, manager_a)
    sign_in(volunteer, volunteer_a)
    member = membership_of(app, tenant_a, volunteer_a)
    manager.post(f"/t/alpha/members/{member.id}/active", data={"active": "0"})
    assert volunteer.get("/t/alpha/").status_code == 404
    manager.post(f"/t/alpha/members/{member.id}/active", data={"active": "1"})
    assert volunteer.get("/t/alpha/").status_code == 200


def test_revoked_invitations_cannot_be_accepted(app: Flask, signed_in: SignIn, manager_a: User, tenant_a: Tenant,
                                                mailbox: Mailbox) -> None:
    client: FlaskClient = signed_in(manager_a)
    client.post("/t/alpha/members/invite", data={"email": "new@example.org", "role": "volunteer"})
    link = re.search(r"http://localhost(/invite/\S+)", mailbox.last_body("new@example.org")).group(1)
    with app.app_context(), tenant_context(db.session, tenant_a.id):
        invitation_id = db.session.scalars(select(Invitation.id)).one()
    assert client.post(f"/t/alpha/invitations/{invitation_id}/revoke", data=CONFIRMED).status_code == 302
    assert app.test_client().get(link).status_code == 404


def test_the_team_page_sends_a_fixed_number_of_queries(
        app: Flask, signed_in: SignIn, manager_a: User, tenant_a: Tenant) -> None:
    client: FlaskClient = signed_in(manager_a)

    def statements() -> int:
        with count_queries(app) as queries:
            assert client.get("/t/alpha/members/").status_code == 200
        return len(queries)

    few = statements()
    for n in range(12):
        create_user(app, f"extra{n}@alpha.example", tenant=tenant_a, role=Role.VOLUNTEER)
    for n in range(4):
        client.post("/t/alpha/members/invite", data={"email": f"invitee{n}@example.org", "role": "volunteer"})
    assert statements() == few


def test_the_audit_page_sends_a_fixed_number_of_queries(app: Flask, signed_in: SignIn, manager_a: User) -> None:
    client: FlaskClient = signed_in(manager_a)

    def statements() -> int:
        with count_queries(app) as queries:
            assert client.get("/t/alpha/audit/").status_code == 200
        return len(queries)

    client.post("/t/alpha/members/invite", data={"email": "first@example.org", "role": "volunteer"})
    few = statements()
    for n in range(15):
        client.post("/t/alpha/members/invite", data={"email": f"invitee{n}@example.org", "role": "volunteer"})
    assert statements() == few


def test_json_clients_get_field_errors_as_json(app: Flask, signed_in: SignIn, manager_a: User, tenant_a: Tenant,
                                               mailbox: Mailbox) -> None:
    client: FlaskClient = signed_in(manager_a)
    response = client.post("/t/alpha/members/invite", json={"email": "nope", "role": "volunteer", "extra": 1})
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["email"]
    assert client.post("/t/alpha/members/invite", json=["not", "an", "object"]).status_code == 400
    with app.app_context(), tenant_context(db.session, tenant_a.id):
        assert db.session.scalars(select(Invitation)).all() == []
    assert mailbox.messages == []
