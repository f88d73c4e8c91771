"""The home page: staff see their signals (their caseload or the whole tenant) and acknowledge
them; volunteers keep their own start page."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from saas.audit.models import AuditEvent
from saas.auth.models import User
from saas.auth.roles import Role
from saas.tenancy.models import Tenant
from saas.web import kept as kept_parts
from tenants.home.models import SignalAcknowledgement
from tenants.matching.models import ContactMoment
from tests.factories.home import add_contact, fire_every_kind, running_match, signals_of
from tests.factories.platform import create_user, days_ago, hours_ago, in_tenant
from tests.home.test_signals import update_tenant_created
from tests.support.queries import count_queries
from tests.support.sessions import SignIn, sign_in

HOME = "/t/alpha/"
ACKNOWLEDGE = "/t/alpha/signals/acknowledge"


@pytest.fixture
def manager_en(app: Flask, tenant_a: Tenant) -> User:
    return create_user(app, "boss@alpha.example", tenant=tenant_a, role=Role.MANAGER, name="Mia Manager", locale="en")


def page(client: FlaskClient, url: str = HOME) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.text[:300]
    return html.unescape(response.text)


def form_for(signal: Any, **overrides: str) -> dict[str, str]:
    return {"kind": signal.kind.value, "subject_id": str(signal.subject_id), "key": signal.key, "scope": "mine",
            **overrides}


def rows(app: Flask, tenant: Tenant, model: type, *where: Any) -> int:
    with in_tenant(app, tenant) as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


# Seeing signals ------------------------------------------------------------------------------


def test_a_coordinator_sees_their_own_caseload_and_on_request_the_whole_tenant(
        app: Flask, tenant_a: Tenant, coordinator_a: User, other_coordinator_a: User, signed_in: SignIn) -> None:
    running_match(app, tenant_a, actor=coordinator_a, started_on=days_ago(app, 20), family_name="Familie Eigen")
    running_match(app, tenant_a, actor=other_coordinator_a, started_on=days_ago(app, 40), family_name="Familie Ander",
                  volunteer="Anna Ander")
    client = signed_in(coordinator_a)

    mine = page(client)
    assert "Familie Eigen" in mine and "Familie Ander" not in mine
    assert "No contact for 20 days" in mine and "My caseload (1)" in mine and "Whole organisation (2)" in mine
    assert 'href="/t/alpha/matches/' in mine and ">Acknowledge<" in mine

    everything = page(client, HOME + "?scope=all")
    assert "Familie Eigen" in everything and "Familie Ander" in everything
    assert "No contact for a long time" in everything  # the kind's heading: 40 days is an alarm

    assert "Familie Eigen" in page(client, HOME + "?scope=nonsense")  # a bad scope falls back to the default


def test_a_manager_sees_the_whole_tenant_and_the_digest_not_running(
        app: Flask, tenant_a: Tenant, coordinator_a: User, manager_en: User, signed_in: SignIn) -> None:
    running_match(app, tenant_a, actor=coordinator_a, started_on=days_ago(app, 20), family_name="Familie Eigen")
    update_tenant_created(app, tenant_a, hours_ago(72))

    text = page(signed_in(manager_en))
    assert "Familie Eigen" in text and "The daily e-mail digest has not run yet" in text
    colleague = app.test_client()
    sign_in(colleague, coordinator_a)
    assert "digest has not run" not in page(colleague, HOME + "?scope=all")


def test_staff_without_signals_are_told_so(app: Flask, tenant_a: Tenant, coordinator_a: User,
                                           signed_in: SignIn) -> None:
    assert "Nothing needs your attention in your caseload today." in page(signed_in(coordinator_a))


def test_volunteers_keep_their_own_start_page(app: Flask, tenant_a: Tenant, coordinator_a: User, volunteer_a: User,
                                             signed_in: SignIn) -> None:
    match = running_match(app, tenant_a, actor=coordinator_a, started_on=days_ago(app, 20))
    client = signed_in(volunteer_a)

    text = page(client)
    assert 'href="/t/alpha/me/"' in text
    assert "signals-heading" not in text and "Familie" not in text and "/signals/acknowledge" not in text
    response = client.post(ACKNOWLEDGE, data={"kind": "contact_late", "subject_id": str(match.id),
                                              "key": days_ago(app, 20).isoformat()})
    assert response.status_code == 403


# Acknowledging ---------------------------------------------------------------------------------


def test_an_acknowledged_signal_disappears_until_what_made_it_fire_changes(
        app: Flask, tenant_a: Tenant, coordinator_a: User, signed_in: SignIn) -> None:
    match = running_match(app, tenant_a, actor=coordinator_a, started_on=days_ago(app, 20), family_name="Familie Eigen")
    [signal] = signals_of(app, tenant_a)
    client = signed_in(coordinator_a)

    response = client.post(ACKNOWLEDGE, data=form_for(signal))
    assert response.status_code == 302 and response.location == HOME + "?scope=mine"
    text = page(client, response.location)
    assert "Signal acknowledged" in text and "Familie Eigen" not in text
    assert client.post(ACKNOWLEDGE, data=form_for(signal)).status_code == 302  # twice is fine

    assert rows(app, tenant_a, SignalAcknowledgement) == 1
    with in_tenant(app, tenant_a) as session:
        [event] = session.scalars(select(AuditEvent).where(AuditEvent.action == "signal.acknowledged"))
        assert (event.actor_id, event.object_id) == (coordinator_a.id, str(match.id))
        assert event.details == {"kind": "contact_late", "key": signal.key}

    add_contact(app, tenant_a, match, days_ago(app, 16))  # contact, but long ago again: a new signal
    assert "No contact for 16 days" in page(client)


def test_acknowledging_a_request_for_the_coordinator_marks_it_handled(
        app: Flask, tenant_a: Tenant, coordinator_a: User, signed_in: SignIn) -> None:
    match = running_match(app, tenant_a, actor=coordinator_a, started_on=days_ago(app, 3))
    contact = add_contact(app, tenant_a, match, days_ago(app, 1), needs_coordinator=True)
    [signal] = signals_of(app, tenant_a)
    client = signed_in(coordinator_a)
    assert ">Mark as handled<" in page(client)

    assert client.post(ACKNOWLEDGE, data=form_for(signal)).status_code == 302

    with in_tenant(app, tenant_a) as session:
        stored = session.get(ContactMoment, (tenant_a.id, contact.id))
        assert stored.handled_by_id == coordinator_a.id and stored.handled_at is not None
        assert session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "contact.handled", AuditEvent.object_id == str(contact.id))) == 1
    assert rows(app, tenant_a, SignalAcknowledgement) == 0
    assert signals_of(app, tenant_a) == []


@pytest.mark.parametrize("change", [
    {"kind": "nonsense"}, {"kind": ""}, {"subject_id": "not-a-uuid"}, {"subject_id": ""}, {"key": ""},
    {"key": "x" * 81}, {"key": "<script>"}, {"scope": "everyone"},
], ids=lambda change: "-".join(f"{k}={v[:10]}" for k, v in change.items()))
def test_bad_input_is_refused_and_nothing_is_written(app: Flask, tenant_a: Tenant, coordinator_a: User,
                                                      signed_in: SignIn, change: dict[str, str]) -> None:
    running_match(app, tenant_a, actor=coordinator_a, started_on=days_ago(app, 20))
    [signal] = signals_of(app, tenant_a)

    response = signed_in(coordinator_a).post(ACKNOWLEDGE, data=form_for(signal, **change))

    assert response.status_code == 422
    assert "The signal could not be acknowledged" in html.unescape(response.text)
    assert rows(app, tenant_a, SignalAcknowledgement) == 0
    assert rows(app, tenant_a, AuditEvent, AuditEvent.action == "signal.acknowledged") == 0


def test_bad_json_gets_the_errors_as_json(app: Flask, tenant_a: Tenant, coordinator_a: User,
                                          signed_in: SignIn) -> None:
    response = signed_in(coordinator_a).post(ACKNOWLEDGE, json={"kind": "contact_late"})
    assert response.status_code == 422 and set(response.json["errors"]) == {"subject_id", "key"}


def test_a_subject_of_another_tenant_is_not_found(app: Flask, tenant_a: Tenant, tenant_b: Tenant,
                                                  coordinator_a: User, signed_in: SignIn) -> None:
    coordinator_b = create_user(app, "coordinator@beta.example", tenant=tenant_b, role=Role.COORDINATOR)
    match_b = running_match(app, tenant_b, actor=coordinator_b, started_on=days_ago(app, 20))
    client = signed_in(coordinator_a)

    for kind, subject_id in (("contact_late", match_b.id), ("vog_expiring", match_b.volunteer_id),
                             ("waiting_long", match_b.family_id)):
        response = client.post(ACKNOWLEDGE, data={"kind": kind, "subject_id": str(subject_id), "key": "2026-01-01"})
        assert response.status_code == 404, kind
    manager = app.test_client()
    sign_in(manager, create_user(app, "boss@alpha.example", tenant=tenant_a, role=Role.MANAGER))
    response = manager.post(ACKNOWLEDGE, data={"kind": "job_stalled", "subject_id": str(tenant_b.id), "key": "never"})
    assert response.status_code == 404
    assert rows(app, tenant_a, SignalAcknowledgement) == 0 and rows(app, tenant_b, SignalAcknowledgement) == 0


def test_only_managers_can_acknowledge_the_digest_not_running(
        app: Flask, tenant_a: Tenant, coordinator_a: User, manager_en: User, signed_in: SignIn) -> None:
    update_tenant_created(app, tenant_a, hours_ago(72))
    [signal] = signals_of(app, tenant_a)
    assert signal.kind.value == "job_stalled"
    colleague = app.test_client()
    sign_in(colleague, coordinator_a)

    response = colleague.post(ACKNOWLEDGE, data=form_for(signal))

    assert response.status_code == 403
    assert rows(app, tenant_a, SignalAcknowledgement) == 0
    assert rows(app, tenant_a, AuditEvent, AuditEvent.action == "signal.acknowledged") == 0
    manager = signed_in(manager_en)
    assert "The daily e-mail digest has not run yet" in page(manager)

    assert manager.post(ACKNOWLEDGE, data=form_for(signal, scope="all")).status_code == 302
    assert rows(app, tenant_a, SignalAcknowledgement) == 1
    assert "digest has not run" not in page(manager)


def test_only_a_request_for_the_coordinator_can_be_marked_handled(app: Flask, tenant_a: Tenant, coordinator_a: User,
                                                                  signed_in: SignIn) -> None:
    match = running_match(app, tenant_a, actor=coordinator_a, started_on=days_ago(app, 3))
    visit = add_contact(app, tenant_a, match, days_ago(app, 1))

    response = signed_in(coordinator_a).post(ACKNOWLEDGE, data={"kind": "needs_coordinator",
                                                                "subject_id": str(visit.id), "key": "open"})

    assert response.status_code == 404
    with in_tenant(app, tenant_a) as session:
        assert session.get(ContactMoment, (tenant_a.id, visit.id)).handled_at is None


# Statement count ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.MANAGER], ids=lambda r: r.value)
def test_the_home_page_takes_the_same_statements_for_one_or_many_signals(
        app: Flask, tenant_a: Tenant, tenant_b: Tenant, role: Role) -> None:
    user_a = create_user(app, "staff@alpha.example", tenant=tenant_a, role=role, locale="en")
    user_b = create_user(app, "staff@beta.example", tenant=tenant_b, role=role, locale="en")
    fire_every_kind(app, tenant_a, user_a, 1)
    fire_every_kind(app, tenant_b, user_b, 4)
    client_a, client_b = app.test_client(), app.test_client()
    sign_in(client_a, user_a)
    sign_in(client_b, user_b)
    page(client_a), page(client_b, "/t/beta/")  # the policies exist from here on

    with count_queries(app) as one:
        text_a = page(client_a)
    with count_queries(app) as many:
        text_b = page(client_b, "/t/beta/")

    assert text_a.count('class="card signal ') == 9 and text_b.count('class="card signal ') == 9 * 4
    assert len(one) == len(many), many


def test_htmx_acknowledges_in_place_and_gets_the_acknowledged_card(
        app: Flask, tenant_a: Tenant, coordinator_a: User, signed_in: SignIn) -> None:
    running_match(app, tenant_a, actor=coordinator_a, started_on=days_ago(app, 20), family_name="Familie Eigen")
    [signal] = signals_of(app, tenant_a)
    client = signed_in(coordinator_a)
    assert 'hx-post="/t/alpha/signals/acknowledge" hx-target="closest li"' in page(client)

    response = client.post(ACKNOWLEDGE, data=form_for(signal), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<li class="card signal signal--acknowledged" role="status">')
    assert "Signal acknowledged" in response.text and "<html" not in response.text
    assert rows(app, tenant_a, SignalAcknowledgement) == 1
    assert "Signal acknowledged" not in page(client), "no flash waits for the next page"

    refused = client.post(ACKNOWLEDGE, data=form_for(signal, key=""), headers={"HX-Request": "true"})
    assert refused.status_code == 422


# Kept between views ----------------------------------------------------------------------------


def test_an_unchanged_signals_section_is_kept_with_each_views_own_token_and_a_change_shows_at_once(
        app: Flask, tenant_a: Tenant, coordinator_a: User, client: FlaskClient) -> None:
    match = running_match(app, tenant_a, actor=coordinator_a, started_on=days_ago(app, 20), family_name="Familie Eigen")
    [signal] = signals_of(app, tenant_a)
    sign_in(client, coordinator_a)
    app.config["WTF_CSRF_ENABLED"] = True  # the acknowledge forms' tokens must be real ones
    try:
        page(client)  # the first view seals the snapshot with the tenant's new key: a change
        page(client)
        with count_queries(app) as kept_view:
            kept = page(client)  # from the kept section: no signal, figure or acknowledgement read
        assert "Familie Eigen" in kept and kept_parts._CSRF_STAND_IN not in kept
        assert not any("signal_acknowledgements" in statement for statement in kept_view)
        tokens = set(re.findall(r'name="csrf_token" value="([^"]+)"', kept))
        assert len(tokens) == 1
        response = client.post(ACKNOWLEDGE, data={**form_for(signal), "csrf_token": tokens.pop()})
        assert response.status_code == 302, response.text[:300]  # the kept page's token is this session's
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert "Familie Eigen" not in page(client)  # acknowledged: a change, the section is made again
    add_contact(app, tenant_a, match, days_ago(app, 16))
    assert "No contact for 16 days" in page(client)
