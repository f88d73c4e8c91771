"""Stripe webhooks that change nothing: refused (400: bad signature, stale, unreadable — nothing
written, a reason in the log), ignored (200, recorded with a reason, so Stripe stops retrying), or
failed on our side (rolled back, 400, so Stripe delivers again). Never a 500."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.exc import OperationalError
from werkzeug.test import TestResponse

from saas.billing import sync, webhooks
from saas.billing.models import EventOutcome, Licence, StripeEvent
from saas.billing.status import LicenceStatus
from tests.billing import stripe_payloads as payloads
from tests.billing import webhook_support as support
from tests.billing.webhook_support import (
    SECRET,
    URL,
    count,
    deliver,
    reload,
    stored,
    subscription_event,
)

#: The shared fixtures, under the names pytest finds them by.
webhook_settings, log, plan, licence_a, licence_b, notices = (
    support.webhook_settings,
    support.log,
    support.plan,
    support.licence_a,
    support.licence_b,
    support.notices,
)


# --- ignored, answered 200 so Stripe stops retrying -------------------------------------------------


def test_an_unknown_customer_is_ignored(
    app: Flask, client: FlaskClient, licence_a: Licence, log: pytest.LogCaptureFixture
) -> None:
    event = subscription_event(customer="cus_nobody")
    response = deliver(client, event)
    assert response.status_code == 200
    record = stored(app, event["id"])
    assert (record.outcome, record.reason, record.tenant_id) == (
        EventOutcome.IGNORED,
        "unknown customer cus_nobody",
        None,
    )
    assert "for customer cus_nobody that no licence has" in log.text
    assert reload(app, licence_a).status is None


def test_an_unknown_event_type_is_ignored(app: Flask, client: FlaskClient, log: pytest.LogCaptureFixture) -> None:
    event = payloads.event("customer.created", payloads.customer(customer_id="cus_alpha"))
    response = deliver(client, event)
    assert response.status_code == 200
    assert response.json == {"status": "ignored", "reason": "event type not handled"}
    assert stored(app, event["id"]).outcome == EventOutcome.IGNORED
    assert "ignored: event type not handled" in log.text


# --- refused: 400, nothing written, a reason in the log ----------------------------------------------


def assert_refused(app: Flask, response: TestResponse, log: pytest.LogCaptureFixture, reason: str) -> None:
    assert response.status_code == 400
    assert count(app, StripeEvent) == 0
    assert f"stripe webhook refused: {reason}" in log.text


def test_a_tampered_body_is_refused(
    app: Flask, client: FlaskClient, licence_a: Licence, log: pytest.LogCaptureFixture
) -> None:
    body, signature = payloads.signed(subscription_event(status="active"), SECRET)
    tampered = body.replace(b'"status": "active"', b'"status": "canceled"')
    response = client.post(URL, data=tampered, headers={"Stripe-Signature": signature})
    assert_refused(app, response, log, "signature check failed: No signatures found matching")
    assert reload(app, licence_a).status is None


def test_a_stale_timestamp_is_refused(
    app: Flask, client: FlaskClient, licence_a: Licence, log: pytest.LogCaptureFixture
) -> None:
    response = deliver(client, subscription_event(status="active"), timestamp=payloads.now() - 301)
    assert_refused(app, response, log, "signature check failed: Timestamp outside the tolerance zone")


def test_another_secret_is_refused(app: Flask, client: FlaskClient, log: pytest.LogCaptureFixture) -> None:
    response = deliver(client, subscription_event(), secret="whsec_someone_else")
    assert_refused(app, response, log, "signature check failed")


def test_a_missing_signature_is_refused(app: Flask, client: FlaskClient, log: pytest.LogCaptureFixture) -> None:
    response = client.post(URL, data=b"{}", headers={"Content-Type": "application/json"})
    assert_refused(app, response, log, "missing Stripe-Signature header")


@pytest.mark.parametrize("header", ["garbage", "t=notanumber,v1=abc", "v1=abc", "t=1700000000"])
def test_a_garbage_signature_is_refused(
    app: Flask, client: FlaskClient, log: pytest.LogCaptureFixture, header: str
) -> None:
    response = client.post(URL, data=b"{}", headers={"Stripe-Signature": header})
    assert_refused(app, response, log, "signature check failed")


def test_without_a_configured_secret_everything_is_refused(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch, log: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setitem(app.config, "STRIPE_WEBHOOK_SECRET", "")
    response = deliver(client, subscription_event())
    assert_refused(app, response, log, "no webhook secret configured")
    assert any(r.levelno == logging.ERROR for r in log.records if "no webhook secret" in r.getMessage())


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("this is not json{", "body is not JSON"),
        ("", "body is not JSON"),
        ("[1, 2, 3]", "not a Stripe event"),
        (
            '{"id": "evt_1", "type": "invoice.paid", "created": "yesterday", "data": {"object": {}}}',
            "not a Stripe event",
        ),
        ('{"id": "evt_1", "type": "invoice.paid", "created": 1, "data": {"object": []}}', "not a Stripe event"),
        ('{"id": "evt_1", "type": "invoice.paid", "created": true, "data": {"object": {}}}', "not a Stripe event"),
        ('{"id": "' + "e" * 300 + '", "type": "x", "created": 1, "data": {"object": {}}}', "not a Stripe event"),
        ('{"id": "evt_1", "type": "invoice.paid", "created": 1}', "not a Stripe event"),
    ],
    ids=["garbage", "empty", "list", "created-text", "object-list", "created-bool", "long-id", "no-data"],
)
def test_signed_but_unreadable_bodies_are_refused(
    app: Flask, client: FlaskClient, log: pytest.LogCaptureFixture, body: str, reason: str
) -> None:
    assert_refused(app, deliver(client, body), log, reason)


def test_a_body_that_is_not_utf8_is_refused(app: Flask, client: FlaskClient, log: pytest.LogCaptureFixture) -> None:
    _, signature = payloads.signed("{}", SECRET)
    response = client.post(URL, data=b'{"id": "\xff\xfe"}', headers={"Stripe-Signature": signature})
    assert_refused(app, response, log, "body is not UTF-8")


@pytest.mark.parametrize(
    ("type_", "obj"),
    [
        ("customer.subscription.updated", {"customer": {"id": "cus_alpha"}, "id": "sub_x", "status": "no-such-status"}),
        ("customer.subscription.created", {"customer": ["cus_alpha"]}),
        ("customer.subscription.updated", {"customer": "cus_alpha", "id": "sub_z", "status": ["active"]}),
        ("customer.subscription.updated", {"customer": "cus_alpha", "id": "sub_z", "status": "manual"}),
        ("customer.subscription.updated", {"customer": "cus_alpha", "status": "active"}),
        (
            "customer.subscription.updated",
            {
                "customer": "cus_alpha",
                "status": "active",
                "id": "sub_y",
                "items": {"data": ["not-an-item"]},
                "current_period_end": "soon",
                "trial_end": True,
            },
        ),
        ("invoice.paid", {"customer": "cus_alpha", "parent": None, "subscription": None}),
        ("invoice.payment_failed", {"customer": "cus_alpha", "parent": {"subscription_details": {"subscription": 7}}}),
        ("checkout.session.completed", {"customer": "cus_alpha", "mode": "subscription", "client_reference_id": None}),
        ("checkout.session.completed", {"customer": "cus_alpha", "mode": "payment"}),
    ],
    ids=[
        "bad-status",
        "customer-list",
        "status-list",
        "status-ours",
        "no-id",
        "odd-fields",
        "invoice-no-parent",
        "invoice-odd-subscription",
        "checkout-no-reference",
        "checkout-payment-mode",
    ],
)
def test_odd_but_signed_objects_are_answered_without_an_error(
    app: Flask, client: FlaskClient, licence_a: Licence, log: pytest.LogCaptureFixture, type_: str, obj: dict[str, Any]
) -> None:
    event = payloads.event(type_, obj)
    assert deliver(client, event).status_code == 200
    assert stored(app, event["id"]) is not None
    assert not [r for r in log.records if r.levelno >= logging.ERROR]


# --- our own failures roll back and ask Stripe to deliver again -------------------------------------


def test_a_database_error_rolls_back_and_answers_400(
    app: Flask, client: FlaskClient, licence_a: Licence, monkeypatch: pytest.MonkeyPatch, log: pytest.LogCaptureFixture
) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise OperationalError("UPDATE licences", {}, Exception("database is locked"))

    working = sync.set_status
    monkeypatch.setattr(sync, "set_status", broken)
    event = subscription_event(status="active")

    response = deliver(client, event)

    assert response.status_code == 400
    assert stored(app, event["id"]) is None  # not recorded, so the redelivery is processed
    assert reload(app, licence_a).stripe_subscription_id is None  # the link before the error is undone too
    assert f"stripe event {event['id']} (customer.subscription.updated) could not be processed" in log.text
    assert "database is locked" in log.text

    monkeypatch.setattr(sync, "set_status", working)
    assert deliver(client, event).status_code == 200
    assert reload(app, licence_a).status == LicenceStatus.ACTIVE


def test_the_webhook_needs_no_csrf_token(
    app: Flask, client: FlaskClient, licence_a: Licence, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert deliver(client, subscription_event(status="active")).status_code == 200
    assert reload(app, licence_a).status == LicenceStatus.ACTIVE


def test_only_post_is_accepted(client: FlaskClient) -> None:
    assert client.get(URL).status_code == 405


def test_the_blueprint_is_registered(app: Flask) -> None:
    assert app.view_functions["billing_webhooks.receive"] is webhooks.receive
