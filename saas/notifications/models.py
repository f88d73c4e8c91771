"""What each person chose per kind of notification, and every notification made (the sent log).

The sent log is what makes notifications idempotent: one row per event kind, subject, event key
and recipient (a unique constraint), so a retried job or a repeated request finds the row and sends
nothing new. Its status moves pending → sending → sent (or back to pending after a failure, and
failed after the last attempt); a digest row waits as pending until a digest takes it.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from saas.auth.models import User
from saas.db import TenantScoped, db, enum_type, utcnow
from saas.enums import LabelledEnum
from saas.i18n import L_
from saas.notifications.registry import Choice


class Status(LabelledEnum):
    PENDING = "pending", L_("Waiting")
    SENDING = "sending", L_("Being sent")
    SENT = "sent", L_("Sent")
    FAILED = "failed", L_("Not sent")


class NotificationPreference(TenantScoped, db.Model):
    """A person's choice for one kind of notification in this tenant (no row: the kind's default)."""

    __tablename__ = "notification_preferences"
    bookkeeping = True
    __table_args__ = (sa.UniqueConstraint("tenant_id", "user_id", "kind"),)

    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(40))
    choice: Mapped[Choice] = mapped_column(enum_type(Choice, "notification_choice"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Notification(TenantScoped, db.Model):
    """One notification for one person about one event: made in the transaction of the event,
    sent after the commit (at once) or in a digest."""

    __tablename__ = "notifications"
    bookkeeping = True
    __table_args__ = (
        sa.UniqueConstraint("tenant_id", "kind", "subject_id", "event_key", "recipient_id"),
        sa.Index(None, "tenant_id", "status", "delivery"),
    )

    kind: Mapped[str] = mapped_column(sa.String(40))
    #: The row the event is about (a contact, a match, an enrolment …), as text.
    subject_id: Mapped[str] = mapped_column(sa.String(80))
    #: What makes this event distinct for that subject (the new state and its day, a date …).
    event_key: Mapped[str] = mapped_column(sa.String(80))
    recipient_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    #: AT_ONCE or DIGEST: the choice in force when the event happened.
    delivery: Mapped[Choice] = mapped_column(enum_type(Choice, "notification_delivery"))
    status: Mapped[Status] = mapped_column(enum_type(Status, "notification_status"), default=Status.PENDING)
    #: The absolute address of the page that resolves it.
    link: Mapped[str] = mapped_column(sa.String(500))
    #: What the template needs besides the recipient: case numbers, names, ISO dates. Never a family name.
    params: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(sa.String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    #: While "sending": when a sender that died on it may be presumed gone (saas.notifications.sending).
    lease_until: Mapped[datetime | None]

    recipient: Mapped[User] = relationship()
