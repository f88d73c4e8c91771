"""Stripe webhooks, signed locally, that change a licence: state applied, idempotent by event id,
robust to out-of-order delivery, mapped to the tenant only through our own table.
(Refusals and failures: test_webhook_refusals.py.)"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
import requests
import responses
from flask import Flask
from flask.testing import FlaskClient

from saas.audit.models import PlatformEvent
from saas.billing import gateway, sync
from saas.billing.models import EventOutcome, Licence, Plan, StripeEvent
from saas.billing.status import LicenceStatus
from saas.clock import local_today
from saas.tenancy.models import Tenant
from tests.billing import stripe_payloads as payloads
from tests.billing import webhook_support as support
from tests.billing.webhook_support import (
    count,
    deliver,
    invoice_event,
    licence_for,
    local_today_in,
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


# --- applied ---------------------------------------------------------------------------------------


def test_a_valid_subscription_event_sets_the_licence(
    app: Flask, client: FlaskClient, licence_a: Licence, plan: Plan
) -> None:
    event = subscription_event(
        "customer.subscription.created",
        status="trialing",
        period_end=1_900_000_000,
        trial_end=1_890_000_000,
        cancel_at_period_end=True,
        tenant_id=str(licence_a.tenant_id),
    )

    response = deliver(client, event)

    assert response.status_code == 200
    assert response.json == {"status": "processed"}
    licence = reload(app, licence_a)
    assert licence.status == LicenceStatus.TRIALING
    assert licence.stripe_subscription_id == "sub_alpha"
    assert licence.plan_id == plan.id
    assert licence.current_period_end.timestamp() == 1_900_000_000
    assert licence.trial_end.timestamp() == 1_890_000_000
    assert licence.cancel_at_period_end is True
    assert licence.last_event_created == event["created"]
    record = stored(app, event["id"])
    assert (record.outcome, record.tenant_id, record.type) == (
        EventOutcome.PROCESSED,
        licence_a.tenant_id,
        "customer.subscription.created",
    )
    assert (
        count(
            app,
            PlatformEvent,
            PlatformEvent.action == "licence.status_changed",
            PlatformEvent.tenant_id == licence_a.tenant_id,
        )
        == 1
    )


def test_an_unknown_price_leaves_no_plan(
    app: Flask, client: FlaskClient, licence_a: Licence, plan: Plan, log: pytest.LogCaptureFixture
) -> None:
    assert deliver(client, subscription_event(price_id="price_somebody_else")).status_code == 200
    assert reload(app, licence_a).plan_id is None
    assert "no plan has stripe price price_somebody_else" in log.text


def test_the_same_event_twice_is_applied_once(
    app: Flask, client: FlaskClient, licence_a: Licence, notices: list[uuid.UUID], log: pytest.LogCaptureFixture
) -> None:
    deliver(client, subscription_event(status="active"))
    failed = invoice_event("invoice.payment_failed")

    first, second = deliver(client, failed), deliver(client, failed)

    assert (first.status_code, second.status_code) == (200, 200)
    assert second.json == {"status": "duplicate"}
    assert notices == [licence_a.tenant_id]
    assert count(app, StripeEvent, StripeEvent.id == failed["id"]) == 1
    assert count(app, PlatformEvent, PlatformEvent.action == "licence.status_changed") == 2  # none → active → past_due
    assert "already received" in log.text


def test_checkout_completed_links_the_subscription_of_its_own_tenant(
    app: Flask, client: FlaskClient, licence_a: Licence
) -> None:
    session = payloads.checkout_session(
        customer="cus_alpha", subscription_id="sub_new", client_reference_id=str(licence_a.tenant_id)
    )
    assert deliver(client, payloads.event("checkout.session.completed", session)).status_code == 200
    assert reload(app, licence_a).stripe_subscription_id == "sub_new"
    assert count(app, PlatformEvent, PlatformEvent.action == "licence.subscription_linked") == 1


def test_checkout_naming_another_tenant_links_nothing(
    app: Flask, client: FlaskClient, licence_a: Licence, licence_b: Licence, log: pytest.LogCaptureFixture
) -> None:
    # Customer of Alpha, client_reference_id of Beta: neither licence gets the subscription.
    session = payloads.checkout_session(
        customer="cus_alpha", subscription_id="sub_sneaky", client_reference_id=str(licence_b.tenant_id)
    )
    event = payloads.event("checkout.session.completed", session)

    response = deliver(client, event)

    assert response.status_code == 200
    assert reload(app, licence_a).stripe_subscription_id is None
    assert reload(app, licence_b).stripe_subscription_id is None
    record = stored(app, event["id"])
    assert record.outcome == EventOutcome.IGNORED
    assert record.reason == "client_reference_id is not the tenant that owns the customer"
    assert "client_reference_id" in log.text and "not linked" in log.text


def test_metadata_naming_another_tenant_does_not_move_the_subscription(
    app: Flask, client: FlaskClient, licence_a: Licence, licence_b: Licence, log: pytest.LogCaptureFixture
) -> None:
    deliver(client, subscription_event(status="active", tenant_id=str(licence_b.tenant_id)))
    assert reload(app, licence_a).status == LicenceStatus.ACTIVE
    assert reload(app, licence_b).status is None
    assert "metadata names tenant" in log.text


def test_payment_failed_puts_the_licence_in_arrears_and_tells_the_managers(
    app: Flask, client: FlaskClient, licence_a: Licence, notices: list[uuid.UUID]
) -> None:
    deliver(client, subscription_event(status="active"))

    assert deliver(client, invoice_event("invoice.payment_failed")).status_code == 200

    licence = reload(app, licence_a)
    assert licence.status == LicenceStatus.PAST_DUE
    with app.app_context():
        assert licence.past_due_since == local_today()
    assert notices == [licence_a.tenant_id]


def test_invoice_paid_ends_the_arrears(app: Flask, client: FlaskClient, tenant_a: Tenant) -> None:
    licence = licence_for(
        app,
        tenant_a,
        "cus_alpha",
        status=LicenceStatus.PAST_DUE,
        stripe_subscription_id="sub_alpha",
        past_due_since=local_today_in(app),
        read_only_warning_sent_on=local_today_in(app),
    )

    assert deliver(client, invoice_event("invoice.paid")).status_code == 200

    licence = reload(app, licence)
    assert licence.status == LicenceStatus.ACTIVE
    assert (licence.past_due_since, licence.read_only_warning_sent_on) == (None, None)


def test_an_invoice_of_another_subscription_changes_nothing(
    app: Flask, client: FlaskClient, tenant_a: Tenant, notices: list[uuid.UUID]
) -> None:
    licence = licence_for(app, tenant_a, "cus_alpha", status=LicenceStatus.ACTIVE, stripe_subscription_id="sub_alpha")
    event = invoice_event("invoice.payment_failed", subscription_id="sub_old")

    assert deliver(client, event).status_code == 200

    assert reload(app, licence).status == LicenceStatus.ACTIVE
    assert stored(app, event["id"]).outcome == EventOutcome.IGNORED
    assert notices == []


# --- out of order ----------------------------------------------------------------------------------


def test_an_update_older_than_the_applied_one_is_ignored(
    app: Flask, client: FlaskClient, licence_a: Licence, log: pytest.LogCaptureFixture
) -> None:
    created = payloads.now()
    deliver(client, subscription_event(status="past_due", created=created))
    late = subscription_event(status="active", created=created - 60)

    assert deliver(client, late).status_code == 200

    licence = reload(app, licence_a)
    assert licence.status == LicenceStatus.PAST_DUE
    assert licence.last_event_created == created
    record = stored(app, late["id"])
    assert (record.outcome, record.reason) == (EventOutcome.IGNORED, sync.OLDER)
    assert f"{late['id']} (customer.subscription.updated) ignored: {sync.OLDER}" in log.text


@pytest.mark.parametrize("late_by", [60, 0], ids=["older", "same-second"])
def test_deleted_wins_over_a_late_update(app: Flask, client: FlaskClient, licence_a: Licence, late_by: int) -> None:
    created = payloads.now()
    deliver(client, subscription_event(status="active", created=created - 120))
    deliver(client, subscription_event("customer.subscription.deleted", status="canceled", created=created))
    late = subscription_event(status="active", created=created - late_by)

    assert deliver(client, late).status_code == 200

    assert reload(app, licence_a).status == LicenceStatus.CANCELED
    assert stored(app, late["id"]).outcome == EventOutcome.IGNORED


def test_a_new_subscription_after_cancellation_is_linked(app: Flask, client: FlaskClient, tenant_a: Tenant) -> None:
    licence = licence_for(app, tenant_a, "cus_alpha", status=LicenceStatus.CANCELED, stripe_subscription_id="sub_old")
    deliver(client, subscription_event("customer.subscription.created", subscription_id="sub_new", status="active"))
    licence = reload(app, licence)
    assert (licence.status, licence.stripe_subscription_id) == (LicenceStatus.ACTIVE, "sub_new")


@pytest.mark.parametrize(
    "late",
    [
        subscription_event(subscription_id="sub_old", status="active"),
        subscription_event("customer.subscription.deleted", subscription_id="sub_old", status="canceled"),
        invoice_event("invoice.payment_failed", subscription_id="sub_old"),
    ],
    ids=["updated", "deleted", "payment-failed"],
)
def test_the_old_subscription_leaves_a_licence_invoiced_outside_stripe_alone(
    app: Flask, client: FlaskClient, tenant_a: Tenant, notices: list[uuid.UUID], late: dict[str, Any]
) -> None:
    """The foundation arranged a manual licence after the Stripe subscription ended (it may only
    then): a late event of that old subscription, of the same second as the last one applied,
    neither replaces the manual licence nor mails the managers about a failed payment."""
    until = local_today_in(app) + timedelta(days=365)
    licence = licence_for(
        app,
        tenant_a,
        "cus_alpha",
        status=LicenceStatus.MANUAL,
        manual_until=until,
        stripe_subscription_id="sub_old",
        last_event_created=late["created"],
    )

    assert deliver(client, late).status_code == 200

    licence = reload(app, licence)
    assert (licence.status, licence.manual_until) == (LicenceStatus.MANUAL, until)
    assert stored(app, late["id"]).outcome == EventOutcome.IGNORED
    assert notices == []


def test_a_second_live_subscription_does_not_replace_the_first(
    app: Flask, client: FlaskClient, tenant_a: Tenant, log: pytest.LogCaptureFixture
) -> None:
    licence = licence_for(app, tenant_a, "cus_alpha", status=LicenceStatus.ACTIVE, stripe_subscription_id="sub_one")
    event = subscription_event("customer.subscription.created", subscription_id="sub_two", status="incomplete")
    deliver(client, event)
    assert reload(app, licence).stripe_subscription_id == "sub_one"
    assert stored(app, event["id"]).reason == sync.OTHER_SUBSCRIPTION
    assert "second live subscription" in log.text


def test_the_subscription_is_fetched_again_when_stripe_is_configured(
    app: Flask, client: FlaskClient, licence_a: Licence, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "sk_test_refetch")
    now_at_stripe = payloads.subscription(customer="cus_alpha", subscription_id="sub_alpha", status="past_due")
    with responses.RequestsMock() as mocked:
        mocked.get("https://api.stripe.com/v1/subscriptions/sub_alpha", json=now_at_stripe)
        # The event's snapshot still says active; Stripe says past_due by now.
        assert deliver(client, subscription_event(status="active")).status_code == 200
    assert reload(app, licence_a).status == LicenceStatus.PAST_DUE


def test_when_the_fetch_fails_the_snapshot_is_applied(
    app: Flask, client: FlaskClient, licence_a: Licence, monkeypatch: pytest.MonkeyPatch, log: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "sk_test_refetch")
    monkeypatch.setattr(gateway, "NETWORK_RETRIES", 0)
    with responses.RequestsMock() as mocked:
        mocked.get("https://api.stripe.com/v1/subscriptions/sub_alpha", body=requests.ConnectionError("down"))
        assert deliver(client, subscription_event(status="active")).status_code == 200
    assert reload(app, licence_a).status == LicenceStatus.ACTIVE
    assert "applying the event's snapshot" in log.text
