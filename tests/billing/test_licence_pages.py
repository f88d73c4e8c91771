"""The tenant's Licence page (managers only): choosing a plan and paying through Stripe Checkout,
the Customer Portal, the page Checkout returns to, and the page without Stripe (the demo's way).

Stripe is never called: the gateway's functions are replaced with fakes that record their calls
(the gateway itself is tested against mocked HTTP in its own tests).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from saas.audit.models import AuditEvent
from saas.auth.models import User
from saas.auth.roles import Role
from saas.billing import gateway
from saas.billing.models import Interval, Licence, Plan
from saas.billing.status import LicenceStatus
from saas.db import db, tenant_context
from saas.tenancy.models import Tenant
from tests.factories.billing import give_licence
from tests.factories.platform import create_user, database
from tests.support.sessions import SignIn, sign_in

CHECKOUT_URL = "https://checkout.stripe.com/c/pay/cs_test_a1B2c3"
PORTAL_URL = "https://billing.stripe.com/p/session/test_YWNjdF8x"


@dataclass
class FakeStripe:
    """Stands in for saas.billing.gateway: records every call, answers like Stripe would."""

    customers: list[dict[str, Any]] = field(default_factory=list)
    checkouts: list[dict[str, Any]] = field(default_factory=list)
    portals: list[dict[str, Any]] = field(default_factory=list)
    checkout_error: Exception | None = None

    def create_customer(self, **kwargs: Any) -> str:
        self.customers.append(kwargs)
        return f"cus_test{len(self.customers)}"

    def create_checkout_session(self, **kwargs: Any) -> str:
        if self.checkout_error is not None:
            raise self.checkout_error
        self.checkouts.append(kwargs)
        return CHECKOUT_URL

    def create_portal_session(self, **kwargs: Any) -> str:
        self.portals.append(kwargs)
        return PORTAL_URL


@pytest.fixture
def stripe(app: Flask, monkeypatch: pytest.MonkeyPatch) -> FakeStripe:
    fake = FakeStripe()
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "sk_test_fake")
    for name in ("create_customer", "create_checkout_session", "create_portal_session"):
        monkeypatch.setattr(gateway, name, getattr(fake, name))
    return fake


def add_plan(app: Flask, code: str, **fields: Any) -> Plan:
    values: dict[str, Any] = {
        "name": code.title(),
        "amount_cents": 4_800_00,
        "interval": Interval.YEAR,
        "stripe_price_id": f"price_{code.replace('-', '')}123",
        **fields,
    }
    with database(app) as session:
        plan = Plan(code=code, **values)
        session.add(plan)
    return plan


def licence_of(app: Flask, tenant: Tenant) -> Licence | None:
    with app.app_context():
        return db.session.scalar(select(Licence).where(Licence.tenant_id == tenant.id))


def audit_actions(app: Flask, tenant: Tenant) -> list[str]:
    with app.app_context(), tenant_context(db.session, tenant.id):
        return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.at)))


@pytest.fixture
def manager(signed_in: SignIn, manager_a: User) -> FlaskClient:
    return signed_in(manager_a)


# The page ------------------------------------------------------------------------------------------


def test_a_manager_sees_the_plans_on_offer_with_price_limits_and_trial(
    app: Flask, manager: FlaskClient, stripe: FakeStripe
) -> None:
    add_plan(app, "jaar", name="Jaarlicentie", max_municipalities=3, trial_days=30)
    add_plan(app, "maand", name="Maandlicentie", amount_cents=450_50, interval=Interval.MONTH, max_active_matches=40)
    add_plan(app, "oud", name="Oude licentie", is_active=False)
    add_plan(app, "handmatig", name="Handmatige licentie", stripe_price_id=None)
    response = manager.get("/t/alpha/licence/")
    assert response.status_code == 200
    page = response.text
    assert "Jaarlicentie" in page and "Maandlicentie" in page
    assert "Oude licentie" not in page and "Handmatige licentie" not in page, "only active plans with a price"
    assert "4.800,00" in page and "450,50" in page, "amounts are formatted in the reader's language"
    assert "Up to 3 municipalities" in page or "3 gemeenten" in page
    assert page.count('action="/t/alpha/licence/checkout"') == 2
    assert "form-action 'self' https://checkout.stripe.com" in response.headers["Content-Security-Policy"]


def test_without_stripe_the_licence_is_arranged_with_the_foundation(
    app: Flask, manager: FlaskClient, tenant_a: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "")
    plan = add_plan(app, "jaar", name="Jaarlicentie", stripe_price_id=None)
    give_licence(app, tenant_a, LicenceStatus.MANUAL, plan_id=plan.id, manual_until=date(2031, 12, 31))
    page = manager.get("/t/alpha/licence/").text
    assert "Jaarlicentie" in page
    assert 'id="arranged-heading"' in page and "/licence/checkout" not in page and "/licence/portal" not in page
    assert "2031" in page


def test_read_only_and_grace_are_explained_on_the_page(
    app: Flask, manager: FlaskClient, tenant_a: Tenant, stripe: FakeStripe
) -> None:
    give_licence(
        app,
        tenant_a,
        LicenceStatus.PAST_DUE,
        stripe_customer_id="cus_x",
        stripe_subscription_id="sub_x",
        past_due_since=date.today() - timedelta(days=2),
    )
    page = manager.get("/t/alpha/licence/").text
    assert "notice--warning" in page and 'action="/t/alpha/licence/portal"' in page
    assert "/licence/checkout" not in page, "a live subscription is managed in the portal, not paid again"
    give_licence(app, tenant_a, LicenceStatus.CANCELED)
    page = manager.get("/t/alpha/licence/").text
    assert "notice--warning" in page and 'action="/t/alpha/licence/checkout"' not in page  # no plans yet
    assert "billing-banner" not in page, "the page explains read-only itself"


# Checkout --------------------------------------------------------------------------------------------


def test_choosing_a_plan_sends_the_manager_to_checkout_and_creates_the_customer_once(
    app: Flask, manager: FlaskClient, manager_a: User, tenant_a: Tenant, stripe: FakeStripe
) -> None:
    plan = add_plan(app, "jaar", trial_days=14)
    for _attempt in range(2):  # e.g. back from Checkout without paying, and choosing again
        response = manager.post("/t/alpha/licence/checkout", data={"plan_id": str(plan.id)})
        assert response.status_code == 303
        assert response.location == CHECKOUT_URL
    assert len(stripe.customers) == 1
    assert stripe.customers[0] == {"tenant_id": str(tenant_a.id), "name": tenant_a.name, "email": manager_a.email}
    licence = licence_of(app, tenant_a)
    assert licence.stripe_customer_id == "cus_test1" and licence.status is None, "only a webhook sets the status"
    call = stripe.checkouts[-1]
    assert call["customer_id"] == "cus_test1" and call["price_id"] == plan.stripe_price_id
    assert call["tenant_id"] == str(tenant_a.id) and call["trial_days"] == 14
    assert call["success_url"] == "http://localhost/t/alpha/licence/done?session_id={CHECKOUT_SESSION_ID}"
    assert call["cancel_url"] == "http://localhost/t/alpha/licence/"
    assert str(tenant_a.id) in call["idempotency_key"] and str(plan.id) in call["idempotency_key"]
    assert stripe.checkouts[0]["idempotency_key"] == call["idempotency_key"], "a double click: the same session"
    assert audit_actions(app, tenant_a).count("licence.checkout_started") == 2


@pytest.mark.parametrize("change", [{"is_active": False}, {"stripe_price_id": None}], ids=["inactive", "no-price"])
def test_a_plan_that_is_not_on_offer_cannot_be_bought(
    app: Flask, manager: FlaskClient, tenant_a: Tenant, stripe: FakeStripe, change: dict[str, Any]
) -> None:
    plan = add_plan(app, "jaar", **change)
    response = manager.post("/t/alpha/licence/checkout", data={"plan_id": str(plan.id)})
    assert response.status_code == 303 and response.location == "/t/alpha/licence/"
    assert "flash--error" in manager.get(response.location).text
    assert stripe.customers == [] and stripe.checkouts == [] and licence_of(app, tenant_a) is None


@pytest.mark.parametrize("plan_id", ["", "not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_a_missing_or_unknown_plan_is_sent_back_to_the_page(
    app: Flask, manager: FlaskClient, tenant_a: Tenant, stripe: FakeStripe, plan_id: str
) -> None:
    response = manager.post("/t/alpha/licence/checkout", data={"plan_id": plan_id})
    assert response.status_code == 303 and response.location == "/t/alpha/licence/"
    assert stripe.checkouts == [] and licence_of(app, tenant_a) is None


@pytest.mark.parametrize("status", [LicenceStatus.ACTIVE, LicenceStatus.TRIALING, LicenceStatus.PAST_DUE])
def test_a_tenant_with_a_live_subscription_uses_the_portal_not_a_second_checkout(
    app: Flask, manager: FlaskClient, tenant_a: Tenant, stripe: FakeStripe, status: LicenceStatus
) -> None:
    plan = add_plan(app, "jaar")
    give_licence(app, tenant_a, status, stripe_customer_id="cus_live", stripe_subscription_id="sub_live")
    response = manager.post("/t/alpha/licence/checkout", data={"plan_id": str(plan.id)})
    assert response.status_code == 303 and response.location == "/t/alpha/licence/"
    assert stripe.checkouts == []


def test_when_stripe_is_unreachable_the_manager_gets_a_message_not_an_error(
    app: Flask, manager: FlaskClient, tenant_a: Tenant, stripe: FakeStripe
) -> None:
    plan = add_plan(app, "jaar")
    stripe.checkout_error = gateway.BillingUnavailable(gateway.UNREACHABLE)
    response = manager.post("/t/alpha/licence/checkout", data={"plan_id": str(plan.id)})
    assert response.status_code == 303 and response.location == "/t/alpha/licence/"
    page = manager.get(response.location).text
    assert "flash--error" in page
    assert licence_of(app, tenant_a).stripe_customer_id == "cus_test1", "the customer is kept for the next try"
    assert "licence.checkout_started" not in audit_actions(app, tenant_a)


def test_without_stripe_keys_choosing_is_refused_and_nothing_is_written(
    app: Flask, manager: FlaskClient, tenant_a: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real gateway, without a key: it refuses before calling Stripe."""
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "")
    plan = add_plan(app, "jaar")
    response = manager.post("/t/alpha/licence/checkout", data={"plan_id": str(plan.id)})
    assert response.status_code == 303 and response.location == "/t/alpha/licence/"
    assert "flash--error" in manager.get(response.location).text
    assert licence_of(app, tenant_a) is None


