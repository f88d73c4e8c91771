"""Audit events. Both tables are append-only: the migration installs triggers refusing changes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from saas.db import TenantScoped, db, utcnow

if TYPE_CHECKING:
    from saas.auth.models import User  # audit sits below auth: auth records its events here


class AuditEvent(TenantScoped, db.Model):
    """Something that happened inside one tenant (writes, and staff views of case files)."""

    __tablename__ = "audit_events"
    bookkeeping = True
    __table_args__ = (sa.Index(None, "tenant_id", "at"),)

    #: The acting person; None for the system (jobs, webhooks).
    actor_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    #: Dotted verb, e.g. "member.role_changed"; translated for display by saas.audit.labels.
    action: Mapped[str] = mapped_column(sa.String(60))
    #: Kind and id of the object acted upon.
    object_type: Mapped[str | None] = mapped_column(sa.String(40))
    object_id: Mapped[str | None] = mapped_column(sa.String(64))
    #: Non-sensitive facts about the change (never note texts or secrets).
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    #: Client address as seen through the configured proxies.
    ip: Mapped[str | None] = mapped_column(sa.String(45))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship()


class PlatformEvent(db.Model):
    """Something that happened outside a tenant: sign-ins, password resets, tenant creation."""

    __tablename__ = "platform_events"
    __table_args__ = (sa.Index(None, "user_id", "at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    #: The person concerned, when known (a failed sign-in for an unknown address has none).
    user_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    #: The tenant concerned, for foundation actions such as creating one.
    tenant_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("tenants.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(sa.String(60))
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(sa.String(45))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User | None] = relationship()
