"""The tenant's "Licence" page (managers): the current licence, choosing a plan and paying through
Stripe Checkout, the Customer Portal, and the page Checkout returns to.

Without Stripe keys (the embedded demo) the page only shows the licence the foundation arranged.
Paying and the portal stay open under read-only: paying is how a tenant gets out of it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from saas.auth.roles import Role
from saas.billing import gateway, operations
from saas.billing.entitlements import allowed_when_read_only, current_entitlement
from saas.billing.models import Interval
from saas.billing.money import format_money
from saas.billing.schemas import ChoosePlanForm
from saas.billing.status import LicenceStatus
from saas.errors import OperationError
from saas.forms import validate_input
from saas.i18n import _
from saas.security import content_security_policy
from saas.web import tenant_route
from saas.web.tenant import current_tenant, tenant_blueprint

bp = tenant_blueprint("licence", __name__, template_folder="templates")

#: Seconds between two looks at the licence while the payment is processed, and how many looks
#: before the page stops reloading itself (the webhook normally arrives within seconds).
#: The "processing" page asks again every POLL_SECONDS, at most POLL_LIMIT times.
POLL_SECONDS = 3
POLL_LIMIT = 20
#: Where Checkout and the Customer Portal live (Stripe's hosted pages).
STRIPE_PAGES = ("https://checkout.stripe.com", "https://billing.stripe.com")
POLICY_WITH_STRIPE = content_security_policy(form_action=STRIPE_PAGES)
CONFIRMED = frozenset({LicenceStatus.ACTIVE, LicenceStatus.TRIALING})
#: The licence is the managers' business: every page here is theirs.
manager_route = partial(tenant_route, bp, roles=(Role.MANAGER,))


@bp.context_processor
def _billing_helpers() -> dict[str, object]:
    return {"format_money": format_money, "LicenceStatus": LicenceStatus, "Interval": Interval}


@bp.after_request
def _allow_forms_to_stripe(response: Response) -> Response:
    """The Choose and portal forms answer with a redirect to Stripe, and browsers hold a form's
    redirects to the page's ``form-action``: these pages add Stripe's hosted pages to it."""
    response.headers["Content-Security-Policy"] = POLICY_WITH_STRIPE
    return response


def _back_to_licence() -> Response:
    return redirect(url_for(".index"), code=303)


def _to_stripe(open_page: Callable[[], str]) -> Response:
    """To the Stripe page that ``open_page`` opens (303: the browser follows with a GET). A refusal
    (an OperationError, including gateway.BillingUnavailable: Stripe refused or is unreachable) is
    not a form to show again: the manager goes back to the licence page with the message, and the
    request still commits, so a Stripe customer created before the refusal is kept for the next try."""
    try:
        url = open_page()
    except OperationError as refusal:
        flash(str(refusal), "error")
        return _back_to_licence()
    return redirect(url, code=303)


@manager_route("/licence/")
def index() -> str:
    licence = current_tenant.licence  # loaded with the membership by the tenant hook
    stripe = gateway.stripe_configured()
    live = operations.has_live_subscription(licence)
    return render_template("billing/licence.html", licence=licence, entitlement=current_entitlement(),
                           stripe=stripe, live=live, plans=operations.plans_on_offer() if stripe and not live else [],
                           hide_billing_banner=True)  # the page says it itself, with what to do


@manager_route("/licence/checkout", methods=["POST"])
@allowed_when_read_only
def checkout() -> Response:
    """To Stripe Checkout for the chosen plan."""
    data, errors = validate_input(ChoosePlanForm())
    plan = operations.plan_by_id(data.get("plan_id")) if not errors else None
    if plan is None:
        flash(_("Choose one of the plans below."), "error")
        return _back_to_licence()
    return _to_stripe(partial(operations.start_checkout, current_user, current_tenant, plan))


@manager_route("/licence/portal", methods=["POST"])
@allowed_when_read_only
def portal() -> Response:
    """To the Stripe Customer Portal: payment method, invoices, changing or cancelling."""
    return _to_stripe(partial(operations.portal_url, current_user, current_tenant))


@manager_route("/licence/done")
def done() -> Response | str:
    """Where Checkout returns. The redirect proves nothing: the page says "processing" until the
    webhook has confirmed the subscription. A small script (static/licence-done.js) asks this URL
    for JSON every few seconds and updates the status in place — no reload, so nothing moves under
    the reader (a meta refresh would); without script the "look again" link does the same."""
    licence = current_tenant.licence  # read afresh by the tenant hook on each request: a poll sees the webhook
    confirmed = licence is not None and licence.status in CONFIRMED
    if request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json":
        return jsonify(confirmed=confirmed)
    return render_template("billing/done.html", licence=licence, confirmed=confirmed,
                           poll_seconds=POLL_SECONDS, poll_limit=POLL_LIMIT)
