"""The safety event: a volunteer asks for their coordinator. The coordinator is mailed at once,
whatever they chose, once; nobody handling it within the set time brings in the managers; a broken
SMTP server costs the volunteer nothing (real mails to the loopback SMTP server)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from saas.auth.models import User
from saas.auth.roles import Role
from saas.db import utcnow
from saas.notifications.models import Status
from saas.notifications.registry import Choice
from saas.tenancy.models import Tenant
from tenants.matching import notices
from tenants.matching.models import ContactMoment, Match
from tests.factories.platform import count_rows, create_user, in_tenant, today
from tests.matching import contact_fixtures
from tests.notifications.helpers import choose, notifications_of, run_retry
from tests.support.mailbox import Mailbox, free_port
from tests.support.sessions import SignIn

vera, vera_record, family, match = (contact_fixtures.vera, contact_fixtures.vera_record, contact_fixtures.family,
                                    contact_fixtures.match)
MY = "/t/alpha/my/families"


@pytest.fixture
def vera_client(signed_in: SignIn, vera: User) -> FlaskClient:
    return signed_in(vera)


def ask_for_coordinator(client: FlaskClient, match: Match) -> None:
    response = client.post(f"{MY}/{match.id}/contacts", data={
        "happened_on": today(client.application).isoformat(), "duration_minutes": "60", "mode": "home",
        "kind": "visit", "needs_coordinator": "1"})
    assert response.status_code == 302


def escalate(app: Flask) -> None:
    with app.app_context():
        notices.escalate()


def test_the_coordinator_is_mailed_at_once_in_their_language_with_the_link(
        app: Flask, tenant_a: Tenant, coordinator_a: User, vera_client: FlaskClient, match: Match,
        mailbox: Mailbox) -> None:
    ask_for_coordinator(vera_client, match)

    [mail] = mailbox.to(coordinator_a.email)
    assert mail["Subject"] == f"Samen Oplopen Alpha: a volunteer needs their coordinator ({match.family.case_number})"
    body = mail.get_content()
    [row] = notifications_of(app, tenant_a, kind="coordinator_needed")
    assert f"http://localhost/t/alpha/families/{match.family_id}/contacts#contact-{row.subject_id}" in body
    assert "Vera de Vries" in body and "Bakker" not in body  # the volunteer's name, never the family's
    assert "http://localhost/t/alpha/account/notifications" in body
    assert (row.status, row.attempts) == (Status.SENT, 1)


def test_safety_ignores_off_and_nothing_is_sent_twice(
        app: Flask, tenant_a: Tenant, coordinator_a: User, vera_client: FlaskClient, match: Match,
        mailbox: Mailbox) -> None:
    choose(app, tenant_a, coordinator_a, "coordinator_needed", Choice.OFF)  # not offered: forced into the table
    ask_for_coordinator(vera_client, match)
    assert len(mailbox.to(coordinator_a.email)) == 1

    run_retry(app)
    run_retry(app)
    with in_tenant(app, tenant_a) as session:  # the same event notified again adds nothing
        contact = session.scalars(select(ContactMoment)).one()
        notices.coordinator_needed(contact, contact.family)
        session.commit()
    run_retry(app)
    assert len(mailbox.to(coordinator_a.email)) == 1
    assert len(notifications_of(app, tenant_a, kind="coordinator_needed")) == 1


def test_a_broken_smtp_server_keeps_the_visit_and_the_mail_follows_later(
        app: Flask, tenant_a: Tenant, coordinator_a: User, vera_client: FlaskClient, match: Match,
        mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch) -> None:
    port = app.config["MAIL_PORT"]
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nothing listens there
    ask_for_coordinator(vera_client, match)

    assert count_rows(app, tenant_a, ContactMoment) == 1
    [row] = notifications_of(app, tenant_a, kind="coordinator_needed")
    assert (row.status, row.attempts) == (Status.PENDING, 1) and "Error" in (row.error or "")
    assert mailbox.messages == []

    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    run_retry(app)
    run_retry(app)
    assert len(mailbox.to(coordinator_a.email)) == 1
    assert notifications_of(app, tenant_a, kind="coordinator_needed")[0].status == Status.SENT


@pytest.fixture
def managers(app: Flask, tenant_a: Tenant, tenant_b: Tenant) -> dict[str, User]:
    return {"alpha": create_user(app, "mia@alpha.example", tenant=tenant_a, role=Role.MANAGER, name="Mia Manager"),
            "beta": create_user(app, "bas@beta.example", tenant=tenant_b, role=Role.MANAGER, name="Bas Manager")}


def test_managers_hear_of_an_unhandled_request_after_the_set_time_only(
        app: Flask, tenant_a: Tenant, coordinator_a: User, vera_client: FlaskClient, match: Match,
        managers: dict[str, User], mailbox: Mailbox) -> None:
    start = utcnow().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        ask_for_coordinator(vera_client, match)
    hours = app.config["NOTIFY_ESCALATION_HOURS"]
    with time_machine.travel(start + timedelta(hours=hours) - timedelta(minutes=1), tick=False):
        escalate(app)
    assert mailbox.to(managers["alpha"].email) == []

    with time_machine.travel(start + timedelta(hours=hours, minutes=1), tick=False):
        escalate(app)
        escalate(app)  # the next hour's run: the same request is not escalated twice
    [mail] = mailbox.to(managers["alpha"].email)
    assert "Hallo Mia Manager," in mail.get_content()  # no language of her own: the tenant's, Dutch
    assert f"/t/alpha/families/{match.family_id}/contacts#contact-" in mail.get_content()
    assert mailbox.to(managers["beta"].email) == []  # nothing from another tenant


def test_a_handled_request_is_not_escalated(
        app: Flask, tenant_a: Tenant, coordinator_a: User, vera_client: FlaskClient, match: Match,
        managers: dict[str, User], mailbox: Mailbox) -> None:
    start = utcnow().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        ask_for_coordinator(vera_client, match)
    with in_tenant(app, tenant_a) as session:
        for contact in session.scalars(select(ContactMoment)):
            contact.handled_at = start + timedelta(hours=1)
        session.commit()
    with time_machine.travel(start + timedelta(hours=24), tick=False):
        escalate(app)
    assert mailbox.to(managers["alpha"].email) == []
