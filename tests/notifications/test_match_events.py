"""A match proposed, started, paused or ended reaches the volunteer (when they have an account), in
their language, with the link to their page; their choices are honoured (off: nothing; digest: in
the daily notifications digest; at once: a mail)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from saas.auth.models import User
from saas.auth.roles import Role
from saas.notifications.models import Status
from saas.notifications.registry import Choice
from saas.tenancy.models import Tenant
from tenants.matching.models import Match
from tenants.matching.states import MatchState
from tenants.volunteers.models import Volunteer
from tests.factories.matching import create_match, ready_volunteer
from tests.factories.platform import create_user, today
from tests.notifications.helpers import choose, notifications_of, run_digest, run_retry
from tests.support.confirm import CONFIRMED
from tests.support.mailbox import Mailbox
from tests.support.sessions import SignIn


@pytest.fixture
def yasmina(app: Flask, tenant_a: Tenant) -> User:
    return create_user(app, "yasmina@alpha.example", tenant=tenant_a, role=Role.VOLUNTEER, name="Yasmina",
                       locale="ar")


@pytest.fixture
def her_record(app: Flask, tenant_a: Tenant, yasmina: User) -> Volunteer:
    return ready_volunteer(app, tenant_a, "Yasmina", email=yasmina.email, user_id=yasmina.id)


@pytest.fixture
def coordinator(signed_in: SignIn, coordinator_a: User) -> FlaskClient:
    return signed_in(coordinator_a)


def walk(client: FlaskClient, match: Match) -> None:
    """Introduction, start, pause and the end, over HTTP."""
    day = today(client.application).isoformat()
    base = f"/t/alpha/matches/{match.id}"
    assert client.post(f"{base}/introduction", data={"introduction_on": day}).status_code == 302
    assert client.post(f"{base}/start", data={"started_on": day, "frequency": "weekly"}).status_code == 302
    assert client.post(f"{base}/pause", data={"paused_on": day, **CONFIRMED}).status_code == 302
    assert client.post(f"{base}/end", data={"ended_on": day, "end_reason": "no_click", **CONFIRMED}).status_code == 302


def test_each_step_reaches_the_volunteer_in_her_language_with_her_link(
        app: Flask, tenant_a: Tenant, coordinator_a: User, coordinator: FlaskClient, yasmina: User,
        her_record: Volunteer, mailbox: Mailbox) -> None:
    match = create_match(app, tenant_a, actor=coordinator_a, volunteer=her_record, state=MatchState.PROPOSED)
    walk(coordinator, match)

    mails = mailbox.to(yasmina.email)
    assert len(mails) == 4  # proposed, started, paused, ended: the introduction is no notification
    kinds = [row.kind for row in notifications_of(app, tenant_a, recipient_id=yasmina.id)]
    assert sorted(kinds) == ["match_ended", "match_paused", "match_proposed", "match_started"]
    assert all("مرحبًا Yasmina" in mail.get_content() for mail in mails)  # Arabic, her language
    assert any(f"http://localhost/t/alpha/my/families/{match.id}" in mail.get_content() for mail in mails)
    assert [m["To"] for m in mailbox.messages] == [yasmina.email] * 4  # nobody else

    run_retry(app)  # a retried job sends nothing new
    assert len(mailbox.to(yasmina.email)) == 4


def test_off_sends_nothing_and_digest_waits_for_the_daily_digest(
        app: Flask, tenant_a: Tenant, coordinator_a: User, coordinator: FlaskClient, yasmina: User,
        her_record: Volunteer, mailbox: Mailbox) -> None:
    choose(app, tenant_a, yasmina, "match_paused", Choice.OFF)
    choose(app, tenant_a, yasmina, "match_ended", Choice.DIGEST)
    match = create_match(app, tenant_a, actor=coordinator_a, volunteer=her_record, state=MatchState.PROPOSED)
    walk(coordinator, match)

    assert len(mailbox.to(yasmina.email)) == 2  # proposed and started
    assert notifications_of(app, tenant_a, kind="match_paused") == []
    [waiting] = notifications_of(app, tenant_a, kind="match_ended")
    assert (waiting.delivery, waiting.status) == (Choice.DIGEST, Status.PENDING)

    assert run_digest(app)["count"] == 1
    run_digest(app)  # a second run finds nothing waiting
    digest = mailbox.to(yasmina.email)[2:]
    assert len(digest) == 1
    assert "http://localhost/t/alpha/my/families/" in digest[0].get_content()
    assert notifications_of(app, tenant_a, kind="match_ended")[0].status == Status.SENT


def test_a_volunteer_without_an_account_gets_nothing_and_other_tenants_stay_quiet(
        app: Flask, tenant_a: Tenant, tenant_b: Tenant, coordinator_a: User, manager_b: User,
        mailbox: Mailbox) -> None:
    create_match(app, tenant_a, actor=coordinator_a)  # a volunteer without an account
    create_match(app, tenant_b, actor=manager_b)
    run_retry(app)
    assert notifications_of(app, tenant_a) == [] and notifications_of(app, tenant_b) == []
    assert mailbox.messages == []
