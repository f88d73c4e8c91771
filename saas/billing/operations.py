"""What people do with licences: a manager subscribes (Stripe Checkout) and manages the subscription
(the Customer Portal); foundation admins define plans and arrange licences invoiced outside Stripe;
the foundation's overview of every tenant's licence with the recurring revenue.

The Stripe subscription itself is only ever changed by the webhooks (saas.billing.webhooks): a
redirect back from Checkout proves nothing. Operations only flush; every change is audited.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask import url_for
from sqlalchemy import select

from saas.audit.operations import record, record_platform
from saas.auth.models import User
from saas.billing import gateway
from saas.billing.entitlements import licence_entitlement
from saas.billing.models import Licence, Plan
from saas.billing.status import Entitlement, LicenceStatus
from saas.clock import local_today
from saas.db import db, get_or_create, tenant_context
from saas.errors import OperationError
from saas.i18n import L_
from saas.tenancy.models import Tenant

CHECKOUT_STARTED = "licence.checkout_started"
PORTAL_OPENED = "licence.portal_opened"
MANUAL_SET = "licence.manual_set"
MANUAL_ENDED = "licence.manual_ended"
PLAN_CREATED = "plan.created"
PLAN_UPDATED = "plan.updated"

#: Names of this module's audit actions, declared in the package's front door (saas.audit.labels).
AUDIT_LABELS = {
    CHECKOUT_STARTED: L_("Licence payment started"),
    PORTAL_OPENED: L_("Licence subscription opened for changes"),
    MANUAL_SET: L_("Licence invoiced outside Stripe arranged"),
    MANUAL_ENDED: L_("Licence invoiced outside Stripe ended"),
    PLAN_CREATED: L_("Licence plan created"),
    PLAN_UPDATED: L_("Licence plan changed"),
}

#: A subscription Stripe still bills (or tries to): a second Checkout would bill twice, so these
#: tenants use the Customer Portal instead; and the foundation cannot arrange a manual licence.
LIVE_SUBSCRIPTION = frozenset(LicenceStatus) - {LicenceStatus.CANCELED, LicenceStatus.INCOMPLETE_EXPIRED,
                                                LicenceStatus.MANUAL}
#: Licences that count towards the recurring revenue (a running manual licence counts too).
EARNING = frozenset({LicenceStatus.ACTIVE, LicenceStatus.TRIALING, LicenceStatus.PAST_DUE})
#: How far ahead a licence invoiced outside Stripe may run. A bound is needed: the day after the
#: end date (the first read-only day) is computed on every page of the organisation, and for
#: 9999-12-31 it does not exist.
LONGEST_MANUAL_LICENCE = timedelta(days=10 * 366)
#: Licences Stripe will invoice again at the end of the period (unless cancelled at period end).
RENEWING = frozenset({LicenceStatus.ACTIVE, LicenceStatus.TRIALING})


# Reading -----------------------------------------------------------------------------------------


def licence_of(tenant: Tenant) -> Licence | None:
    return db.session.scalar(select(Licence).where(Licence.tenant_id == tenant.id))


def has_live_subscription(licence: Licence | None) -> bool:
    return licence is not None and licence.status in LIVE_SUBSCRIPTION


def plan_by_id(text: str | uuid.UUID | None) -> Plan | None:
    """The plan with this id, or None for a missing or malformed id (input from a form)."""
    try:
        plan_id = text if isinstance(text, uuid.UUID) else uuid.UUID(str(text))
    except ValueError:
        return None
    return db.session.get(Plan, plan_id)


def all_plans() -> list[Plan]:
    return list(db.session.scalars(select(Plan).order_by(Plan.is_active.desc(), Plan.amount_cents, Plan.name)))


def plans_on_offer() -> list[Plan]:
    """The plans a manager can subscribe to: active, and mapped to a Stripe price."""
    return list(db.session.scalars(select(Plan).where(Plan.is_active, Plan.stripe_price_id.is_not(None))
                                   .order_by(Plan.amount_cents, Plan.name)))


# A manager pays -----------------------------------------------------------------------------------


def _licence_row(tenant: Tenant) -> Licence:
    """The tenant's licence, created empty (status None: full use) the first time it is needed;
    two requests racing to create it end up with the same row (the tenant id is unique)."""
    return get_or_create(db.session, select(Licence).where(Licence.tenant_id == tenant.id),
                         lambda: Licence(tenant_id=tenant.id, status=None))


def _licence_page(tenant: Tenant) -> str:
    return url_for("licence.index", tenant_slug=tenant.slug, _external=True)


def start_checkout(actor: User, tenant: Tenant, plan: Plan) -> str:
    """The Stripe Checkout URL where ``actor`` pays for ``plan`` for ``tenant``.

    The Stripe customer is created once and kept, even when the Checkout call then fails, so a
    second try does not make a second customer. The idempotency key makes a double click within
    the day return the same session instead of a second one.
    """
    if not plan.is_active or not plan.stripe_price_id:
        raise OperationError(L_("This plan cannot be chosen at the moment."))
    licence = licence_of(tenant)
    if has_live_subscription(licence):
        raise OperationError(L_("Your organisation already has a subscription. "
                                "Change or cancel it through the payment settings."))
    if licence is None or licence.stripe_customer_id is None:
        # Stripe first: when it fails, no empty licence row is left behind.
        customer_id = gateway.create_customer(tenant_id=str(tenant.id), name=tenant.name, email=actor.email)
        licence = licence or _licence_row(tenant)
        licence.stripe_customer_id = customer_id
        db.session.flush()
    done_url = url_for("licence.done", tenant_slug=tenant.slug, _external=True)
    checkout_url = gateway.create_checkout_session(
        customer_id=licence.stripe_customer_id, price_id=plan.stripe_price_id, tenant_id=str(tenant.id),
        # Stripe fills in the session id itself: the braces must reach it unescaped.
        success_url=f"{done_url}?session_id={{CHECKOUT_SESSION_ID}}", cancel_url=_licence_page(tenant),
        trial_days=plan.trial_days,
        # Retries of this very attempt reuse Stripe's session; after the licence changed (a
        # cancellation the same day, say) the key changes and Stripe makes a new one.
        idempotency_key=f"checkout-{tenant.id}-{plan.id}-{local_today().isoformat()}-{licence.last_event_created or 0}")
    record(actor, CHECKOUT_STARTED, licence, plan=plan.code)
    return checkout_url


def portal_url(actor: User, tenant: Tenant) -> str:
    """A Customer Portal session for the tenant's Stripe customer (payment method, invoices, cancelling)."""
    licence = licence_of(tenant)
    if licence is None or licence.stripe_customer_id is None:
        raise OperationError(L_("Your organisation has no subscription through Stripe yet."))
    url = gateway.create_portal_session(customer_id=licence.stripe_customer_id, return_url=_licence_page(tenant))
    record(actor, PORTAL_OPENED, licence)
    return url


