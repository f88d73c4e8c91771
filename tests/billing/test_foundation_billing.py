"""The foundation's licence pages: the overview of every tenant with the totals (staff read),
plans and licences invoiced outside Stripe (admins change; staff get 403; bad input 422)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from saas.audit.models import AuditEvent, PlatformEvent
from saas.auth.models import User
from saas.auth.roles import FoundationRole
from saas.billing import operations
from saas.billing.entitlements import licence_entitlement
from saas.billing.models import Interval, Licence, Plan
from saas.billing.status import LicenceStatus
from saas.clock import local_today
from saas.db import db, tenant_context
from saas.tenancy.models import Tenant
from tests.billing.test_licence_pages import add_plan, licence_of
from tests.factories.billing import give_licence
from tests.factories.platform import create_tenant, create_user
from tests.support.confirm import CONFIRMED
from tests.support.queries import count_queries
from tests.support.sessions import SignIn

NEW_PLAN = {
    "code": "jaar-basis",
    "name": "Jaarlicentie basis",
    "amount": "4800,00",
    "interval": "year",
    "trial_days": "30",
    "max_municipalities": "2",
    "max_active_matches": "",
    "stripe_price_id": "price_1Q2w3E4r5T6y",
    "is_active": "1",
    "description": "Voor één organisatie.",
}


@pytest.fixture
def staff(app: Flask) -> User:
    return create_user(app, "analist@stichting.example", foundation_role=FoundationRole.STAFF)


def today(app: Flask) -> date:
    with app.app_context():
        return local_today()


def plan_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Plan))


def platform_actions(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(PlatformEvent.action).order_by(PlatformEvent.at)))


# The overview ----------------------------------------------------------------------------------------


@pytest.fixture
def licensed_world(app: Flask) -> dict[str, Tenant]:
    """Seven tenants, one per kind of licence, on a monthly (€ 50) and a yearly (€ 4,800) plan."""
    monthly = add_plan(app, "maand", amount_cents=50_00, interval=Interval.MONTH)
    yearly = add_plan(app, "jaar", amount_cents=4_800_00, interval=Interval.YEAR)
    period_end = datetime(2031, 3, 1, 11, tzinfo=UTC)
    now = today(app)
    tenants = {
        slug: create_tenant(app, slug, name=f"Org {slug}")
        for slug in ("active", "pastdue", "manual", "canceled", "none", "expired", "trial", "leaving")
    }
    give_licence(
        app,
        tenants["active"],
        LicenceStatus.ACTIVE,
        plan_id=monthly.id,
        current_period_end=period_end,
        stripe_customer_id="cus_a",
        stripe_subscription_id="sub_a",
    )
    give_licence(
        app,
        tenants["pastdue"],
        LicenceStatus.PAST_DUE,
        plan_id=yearly.id,
        past_due_since=now - timedelta(days=3),
        current_period_end=period_end,
        stripe_customer_id="cus_b",
        stripe_subscription_id="sub_b",
    )
    give_licence(app, tenants["manual"], LicenceStatus.MANUAL, plan_id=yearly.id, manual_until=now + timedelta(days=99))
    give_licence(app, tenants["canceled"], LicenceStatus.CANCELED, plan_id=monthly.id)
    give_licence(app, tenants["expired"], LicenceStatus.MANUAL, plan_id=yearly.id, manual_until=now - timedelta(days=1))
    give_licence(
        app,
        tenants["trial"],
        LicenceStatus.TRIALING,
        plan_id=monthly.id,
        current_period_end=period_end,
        stripe_customer_id="cus_t",
        stripe_subscription_id="sub_t",
    )
    give_licence(
        app,
        tenants["leaving"],
        LicenceStatus.ACTIVE,
        plan_id=yearly.id,
        current_period_end=period_end,
        cancel_at_period_end=True,
        stripe_customer_id="cus_l",
        stripe_subscription_id="sub_l",
    )
    return tenants


def test_staff_see_every_licence_and_the_totals(
    app: Flask, signed_in: SignIn, staff: User, licensed_world: dict[str, Tenant]
) -> None:
    # By hand: active 50 + past due 400 + running manual 400 + trial 50 + leaving (active until the
    # period ends) 400 = 1,300 a month; canceled, expired and "none" earn nothing.
    mrr = 50_00 + 400_00 + 400_00 + 50_00 + 400_00
    with app.test_request_context():
        overview = operations.licence_overview()
    assert (overview.mrr_cents, overview.arr_cents, overview.past_due) == (mrr, 12 * mrr, 1)
    rows = {row.tenant.slug: row for row in overview.rows}
    assert set(rows) == set(licensed_world)
    assert (rows["active"].next_invoice_cents, rows["active"].next_invoice_on) == (
        50_00,
        datetime(2031, 3, 1, 11, tzinfo=UTC),
    )
    assert rows["leaving"].next_invoice_on is None and rows["pastdue"].next_invoice_on is None
    problems = {slug for slug, row in rows.items() if row.payment_problem}
    assert problems == {"pastdue", "canceled", "expired"}
    assert rows["pastdue"].access.read_only_from == today(app) - timedelta(days=3) + timedelta(days=14)
    assert rows["manual"].period_end == today(app) + timedelta(days=99)

    response = signed_in(staff).get("/foundation/billing/")
    assert response.status_code == 200
    page = response.text
    assert "1.300,00" in page and "15.600,00" in page  # nl: € 1.300,00 a month, € 15.600,00 a year
    assert '<dd id="past-due">1</dd>' in page
    assert page.count('class="payment-problem"') == 3
    assert "Org none" in page and 'href="/foundation/billing/tenants/pastdue"' in page


def test_the_overview_takes_one_statement_for_any_number_of_tenants(
    app: Flask, licensed_world: dict[str, Tenant]
) -> None:
    with app.test_request_context():
        with count_queries(app) as few:
            operations.licence_overview()
        plan = db.session.scalar(select(Plan).where(Plan.code == "jaar"))
        more = [create_tenant(app, f"extra-{n}") for n in range(4)]
        for tenant in more:
            give_licence(app, tenant, LicenceStatus.ACTIVE, plan_id=plan.id)
        db.session.expire_all()
        with count_queries(app) as many:
            assert len(operations.licence_overview().rows) == len(licensed_world) + 4
    # Transaction chatter (savepoints, PostgreSQL's settings for row-level security) aside:
    reads = [[sql for sql in statements if "FROM" in sql.upper()] for statements in (few, many)]
    assert len(reads[0]) == len(reads[1]) == 1, many


# Plans -----------------------------------------------------------------------------------------------


def test_an_admin_creates_and_edits_a_plan_in_euros_stored_as_cents(
    app: Flask, signed_in: SignIn, foundation_admin: User
) -> None:
    client = signed_in(foundation_admin)
    assert client.get("/foundation/billing/plans/new").status_code == 200
    response = client.post("/foundation/billing/plans/new", data=NEW_PLAN)
    assert response.status_code == 302 and response.location == "/foundation/billing/plans/"
    with app.app_context():
        plan = db.session.scalar(select(Plan).where(Plan.code == "jaar-basis"))
        assert (
            plan.amount_cents,
            plan.interval,
            plan.trial_days,
            plan.max_municipalities,
            plan.max_active_matches,
            plan.stripe_price_id,
            plan.is_active,
            plan.currency,
        ) == (480_000, Interval.YEAR, 30, 2, None, "price_1Q2w3E4r5T6y", True, "eur")
    assert "Jaarlicentie basis" in client.get("/foundation/billing/plans/").text
    edit = client.get(f"/foundation/billing/plans/{plan.id}").text
    assert 'value="4800,00"' in edit

    response = client.post(
        f"/foundation/billing/plans/{plan.id}",
        data={
            **NEW_PLAN,
            "amount": "52.5",
            "interval": "month",
            "trial_days": "",
            "stripe_price_id": "",
            "is_active": "",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        plan = db.session.get(Plan, plan.id)
        assert (plan.code, plan.amount_cents, plan.interval, plan.trial_days, plan.stripe_price_id, plan.is_active) == (
            "jaar-basis",
            52_50,
            Interval.MONTH,
            0,
            None,
            False,
        )
        updated = db.session.scalars(select(PlatformEvent).where(PlatformEvent.action == "plan.updated")).one()
        assert updated.user_id == foundation_admin.id
        assert updated.details["fields"] == ["amount_cents", "interval", "is_active", "stripe_price_id", "trial_days"]
    assert platform_actions(app).count("plan.created") == 1


@pytest.mark.parametrize(
    "field, value",
    [
        ("amount", "4.800,00"),
        ("amount", "abc"),
        ("amount", "-5"),
        ("amount", "12,345"),
        ("amount", ""),
        ("stripe_price_id", "prod_1Q2w3E4r5T6y"),
        ("stripe_price_id", "price_1"),
        ("stripe_price_id", "price_12 34567"),
        ("code", "Has Spaces"),
        ("code", ""),
        ("interval", "week"),
        ("trial_days", "999"),
        ("trial_days", "twee"),
        ("max_municipalities", "0"),
        ("name", ""),
    ],
)
def test_bad_plan_input_is_refused_with_the_fields_error_and_nothing_is_written(
    app: Flask, signed_in: SignIn, foundation_admin: User, field: str, value: str
) -> None:
    client = signed_in(foundation_admin)
    response = client.post("/foundation/billing/plans/new", data={**NEW_PLAN, field: value})
    assert response.status_code == 422
    assert f'id="f-{field}-error"' in response.text and 'class="error-summary"' in response.text
    assert plan_count(app) == 0 and "plan.created" not in platform_actions(app)


def test_plan_errors_are_translated_and_json_clients_get_them_as_json(
    app: Flask, signed_in: SignIn, foundation_admin: User
) -> None:
    client = signed_in(foundation_admin)
    client.post("/language", data={"locale": "en", "next": "/foundation/billing/plans/new"})
    page = client.post("/foundation/billing/plans/new", data={**NEW_PLAN, "amount": "4.800,00"}).text
    assert "Enter an amount in euros, such as 4800 or 4800,00." in page
    response = client.post("/foundation/billing/plans/new", json={**NEW_PLAN, "stripe_price_id": "prod_x"})
    assert response.status_code == 422 and set(response.json["errors"]) == {"stripe_price_id"}


def test_a_taken_code_or_stripe_price_is_refused(app: Flask, signed_in: SignIn, foundation_admin: User) -> None:
    other = add_plan(app, "bestaand", stripe_price_id="price_1Q2w3E4r5T6y")
    client = signed_in(foundation_admin)
    response = client.post(
        "/foundation/billing/plans/new", data={**NEW_PLAN, "code": "bestaand", "stripe_price_id": ""}
    )
    assert response.status_code == 422 and 'id="f-code-error"' in response.text
    response = client.post("/foundation/billing/plans/new", data=NEW_PLAN)
    assert response.status_code == 422 and 'id="f-stripe_price_id-error"' in response.text
    assert plan_count(app) == 1
    mine = add_plan(app, "mijn")
    response = client.post(f"/foundation/billing/plans/{mine.id}", data={**NEW_PLAN, "code": "x"})
    assert response.status_code == 422, "editing may not take another plan's price either"
    # Keeping its own price is not a conflict.
    response = client.post(f"/foundation/billing/plans/{other.id}", data={**NEW_PLAN, "name": "Nieuw"})
    assert response.status_code == 302


def test_staff_read_plans_but_change_nothing(app: Flask, signed_in: SignIn, staff: User, tenant_a: Tenant) -> None:
    plan = add_plan(app, "jaar", name="Jaarlicentie")
    client = signed_in(staff)
    assert "Jaarlicentie" in client.get("/foundation/billing/plans/").text
    page = client.get(f"/foundation/billing/plans/{plan.id}").text
    assert "<form" not in page.split('<main id="main"')[1].split("</main>")[0] and "4.800,00" in page
    assert 'href="/foundation/billing/plans/new"' not in client.get("/foundation/billing/plans/").text
    assert client.get("/foundation/billing/plans/new").status_code == 403
    assert client.post("/foundation/billing/plans/new", data=NEW_PLAN).status_code == 403
    assert client.post(f"/foundation/billing/plans/{plan.id}", data={**NEW_PLAN, "name": "Anders"}).status_code == 403
    assert client.get("/foundation/billing/tenants/alpha").status_code == 200
    assert (
        client.post(
            "/foundation/billing/tenants/alpha/manual", data={"plan_id": str(plan.id), "until": "2031-12-31"}
        ).status_code
        == 403
    )
    assert client.post("/foundation/billing/tenants/alpha/manual/end", data=CONFIRMED).status_code == 403
    assert plan_count(app) == 1 and licence_of(app, tenant_a) is None
    assert not any(action.startswith(("plan.", "licence.")) for action in platform_actions(app))
    with app.app_context():
        assert db.session.get(Plan, plan.id).name == "Jaarlicentie"


def test_unknown_plans_and_tenants_are_404(app: Flask, signed_in: SignIn, foundation_admin: User) -> None:
    client = signed_in(foundation_admin)
    assert client.get("/foundation/billing/plans/00000000-0000-0000-0000-000000000000").status_code == 404
    assert client.get("/foundation/billing/tenants/nowhere").status_code == 404
    assert client.post("/foundation/billing/tenants/nowhere/manual/end", data=CONFIRMED).status_code == 404


# Invoiced outside Stripe -----------------------------------------------------------------------------


def manual_form(plan: Plan, until: date) -> dict[str, Any]:
    return {"plan_id": str(plan.id), "until": until.isoformat()}


def test_an_admin_arranges_and_ends_a_licence_invoiced_outside_stripe(
    app: Flask, signed_in: SignIn, foundation_admin: User, tenant_a: Tenant
) -> None:
    plan = add_plan(app, "jaar", stripe_price_id=None)
    client = signed_in(foundation_admin)
    until = today(app) + timedelta(days=400)
    response = client.post("/foundation/billing/tenants/alpha/manual", data=manual_form(plan, until))
    assert response.status_code == 302 and response.location == "/foundation/billing/tenants/alpha"
    licence = licence_of(app, tenant_a)
    assert (licence.status, licence.plan_id, licence.manual_until) == (LicenceStatus.MANUAL, plan.id, until)
    page = client.get("/foundation/billing/tenants/alpha").text
    assert "/foundation/billing/tenants/alpha/manual/end" in page

    assert client.post("/foundation/billing/tenants/alpha/manual/end", data=CONFIRMED).status_code == 302
    licence = licence_of(app, tenant_a)
    assert licence.status == LicenceStatus.MANUAL and licence.manual_until == today(app) - timedelta(days=1)
    with app.test_request_context():
        assert licence_entitlement(licence, local_today()).read_only, "ended: read-only from today, nothing deleted"
    with app.app_context():
        events = db.session.scalars(
            select(PlatformEvent).where(PlatformEvent.action.like("licence.%")).order_by(PlatformEvent.at)
        ).all()
        assert [(e.action, e.tenant_id, e.user_id) for e in events] == [
            ("licence.manual_set", tenant_a.id, foundation_admin.id),
            ("licence.manual_ended", tenant_a.id, foundation_admin.id),
        ]
        assert events[0].details == {"plan": "jaar", "until": until.isoformat()}
        with tenant_context(db.session, tenant_a.id):  # the organisation's own log shows it too
            assert list(
                db.session.scalars(
                    select(AuditEvent.action).where(AuditEvent.action.like("licence.%")).order_by(AuditEvent.at)
                )
            ) == ["licence.manual_set", "licence.manual_ended"]
    # Ending twice: there is nothing left to end today, so the page says so and nothing changes.
    response = client.post("/foundation/billing/tenants/alpha/manual/end", data=CONFIRMED)
    assert response.status_code == 302
    assert licence_of(app, tenant_a).manual_until == today(app) - timedelta(days=1)


def test_no_manual_licence_while_stripe_bills_the_tenant(
    app: Flask, signed_in: SignIn, foundation_admin: User, tenant_a: Tenant
) -> None:
    plan = add_plan(app, "jaar")
    give_licence(app, tenant_a, LicenceStatus.ACTIVE, stripe_customer_id="cus_a", stripe_subscription_id="sub_a")
    client = signed_in(foundation_admin)
    response = client.post(
        "/foundation/billing/tenants/alpha/manual", data=manual_form(plan, today(app) + timedelta(days=30))
    )
    assert response.status_code == 422 and 'class="error-summary"' in response.text
    licence = licence_of(app, tenant_a)
    assert licence.status == LicenceStatus.ACTIVE and licence.manual_until is None
    assert "licence.manual_set" not in platform_actions(app)
    # Refused, with a message:
    assert client.post("/foundation/billing/tenants/alpha/manual/end", data=CONFIRMED).status_code == 302
    assert licence_of(app, tenant_a).status == LicenceStatus.ACTIVE


@pytest.mark.parametrize(
    "form",
    [
        {"plan_id": "", "until": "2031-12-31"},
        {"plan_id": "not-a-uuid", "until": "2031-12-31"},
        {"plan_id": "00000000-0000-0000-0000-000000000000", "until": "2031-12-31"},
        {"plan_id": "PLAN", "until": ""},
        {"plan_id": "PLAN", "until": "31-12-2031"},
        {"plan_id": "PLAN", "until": "2001-01-01"},
        # Far ahead: the first read-only day (the day after) would not fit in a date, and every page
        # of the organisation computes it.
        {"plan_id": "PLAN", "until": "9999-12-31"},
    ],
)
def test_bad_manual_licence_input_is_refused_and_nothing_is_written(
    app: Flask, signed_in: SignIn, foundation_admin: User, tenant_a: Tenant, form: dict[str, str]
) -> None:
    plan = add_plan(app, "jaar")
    data = {key: (str(plan.id) if value == "PLAN" else value) for key, value in form.items()}
    response = signed_in(foundation_admin).post("/foundation/billing/tenants/alpha/manual", data=data)
    assert response.status_code == 422 and 'class="field-error"' in response.text
    assert licence_of(app, tenant_a) is None
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Licence)) == 0


def test_the_foundation_navigation_links_to_licences(signed_in: SignIn, staff: User) -> None:
    client: FlaskClient = signed_in(staff)
    page = client.get("/foundation/billing/").text
    assert 'href="/foundation/billing/" aria-current="page"' in page


def test_yearly_revenue_counts_a_yearly_licence_in_full() -> None:
    plan = Plan(code="oneven", name="Oneven", amount_cents=1_000_01, interval=Interval.YEAR)
    assert (plan.monthly_cents, plan.yearly_cents) == (8_333, 1_000_01)  # not 12 × 8,333 = 99,996
    assert Plan(code="maand", name="Maand", amount_cents=50_00, interval=Interval.MONTH).yearly_cents == 600_00
