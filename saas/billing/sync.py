"""Apply Stripe's state to a :class:`Licence` (called by the webhooks; a reconciliation job can too).

Stripe delivers events at least once and in no particular order, so every change goes through
the same guards (docs/architecture.md §6):

1. **Older than what was applied → ignored.** ``Licence.last_event_created`` is the ``created``
   (Unix seconds) of the newest event applied; an event created before it describes a past state.
   Events of the same second are applied (Stripe emits several per second, their order unknown),
   which is why the next two guards exist.
2. **An ended subscription stays ended.** Stripe never revives a canceled (or expired)
   subscription, so once the licence records its end, no later-arriving ``created``/``updated``
   snapshot of that same subscription can make it active again: ``deleted`` wins.
3. **Re-fetch when Stripe is configured.** An event's object is a snapshot from when the event was
   created. Subscription and invoice events are treated as "something changed" signals: the
   subscription is fetched again (:func:`saas.billing.gateway.retrieve_subscription`) and Stripe's
   current state is applied, so delivery order no longer matters. If Stripe cannot be reached
   the snapshot is applied instead (guards 1 and 2 still hold) and a warning is logged: refusing
   would only make Stripe redeliver the same snapshot. ``deleted`` is not re-fetched: its object
   is already the final state. Without a key (tests, the demo) snapshots are applied.

Each function returns ``None`` when it applied the event, or the reason it ignored it (stored on
the :class:`StripeEvent`). Functions only flush; the request commits.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from saas.audit.operations import record_platform
from saas.billing import gateway
from saas.billing.models import Licence, Plan
from saas.billing.status import LicenceStatus
from saas.clock import local_today
from saas.db import db
from saas.i18n import L_

logger = logging.getLogger("saas.billing.sync")

STATUS_CHANGED = "licence.status_changed"
SUBSCRIPTION_LINKED = "licence.subscription_linked"
#: Names of this module's audit actions, declared in the package's front door (saas.audit.labels).
AUDIT_LABELS = {
    STATUS_CHANGED: L_("Licence status changed"),
    SUBSCRIPTION_LINKED: L_("Subscription linked to the licence"),
}

#: Stripe's subscription statuses by name (``manual`` is ours: Stripe never says it).
STRIPE_STATUSES = {status.value: status for status in LicenceStatus if status != LicenceStatus.MANUAL}
#: Statuses Stripe never leaves: the subscription is over (a new one must be started).
ENDED = frozenset({LicenceStatus.CANCELED, LicenceStatus.INCOMPLETE_EXPIRED})
#: Statuses in which the subscription is paid up again: arrears and their warning are cleared.
IN_GOOD_STANDING = frozenset({LicenceStatus.ACTIVE, LicenceStatus.TRIALING})
#: Without a re-fetch, a paid invoice ends these payment problems (it never revives ENDED ones).
CURED_BY_PAYMENT = frozenset({LicenceStatus.PAST_DUE, LicenceStatus.UNPAID, LicenceStatus.INCOMPLETE})
#: Without a re-fetch, a failed invoice puts these into arrears (a first payment that fails
#: keeps ``incomplete``: Stripe expires it, it never becomes past_due).
ARREARS_ON_FAILURE = frozenset({LicenceStatus.ACTIVE, LicenceStatus.TRIALING, LicenceStatus.PAST_DUE})

OLDER = "older than the state already applied"
ALREADY_ENDED = "the subscription has already ended"
OTHER_SUBSCRIPTION = "not the licence's subscription (it has another one that has not ended)"
REPLACED_BY_MANUAL = "the subscription was replaced by a licence invoiced outside Stripe"


def older_than_applied(licence: Licence, created: int) -> bool:
    return licence.last_event_created is not None and created < licence.last_event_created


def current_subscription(snapshot: dict[str, Any]) -> dict[str, Any]:
    """Stripe's current state of the subscription in ``snapshot`` (see guard 3), else the snapshot."""
    subscription_id = object_id(snapshot.get("id"))
    return (fetch_subscription(subscription_id) if subscription_id else None) or snapshot


