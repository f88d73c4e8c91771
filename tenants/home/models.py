"""Acknowledged signals: a coordinator has seen a signal and handled it (or decided to let it be)."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from saas.auth.models import User
from saas.db import TenantScoped, db, utcnow


class SignalAcknowledgement(TenantScoped, db.Model):
    """A signal marked as seen. ``key`` holds what made the signal fire (e.g. the date of the last
    contact), so the same signal returns when the situation changes and fires anew."""

    __tablename__ = "signal_acknowledgements"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "kind", "subject_id", "key"),)

    kind: Mapped[str] = mapped_column(sa.String(40))
    subject_id: Mapped[uuid.UUID]
    key: Mapped[str] = mapped_column(sa.String(80))
    acknowledged_by_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    acknowledged_by: Mapped[User | None] = relationship()
