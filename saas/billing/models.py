"""Plans, each tenant's licence, and the Stripe events received (platform tables: the billing of
an organisation, no case data).

Amounts are integer cents. A tenant has at most one :class:`Licence`; its Stripe customer id is
unique, and it is how a webhook finds the tenant (never through the event's metadata alone).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from saas.billing.status import LicenceStatus
from saas.db import db, enum_type, utcnow
from saas.enums import LabelledEnum
from saas.i18n import L_
from saas.tenancy.models import Tenant


class Interval(LabelledEnum):
    MONTH = "month", L_("per month")
    YEAR = "year", L_("per year")


class Plan(db.Model):
    """A licence the foundation offers, mapped to a Stripe price (``stripe_price_id``)."""

    __tablename__ = "plans"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str | None] = mapped_column(sa.String(1000))
    amount_cents: Mapped[int]
    currency: Mapped[str] = mapped_column(sa.String(3), default="eur")
    interval: Mapped[Interval] = mapped_column(enum_type(Interval, "plan_interval"), default=Interval.YEAR)
    trial_days: Mapped[int] = mapped_column(default=0)
    #: The tier's limits (None: no limit); shown to managers choosing a plan.
    max_municipalities: Mapped[int | None]
    max_active_matches: Mapped[int | None]
    stripe_price_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def monthly_cents(self) -> int:
        """The amount per month (a yearly plan divided by twelve, rounded down)."""
        return self.amount_cents if self.interval == Interval.MONTH else self.amount_cents // 12

    @property
    def yearly_cents(self) -> int:
        """The amount per year (exact: not twelve times the rounded monthly amount)."""
        return self.amount_cents * 12 if self.interval == Interval.MONTH else self.amount_cents


class Licence(db.Model):
    """A tenant's licence: its Stripe customer and subscription as the webhooks last reported them,
    or a licence invoiced outside Stripe (``status`` MANUAL, until ``manual_until``)."""

    __tablename__ = "licences"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    tenant_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("tenants.id", ondelete="RESTRICT"), unique=True)
    plan_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("plans.id", ondelete="RESTRICT"))
    status: Mapped[LicenceStatus | None] = mapped_column(enum_type(LicenceStatus, "licence_status"))
    stripe_customer_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    stripe_subscription_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    current_period_end: Mapped[datetime | None]
    cancel_at_period_end: Mapped[bool] = mapped_column(default=False)
    trial_end: Mapped[datetime | None]
    #: The day the first payment of the current arrears failed: the grace period counts from it.
    past_due_since: Mapped[date | None]
    #: For a licence invoiced outside Stripe: the last day it covers.
    manual_until: Mapped[date | None]
    #: ``created`` (Unix time) of the newest Stripe event applied: older ones arrive late and are ignored.
    last_event_created: Mapped[int | None] = mapped_column(sa.BigInteger)
    #: When managers were told that read-only is near (once per grace period).
    read_only_warning_sent_on: Mapped[date | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    tenant: Mapped[Tenant] = relationship()
    plan: Mapped[Plan | None] = relationship()


class EventOutcome(LabelledEnum):
    PROCESSED = "processed", L_("Processed")
    IGNORED = "ignored", L_("Ignored")


class StripeEvent(db.Model):
    """Every Stripe event that passed the signature check, by its id: a second delivery of the same
    id is acknowledged and does nothing (idempotency). Refused deliveries (bad signature, stale,
    unreadable) are only logged: nothing about them can be trusted."""

    __tablename__ = "stripe_events"

    id: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    type: Mapped[str] = mapped_column(sa.String(100))
    created: Mapped[int] = mapped_column(sa.BigInteger)
    tenant_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("tenants.id", ondelete="SET NULL"))
    outcome: Mapped[EventOutcome] = mapped_column(enum_type(EventOutcome, "stripe_event_outcome"))
    #: Why it was ignored (unknown customer, event type we do not handle, older than the state…).
    reason: Mapped[str | None] = mapped_column(sa.String(300))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
