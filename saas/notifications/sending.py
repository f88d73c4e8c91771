"""notify(): record a notification for each recipient in the event's own transaction, and send
it after the commit through the job queue — never inside the request, never twice.

* :func:`notify` is called by an operation (it only flushes). For each recipient it applies their
  choice (safety events: always at once; "off": nothing) and adds one :class:`Notification` row,
  unless that event was already notified to them (the unique key: kind, subject, event key,
  recipient), so a repeated request or a retried job adds nothing.
* In a request, :func:`saas.web.after_commit` then starts :data:`TASK` for the tenant (inline
  without Redis, on a worker with it); a job calls :func:`start_delivery` after its own commit.
  A rollback leaves no row, so nothing is sent for a change that was not saved.
* :func:`deliver_pending` claims each row (pending → sending, committed) before it sends, so two
  workers never send the same row; a failed send goes back to pending (the hourly job retries it)
  and is given up after :data:`MAX_ATTEMPTS`. A failure is logged, never raised to the request.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from collections.abc import Iterable
from contextlib import nullcontext
from datetime import date, timedelta
from typing import Any, cast

from flask import current_app, g, has_request_context, render_template
from sqlalchemy import CursorResult, case, select, update
from sqlalchemy.exc import IntegrityError

from saas.auth.models import User
from saas.db import bound_tenant_id, db, tenant_context, utcnow
from saas.i18n import force_locale
from saas.jobs.tasks import run_task
from saas.mail import Mail, link_to, recipient_locale
from saas.notifications.models import Notification, Status
from saas.notifications.preferences import effective_choice, roles_of, stored_choices
from saas.notifications.registry import Choice, EventKind, channels_of, kind_named
from saas.tenancy.models import Tenant
from saas.web import after_commit

logger = logging.getLogger("saas.notifications")

TASK = "saas.notifications.sending:deliver_pending"
#: Sends tried before a notification is given up (the hourly job retries in between).
MAX_ATTEMPTS = 5
#: How long a claimed row may stay "sending" before a later run takes it back.
SENDING_LEASE = timedelta(minutes=15)
#: Rows one delivery run takes; the next run takes the rest.
BATCH = 200
_SCHEDULED = "notifications_scheduled"
ERROR_LENGTH: int = Notification.error.type.length


def tenant_link(endpoint: str, **values: Any) -> str:
    """The absolute address of a page of the bound tenant (in a request or a job)."""
    tenant = db.session.get_one(Tenant, bound_tenant_id(db.session))
    return link_to(endpoint, tenant_slug=tenant.slug, **values)


def notify(kind: EventKind, recipients: Iterable[User | None], *, subject_id: Any, event_key: str, link: str,
           **params: Any) -> list[Notification]:
    """Notify ``recipients`` (members of the bound tenant; None and non-members are skipped) of an
    event; returns the rows added. ``params`` go to the template: text, numbers, and dates (kept as
    ISO text: the template writes ``|iso_date``)."""
    people = {user.id: user for user in recipients if user is not None and user.is_active}
    if not people:  # a volunteer without an account, a family without a coordinator
        return []
    roles = roles_of(people)
    stored = stored_choices(roles)
    added = []
    for user_id, role in roles.items():
        choice = effective_choice(kind, role, stored.get((user_id, kind.key)))
        if choice == Choice.OFF:
            continue
        row = _add_once(Notification(kind=kind.key, subject_id=str(subject_id), event_key=event_key,
                                     recipient_id=user_id, delivery=choice, link=link, params=_storable(params)))
        if row is not None:
            added.append(row)
    if any(row.delivery == Choice.AT_ONCE for row in added):
        _deliver_after_commit()
    return added


def _storable(params: dict[str, Any]) -> dict[str, Any]:
    return {key: value.isoformat() if isinstance(value, date) else value for key, value in params.items()}


def _add_once(row: Notification) -> Notification | None:
    """Add ``row`` unless this event was notified to this person already (also by a request at the
    same moment: the unique key refuses the second, whose savepoint rolls back)."""
    exists = db.session.scalar(select(Notification.id).where(
        Notification.kind == row.kind, Notification.subject_id == row.subject_id,
        Notification.event_key == row.event_key, Notification.recipient_id == row.recipient_id))
    if exists is not None:
        return None
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        return None
    return row


def _deliver_after_commit() -> None:
    """In a request: start the delivery once the request has committed (once per request). Outside
    one, the job that called notify() calls start_delivery after its commit."""
    if not has_request_context() or g.get(_SCHEDULED):
        return
    g.setdefault(_SCHEDULED, True)
    tenant_id = bound_tenant_id(db.session)
    after_commit(lambda: start_delivery(tenant_id))


def start_delivery(tenant_id: uuid.UUID | None) -> None:
    """Run or queue the delivery of the tenant's pending notifications. A queue that cannot be
    reached is logged: the rows stay pending and the hourly job sends them."""
    try:
        run_task(TASK, tenant_id=str(tenant_id))
    except Exception:
        logger.exception("notifications of tenant %s could not be sent now", tenant_id)
        db.session.rollback()


def deliver_pending(tenant_id: str) -> int:
    """Send the tenant's pending at-once notifications; returns how many were sent."""
    tenant_uuid = uuid.UUID(tenant_id)
    sent = 0
    with tenant_context(db.session, tenant_uuid):
        _release_expired_claims()
        ids = db.session.scalars(select(Notification.id).where(
            Notification.status == Status.PENDING, Notification.delivery == Choice.AT_ONCE)
            .order_by(Notification.created_at).limit(BATCH)).all()
        db.session.commit()
        for notification_id in ids:
            sent += _send_one(notification_id)
    return sent


