"""Reads of the instruments (platform tables): the versions with their sizes, one version with its
domains and items, and the version new measurements use. Each a fixed number of statements."""

from __future__ import annotations

import uuid

from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from saas.db import db
from tenants.impact.instruments.models import Instrument, InstrumentDomain, InstrumentItem

#: The code of the platform's default instrument (default_instrument.yaml, with example items).
DEFAULT_CODE = "samen-oplopen-leefgebieden"


def instrument_rows() -> list[tuple[Instrument, int, int]]:
    """Every version with its number of domains and items, in one statement."""
    domains = (
        select(func.count(InstrumentDomain.id))
        .where(InstrumentDomain.instrument_id == Instrument.id)
        .correlate(Instrument)
        .scalar_subquery()
    )
    items = (
        select(func.count(InstrumentItem.id))
        .where(InstrumentItem.instrument_id == Instrument.id)
        .correlate(Instrument)
        .scalar_subquery()
    )
    query = select(Instrument, domains, items).order_by(Instrument.code, Instrument.version.desc())
    return [tuple(row) for row in db.session.execute(query)]  # type: ignore[misc]


def instrument_detail(instrument_id: uuid.UUID) -> Instrument | None:
    """One version with its domains and items."""
    return db.session.scalars(
        select(Instrument)
        .where(Instrument.id == instrument_id)
        .options(selectinload(Instrument.domains), selectinload(Instrument.items))
    ).first()


def instrument_version(code: str, version: int) -> Instrument | None:
    """Version ``version`` of the instrument ``code``, if it was loaded."""
    return db.session.scalar(select(Instrument).where(Instrument.code == code, Instrument.version == version))


def active_instrument(code: str | None = None) -> Instrument | None:
    """The instrument new measurements use: the newest version of ``code`` that is not retired.

    Without ``code``: the newest real (not example) instrument, so a licensed questionnaire the
    foundation loads is used from then on; else the default example instrument. One statement,
    plus two that load the domains and items.
    """
    query = (
        select(Instrument)
        .where(Instrument.retired_at.is_(None))
        .options(selectinload(Instrument.domains), selectinload(Instrument.items))
    )
    if code is not None:
        query = query.where(Instrument.code == code).order_by(Instrument.version.desc())
    else:
        query = query.order_by(
            Instrument.is_example,
            case((Instrument.code == DEFAULT_CODE, 0), else_=1),
            Instrument.created_at.desc(),
            Instrument.version.desc(),
        )
    return db.session.scalars(query.limit(1)).first()