def test_a_read_only_tenant_can_still_pay(
    app: Flask, manager: FlaskClient, tenant_a: Tenant, stripe: FakeStripe
) -> None:
    plan = add_plan(app, "jaar")
    give_licence(app, tenant_a, LicenceStatus.CANCELED, stripe_customer_id="cus_old")
    assert 'action="/t/alpha/licence/checkout"' in manager.get("/t/alpha/licence/").text
    response = manager.post("/t/alpha/licence/checkout", data={"plan_id": str(plan.id)})
    assert response.status_code == 303 and response.location == CHECKOUT_URL
    assert stripe.customers == [] and stripe.checkouts[0]["customer_id"] == "cus_old"


# The portal ------------------------------------------------------------------------------------------


def test_the_portal_opens_for_the_tenants_own_customer(
    app: Flask, manager: FlaskClient, tenant_a: Tenant, stripe: FakeStripe
) -> None:
    give_licence(app, tenant_a, LicenceStatus.ACTIVE, stripe_customer_id="cus_live", stripe_subscription_id="sub_1")
    response = manager.post("/t/alpha/licence/portal")
    assert response.status_code == 303 and response.location == PORTAL_URL
    assert stripe.portals == [{"customer_id": "cus_live", "return_url": "http://localhost/t/alpha/licence/"}]
    assert "licence.portal_opened" in audit_actions(app, tenant_a)


