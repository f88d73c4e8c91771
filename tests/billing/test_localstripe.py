"""The gateway against a real (fake) Stripe server: localstripe on loopback, in a subprocess.

localstripe (PyPI, GPL, test-only: never vendored) is a stateful imitation of Stripe's API. It
covers customers, payment methods, products, *plans*, subscriptions and invoices, so this test
runs the path customer → subscription → invoice → cancellation over real HTTP through stripe-python.
It has **no** ``/v1/prices``, ``/v1/checkout/sessions`` or ``/v1/billing_portal/sessions`` (they
answer 404): Checkout and the Customer Portal are covered by the ``responses`` tests in
test_gateway.py, and the subscription is created on a legacy plan through the SDK directly (what
Checkout would do at Stripe). Its objects follow an older API version (period on the subscription,
``subscription`` on the invoice), which saas.billing.sync also reads.

Skipped, with the reason, when localstripe is not installed or does not start.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator

import pytest
import requests
import stripe
from flask import Flask

from saas.billing import gateway, sync
from saas.billing.models import Interval, Licence, Plan
from saas.billing.status import LicenceStatus
from saas.db import db
from saas.tenancy.models import Tenant
from tests.factories.platform import database
from tests.support.mailbox import free_port

KEY = "sk_test_localstripe"
LAUNCHER = (
    "from aiohttp import web; from localstripe.server import app; "
    "web.run_app(app, host='127.0.0.1', port={port}, print=None)"
)
START_SECONDS = 20


@pytest.fixture(scope="module")
def localstripe() -> Iterator[str]:
    """The base address of a localstripe server bound to 127.0.0.1 (its CLI would bind every interface)."""
    pytest.importorskip("localstripe", reason="localstripe is not installed (requirements-dev.txt)")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(
            [sys.executable, "-c", LAUNCHER.format(port=port)], stdout=output, stderr=subprocess.STDOUT
        )
        try:
            _wait_until_it_answers(base, process, output)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_it_answers(base: str, process: subprocess.Popen[bytes], output: object) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output.seek(0)  # type: ignore[attr-defined]
            tail = output.read()[-500:].decode(errors="replace")  # type: ignore[attr-defined]
            pytest.skip(f"localstripe exited with {process.returncode} before answering: {tail}")
        try:
            requests.get(f"{base}/v1/customers", auth=(KEY, ""), timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.2)
    pytest.skip(f"localstripe did not answer on {base} within {START_SECONDS} s")


@pytest.fixture
def stripe_app(app: Flask, localstripe: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", KEY)
    monkeypatch.setitem(app.config, "STRIPE_API_BASE", localstripe)
    with app.test_request_context():
        yield app


def sdk(base: str) -> stripe.StripeClient:
    """The SDK pointed at localstripe, for what the gateway does not do (Checkout does it at Stripe)."""
    return stripe.StripeClient(KEY, base_addresses={"api": base})


def subscribe(client: stripe.StripeClient, customer_id: str, *, plan_id: str) -> stripe.Subscription:
    """What Checkout does at Stripe: a card as default payment method, then the subscription."""
    card = client.v1.payment_methods.create(
        params={"type": "card", "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2035, "cvc": "123"}}
    )
    client.v1.payment_methods.attach(card.id, params={"customer": customer_id})
    client.v1.customers.update(customer_id, params={"invoice_settings": {"default_payment_method": card.id}})
    client.v1.plans.create(
        params={
            "id": plan_id,
            "amount": 120_000,
            "currency": "eur",
            "interval": "year",
            "product": {"name": "Jaarlicentie"},
        }
    )
    return client.v1.subscriptions.create(params={"customer": customer_id, "items": [{"plan": plan_id}]})


def test_create_customer_stores_the_tenant_at_stripe(stripe_app: Flask, localstripe: str) -> None:
    customer_id = gateway.create_customer(
        tenant_id="tenant-1", name="Samen Oplopen Alpha", email="manager@alpha.example"
    )

    assert customer_id.startswith("cus_")
    customer = sdk(localstripe).v1.customers.retrieve(customer_id)
    assert (customer.name, customer.email, customer.metadata["tenant_id"]) == (
        "Samen Oplopen Alpha",
        "manager@alpha.example",
        "tenant-1",
    )


def test_subscription_lifecycle_reaches_the_licence(stripe_app: Flask, localstripe: str, tenant_a: Tenant) -> None:
    client = sdk(localstripe)
    customer_id = gateway.create_customer(tenant_id=str(tenant_a.id), name=tenant_a.name, email=None)
    plan_id = f"plan_yearly_{tenant_a.id.hex[:8]}"
    created = subscribe(client, customer_id, plan_id=plan_id)
    with database(stripe_app) as session:
        session.add(
            Plan(
                code=plan_id, name="Jaarlicentie", amount_cents=120_000, interval=Interval.YEAR, stripe_price_id=plan_id
            )
        )
        session.add(Licence(tenant_id=tenant_a.id, stripe_customer_id=customer_id))

    subscription = gateway.retrieve_subscription(created.id)

    assert subscription["status"] == "active"
    assert subscription["customer"] == customer_id
    assert subscription["items"]["data"][0]["plan"]["id"] == plan_id

    # The invoice Stripe made for the first year, paid with the card.
    invoices = client.v1.invoices.list(params={"customer": customer_id}).data
    assert [(i.status, i.amount_due) for i in invoices] == [("paid", 120_000)]
    assert sync.invoice_subscription_id(invoices[0].to_dict()) == created.id

    # What the webhook would apply, from the re-fetched subscription (localstripe's older shape).
    licence = db.session.scalar(db.select(Licence).where(Licence.tenant_id == tenant_a.id))
    assert sync.apply_subscription(licence, subscription, created=int(time.time()), event_id="evt_local") is None
    assert licence.status == LicenceStatus.ACTIVE
    assert licence.plan is not None and licence.plan.stripe_price_id == plan_id
    assert licence.current_period_end is not None

    client.v1.subscriptions.cancel(created.id)
    assert gateway.retrieve_subscription(created.id)["status"] == "canceled"


def test_an_unknown_subscription_is_billing_unavailable(stripe_app: Flask) -> None:
    with pytest.raises(gateway.BillingUnavailable):
        gateway.retrieve_subscription("sub_does_not_exist")
