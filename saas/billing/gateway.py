"""Stripe, behind four functions (the only module that talks to Stripe's API).

Every call builds its own ``stripe.StripeClient`` with the secret key from the settings and passes
it explicitly: no global ``stripe.api_key``, so a test or a second configuration can never leak
into another call. ``STRIPE_API_BASE`` points the client at a local fake (tests only). Amounts are
integer cents. A Stripe error becomes :class:`BillingUnavailable` with a translated message the
page can show (the details go to the log, never to the person). What a caller keeps after a
failed call is its own decision (saas.billing.operations.start_checkout keeps a customer Stripe
did create, so the next attempt reuses it).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import stripe
from flask import current_app

from saas.errors import OperationError
from saas.i18n import L_

logger = logging.getLogger("saas.billing.gateway")

#: (connect, read) timeouts in seconds. A manager waits on these calls, so fail within seconds
#: instead of the SDK's default of 80.
TIMEOUT = (5, 30)
#: The SDK retries connection errors, 409 and 5xx this often. Safe: every POST carries an
#: idempotency key (ours, or one the SDK generates), so a retry never creates a second object.
NETWORK_RETRIES = 2

NOT_SET_UP = L_("Payment through Stripe is not set up. Contact the foundation.")
UNREACHABLE = L_("Stripe could not be reached. Try again in a few minutes.")
MISCONFIGURED = L_("Payment through Stripe is not set up correctly. Contact the foundation.")
REFUSED = L_("Stripe could not process this request. Try again later, or contact the foundation if it keeps "
             "happening.")


class BillingUnavailable(OperationError):
    """Stripe is not configured, or could not be reached or refused the call."""


def stripe_configured() -> bool:
    """Whether a Stripe secret key is set (without one, licences are managed by hand)."""
    return bool(current_app.config.get("STRIPE_SECRET_KEY"))


def create_customer(*, tenant_id: str, name: str, email: str | None) -> str:
    """A new Stripe customer for the tenant (metadata tenant_id); returns its id (cus_…).

    The idempotency key is derived from the tenant and what is sent: if the customer was created
    but our request then rolled back (say, the checkout call after it failed), trying again within
    Stripe's 24 hours returns the same customer instead of leaving an orphan behind.
    """
    params: dict[str, Any] = {"name": name, "metadata": {"tenant_id": tenant_id}}
    if email:
        params["email"] = email
    fingerprint = hashlib.sha256(f"{name}\n{email or ''}".encode()).hexdigest()[:16]
    with _stripe_call("create customer"):
        customer = _client().v1.customers.create(
            params=params,  # type: ignore[arg-type]
            options={"idempotency_key": f"customer-{tenant_id}-{fingerprint}"})
    return str(customer.id)


def create_checkout_session(*, customer_id: str, price_id: str, tenant_id: str, success_url: str,
                            cancel_url: str, trial_days: int = 0, idempotency_key: str | None = None) -> str:
    """A Checkout Session in subscription mode for one licence (quantity 1), client_reference_id
    = tenant_id, subscription metadata tenant_id; returns the URL to send the manager to.

    ``client_reference_id`` is only a cross-check for the webhook: the tenant is found through the
    customer id in our own table (saas.billing.webhooks)."""
    subscription_data: dict[str, Any] = {"metadata": {"tenant_id": tenant_id}}
    if trial_days > 0:
        subscription_data["trial_period_days"] = trial_days
    params: dict[str, Any] = {
        "mode": "subscription",
        "customer": customer_id,
        "client_reference_id": tenant_id,
        "line_items": [{"price": price_id, "quantity": 1}],
        "subscription_data": subscription_data,
        "metadata": {"tenant_id": tenant_id},
        "success_url": success_url,
        "cancel_url": cancel_url,
    }
    with _stripe_call("create checkout session"):
        session = _client().v1.checkout.sessions.create(
            params=params,  # type: ignore[arg-type]
            options={"idempotency_key": idempotency_key} if idempotency_key else None)
    return _url_of(session, "checkout session")


def create_portal_session(*, customer_id: str, return_url: str) -> str:
    """A Customer Portal session; returns its URL."""
    with _stripe_call("create portal session"):
        session = _client().v1.billing_portal.sessions.create(
            params={"customer": customer_id, "return_url": return_url})
    return _url_of(session, "portal session")


def retrieve_subscription(subscription_id: str) -> dict[str, Any]:
    """The subscription as Stripe has it now (a plain dict), to apply instead of a possibly stale event."""
    with _stripe_call("retrieve subscription"):
        subscription = _client().v1.subscriptions.retrieve(subscription_id)
    return subscription.to_dict()


def _client() -> stripe.StripeClient:
    key = current_app.config.get("STRIPE_SECRET_KEY")
    if not key:
        logger.warning("stripe call attempted without SAAS_STRIPE_SECRET_KEY")
        raise BillingUnavailable(str(NOT_SET_UP))
    base = current_app.config.get("STRIPE_API_BASE")
    return stripe.StripeClient(
        key,
        base_addresses={"api": base} if base else None,
        http_client=stripe.RequestsClient(timeout=TIMEOUT),
        max_network_retries=NETWORK_RETRIES,
    )


@contextmanager
def _stripe_call(what: str) -> Iterator[None]:
    """Turn every Stripe error into :class:`BillingUnavailable`, logged with what failed and
    Stripe's request id (to look it up in Stripe's dashboard); the key is never logged."""
    try:
        yield
    except stripe.StripeError as error:
        logger.error("stripe %s failed: %s %s (http %s, request %s)", what, type(error).__name__,
                     error.user_message or "", error.http_status, error.request_id)
        raise BillingUnavailable(_message_for(error)) from error


def _message_for(error: stripe.StripeError) -> str:
    if isinstance(error, stripe.APIConnectionError | stripe.RateLimitError):
        return str(UNREACHABLE)
    if isinstance(error, stripe.AuthenticationError | stripe.PermissionError):
        return str(MISCONFIGURED)
    return str(REFUSED)


def _url_of(session: Any, what: str) -> str:
    url = getattr(session, "url", None)
    if not url:
        logger.error("stripe %s %s came back without a url", what, getattr(session, "id", "?"))
        raise BillingUnavailable(str(REFUSED))
    return str(url)
