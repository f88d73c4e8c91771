"""Stripe's webhooks: one platform URL, the source of truth for every licence's state (docs/architecture.md §6).

What a delivery must get through, in order:

1. **Signature** on the raw body (``Stripe-Signature``, HMAC with ``STRIPE_WEBHOOK_SECRET``,
   at most 300 s old). Without a configured secret everything is refused. A refused delivery
   answers 400 with a logged reason and writes nothing: nothing in it can be trusted. This is the
   only CSRF-exempt route; the signature takes the token's place.
2. **Idempotency** by event id: the :class:`StripeEvent` row is inserted first (in a savepoint,
   so a concurrent second delivery hits the primary key); a known id answers 200 and does nothing.
3. **Tenant** through our own table only: the object's ``customer`` → ``Licence.stripe_customer_id``.
   Metadata and ``client_reference_id`` are cross-checks, never the key.
4. **Order**: saas.billing.sync (older events ignored, ``deleted`` wins, re-fetch when possible).

Stripe retries every non-2xx answer for days, so: what we will never handle (unknown customer,
event type we do not subscribe to, out of date) answers 200 with the event recorded as IGNORED and
its reason; what failed on our side (a bug, the database) is rolled back, logged and answered
400, so Stripe delivers it again later. No input produces a 500.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import stripe
from flask import Blueprint, Response, current_app, jsonify, make_response, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from saas.billing import sync
from saas.billing.models import EventOutcome, Licence, StripeEvent
from saas.db import db, tenant_context
from saas.extensions import csrf

bp = Blueprint("billing_webhooks", __name__)
logger = logging.getLogger("saas.billing.webhooks")

#: Column sizes of StripeEvent: longer values are not Stripe's.
MAX_ID, MAX_TYPE, MAX_REASON = 255, 100, 300


class Refused(Exception):
    """A delivery that is not a verifiable Stripe event; ``reason`` goes to the log and the answer."""

    def __init__(self, reason: str, *, level: int = logging.WARNING) -> None:
        super().__init__(reason)
        self.reason = reason
        self.level = level


@dataclass(frozen=True)
class Event:
    id: str
    type: str
    created: int
    object: dict[str, Any]


@bp.post("/billing/webhook")
@csrf.exempt
def receive() -> Response:
    try:
        event = verified_event()
    except Refused as refusal:
        logger.log(refusal.level, "stripe webhook refused: %s", refusal.reason)
        return _answer(400, error=refusal.reason)
    try:
        return _answer(200, **handle_once(event))
    except Exception:
        # Never a 500, never half a change: undo everything (the StripeEvent row too, so the
        # redelivery Stripe makes after a non-2xx is processed afresh).
        db.session.rollback()
        logger.exception("stripe event %s (%s) could not be processed; rolled back, Stripe will retry",
                         event.id, event.type)
        return _answer(400, error="could not be processed; deliver again later")


def verified_event() -> Event:
    """The event in the request, after checking signature, age and shape; else :class:`Refused`."""
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET")
    if not secret:
        raise Refused("no webhook secret configured (SAAS_STRIPE_WEBHOOK_SECRET)", level=logging.ERROR)
    header = request.headers.get("Stripe-Signature")
    if not header:
        raise Refused("missing Stripe-Signature header")
    payload = request.get_data()
    try:
        stripe.WebhookSignature.verify_header(payload, header, secret, tolerance=stripe.Webhook.DEFAULT_TOLERANCE)
    except stripe.SignatureVerificationError as error:
        raise Refused(f"signature check failed: {error.user_message}") from None
    except UnicodeDecodeError:
        raise Refused("body is not UTF-8") from None
    try:
        body = json.loads(payload)
    except (ValueError, RecursionError):  # thousands of brackets exhaust the parser's recursion
        raise Refused("body is not JSON") from None
    return _event_from(body)


def _event_from(body: Any) -> Event:
    if not isinstance(body, dict):
        raise Refused("not a Stripe event (a JSON object expected)")
    data = body.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    event_id, event_type, created = body.get("id"), body.get("type"), body.get("created")
    if not (isinstance(event_id, str) and 0 < len(event_id) <= MAX_ID and isinstance(event_type, str)
            and 0 < len(event_type) <= MAX_TYPE and type(created) is int and isinstance(obj, dict)):
        raise Refused("not a Stripe event (id, type, created and data.object expected)")
    return Event(event_id, event_type, created, obj)


def handle_once(event: Event) -> dict[str, str]:
    """Record the event by id and apply it, unless that id was seen before."""
    if db.session.get(StripeEvent, event.id) is not None:
        logger.info("stripe event %s (%s) already received; nothing done", event.id, event.type)
        return {"status": "duplicate"}
    record = StripeEvent(id=event.id, type=event.type, created=event.created, outcome=EventOutcome.PROCESSED)
    try:
        with db.session.begin_nested():
            db.session.add(record)
    except IntegrityError:  # the same event, delivered concurrently, got there first
        logger.info("stripe event %s (%s) received concurrently; nothing done", event.id, event.type)
        return {"status": "duplicate"}
    reason = _apply(event, record)
    if reason is not None:
        record.outcome, record.reason = EventOutcome.IGNORED, reason[:MAX_REASON]
        logger.info("stripe event %s (%s) ignored: %s", event.id, event.type, reason)
    db.session.flush()
    return {"status": record.outcome.value, **({"reason": record.reason} if record.reason else {})}


def _apply(event: Event, record: StripeEvent) -> str | None:
    handler = HANDLERS.get(event.type)
    if handler is None:
        return "event type not handled"
    customer_id = sync.object_id(event.object.get("customer"))
    if customer_id is None:
        return "the event names no customer"
    licence = _licence_of(customer_id)
    if licence is None:
        logger.warning("stripe event %s (%s) for customer %s that no licence has", event.id, event.type, customer_id)
        return f"unknown customer {customer_id}"[:MAX_REASON]
    record.tenant_id = licence.tenant_id
    if sync.older_than_applied(licence, event.created):  # before any re-fetch: saves a call to Stripe
        return sync.OLDER
    return handler(licence, event)


def _licence_of(customer_id: str) -> Licence | None:
    # FOR UPDATE (PostgreSQL): concurrent events of one tenant are applied one after the other,
    # each seeing the last_event_created the previous one wrote.
    return db.session.scalar(select(Licence).where(Licence.stripe_customer_id == customer_id).with_for_update())


def _checkout_completed(licence: Licence, event: Event) -> str | None:
    session = event.object
    if session.get("mode") != "subscription":
        return "not a subscription checkout"
    if session.get("client_reference_id") != str(licence.tenant_id):
        logger.warning("checkout %s: client_reference_id %r is not tenant %s that owns customer %s; not linked",
                       session.get("id"), session.get("client_reference_id"), licence.tenant_id,
                       licence.stripe_customer_id)
        return "client_reference_id is not the tenant that owns the customer"
    subscription_id = sync.object_id(session.get("subscription"))
    if subscription_id is None:
        return "the checkout made no subscription"
    return sync.link_checkout(licence, subscription_id, created=event.created, event_id=event.id)


def _subscription_changed(licence: Licence, event: Event) -> str | None:
    return sync.apply_subscription(licence, sync.current_subscription(event.object), created=event.created,
                                   event_id=event.id)


def _subscription_deleted(licence: Licence, event: Event) -> str | None:
    # Not re-fetched: a deleted subscription's object is its final state.
    return sync.apply_subscription(licence, event.object, created=event.created, event_id=event.id)


def _invoice_paid(licence: Licence, event: Event) -> str | None:
    return sync.apply_invoice(licence, event.object, paid=True, created=event.created, event_id=event.id)


def _invoice_payment_failed(licence: Licence, event: Event) -> str | None:
    reason = sync.apply_invoice(licence, event.object, paid=False, created=event.created, event_id=event.id)
    if reason is None:
        from saas.billing import notices  # written alongside; imported late so this module stands alone

        with tenant_context(db.session, licence.tenant_id):
            notices.payment_failed(licence)
    return reason


HANDLERS: dict[str, Callable[[Licence, Event], str | None]] = {
    "checkout.session.completed": _checkout_completed,
    "customer.subscription.created": _subscription_changed,
    "customer.subscription.updated": _subscription_changed,
    "customer.subscription.deleted": _subscription_deleted,
    "invoice.paid": _invoice_paid,
    "invoice.payment_failed": _invoice_payment_failed,
}


def _answer(code: int, /, **body: str) -> Response:
    return make_response(jsonify(body), code)
