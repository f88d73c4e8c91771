"""Entitlements at request time: what the current tenant's licence allows (saas.billing.status),
and read-only mode — every write route of a tenant refused with a clear message, nothing changed.

The tenant hook (saas.web.tenant) loads the licence together with the membership, in one
statement, and runs :func:`refuse_writes_when_read_only` before the view (:func:`contribute` adds it,
with the banner's template context, from the package's front door): a refused write
never reaches the view, so it cannot change anything, whatever the view does. Reading and
exporting (GET) keep working; billing never deletes case data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

from flask import abort, current_app, g, make_response, render_template, request, url_for
from flask_babel import format_date

from saas.auth.roles import Role
from saas.billing.models import Licence
from saas.billing.status import Access, Entitlement, entitlement
from saas.clock import local_today
from saas.errors import error_response, wants_json
from saas.i18n import _
from saas.web.tenant import add_entry_check, add_template_context

View = TypeVar("View", bound=Callable[..., Any])

#: Methods that only read (RFC 9110 "safe"); every other method is a write.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

#: The licence page of the billing pages; the banner and the mails link to it once it exists.
LICENCE_ENDPOINT = "licence.index"


def allowed_when_read_only(view: View) -> View:
    """Mark a tenant write route that must keep working under read-only: paying for the licence
    (checkout, the Customer Portal) is how a tenant gets out of it. The read-only meta-test reads
    the mark (``allowed_when_read_only``) like the role tests read ``allowed_roles``."""
    view.allowed_when_read_only = True  # type: ignore[attr-defined]
    return view


def licence_entitlement(licence: Licence | None, today: date) -> Entitlement:
    """What ``licence`` allows on ``today``, with the configured grace period (None: full use)."""
    if licence is None:
        return entitlement(None, today)
    return entitlement(
        licence.status,
        today,
        past_due_since=licence.past_due_since,
        manual_until=licence.manual_until,
        grace_days=current_app.config["BILLING_GRACE_DAYS"],
    )


def current_entitlement() -> Entitlement:
    """The current tenant's entitlement today, computed once per request from its licence
    (loaded by the tenant hook; outside a tenant there is none, which means full use)."""
    cached = g.get("entitlement")
    if cached is None:
        tenant = g.get("tenant")
        cached = g.entitlement = licence_entitlement(tenant.licence if tenant is not None else None, local_today())
    return cached


def licence_page_path(**values: Any) -> str | None:
    """The path of the licence page (of the current tenant unless ``tenant_slug`` is given),
    or None while the billing pages are not installed."""
    if LICENCE_ENDPOINT not in current_app.view_functions:
        return None
    return url_for(LICENCE_ENDPOINT, **values)


def read_only_message(state: Entitlement) -> str:
    """What read-only means, for the refusal page, its JSON and the banner."""
    if state.read_only_from is not None:
        return _(
            "This organisation's licence is read-only since %(date)s: you can read and export everything, "
            "but not change anything. A manager can renew the licence on the Licence page.",
            date=format_date(state.read_only_from),
        )
    return _(
        "This organisation's licence is read-only: you can read and export everything, but not change "
        "anything. A manager can renew the licence on the Licence page."
    )


def refuse_writes_when_read_only(endpoint: str | None) -> None:
    """Abort a write to a tenant route with 403 while the licence is read-only, unless the view is
    marked :func:`allowed_when_read_only`. Called by the tenant hook, before the view."""
    if request.method in SAFE_METHODS:
        return
    view = current_app.view_functions.get(endpoint or "")
    if getattr(view, "allowed_when_read_only", False):
        return
    state = current_entitlement()
    if state.read_only:
        abort(_refusal(state))


def _refusal(state: Entitlement) -> Any:
    message = read_only_message(state)
    if wants_json():
        return error_response(403, message)
    return make_response(
        render_template(
            "billing/read_only.html", message=message, licence_url=licence_page_path(), hide_billing_banner=True
        ),
        403,
    )


@dataclass(frozen=True)
class Banner:
    """The licence notice at the top of a tenant page (saas/templates/billing/_banner.html)."""

    access: Access
    message: str
    #: The licence page, shown to managers only (they are the ones who can renew).
    licence_url: str | None


def billing_banner() -> Banner | None:
    """The banner for the current member: managers see a failed payment during the grace period,
    everyone sees read-only; nothing otherwise."""
    state = current_entitlement()
    is_manager = g.membership.role == Role.MANAGER
    # The link is for managers (they can renew), and pointless on the licence page itself.
    link = licence_page_path() if is_manager and request.endpoint != LICENCE_ENDPOINT else None
    if state.access == Access.GRACE and is_manager and state.read_only_from is not None:
        last_full_day = state.read_only_from - timedelta(days=1)
        return Banner(
            state.access,
            _(
                "A payment failed. Full use continues until %(date)s; then the organisation "
                "becomes read-only. Renew on the Licence page.",
                date=format_date(last_full_day),
            ),
            link,
        )
    if state.read_only:
        return Banner(state.access, read_only_message(state), link)
    return None


def billing_template_context() -> dict[str, Any]:
    """Template context of tenant pages: ``billing_banner()`` (called by the banner include, so
    pages that do not show it compute nothing)."""
    return {"billing_banner": billing_banner}


def contribute() -> None:
    """Billing's part of every tenant request: writes refused while read-only, and the banner."""
    add_entry_check("billing.read_only", refuse_writes_when_read_only)
    add_template_context("billing", billing_template_context)
