"""The Stripe gateway against ``responses``-mocked HTTP: what goes over the wire, and what a
Stripe failure becomes (Stripe cannot be reached from our machines)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from urllib.parse import parse_qs

import pytest
import requests
import responses
from flask import Flask

from saas.billing import gateway
from tests.billing import stripe_payloads as payloads

KEY = "sk_test_51GatewayTestKeyOnlyForTests"
API = "https://api.stripe.com"
TENANT = "0b7c5d1e-7a51-4c55-9a4e-1f1b9d1a0001"


@pytest.fixture
def stripe_app(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", KEY)
    monkeypatch.setitem(app.config, "STRIPE_API_BASE", "")
    with app.test_request_context():
        yield app


@pytest.fixture
def mocked() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock() as mock:
        yield mock


def form(call: responses.Call) -> dict[str, str]:
    """The form body of a recorded request, one value per key (``line_items[0][price]`` style)."""
    body = call.request.body
    text = body.decode() if isinstance(body, bytes) else body or ""
    return {key: values[0] for key, values in parse_qs(text).items()}


def test_stripe_configured_follows_the_secret_key(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    with app.app_context():
        monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "")
        assert not gateway.stripe_configured()
        monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", KEY)
        assert gateway.stripe_configured()


def test_create_customer_sends_the_key_and_the_tenant(stripe_app: Flask, mocked: responses.RequestsMock) -> None:
    created = payloads.customer(tenant_id=TENANT)
    mocked.post(f"{API}/v1/customers", json=created)

    customer_id = gateway.create_customer(tenant_id=TENANT, name="Samen Oplopen Alpha", email="manager@alpha.example")

    assert customer_id == created["id"]
    (call,) = mocked.calls
    assert call.request.headers["Authorization"] == f"Bearer {KEY}"
    assert call.request.headers["Stripe-Version"] == payloads.API_VERSION
    assert form(call) == {
        "name": "Samen Oplopen Alpha",
        "email": "manager@alpha.example",
        "metadata[tenant_id]": TENANT,
    }
    assert call.request.headers["Idempotency-Key"].startswith(f"customer-{TENANT}-")


def test_create_customer_retried_with_the_same_details_reuses_the_idempotency_key(
    stripe_app: Flask, mocked: responses.RequestsMock
) -> None:
    mocked.post(f"{API}/v1/customers", json=payloads.customer())
    gateway.create_customer(tenant_id=TENANT, name="Alpha", email=None)
    gateway.create_customer(tenant_id=TENANT, name="Alpha", email=None)
    gateway.create_customer(tenant_id=TENANT, name="Alpha renamed", email=None)

    keys = [call.request.headers["Idempotency-Key"] for call in mocked.calls]
    assert keys[0] == keys[1] != keys[2]
    assert "email" not in form(mocked.calls[0])


def test_create_checkout_session_is_a_subscription_for_the_tenant(
    stripe_app: Flask, mocked: responses.RequestsMock
) -> None:
    session = payloads.checkout_session(
        customer="cus_alpha",
        subscription_id=None,
        client_reference_id=TENANT,
        url="https://checkout.stripe.com/c/pay/cs_test_a1",
    )
    mocked.post(f"{API}/v1/checkout/sessions", json=session)

    url = gateway.create_checkout_session(
        customer_id="cus_alpha",
        price_id="price_yearly",
        tenant_id=TENANT,
        success_url="https://app.example/done",
        cancel_url="https://app.example/no",
        trial_days=30,
        idempotency_key="checkout-alpha-1",
    )

    assert url == "https://checkout.stripe.com/c/pay/cs_test_a1"
    (call,) = mocked.calls
    assert call.request.headers["Authorization"] == f"Bearer {KEY}"
    assert call.request.headers["Idempotency-Key"] == "checkout-alpha-1"
    assert form(call) == {
        "mode": "subscription",
        "customer": "cus_alpha",
        "client_reference_id": TENANT,
        "line_items[0][price]": "price_yearly",
        "line_items[0][quantity]": "1",
        "subscription_data[metadata][tenant_id]": TENANT,
        "subscription_data[trial_period_days]": "30",
        "metadata[tenant_id]": TENANT,
        "success_url": "https://app.example/done",
        "cancel_url": "https://app.example/no",
    }


def test_checkout_without_trial_sends_no_trial(stripe_app: Flask, mocked: responses.RequestsMock) -> None:
    mocked.post(
        f"{API}/v1/checkout/sessions",
        json=payloads.checkout_session(
            customer="cus_alpha", subscription_id=None, client_reference_id=TENANT, url="https://checkout.stripe.com/x"
        ),
    )
    gateway.create_checkout_session(
        customer_id="cus_alpha",
        price_id="price_yearly",
        tenant_id=TENANT,
        success_url="https://app.example/done",
        cancel_url="https://app.example/no",
    )
    sent = form(mocked.calls[0])
    assert "subscription_data[trial_period_days]" not in sent
    # Without a key of ours the SDK still sends one of its own, so its retries are safe too.
    assert mocked.calls[0].request.headers["Idempotency-Key"]


def test_create_portal_session_returns_its_url(stripe_app: Flask, mocked: responses.RequestsMock) -> None:
    portal = payloads.portal_session(customer="cus_alpha", return_url="https://app.example/t/alpha/licence")
    mocked.post(f"{API}/v1/billing_portal/sessions", json=portal)

    url = gateway.create_portal_session(customer_id="cus_alpha", return_url="https://app.example/t/alpha/licence")

    assert url == portal["url"]
    assert form(mocked.calls[0]) == {"customer": "cus_alpha", "return_url": "https://app.example/t/alpha/licence"}


def test_retrieve_subscription_gives_a_plain_dict(stripe_app: Flask, mocked: responses.RequestsMock) -> None:
    subscription = payloads.subscription(customer="cus_alpha", status="past_due", period_end=1_900_000_000)
    mocked.get(f"{API}/v1/subscriptions/{subscription['id']}", json=subscription)

    fetched = gateway.retrieve_subscription(subscription["id"])

    assert type(fetched) is dict
    assert fetched["status"] == "past_due"
    assert type(fetched["items"]["data"][0]) is dict
    assert fetched["items"]["data"][0]["current_period_end"] == 1_900_000_000
    assert mocked.calls[0].request.headers["Authorization"] == f"Bearer {KEY}"


def test_api_base_points_the_client_elsewhere(
    stripe_app: Flask, mocked: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(stripe_app.config, "STRIPE_API_BASE", "http://127.0.0.1:12111")
    mocked.post("http://127.0.0.1:12111/v1/customers", json=payloads.customer(customer_id="cus_local"))
    assert gateway.create_customer(tenant_id=TENANT, name="Alpha", email=None) == "cus_local"


def test_a_refused_request_becomes_billing_unavailable_and_is_logged(
    stripe_app: Flask, mocked: responses.RequestsMock, caplog: pytest.LogCaptureFixture
) -> None:
    mocked.post(
        f"{API}/v1/checkout/sessions",
        status=400,
        headers={"Request-Id": "req_missing_price"},
        json=payloads.error("No such price: 'price_gone'", param="line_items[0][price]"),
    )
    caplog.set_level(logging.INFO, logger="saas.billing.gateway")

    with pytest.raises(gateway.BillingUnavailable) as raised:
        gateway.create_checkout_session(
            customer_id="cus_alpha",
            price_id="price_gone",
            tenant_id=TENANT,
            success_url="https://app.example/done",
            cancel_url="https://app.example/no",
        )

    assert str(raised.value) == str(gateway.REFUSED)
    assert "create checkout session failed: InvalidRequestError" in caplog.text
    assert "req_missing_price" in caplog.text
    assert KEY not in caplog.text


def test_a_wrong_key_says_stripe_is_not_set_up_correctly(stripe_app: Flask, mocked: responses.RequestsMock) -> None:
    mocked.post(
        f"{API}/v1/customers",
        status=401,
        json=payloads.error("Invalid API Key provided: sk_test_****", type_="invalid_request_error", code=None),
    )
    with pytest.raises(gateway.BillingUnavailable) as raised:
        gateway.create_customer(tenant_id=TENANT, name="Alpha", email=None)
    assert str(raised.value) == str(gateway.MISCONFIGURED)


def test_an_unreachable_stripe_says_so(
    stripe_app: Flask, mocked: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gateway, "NETWORK_RETRIES", 0)
    mocked.get(f"{API}/v1/subscriptions/sub_x", body=requests.ConnectionError("connection refused"))
    with pytest.raises(gateway.BillingUnavailable) as raised:
        gateway.retrieve_subscription("sub_x")
    assert str(raised.value) == str(gateway.UNREACHABLE)


def test_a_server_error_is_retried_with_the_same_idempotency_key(
    stripe_app: Flask, mocked: responses.RequestsMock
) -> None:
    mocked.post(f"{API}/v1/billing_portal/sessions", status=500, json=payloads.error("boom", type_="api_error"))
    mocked.post(
        f"{API}/v1/billing_portal/sessions",
        json=payloads.portal_session(customer="cus_alpha", return_url="https://app.example/r"),
    )

    assert gateway.create_portal_session(customer_id="cus_alpha", return_url="https://app.example/r")
    first, second = mocked.calls
    assert first.request.headers["Idempotency-Key"] == second.request.headers["Idempotency-Key"]


def test_without_a_key_nothing_is_sent(
    app: Flask, mocked: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "")
    with app.test_request_context():
        with pytest.raises(gateway.BillingUnavailable) as raised:
            gateway.create_portal_session(customer_id="cus_alpha", return_url="https://app.example/r")
        assert str(raised.value) == str(gateway.NOT_SET_UP)  # in the request's language
    assert not mocked.calls