def test_without_a_stripe_customer_there_is_no_portal(app: Flask, manager: FlaskClient, stripe: FakeStripe) -> None:
    response = manager.post("/t/alpha/licence/portal")
    assert response.status_code == 303 and response.location == "/t/alpha/licence/"
    assert stripe.portals == []


# Back from Checkout ----------------------------------------------------------------------------------


def test_the_done_page_says_processing_until_the_webhook_confirms(
    app: Flask, manager: FlaskClient, tenant_a: Tenant
) -> None:
    page = manager.get("/t/alpha/licence/done?session_id=cs_test_a1B2c3").text
    # No meta refresh (it would reload the page under the reader): a script asks for JSON instead.
    assert 'http-equiv="refresh"' not in page and "licence-done.js" in page
    assert 'role="status"' in page and 'data-poll-url="/t/alpha/licence/done"' in page
    asked = manager.get("/t/alpha/licence/done", headers={"Accept": "application/json"})
    assert asked.is_json and asked.json == {"confirmed": False}
    give_licence(
        app,
        tenant_a,
        LicenceStatus.TRIALING,
        stripe_customer_id="cus_1",
        stripe_subscription_id="sub_1",
        trial_end=datetime.now(UTC) + timedelta(days=14),
    )
    assert manager.get("/t/alpha/licence/done", headers={"Accept": "application/json"}).json == {"confirmed": True}
    page = manager.get("/t/alpha/licence/done?session_id=cs_test_a1B2c3").text
    assert "licence-done.js" not in page and 'id="done-heading"' in page
    assert 'href="/t/alpha/licence/done' not in page
    assert 'class="utrecht-button utrecht-button--primary-action" href="/t/alpha/licence/"' in page


