"""Instruments: versioned questionnaires owned by the foundation (platform tables, no tenant_id).

An instrument has domains (in order, labelled in nl/en/ar), items per domain (text per language,
optionally reverse-scored) and a scale of labelled points. A measurement keeps the instrument
version it was taken with, so retiring a version never changes old scores. Only foundation staff
change these tables; tenants read them.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from saas.db import db, utcnow

#: Texts per language: {"nl": "…", "en": "…", "ar": "…"}.
Texts = dict[str, str]


def localized(texts: Texts | None, language: str | None = None) -> str:
    """The text in ``language`` (default: the viewer's), else Dutch, else any there is."""
    if not texts:
        return ""
    if language is None:
        from flask_babel import get_locale  # local: models load before the app has a locale

        language = str(get_locale() or "nl")
    return texts.get(language) or texts.get("nl") or next(iter(texts.values()), "")


class Instrument(db.Model):
    __tablename__ = "instruments"
    #: Every organisation's pages read it: a change raises every tenant's data version.
    feeds_every_tenant = True
    __table_args__ = (sa.UniqueConstraint("code", "version"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    #: Stable name of the questionnaire across versions, e.g. "samen-oplopen-leefgebieden".
    code: Mapped[str] = mapped_column(sa.String(60))
    version: Mapped[int]
    name: Mapped[Texts] = mapped_column(sa.JSON, default=dict)
    description: Mapped[Texts] = mapped_column(sa.JSON, default=dict)
    #: Example items written by the platform (not the licensed questionnaire): shown as such.
    is_example: Mapped[bool] = mapped_column(default=False)
    #: The scale: [{"value": 1, "labels": {"nl": …, "en": …, "ar": …}}, …], lowest first.
    scale: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    #: A domain is scored when at least this share (percent) of its items is answered.
    min_answered_percent: Mapped[int] = mapped_column(default=50)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Retired versions are not offered for new measurements; old measurements keep them.
    retired_at: Mapped[datetime | None]

    domains: Mapped[list[InstrumentDomain]] = relationship(
        back_populates="instrument", order_by="InstrumentDomain.position", cascade="all, delete-orphan")
    items: Mapped[list[InstrumentItem]] = relationship(
        back_populates="instrument", order_by="InstrumentItem.position", cascade="all, delete-orphan")

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


class InstrumentDomain(db.Model):
    __tablename__ = "instrument_domains"
    feeds_every_tenant = True
    __table_args__ = (sa.UniqueConstraint("instrument_id", "code"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    instrument_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("instruments.id", ondelete="CASCADE"))
    #: A life-domain code (tenants.life_domains) where it is one of the nine; free otherwise.
    code: Mapped[str] = mapped_column(sa.String(40))
    position: Mapped[int]
    labels: Mapped[Texts] = mapped_column(sa.JSON, default=dict)

    instrument: Mapped[Instrument] = relationship(back_populates="domains")


class InstrumentItem(db.Model):
    __tablename__ = "instrument_items"
    feeds_every_tenant = True
    __table_args__ = (sa.UniqueConstraint("instrument_id", "code"), sa.Index(None, "domain_id"))

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    instrument_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("instruments.id", ondelete="CASCADE"))
    domain_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("instrument_domains.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(sa.String(40))
    position: Mapped[int]
    texts: Mapped[Texts] = mapped_column(sa.JSON, default=dict)
    #: Agreement means a worse situation ("I often worry about money"): scored max + min − answer.
    reverse_scored: Mapped[bool] = mapped_column(default=False)

    instrument: Mapped[Instrument] = relationship(back_populates="items")
    domain: Mapped[InstrumentDomain] = relationship()
