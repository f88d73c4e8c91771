"""Stripe objects and events as Stripe sends them (API version 2026-10-28.endive), for tests.

Modelled on Stripe's real JSON: since 2025-03-31 the period lives on the subscription *items*
(``items.data[].current_period_end``) and an invoice names its subscription under
``parent.subscription_details.subscription``. Fields our code never reads are kept anyway, so a
test breaks when code starts relying on something a real payload would not have. Builders take
the few values a test cares about; ids are random unless given.
"""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

import stripe

API_VERSION = "2026-10-28.endive"
DAY = 86_400
YEAR = 365 * DAY


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


def now() -> int:
    return int(time.time())


def event(
    type_: str,
    obj: dict[str, Any],
    *,
    created: int | None = None,
    event_id: str | None = None,
    previous_attributes: dict[str, Any] | None = None,
) -> dict[str, Any]:
    data: dict[str, Any] = {"object": obj}
    if previous_attributes is not None:
        data["previous_attributes"] = previous_attributes
    return {
        "id": event_id or new_id("evt"),
        "object": "event",
        "api_version": API_VERSION,
        "created": now() if created is None else created,
        "data": data,
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": new_id("req"), "idempotency_key": secrets.token_hex(16)},
        "type": type_,
    }


def signed(payload: dict[str, Any] | str | bytes, secret: str, *, timestamp: int | None = None) -> tuple[bytes, str]:
    """The body and the ``Stripe-Signature`` header Stripe would send (HMAC-SHA256 with ``secret``)."""
    body = payload if isinstance(payload, str | bytes) else json.dumps(payload)
    text = body.decode() if isinstance(body, bytes) else body
    return text.encode(), stripe.WebhookSignature.generate_signature_header(text, secret, timestamp=timestamp)


def price(
    price_id: str = "price_yearly", *, amount: int = 120_000, interval: str = "year", product: str = "prod_licence"
) -> dict[str, Any]:
    created = now() - 30 * DAY
    return {
        "id": price_id,
        "object": "price",
        "active": True,
        "billing_scheme": "per_unit",
        "created": created,
        "currency": "eur",
        "custom_unit_amount": None,
        "livemode": False,
        "lookup_key": None,
        "metadata": {},
        "nickname": None,
        "product": product,
        "recurring": {
            "interval": interval,
            "interval_count": 1,
            "meter": None,
            "trial_period_days": None,
            "usage_type": "licensed",
        },
        "tax_behavior": "unspecified",
        "tiers_mode": None,
        "transform_quantity": None,
        "type": "recurring",
        "unit_amount": amount,
        "unit_amount_decimal": str(amount),
    }


def _legacy_plan(the_price: dict[str, Any]) -> dict[str, Any]:
    """The ``plan`` Stripe still mirrors next to ``price`` on every subscription item."""
    recurring = the_price["recurring"]
    return {
        "id": the_price["id"],
        "object": "plan",
        "active": True,
        "amount": the_price["unit_amount"],
        "amount_decimal": the_price["unit_amount_decimal"],
        "billing_scheme": "per_unit",
        "created": the_price["created"],
        "currency": the_price["currency"],
        "interval": recurring["interval"],
        "interval_count": 1,
        "livemode": False,
        "metadata": {},
        "meter": None,
        "nickname": None,
        "product": the_price["product"],
        "tiers_mode": None,
        "transform_usage": None,
        "trial_period_days": None,
        "usage_type": "licensed",
    }


def subscription(
    *,
    customer: str,
    status: str = "active",
    subscription_id: str | None = None,
    price_id: str = "price_yearly",
    period_start: int | None = None,
    period_end: int | None = None,
    cancel_at_period_end: bool = False,
    trial_end: int | None = None,
    tenant_id: str | None = None,
) -> dict[str, Any]:
    subscription_id = subscription_id or new_id("sub")
    start = period_start if period_start is not None else now() - DAY
    end = period_end if period_end is not None else start + YEAR
    the_price = price(price_id)
    item = {
        "id": new_id("si"),
        "object": "subscription_item",
        "billing_thresholds": None,
        "created": start,
        "current_period_end": end,
        "current_period_start": start,
        "discounts": [],
        "metadata": {},
        "plan": _legacy_plan(the_price),
        "price": the_price,
        "quantity": 1,
        "subscription": subscription_id,
        "tax_rates": [],
    }
    ended = status in ("canceled", "incomplete_expired")
    return {
        "id": subscription_id,
        "object": "subscription",
        "application": None,
        "application_fee_percent": None,
        "automatic_tax": {"disabled_reason": None, "enabled": False, "liability": None},
        "billing_cycle_anchor": start,
        "billing_cycle_anchor_config": None,
        "billing_mode": {"flexible": None, "type": "classic"},
        "billing_thresholds": None,
        "cancel_at": end if cancel_at_period_end else None,
        "cancel_at_period_end": cancel_at_period_end,
        "canceled_at": now() if ended else None,
        "cancellation_details": {
            "comment": None,
            "feedback": None,
            "reason": "cancellation_requested" if ended else None,
        },
        "collection_method": "charge_automatically",
        "created": start,
        "currency": "eur",
        "customer": customer,
        "customer_account": None,
        "days_until_due": None,
        "default_payment_method": new_id("pm"),
        "default_source": None,
        "default_tax_rates": [],
        "description": None,
        "discounts": [],
        "ended_at": now() if ended else None,
        "invoice_settings": {"account_tax_ids": None, "issuer": {"type": "self"}},
        "items": {
            "object": "list",
            "data": [item],
            "has_more": False,
            "total_count": 1,
            "url": f"/v1/subscription_items?subscription={subscription_id}",
        },
        "latest_invoice": new_id("in"),
        "livemode": False,
        "metadata": {"tenant_id": tenant_id} if tenant_id else {},
        "next_pending_invoice_item_invoice": None,
        "on_behalf_of": None,
        "pause_collection": None,
        "payment_settings": {
            "payment_method_options": None,
            "payment_method_types": None,
            "save_default_payment_method": "on_subscription",
        },
        "pending_invoice_item_interval": None,
        "pending_setup_intent": None,
        "pending_update": None,
        "schedule": None,
        "start_date": start,
        "status": status,
        "test_clock": None,
        "transfer_data": None,
        "trial_end": trial_end,
        "trial_settings": {"end_behavior": {"missing_payment_method": "create_invoice"}},
        "trial_start": start if trial_end else None,
    }