# Who may ---------------------------------------------------------------------------------------------

LICENCE_ROUTES = [
    ("GET", "/t/alpha/licence/"),
    ("POST", "/t/alpha/licence/checkout"),
    ("POST", "/t/alpha/licence/portal"),
    ("GET", "/t/alpha/licence/done"),
]


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.VOLUNTEER, Role.REPORT_VIEWER], ids=lambda r: r.value)
def test_only_managers_open_the_licence_pages(app: Flask, tenant_a: Tenant, stripe: FakeStripe, role: Role) -> None:
    client = app.test_client()
    sign_in(client, create_user(app, f"{role.value}@alpha.example", tenant=tenant_a, role=role))
    for method, url in LICENCE_ROUTES:
        assert client.open(url, method=method).status_code == 403, (method, url)
    assert stripe.customers == [] and stripe.portals == []


def test_a_manager_of_another_tenant_finds_nothing(
    app: Flask, signed_in: SignIn, manager_b: User, tenant_a: Tenant, stripe: FakeStripe
) -> None:
    client = signed_in(manager_b)
    for method, url in LICENCE_ROUTES:
        assert client.open(url, method=method).status_code == 404, (method, url)


def test_the_navigation_shows_licence_to_managers_only(app: Flask, manager: FlaskClient, tenant_a: Tenant) -> None:
    assert 'href="/t/alpha/licence/"' in manager.get("/t/alpha/").text
    volunteer = app.test_client()
    sign_in(volunteer, create_user(app, "v@alpha.example", tenant=tenant_a, role=Role.VOLUNTEER))
    assert 'href="/t/alpha/licence/"' not in volunteer.get("/t/alpha/").text