# Foundation admins: plans and manual licences -----------------------------------------------------


def _check_unique(plan: Plan | None, *, code: str | None = None, stripe_price_id: str | None = None) -> None:
    others = select(Plan.id).where(Plan.id != plan.id) if plan is not None else select(Plan.id)
    if code is not None and db.session.scalar(others.where(Plan.code == code)) is not None:
        raise OperationError(L_("Another plan already has this code."), field="code")
    if stripe_price_id is not None and db.session.scalar(others.where(Plan.stripe_price_id == stripe_price_id)):
        raise OperationError(L_("Another plan already uses this Stripe price."), field="stripe_price_id")


def _plan_values(values: dict[str, Any]) -> dict[str, Any]:
    """Form fields as plan columns: the amount is in cents, no trial period is 0 days."""
    columns = dict(values)
    columns["amount_cents"] = columns.pop("amount")
    columns["trial_days"] = columns.get("trial_days") or 0
    return columns


def create_plan(actor: User, *, code: str, **values: Any) -> Plan:
    _check_unique(None, code=code, stripe_price_id=values.get("stripe_price_id"))
    plan = Plan(code=code, currency="eur", **_plan_values(values))
    db.session.add(plan)
    db.session.flush()
    record_platform(PLAN_CREATED, user=actor, plan=code, amount_cents=plan.amount_cents)
    return plan


def update_plan(actor: User, plan: Plan, **values: Any) -> None:
    """Change a plan; the code stays. A subscription already running keeps its Stripe price."""
    _check_unique(plan, stripe_price_id=values.get("stripe_price_id"))
    columns = _plan_values(values)
    changed = sorted(key for key, value in columns.items() if getattr(plan, key) != value)
    for key in changed:
        setattr(plan, key, columns[key])
    db.session.flush()
    record_platform(PLAN_UPDATED, user=actor, plan=plan.code, fields=changed)


def set_manual_licence(actor: User, tenant: Tenant, plan: Plan | None, until: date) -> Licence:
    """Mark ``tenant`` as invoiced outside Stripe for ``plan`` up to and including ``until``.

    Refused without a plan, for an end date in the past or too far ahead, and while Stripe bills
    the tenant: two licences would be paid for. Stripe's period dates of an old, ended subscription
    are cleared so the overview does not show them as current.
    """
    if plan is None:
        raise OperationError(L_("Choose a plan."), field="plan_id")
    if until < local_today():
        raise OperationError(L_("The end date cannot be in the past."), field="until")
    if until > local_today() + LONGEST_MANUAL_LICENCE:
        raise OperationError(L_("The end date can be at most ten years from today."), field="until")
    licence = _licence_row(tenant)
    if has_live_subscription(licence):
        raise OperationError(L_("This organisation pays through Stripe. "
                                "Its subscription has to end before it can be invoiced outside Stripe."))
    licence.plan_id, licence.status, licence.manual_until = plan.id, LicenceStatus.MANUAL, until
    licence.current_period_end = licence.trial_end = licence.past_due_since = None
    licence.cancel_at_period_end = False
    licence.read_only_warning_sent_on = None
    db.session.flush()
    _record_both(actor, tenant, licence, MANUAL_SET, plan=plan.code, until=until.isoformat())
    return licence