def invoice(
    *,
    customer: str,
    subscription_id: str,
    paid: bool = True,
    amount: int = 120_000,
    price_id: str = "price_yearly",
    billing_reason: str = "subscription_cycle",
) -> dict[str, Any]:
    invoice_id, created = new_id("in"), now()
    line = {
        "id": new_id("il"),
        "object": "line_item",
        "amount": amount,
        "currency": "eur",
        "description": "1 × Jaarlicentie (at €1,200.00 / year)",
        "discount_amounts": [],
        "discountable": True,
        "discounts": [],
        "invoice": invoice_id,
        "livemode": False,
        "metadata": {},
        "parent": {
            "invoice_item_details": None,
            "type": "subscription_item_details",
            "subscription_item_details": {
                "invoice_item": None,
                "proration": False,
                "proration_details": {"credited_items": None},
                "subscription": subscription_id,
                "subscription_item": new_id("si"),
            },
        },
        "period": {"end": created + YEAR, "start": created},
        "pretax_credit_amounts": [],
        "pricing": {
            "price_details": {"price": price_id, "product": "prod_licence"},
            "type": "price_details",
            "unit_amount_decimal": str(amount),
        },
        "quantity": 1,
        "taxes": [],
    }
    return {
        "id": invoice_id,
        "object": "invoice",
        "account_country": "NL",
        "account_name": "Stichting Samen Oplopen",
        "account_tax_ids": None,
        "amount_due": amount,
        "amount_overpaid": 0,
        "amount_paid": amount if paid else 0,
        "amount_remaining": 0 if paid else amount,
        "amount_shipping": 0,
        "application": None,
        "attempt_count": 1,
        "attempted": True,
        "auto_advance": not paid,
        "automatic_tax": {
            "disabled_reason": None,
            "enabled": False,
            "liability": None,
            "provider": None,
            "status": None,
        },
        "automatically_finalizes_at": None,
        "billing_reason": billing_reason,
        "collection_method": "charge_automatically",
        "created": created,
        "currency": "eur",
        "custom_fields": None,
        "customer": customer,
        "customer_address": None,
        "customer_email": "manager@alpha.example",
        "customer_name": "Samen Oplopen Alpha",
        "customer_phone": None,
        "customer_shipping": None,
        "customer_tax_exempt": "none",
        "customer_tax_ids": [],
        "default_payment_method": None,
        "default_source": None,
        "default_tax_rates": [],
        "description": None,
        "discounts": [],
        "due_date": None,
        "effective_at": created,
        "ending_balance": 0,
        "footer": None,
        "from_invoice": None,
        "hosted_invoice_url": f"https://invoice.stripe.com/i/acct_test/{invoice_id}",
        "invoice_pdf": f"https://pay.stripe.com/invoice/acct_test/{invoice_id}/pdf?s=ap",
        "issuer": {"type": "self"},
        "last_finalization_error": None,
        "latest_revision": None,
        "lines": {
            "object": "list",
            "data": [line],
            "has_more": False,
            "total_count": 1,
            "url": f"/v1/invoices/{invoice_id}/lines",
        },
        "livemode": False,
        "metadata": {},
        "next_payment_attempt": None if paid else created + 3 * DAY,
        "number": "SO-ALPHA-0002",
        "on_behalf_of": None,
        "parent": {
            "quote_details": None,
            "type": "subscription_details",
            "subscription_details": {"metadata": {}, "subscription": subscription_id},
        },
        "payment_settings": {"default_mandate": None, "payment_method_options": None, "payment_method_types": None},
        "period_end": created,
        "period_start": created - YEAR,
        "post_payment_credit_notes_amount": 0,
        "pre_payment_credit_notes_amount": 0,
        "receipt_number": None,
        "rendering": None,
        "shipping_cost": None,
        "shipping_details": None,
        "starting_balance": 0,
        "statement_descriptor": None,
        "status": "paid" if paid else "open",
        "status_transitions": {
            "finalized_at": created,
            "marked_uncollectible_at": None,
            "paid_at": created if paid else None,
            "voided_at": None,
        },
        "subtotal": amount,
        "subtotal_excluding_tax": amount,
        "test_clock": None,
        "total": amount,
        "total_discount_amounts": [],
        "total_excluding_tax": amount,
        "total_pretax_credit_amounts": [],
        "total_taxes": [],
        "webhooks_delivered_at": created,
    }


