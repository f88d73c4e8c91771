"""Shared by the webhook tests: settings, licences, a stand-in for saas.billing.notices, and
delivering a locally signed event the way Stripe does."""

from __future__ import annotations

import logging
import sys
import types
import uuid
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

import saas.billing
from saas.billing.models import Interval, Licence, Plan, StripeEvent
from saas.clock import local_today
from saas.db import db
from saas.tenancy.models import Tenant
from tests.billing import stripe_payloads as payloads
from tests.factories.platform import database

URL = "/billing/webhook"
SECRET = "whsec_test_samen_oplopen"


@pytest.fixture(autouse=True)
def webhook_settings(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "STRIPE_WEBHOOK_SECRET", SECRET)
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "")  # no re-fetch unless a test asks for it
    monkeypatch.setitem(app.config, "STRIPE_API_BASE", "")


@pytest.fixture
def log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="saas.billing")
    return caplog


@pytest.fixture
def plan(app: Flask) -> Plan:
    with database(app) as session:
        plan = Plan(
            code="yearly",
            name="Jaarlicentie",
            amount_cents=120_000,
            interval=Interval.YEAR,
            stripe_price_id="price_yearly",
        )
        session.add(plan)
    return plan


def licence_for(app: Flask, tenant: Tenant, customer_id: str, **fields: Any) -> Licence:
    with database(app) as session:
        licence = Licence(tenant_id=tenant.id, stripe_customer_id=customer_id, **fields)
        session.add(licence)
    return licence


@pytest.fixture
def licence_a(app: Flask, tenant_a: Tenant) -> Licence:
    return licence_for(app, tenant_a, "cus_alpha")


@pytest.fixture
def licence_b(app: Flask, tenant_b: Tenant) -> Licence:
    return licence_for(app, tenant_b, "cus_beta")


@pytest.fixture
def notices(monkeypatch: pytest.MonkeyPatch) -> list[uuid.UUID]:
    """Stands in for saas.billing.notices (written by another part of the work): the tenants told."""
    told: list[uuid.UUID] = []
    fake = types.ModuleType("saas.billing.notices")
    fake.payment_failed = lambda licence: told.append(licence.tenant_id)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "saas.billing.notices", fake)
    monkeypatch.setattr(saas.billing, "notices", fake, raising=False)
    return told


def deliver(
    client: FlaskClient, payload: dict[str, Any] | str | bytes, *, timestamp: int | None = None, secret: str = SECRET
) -> TestResponse:
    body, signature = payloads.signed(payload, secret, timestamp=timestamp)
    return client.post(URL, data=body, headers={"Stripe-Signature": signature, "Content-Type": "application/json"})


def reload(app: Flask, licence: Licence) -> Licence:
    with app.app_context():
        return db.session.get(Licence, licence.id)


def stored(app: Flask, event_id: str) -> StripeEvent | None:
    with app.app_context():
        return db.session.get(StripeEvent, event_id)


def count(app: Flask, model: type, *criteria: Any) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*criteria))


def subscription_event(
    type_: str = "customer.subscription.updated",
    *,
    created: int | None = None,
    event_id: str | None = None,
    **fields: Any,
) -> dict[str, Any]:
    fields.setdefault("customer", "cus_alpha")
    fields.setdefault("subscription_id", "sub_alpha")
    return payloads.event(type_, payloads.subscription(**fields), created=created, event_id=event_id)


def invoice_event(
    type_: str, *, created: int | None = None, subscription_id: str = "sub_alpha", customer: str = "cus_alpha"
) -> dict[str, Any]:
    invoice = payloads.invoice(customer=customer, subscription_id=subscription_id, paid=type_ == "invoice.paid")
    return payloads.event(type_, invoice, created=created)


def local_today_in(app: Flask) -> Any:
    with app.app_context():
        return local_today()