def _release_expired_claims() -> None:
    """Rows left "sending" by a sender that died (a killed worker) go back to pending once their
    lease expired, or are given up after MAX_ATTEMPTS: never "sending" forever. (Such a mail may have
    left before the sender died: at most one more copy, never none.)"""
    expired = (Notification.status == Status.SENDING) & (Notification.lease_until < utcnow())
    db.session.execute(update(Notification).where(expired).values(
        status=case((Notification.attempts < MAX_ATTEMPTS, Status.PENDING), else_=Status.FAILED),
        error="the sender stopped while sending").execution_options(synchronize_session=False))


def _claim(notification_id: uuid.UUID) -> bool:
    """Move the row from pending to sending and commit: only one sender wins it, for SENDING_LEASE."""
    result = db.session.execute(update(Notification).where(
        Notification.id == notification_id, Notification.status == Status.PENDING).values(
        status=Status.SENDING, attempts=Notification.attempts + 1, lease_until=utcnow() + SENDING_LEASE))
    db.session.commit()
    return bool(cast("CursorResult[Any]", result).rowcount)


def _send_one(notification_id: uuid.UUID) -> int:
    if not _claim(notification_id):
        return 0
    row = db.session.get_one(Notification, (bound_tenant_id(db.session), notification_id), populate_existing=True)
    try:
        kind = kind_named(row.kind)
        if kind is None:
            raise LookupError(f"unknown notification kind {row.kind!r}")
        mail = render(row)
        for channel in channels_of(kind):
            channel.send(row.recipient, mail)
    except (OSError, smtplib.SMTPException, LookupError) as exc:
        logger.exception("notification %s (%s) to %s not sent", row.id, row.kind, row.recipient_id)
        row.status = Status.PENDING if row.attempts < MAX_ATTEMPTS else Status.FAILED
        row.error = f"{type(exc).__name__}: {exc}"[:ERROR_LENGTH]
        db.session.commit()
        return 0
    row.status, row.sent_at, row.error = Status.SENT, utcnow(), None
    db.session.commit()
    return 1


def render(row: Notification) -> Mail:
    """The notification's mail, in the recipient's language (``mail/notifications/<template>.txt``)."""
    kind = kind_named(row.kind)
    if kind is None:
        raise LookupError(f"unknown notification kind {row.kind!r}")
    tenant = db.session.get_one(Tenant, row.tenant_id)
    user = row.recipient
    # Babel's forced locale needs a request context: a job has none of its own.
    with nullcontext() if has_request_context() else current_app.test_request_context(), \
            force_locale(recipient_locale(user, tenant)):
        rendered = render_template(f"mail/notifications/{kind.template}.txt", user=user, tenant=tenant,
                                   link=row.link,
                                   preferences_link=link_to("notifications.edit", tenant_slug=tenant.slug),
                                   **(row.params or {}))
    subject, _, body = rendered.strip().partition("\n")
    return Mail(to=user.email, subject=subject.strip(), body=body.strip() + "\n")