def checkout_session(
    *,
    customer: str,
    subscription_id: str | None,
    client_reference_id: str | None,
    mode: str = "subscription",
    session_id: str | None = None,
    url: str | None = None,
) -> dict[str, Any]:
    created = now()
    return {
        "id": session_id or f"cs_test_{secrets.token_hex(24)}",
        "object": "checkout.session",
        "adaptive_pricing": {"enabled": False},
        "after_expiration": None,
        "allow_promotion_codes": None,
        "amount_subtotal": 120_000,
        "amount_total": 120_000,
        "automatic_tax": {"enabled": False, "liability": None, "provider": None, "status": None},
        "billing_address_collection": None,
        "cancel_url": "https://app.example/t/alpha/licence",
        "client_reference_id": client_reference_id,
        "client_secret": None,
        "consent": None,
        "consent_collection": None,
        "created": created,
        "currency": "eur",
        "custom_fields": [],
        "custom_text": {
            "after_submit": None,
            "shipping_address": None,
            "submit": None,
            "terms_of_service_acceptance": None,
        },
        "customer": customer,
        "customer_creation": None,
        "customer_details": {
            "address": {
                "city": "Utrecht",
                "country": "NL",
                "line1": None,
                "line2": None,
                "postal_code": None,
                "state": None,
            },
            "email": "manager@alpha.example",
            "name": "Mia Manager",
            "phone": None,
            "tax_exempt": "none",
            "tax_ids": [],
        },
        "customer_email": None,
        "discounts": [],
        "expires_at": created + DAY,
        "invoice": new_id("in"),
        "invoice_creation": None,
        "livemode": False,
        "locale": None,
        "metadata": {},
        "mode": mode,
        "payment_intent": None,
        "payment_link": None,
        "payment_method_collection": "always",
        "payment_method_configuration_details": None,
        "payment_method_options": {"card": {"request_three_d_secure": "automatic"}},
        "payment_method_types": ["card"],
        "payment_status": "paid",
        "phone_number_collection": {"enabled": False},
        "recovered_from": None,
        "saved_payment_method_options": None,
        "setup_intent": None,
        "shipping_address_collection": None,
        "shipping_cost": None,
        "shipping_options": [],
        "status": "complete",
        "submit_type": None,
        "subscription": subscription_id,
        "success_url": "https://app.example/t/alpha/licence/processing?session_id={CHECKOUT_SESSION_ID}",
        "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
        "ui_mode": "hosted",
        "url": url,
        "wallet_options": None,
    }


def customer(
    *,
    customer_id: str | None = None,
    name: str = "Samen Oplopen Alpha",
    email: str | None = "manager@alpha.example",
    tenant_id: str | None = None,
) -> dict[str, Any]:
    return {
        "id": customer_id or new_id("cus"),
        "object": "customer",
        "address": None,
        "balance": 0,
        "created": now(),
        "currency": None,
        "default_source": None,
        "delinquent": False,
        "description": None,
        "discount": None,
        "email": email,
        "invoice_prefix": "SOALPHA",
        "invoice_settings": {
            "custom_fields": None,
            "default_payment_method": None,
            "footer": None,
            "rendering_options": None,
        },
        "livemode": False,
        "metadata": {"tenant_id": tenant_id} if tenant_id else {},
        "name": name,
        "next_invoice_sequence": 1,
        "phone": None,
        "preferred_locales": [],
        "shipping": None,
        "tax_exempt": "none",
        "test_clock": None,
    }


def portal_session(*, customer: str, return_url: str) -> dict[str, Any]:
    return {
        "id": new_id("bps"),
        "object": "billing_portal.session",
        "configuration": new_id("bpc"),
        "created": now(),
        "customer": customer,
        "customer_account": None,
        "flow": None,
        "livemode": False,
        "locale": None,
        "on_behalf_of": None,
        "return_url": return_url,
        "url": f"https://billing.stripe.com/p/session/test_{secrets.token_hex(16)}",
    }


def error(
    message: str,
    *,
    type_: str = "invalid_request_error",
    code: str | None = "resource_missing",
    param: str | None = None,
) -> dict[str, Any]:
    return {
        "error": {
            "code": code,
            "doc_url": f"https://stripe.com/docs/error-codes/{(code or '').replace('_', '-')}",
            "message": message,
            "param": param,
            "request_log_url": f"https://dashboard.stripe.com/test/logs/{new_id('req')}",
            "type": type_,
        }
    }
