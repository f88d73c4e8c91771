"""Acknowledged signals (a coordinator has seen a signal and handled it, or decided to let it be),
and each tenant's snapshot of its computed signals (tenants.home.snapshots)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

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


class SignalSnapshot(TenantScoped, db.Model):
    """The bound tenant's signals as last computed (tenants.home.snapshots): one row per tenant,
    whose ``id`` is the tenant's own, so the sealed signals stay bound to it whichever request
    wrote the row. Kept until a change to what the signals are computed from marks it stale, or
    the day changes."""

    __tablename__ = "signal_snapshots"
    bookkeeping = True
    __table_args__ = (sa.UniqueConstraint("tenant_id"),)

    #: The local day the signals were computed for: another day computes them anew.
    computed_for: Mapped[date]
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Set by a change to what the signals are computed from (in the transaction of that change).
    stale: Mapped[bool] = mapped_column(default=False)
    #: Raised with every change marking it stale: a computation stores its result only when no
    #: change came in since it read the row (a change committed while it computed is not lost).
    version: Mapped[int] = mapped_column(default=0)
    #: The signals, acknowledged or not, as JSON sealed with the tenant's key (they name families).
    signals_sealed: Mapped[bytes] = mapped_column(sa.LargeBinary)
