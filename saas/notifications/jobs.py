"""The scheduled side of notifications: jobs that notify inside each tenant in turn, the hourly
retry of what could not be sent, and the daily notifications digest for people who get no other
digest (volunteers, report viewers); staff's digest notifications join their daily signals digest
(tenants.home.digests reads them with :func:`digest_items`)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from saas.auth.models import User
from saas.auth.roles import STAFF_ROLES
from saas.db import db, tenant_context, utcnow
from saas.jobs.registry import Daily, Details, Hourly, Job
from saas.mail import link_to, recipient_locale, send_mail
from saas.notifications.models import Notification, Status
from saas.notifications.preferences import roles_of
from saas.notifications.registry import Choice
from saas.notifications.sending import deliver_pending, render, start_delivery
from saas.tenancy.models import Tenant

logger = logging.getLogger("saas.notifications")


def each_tenant(work: Callable[[Tenant], int], *, deliver: bool = True) -> Details:
    """Run ``work`` (which returns how many notifications or mails it made) inside every active
    tenant, committing each tenant on its own (one tenant's failure is logged, the others go on),
    then, with ``deliver``, send the tenant's at-once notifications."""
    count, failed = 0, []
    # Tenants are a platform table: listing them crosses no tenant's data.
    tenant_ids = db.session.scalars(select(Tenant.id).where(Tenant.is_active).order_by(Tenant.slug)).all()
    for tenant_id in tenant_ids:
        try:
            # A request context lets url_for build the links (made absolute with BASE_URL).
            with tenant_context(db.session, tenant_id), current_app.test_request_context():
                made = work(db.session.get_one(Tenant, tenant_id))
                db.session.commit()
        except Exception:  # one tenant's failure must not cost the others their notifications
            db.session.rollback()
            logger.exception("notifications for tenant %s failed", tenant_id)
            failed.append(str(tenant_id))
            continue
        count += made
        if deliver and made:
            start_delivery(tenant_id)
    return {"tenants": len(tenant_ids), "count": count, "failed_tenant_ids": failed}


@dataclass(frozen=True)
class DigestItem:
    line: str
    link: str


def _pending_digest(user_id: uuid.UUID) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(
        Notification.recipient_id == user_id, Notification.status == Status.PENDING,
        Notification.delivery == Choice.DIGEST).order_by(Notification.created_at)))


def digest_items(user: User) -> list[DigestItem]:
    """The bound tenant's notifications waiting for ``user``'s digest, each as its subject line in
    their language, and marked as sent: the caller queues the digest mail in the same transaction,
    so both are committed together (or neither)."""
    rows = _pending_digest(user.id)
    items = [DigestItem(render(row).subject, row.link) for row in rows]
    for row in rows:
        row.status, row.sent_at = Status.SENT, utcnow()
    return items


def _notifications_digest(tenant: Tenant) -> int:
    """One mail per person who is not staff here (staff read theirs in the signals digest)."""
    waiting = db.session.scalars(select(Notification.recipient_id).distinct().where(
        Notification.status == Status.PENDING, Notification.delivery == Choice.DIGEST)).all()
    roles = roles_of(waiting)
    sent = 0
    for user_id, role in roles.items():
        if role in STAFF_ROLES:
            continue
        user = db.session.get_one(User, user_id)
        items = digest_items(user)
        send_mail(user.email, "notifications_digest", recipient_locale(user, tenant), tenant=tenant, user=user,
                  items=items, preferences_link=link_to("notifications.edit", tenant_slug=tenant.slug))
        sent += 1
    return sent


def send_notification_digests() -> Details:
    return each_tenant(_notifications_digest, deliver=False)


def retry_pending() -> Details:
    """Send what is still pending (the queue was down, the SMTP server refused): hourly."""
    return each_tenant(lambda tenant: deliver_pending(str(tenant.id)), deliver=False)


notifications_digest = Job("notifications_digest", send_notification_digests, Daily(hour=7),
                           "the daily digest of notifications for people without a signals digest")
notifications_retry = Job("notifications_retry", retry_pending, Hourly(),
                          "send notifications that could not be sent at once")
