"""Billing e-mail to a tenant's managers: a payment failed, and read-only is near.

Managers are the ones who can renew, so only they are mailed, each in their own language. The
mails are queued on the session (saas.mail) and leave only when the transaction commits: a
webhook that rolls back mails nobody.

Memberships are a tenant table (row-level security on PostgreSQL), so the managers are read
inside the licence's tenant; the licences themselves are a platform table.

The reminder (:data:`billing_reminders`, a daily job) warns once per read-only start: it records
the day it warned on the licence (``read_only_warning_sent_on``), and a warning sent inside the
warning window of the current start counts as done. A new start (a new failed payment, a manual
licence extended) opens a new window, so it is warned about again.
"""

from __future__ import annotations

import logging
from contextlib import AbstractContextManager, nullcontext
from datetime import date, timedelta

from flask import current_app, has_request_context, url_for
from sqlalchemy import select

from saas.auth.models import Membership, User
from saas.auth.roles import Role
from saas.billing.entitlements import licence_entitlement, licence_page_path
from saas.billing.models import Licence
from saas.billing.status import LicenceStatus
from saas.clock import local_today
from saas.db import db, tenant_context
from saas.jobs.registry import Daily, Details, Job
from saas.mail import recipient_locale, send_mail
from saas.tenancy.models import Tenant

logger = logging.getLogger("saas.billing.notices")

PAYMENT_FAILED = "billing_payment_failed"
READ_ONLY_SOON = "billing_read_only_soon"

#: Only these statuses have a read-only start ahead of them (the end of a grace period or of a
#: manual licence); the reminder job looks at no other licence.
STATUSES_WITH_AN_END = (LicenceStatus.PAST_DUE, LicenceStatus.MANUAL)


def payment_failed(licence: Licence) -> None:
    """Queue a mail to every active manager of the licence's tenant: a payment failed, and from
    which day the organisation becomes read-only (or that it already is). Not for a first payment
    that failed while the manager is still in Checkout (``incomplete``): Stripe shows that there, and
    there is no grace period to announce."""
    if licence.status == LicenceStatus.INCOMPLETE:
        return
    _mail_managers(licence, PAYMENT_FAILED, read_only_from=read_only_start_after_failure(licence, local_today()))


def read_only_start_after_failure(licence: Licence, today: date) -> date | None:
    """The first read-only day after a failed payment; None when the licence is read-only already.

    The failure may arrive before the subscription's update to past_due (Stripe does not order
    its events), so a licence that still has full use counts its grace period from today.
    """
    state = licence_entitlement(licence, today)
    if state.read_only:
        return None
    if state.read_only_from is not None:
        return state.read_only_from
    return (licence.past_due_since or today) + timedelta(days=current_app.config["BILLING_GRACE_DAYS"])


def reminder_due(licence: Licence, today: date) -> date | None:
    """The read-only start to warn about today, or None (none ahead, not yet within
    ``BILLING_WARNING_DAYS``, already read-only, or already warned about this start)."""
    state = licence_entitlement(licence, today)
    if state.read_only or state.read_only_from is None:
        return None
    window_opens = state.read_only_from - timedelta(days=current_app.config["BILLING_WARNING_DAYS"])
    sent = licence.read_only_warning_sent_on
    if today < window_opens or (sent is not None and sent >= window_opens):
        return None
    return state.read_only_from


def send_read_only_reminders() -> Details:
    """Warn the managers of every active tenant whose read-only start is near (once per start).

    Each licence is committed on its own, with its mails: one failure is logged and counted, and
    the others still get theirs.
    """
    today = local_today()
    # Licences and tenants are platform tables: listing them crosses no tenant's data.
    licences = db.session.scalars(
        select(Licence).join(Tenant, Tenant.id == Licence.tenant_id)
        .where(Tenant.is_active, Licence.status.in_(STATUSES_WITH_AN_END)).order_by(Tenant.slug)).all()
    warned = mails = failed = 0
    for licence in licences:
        starts = reminder_due(licence, today)
        if starts is None:
            continue
        try:
            sent = _mail_managers(licence, READ_ONLY_SOON, read_only_from=starts)
            licence.read_only_warning_sent_on = today
            db.session.commit()
        except Exception:  # one tenant's failure must not cost the others their warning
            db.session.rollback()
            logger.exception("read-only reminder for tenant %s failed", licence.tenant_id)
            failed += 1
        else:
            warned, mails = warned + 1, mails + sent
    return {"tenants": warned, "mails": mails, "failed_tenants": failed}


billing_reminders = Job("billing_reminders", send_read_only_reminders, Daily(hour=8),
                        "tell managers by e-mail that their organisation becomes read-only soon")


def _mail_managers(licence: Licence, template: str, *, read_only_from: date | None) -> int:
    """Queue ``template`` to each active manager of the licence's tenant; the number queued."""
    with tenant_context(db.session, licence.tenant_id), _url_building():
        tenant = db.session.get_one(Tenant, licence.tenant_id)
        managers = db.session.scalars(select(User).join(Membership, Membership.user_id == User.id).where(
            Membership.is_active, Membership.role == Role.MANAGER, User.is_active).order_by(User.name)).all()
        path = licence_page_path(tenant_slug=tenant.slug) or url_for("home.index", tenant_slug=tenant.slug)
        for user in managers:
            send_mail(user.email, template, recipient_locale(user, tenant), tenant=tenant, user=user, licence=licence,
                      read_only_from=read_only_from, licence_url=current_app.config["BASE_URL"] + path)
    return len(managers)



def _url_building() -> AbstractContextManager[object]:
    """A request context for ``url_for`` when there is none (the job); a webhook has its own."""
    return nullcontext() if has_request_context() else current_app.test_request_context()