def fetch_subscription(subscription_id: str) -> dict[str, Any] | None:
    """The subscription from Stripe, or None (logged) when Stripe is not set up or cannot answer."""
    if not gateway.stripe_configured():
        return None
    try:
        return gateway.retrieve_subscription(subscription_id)
    except gateway.BillingUnavailable:
        logger.warning("could not re-fetch subscription %s; applying the event's snapshot", subscription_id)
        return None


def apply_subscription(licence: Licence, subscription: dict[str, Any], *, created: int, event_id: str) -> str | None:
    """Make the licence say what ``subscription`` (a Stripe Subscription as a dict) says."""
    if older_than_applied(licence, created):
        return OLDER
    raw_status = subscription.get("status")
    status = STRIPE_STATUSES.get(raw_status) if isinstance(raw_status, str) else None
    if status is None:
        return f"unknown subscription status {str(raw_status)[:40]!r}"
    subscription_id = object_id(subscription.get("id"))
    if subscription_id is None:
        return "the subscription has no id"
    refusal = _link_refusal(licence, subscription_id, ending=status in ENDED)
    if refusal:
        return refusal
    if _replaced_by_manual(licence, subscription_id):
        return REPLACED_BY_MANUAL
    if licence.stripe_subscription_id == subscription_id and licence.status in ENDED and status not in ENDED:
        return ALREADY_ENDED
    _cross_check_metadata(licence, subscription)
    _link(licence, subscription_id, event_id)
    item = _licence_item(subscription)
    price_id = object_id(item.get("price")) or object_id(item.get("plan"))  # "plan": legacy subscriptions
    if price_id is not None:
        licence.plan = _plan_for(price_id)
    licence.current_period_end = _timestamp(item.get("current_period_end") or subscription.get("current_period_end"))
    licence.trial_end = _timestamp(subscription.get("trial_end"))
    cancel_at = subscription.get("cancel_at")
    licence.cancel_at_period_end = bool(subscription.get("cancel_at_period_end")) or (
        cancel_at is not None and cancel_at == item.get("current_period_end"))
    set_status(licence, status, event_id=event_id)
    _mark_applied(licence, created)
    return None


def link_checkout(licence: Licence, subscription_id: str, *, created: int, event_id: str) -> str | None:
    """A completed Checkout made ``subscription_id``: link it (and apply it when it can be fetched)."""
    fetched = fetch_subscription(subscription_id)
    if fetched is not None:
        return apply_subscription(licence, fetched, created=created, event_id=event_id)
    if older_than_applied(licence, created):
        return OLDER
    refusal = _link_refusal(licence, subscription_id, ending=False)
    if refusal:
        return refusal
    # Status, plan and period come with customer.subscription.created, which Stripe sends too.
    _link(licence, subscription_id, event_id)
    _mark_applied(licence, created)
    return None


def apply_invoice(licence: Licence, invoice: dict[str, Any], *, paid: bool, created: int,
                  event_id: str) -> str | None:
    """An invoice of the licence's subscription was paid (``paid``) or its payment failed."""
    subscription_id = invoice_subscription_id(invoice)
    if subscription_id is None:
        return "the invoice is not for a subscription"
    if subscription_id != licence.stripe_subscription_id:
        return "the invoice is for another subscription than the licence's"
    if _replaced_by_manual(licence, subscription_id):
        return REPLACED_BY_MANUAL
    if older_than_applied(licence, created):
        return OLDER
    fetched = fetch_subscription(subscription_id)
    if fetched is not None:
        return apply_subscription(licence, fetched, created=created, event_id=event_id)
    if licence.status in ENDED:
        return ALREADY_ENDED
    if paid and licence.status in CURED_BY_PAYMENT:
        set_status(licence, LicenceStatus.ACTIVE, event_id=event_id)
    elif not paid and licence.status in ARREARS_ON_FAILURE:
        set_status(licence, LicenceStatus.PAST_DUE, event_id=event_id)
    _mark_applied(licence, created)
    return None


