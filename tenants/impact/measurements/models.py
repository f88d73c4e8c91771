"""Measurements of a family at T0/T1/Tend, their answers and domain scores."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from saas.auth.models import User
from saas.db import TenantScoped, db, enum_type, tenant_fk, utcnow
from tenants.families.models import Family
from tenants.impact.instruments.models import Instrument
from tenants.impact.measurements.scoring import in_units
from tenants.impact.vocabulary import MeasurementStatus, Mode, Moment


class Measurement(TenantScoped, db.Model):
    """One measurement of a family at one moment, taken with one instrument version."""

    __tablename__ = "measurements"
    __table_args__ = (
        tenant_fk("family_id", "families", ondelete="CASCADE"),
        sa.UniqueConstraint("tenant_id", "family_id", "moment"),
        sa.Index(None, "tenant_id", "moment", "status"),
    )

    family_id: Mapped[uuid.UUID]
    instrument_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("instruments.id", ondelete="RESTRICT"))
    moment: Mapped[Moment] = mapped_column(enum_type(Moment, "moment"))
    taken_on: Mapped[date]
    status: Mapped[MeasurementStatus] = mapped_column(enum_type(MeasurementStatus, "measurement_status"),
                                                      default=MeasurementStatus.IN_PROGRESS)
    mode: Mapped[Mode] = mapped_column(enum_type(Mode, "measurement_mode"), default=Mode.INTERVIEW)
    #: The language the items were shown in (the family's language): nl, en or ar.
    language: Mapped[str] = mapped_column(sa.String(5), default="nl")
    administered_by_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    #: The coordinator's remark; encrypted.
    comment_sealed: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]

    family: Mapped[Family] = relationship(viewonly=True)
    instrument: Mapped[Instrument] = relationship()
    administered_by: Mapped[User | None] = relationship()
    answers: Mapped[list[Answer]] = relationship(back_populates="measurement", cascade="all, delete-orphan")
    scores: Mapped[list[DomainScore]] = relationship(back_populates="measurement", cascade="all, delete-orphan")


class Answer(TenantScoped, db.Model):
    """The answer to one item; ``value`` None means asked but not answered."""

    __tablename__ = "measurement_answers"
    __table_args__ = (
        tenant_fk("measurement_id", "measurements", ondelete="CASCADE"),
        sa.UniqueConstraint("tenant_id", "measurement_id", "item_id"),
    )

    measurement_id: Mapped[uuid.UUID]
    item_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("instrument_items.id", ondelete="RESTRICT"))
    value: Mapped[int | None] = mapped_column(sa.SmallInteger)

    measurement: Mapped[Measurement] = relationship(back_populates="answers")


def _mean_in_units(context: Any) -> int | None:
    """The default of ``mean_units`` for a row written with its decimal ``mean`` only (loaded by hand,
    or a test's fixture): that mean, which is exact in units of 1/SCORE_SCALE (four decimals at most)."""
    mean = context.get_current_parameters().get("mean")
    return None if mean is None else in_units(Fraction(mean))


class DomainScore(TenantScoped, db.Model):
    """A domain's score in a measurement, computed by tenants.impact.measurements.scoring when answers are saved,
    so dashboards aggregate in SQL. ``mean`` is None when too few items were answered.

    ``mean`` is rounded to four decimals (for reading); ``mean_units`` is the exact mean in units of
    1/saas.foundation.measures.SCORE_SCALE, a whole number because that unit is a multiple of every
    possible count of answered items. Sums over families are taken over ``mean_units``, so a mean of
    means is exact (three families on 7/3, 7/3 and 2.34 average 2.335, shown as 2.34, where the rounded
    2.3333 would give 2.3349)."""

    __tablename__ = "domain_scores"
    __table_args__ = (
        tenant_fk("measurement_id", "measurements", ondelete="CASCADE"),
        sa.UniqueConstraint("tenant_id", "measurement_id", "domain_code"),
        sa.Index(None, "tenant_id", "domain_code"),
    )

    measurement_id: Mapped[uuid.UUID]
    domain_code: Mapped[str] = mapped_column(sa.String(40))
    mean: Mapped[Decimal | None] = mapped_column(sa.Numeric(6, 4))
    mean_units: Mapped[int | None] = mapped_column(default=_mean_in_units)
    answered: Mapped[int] = mapped_column(default=0)
    items: Mapped[int] = mapped_column(default=0)

    measurement: Mapped[Measurement] = relationship(back_populates="scores")
