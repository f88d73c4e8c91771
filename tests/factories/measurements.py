"""Factories for measurements: a small instrument of our own (so the tests do not depend on the
default questionnaire's wording), and measurements started, answered and completed through
:mod:`tenants.impact.measurements.operations` (so scores, timeline and audit move as in the app).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from saas.auth.models import User
from saas.db import db
from saas.tenancy.models import Tenant
from tenants.families.models import Family
from tenants.families.vocabulary import ConsentPurpose
from tenants.impact.instruments.models import Instrument, InstrumentDomain, InstrumentItem
from tenants.impact.measurements import operations
from tenants.impact.measurements.models import Measurement
from tenants.impact.vocabulary import Mode, Moment
from tests.factories.platform import in_tenant, today

SCALE = [{"value": value, "labels": {"nl": nl, "en": en, "ar": ar}} for value, nl, en, ar in (
    (1, "Helemaal niet mee eens", "Do not agree at all", "لا أوافق على الإطلاق"),
    (2, "Een beetje mee eens", "Agree a little", "أوافق قليلاً"),
    (3, "Mee eens", "Agree", "أوافق"),
    (4, "Helemaal mee eens", "Fully agree", "أوافق تماماً"))]


#: The test instrument: domain code -> number of items; items are "<domain>-<n>" (from 1).
DOMAINS = {"finances": 3, "social_network": 2, "wellbeing": 4}
#: Items where agreeing means a worse situation.
REVERSED = frozenset({"finances-3", "wellbeing-4"})


def create_instrument(app: Flask, *, code: str = "test-leefgebieden", version: int = 1,
                      domains: dict[str, int] | None = None, reversed_items: frozenset[str] = REVERSED,
                      min_answered_percent: int = 50) -> Instrument:
    """A small instrument (platform table), committed, with its domains and items loaded."""
    with app.app_context():
        instrument = Instrument(code=code, version=version, name={"nl": "Testlijst", "en": "Test list"},
                                scale=SCALE, min_answered_percent=min_answered_percent, is_example=True)
        position = 0
        for index, (domain_code, count) in enumerate((domains or DOMAINS).items()):
            domain = InstrumentDomain(code=domain_code, position=index,
                                      labels={"nl": f"Domein {domain_code}", "en": f"Domain {domain_code}",
                                              "ar": f"مجال {domain_code}"})
            instrument.domains.append(domain)
            for number in range(1, count + 1):
                item_code = f"{domain_code}-{number}"
                position += 1
                instrument.items.append(InstrumentItem(
                    domain=domain, code=item_code, position=position, reverse_scored=item_code in reversed_items,
                    texts={"nl": f"Vraag {item_code}", "en": f"Question {item_code}", "ar": f"سؤال {item_code}"}))
        db.session.add(instrument)
        db.session.commit()
        return db.session.scalars(select(Instrument).where(Instrument.id == instrument.id).options(
            selectinload(Instrument.domains), selectinload(Instrument.items))).one()


def give_consent(app: Flask, tenant: Tenant, family: Family) -> None:
    """Record the family's consent for the impact measurement (measurements need it)."""
    with in_tenant(app, tenant) as session:
        record = session.get(Family, (tenant.id, family.id))
        record.consent_given = True
        record.consent_purposes = [*record.consent_purposes, ConsentPurpose.IMPACT_MEASUREMENT.value]
        session.commit()


def item_ids(instrument: Instrument) -> dict[str, Any]:
    """Item code -> item id."""
    return {item.code: item.id for item in instrument.items}


def start_measurement(app: Flask, tenant: Tenant, family: Family, actor: User, moment: Moment = Moment.T0,
                      taken_on: date | None = None, language: str = "nl") -> Measurement:
    with in_tenant(app, tenant) as session:
        measurement, _continued = operations.start_measurement(
            actor, session.get(Family, (tenant.id, family.id)),
            {"moment": moment, "taken_on": taken_on or today(app), "mode": Mode.INTERVIEW, "language": language})
        session.commit()
        return measurement


def answer(app: Flask, tenant: Tenant, measurement: Measurement, actor: User, answers: dict[str, int | None]) -> None:
    """Save ``answers`` ({item code: value}) through the operation."""
    with in_tenant(app, tenant) as session:
        record = _load(measurement)
        ids = item_ids(record.instrument)
        operations.save_answers(actor, record, {ids[code]: value for code, value in answers.items()})
        session.commit()


def complete(app: Flask, tenant: Tenant, measurement: Measurement, actor: User) -> None:
    with in_tenant(app, tenant) as session:
        record = _load(measurement)
        operations.complete(actor, record, session.get(Family, (tenant.id, record.family_id)))
        session.commit()


def completed_measurement(app: Flask, tenant: Tenant, family: Family, actor: User, moment: Moment,
                          answers: dict[str, int | None], taken_on: date | None = None) -> Measurement:
    measurement = start_measurement(app, tenant, family, actor, moment, taken_on)
    answer(app, tenant, measurement, actor, answers)
    complete(app, tenant, measurement, actor)
    return measurement


def _load(measurement: Measurement) -> Measurement:
    return db.session.scalars(select(Measurement).where(Measurement.id == measurement.id).options(
        selectinload(Measurement.answers), selectinload(Measurement.scores),
        selectinload(Measurement.instrument).options(selectinload(Instrument.domains),
                                                     selectinload(Instrument.items)))).one()


def add_measurement(app: Flask, tenant: Tenant, world: Any, family: Family, coordinator: User) -> None:
    """The route tests' measurement: a T0 in progress of the world's matched family, partly answered."""
    if world.instrument is None:
        world.instrument = create_instrument(app)
    give_consent(app, tenant, family)
    world.measurement = start_measurement(app, tenant, family, coordinator)
    answer(app, tenant, world.measurement, coordinator, {world.instrument.items[0].code: 3})