def set_status(licence: Licence, status: LicenceStatus, *, event_id: str | None = None) -> None:
    """Change the status; the grace period starts on entering past_due (today, local) and its
    bookkeeping is cleared once the subscription is in good standing again. Audited on change."""
    previous = licence.status
    if status == LicenceStatus.PAST_DUE and (previous != LicenceStatus.PAST_DUE or licence.past_due_since is None):
        licence.past_due_since = local_today()
    elif status in IN_GOOD_STANDING:
        licence.past_due_since = None
        licence.read_only_warning_sent_on = None
    if status == previous:
        return
    licence.status = status
    record_platform(STATUS_CHANGED, tenant_id=licence.tenant_id,
                    old=previous.value if previous else None, new=status.value, stripe_event=event_id)
    logger.info("licence of tenant %s: %s -> %s (event %s)", licence.tenant_id,
                previous.value if previous else None, status.value, event_id)


def invoice_subscription_id(invoice: dict[str, Any]) -> str | None:
    """The subscription an invoice bills: ``parent.subscription_details.subscription`` since API
    2025-03-31, ``subscription`` before (localstripe and old event versions)."""
    details = (invoice.get("parent") or {}).get("subscription_details") or {}
    return object_id(details.get("subscription") or invoice.get("subscription"))


def object_id(value: Any) -> str | None:
    """The id of an expandable field: a string id, or the expanded object's ``id``."""
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) and value else None


def _link_refusal(licence: Licence, subscription_id: str, *, ending: bool) -> str | None:
    """Why ``subscription_id`` may not become the licence's subscription (None: it may).

    A licence holds one subscription. Another one replaces it only when the current one has ended
    or the licence is kept by hand; an ended subscription never replaces anything."""
    current = licence.stripe_subscription_id
    if current is None or current == subscription_id:
        return None
    if ending or (licence.status not in ENDED and licence.status != LicenceStatus.MANUAL):
        if not ending:
            logger.warning("customer %s has a second live subscription %s besides %s; not linked",
                           licence.stripe_customer_id, subscription_id, current)
        return OTHER_SUBSCRIPTION
    return None


def _replaced_by_manual(licence: Licence, subscription_id: str) -> bool:
    """Whether ``subscription_id`` is the old subscription of a licence now invoiced outside Stripe.

    The foundation arranges that only once the subscription has ended (saas.billing.operations), so
    any later word about it (a late event of the same second, a retried invoice) is about the past
    and must neither end the manual licence nor tell the managers a payment failed. A new
    subscription (another id, a manager paying through Checkout) still replaces the manual licence."""
    return licence.status == LicenceStatus.MANUAL and licence.stripe_subscription_id == subscription_id


def _link(licence: Licence, subscription_id: str, event_id: str) -> None:
    if licence.stripe_subscription_id != subscription_id:
        record_platform(SUBSCRIPTION_LINKED, tenant_id=licence.tenant_id,
                        subscription=subscription_id, previous=licence.stripe_subscription_id,
                        stripe_event=event_id)
        licence.stripe_subscription_id = subscription_id


def _mark_applied(licence: Licence, created: int) -> None:
    licence.last_event_created = max(created, licence.last_event_created or 0)
    db.session.flush()


def _licence_item(subscription: dict[str, Any]) -> dict[str, Any]:
    """The subscription item of the licence: a licence subscription has exactly one (quantity 1)."""
    items = (subscription.get("items") or {}).get("data") or []
    return items[0] if items and isinstance(items[0], dict) else {}


def _plan_for(price_id: str) -> Plan | None:
    """Our plan for a Stripe price; None, logged, when the foundation has no plan with that price:
    better no plan than a wrong one in the revenue totals."""
    plan = db.session.scalar(select(Plan).where(Plan.stripe_price_id == price_id))
    if plan is None:
        logger.warning("no plan has stripe price %s", price_id)
    return plan


def _cross_check_metadata(licence: Licence, subscription: dict[str, Any]) -> None:
    """Metadata is set by us at checkout but editable in Stripe: only a cross-check, never the key."""
    claimed = (subscription.get("metadata") or {}).get("tenant_id")
    if claimed and claimed != str(licence.tenant_id):
        logger.warning("subscription %s metadata names tenant %s, but its customer %s belongs to tenant %s",
                       subscription.get("id"), claimed, licence.stripe_customer_id, licence.tenant_id)


def _timestamp(value: Any) -> datetime | None:
    return datetime.fromtimestamp(value, UTC) if isinstance(value, int) and not isinstance(value, bool) else None