def end_manual_licence(actor: User, tenant: Tenant) -> Licence:
    """End a licence invoiced outside Stripe today: the tenant becomes read-only (nothing is
    deleted) until a new licence starts, through Stripe or arranged again here."""
    licence = licence_of(tenant)
    if licence is None or licence.status != LicenceStatus.MANUAL:
        raise OperationError(L_("This organisation has no licence invoiced outside Stripe."))
    yesterday = local_today() - timedelta(days=1)
    licence.manual_until = min(licence.manual_until or yesterday, yesterday)
    db.session.flush()
    _record_both(actor, tenant, licence, MANUAL_ENDED, until=licence.manual_until.isoformat())
    return licence


def _record_both(actor: User, tenant: Tenant, licence: Licence, action: str, **details: Any) -> None:
    """Platform log for the foundation, and the tenant's own log: its managers see who changed
    their licence."""
    record_platform(action, user=actor, tenant_id=tenant.id, **details)
    with tenant_context(db.session, tenant.id):
        record(actor, action, licence, **details)


# The foundation's overview ------------------------------------------------------------------------


@dataclass(frozen=True)
class LicenceRow:
    tenant: Tenant
    licence: Licence | None
    plan: Plan | None
    access: Entitlement
    #: Stripe's end of the current period, or the last day of a manual licence.
    period_end: datetime | date | None
    #: When Stripe will invoice next and how much (None: no renewal coming).
    next_invoice_on: datetime | None
    next_invoice_cents: int | None

    @property
    def status(self) -> LicenceStatus | None:
        return self.licence.status if self.licence is not None else None

    @property
    def past_due_since(self) -> date | None:
        return self.licence.past_due_since if self.status == LicenceStatus.PAST_DUE else None

    @property
    def payment_problem(self) -> bool:
        return self.status == LicenceStatus.PAST_DUE or self.access.read_only


@dataclass(frozen=True)
class Overview:
    rows: list[LicenceRow]
    mrr_cents: int
    past_due: int
    #: Summed from each plan's yearly amount, so a yearly licence counts in full (not 12 × MRR,
    #: whose monthly amounts are rounded down).
    arr_cents: int = 0


def _earns(row: LicenceRow) -> bool:
    if row.plan is None or row.status is None:
        return False
    return row.status in EARNING or (row.status == LicenceStatus.MANUAL and not row.access.read_only)


def _row(tenant: Tenant, licence: Licence | None, plan: Plan | None, today: date) -> LicenceRow:
    access = licence_entitlement(licence, today)
    period_end: datetime | date | None = None
    renews = False
    if licence is not None:
        period_end = licence.manual_until if licence.status == LicenceStatus.MANUAL else licence.current_period_end
        renews = (licence.status in RENEWING and not licence.cancel_at_period_end
                  and licence.current_period_end is not None and plan is not None)
    return LicenceRow(tenant, licence, plan, access, period_end,
                      licence.current_period_end if renews else None,  # type: ignore[union-attr]
                      plan.amount_cents if renews else None)  # type: ignore[union-attr]


def licence_overview() -> Overview:
    """Every tenant with its licence and plan, and the totals: one SQL statement for any number
    of tenants (the relationships are never lazy-loaded: the row carries the plan)."""
    today = local_today()
    result = db.session.execute(select(Tenant, Licence, Plan)
                                .outerjoin(Licence, Licence.tenant_id == Tenant.id)
                                .outerjoin(Plan, Plan.id == Licence.plan_id)
                                .order_by(Tenant.name))
    rows = [_row(tenant, licence, plan, today) for tenant, licence, plan in result]
    earning = [row.plan for row in rows if _earns(row)]
    past_due = sum(1 for row in rows if row.status == LicenceStatus.PAST_DUE)
    return Overview(rows, sum(plan.monthly_cents for plan in earning), past_due,  # type: ignore[union-attr]
                    arr_cents=sum(plan.yearly_cents for plan in earning))  # type: ignore[union-attr]


def tenant_row(tenant: Tenant) -> LicenceRow:
    licence = licence_of(tenant)
    plan = db.session.get(Plan, licence.plan_id) if licence is not None and licence.plan_id else None
    return _row(tenant, licence, plan, local_today())
