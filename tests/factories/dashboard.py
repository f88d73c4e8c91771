"""Rows for the dashboard tests, written straight into the tables (the figures are about stored
data, not about how it got there): an instrument, completed measurements with their domain
scores, volunteers, matches and attended training sessions.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from flask import Flask
from sqlalchemy import insert
from sqlalchemy.orm import scoped_session

from saas.db import db
from saas.tenancy.models import Tenant
from tenants.families.models import Family, FamilyMember
from tenants.families.states import CaseState
from tenants.families.vocabulary import CareOutcome, Channel, ClosureReason, MemberRole, ReferrerType, YesNoUnknown
from tenants.impact.instruments.models import Instrument, InstrumentDomain
from tenants.impact.measurements.models import DomainScore, Measurement
from tenants.impact.vocabulary import MeasurementStatus, Moment
from tenants.matching.models import Match
from tenants.matching.states import MatchState
from tenants.trainings.models import Course, Enrolment, TrainingSession
from tenants.trainings.states import EnrolmentStatus
from tenants.volunteers.models import Volunteer
from tests.factories.platform import in_tenant

#: Case numbers 1900-xxxx for bulk families, unique across calls (create_family uses real years).
_CASE_SEQ = itertools.count(1)
DOMAINS = {"finances": {"nl": "Financiën", "en": "Finances"}, "housing": {"nl": "Wonen", "en": "Housing"}}


def create_instrument(app: Flask, domains: Mapping[str, dict[str, str]] = DOMAINS,
                      code: str = "dashboard-test") -> Instrument:
    """A platform instrument with ``domains`` (code → labels) in order; no items (scores are given)."""
    with app.app_context():
        instrument = Instrument(code=code, version=1, name={"nl": "Test", "en": "Test"},
                                scale=[{"value": value, "labels": {}} for value in (1, 2, 3, 4)])
        instrument.domains = [InstrumentDomain(code=domain, position=position, labels=labels)
                              for position, (domain, labels) in enumerate(domains.items(), start=1)]
        db.session.add(instrument)
        db.session.commit()
        return instrument


def add_measurement(session: scoped_session, instrument: Instrument, family: Family, moment: Moment, taken_on: date,
                    scores: Mapping[str, str | None], status: MeasurementStatus = MeasurementStatus.COMPLETED
                    ) -> Measurement:
    """A measurement of ``family`` with a DomainScore per entry of ``scores`` (a mean as text, or
    None for "not scored"). The caller commits."""
    measurement = Measurement(id=uuid.uuid4(), family_id=family.id, instrument_id=instrument.id, moment=moment,
                              taken_on=taken_on, status=status)
    session.add(measurement)
    session.flush()
    session.add_all([DomainScore(measurement_id=measurement.id, domain_code=code,
                                 mean=None if mean is None else Decimal(mean), answered=3, items=4)
                     for code, mean in scores.items()])
    return measurement


def add_volunteer(session: scoped_session, name: str) -> Volunteer:
    volunteer = Volunteer(id=uuid.uuid4(), name=name, applied_on=date(2020, 1, 1))
    session.add(volunteer)
    session.flush()
    return volunteer


def add_match(session: scoped_session, family: Family, volunteer: Volunteer, started_on: date,
              ended_on: date | None = None) -> Match:
    match = Match(family_id=family.id, volunteer_id=volunteer.id, proposed_on=started_on, started_on=started_on,
                  ended_on=ended_on, state=MatchState.ENDED if ended_on else MatchState.ACTIVE)
    session.add(match)
    session.flush()
    return match


def add_training(app: Flask, tenant: Tenant, modules: list[dict[str, Any]],
                 sessions: list[tuple[datetime, int, dict[Volunteer, EnrolmentStatus]]]) -> None:
    """A foundation course with ``modules`` and sessions (start, module index, {volunteer: status})."""
    with app.app_context():
        course = Course(name="Basistraining dashboard", modules=modules)
        db.session.add(course)
        db.session.commit()
        course_id = course.id
    with in_tenant(app, tenant) as session:
        for starts_at, module_index, enrolments in sessions:
            training = TrainingSession(id=uuid.uuid4(), course_id=course_id, module_index=module_index,
                                       starts_at=starts_at.replace(tzinfo=UTC), capacity=20)
            session.add(training)
            session.flush()
            session.add_all([Enrolment(session_id=training.id, volunteer_id=volunteer.id, status=status)
                             for volunteer, status in enrolments.items()])
        session.commit()


def seed_families(app: Flask, tenant: Tenant, instrument: Instrument, count: int, year: int) -> None:
    """``count`` families in bulk (one INSERT per table): each with a child, a match with one of
    ``count // 4 + 1`` volunteers, and completed T0, T1 and Tend measurements in ``year`` with a
    score for every domain of ``instrument``; every other family closed in ``year``."""
    codes = [domain.code for domain in instrument.domains]
    municipalities = tenant.municipalities
    volunteers = [{"id": uuid.uuid4(), "tenant_id": tenant.id, "name": f"Vrijwilliger {n}",
                   "applied_on": date(year - 1, 1, 1)} for n in range(count // 4 + 1)]
    families, members, matches, measurements, scores = [], [], [], [], []
    for n in range(count):
        family_id = uuid.uuid4()
        is_closed = n % 2 == 0
        families.append({
            "id": family_id, "tenant_id": tenant.id, "case_year": 1900, "case_seq": next(_CASE_SEQ),
            "family_name": f"Familie {n}", "municipality": municipalities[n % len(municipalities)],
            "state": CaseState.CLOSED if is_closed else CaseState.MATCHED, "referred_on": date(year - 1, 6, 1),
            "channel": Channel.PHONE, "referrer_type": ReferrerType.CJG, "professional_care_involved": n % 3 == 0,
            "closed_on": date(year, 11, 1) if is_closed else None,
            "closure_reason": ClosureReason.GOALS_REACHED if is_closed else None,
            "professional_care_at_end": CareOutcome.REDUCED if is_closed else None,
            "prevented_referral_confirmed": YesNoUnknown.YES if is_closed and n % 4 == 0 else None,
            "satisfaction": 6 + n % 5 if is_closed else None})
        members.append({"id": uuid.uuid4(), "tenant_id": tenant.id, "family_id": family_id, "role": MemberRole.CHILD,
                        "first_name": "Kind", "birth_date": date(year - 1 - n % 20, 3, 1)})
        matches.append({"id": uuid.uuid4(), "tenant_id": tenant.id, "family_id": family_id,
                        "volunteer_id": volunteers[n % len(volunteers)]["id"], "proposed_on": date(year - 1, 9, 1),
                        "started_on": date(year - 1, 9, 15), "ended_on": date(year, 10, 15) if is_closed else None,
                        "state": MatchState.ENDED if is_closed else MatchState.ACTIVE})
        for step, (moment, taken_on) in enumerate([(Moment.T0, date(year, 1, 10)), (Moment.T1, date(year, 6, 10)),
                                                   (Moment.TEND, date(year, 10, 20))]):
            measurement_id = uuid.uuid4()
            measurements.append({"id": measurement_id, "tenant_id": tenant.id, "family_id": family_id,
                                 "instrument_id": instrument.id, "moment": moment, "taken_on": taken_on,
                                 "status": MeasurementStatus.COMPLETED})
            scores.extend({"id": uuid.uuid4(), "tenant_id": tenant.id, "measurement_id": measurement_id,
                           "domain_code": code, "mean": Decimal(1 + (n + position) % 8 * 0.25 + step * 0.25),
                           "answered": 4, "items": 4} for position, code in enumerate(codes))
    with in_tenant(app, tenant) as session:
        for model, rows in ((Volunteer, volunteers), (Family, families), (FamilyMember, members), (Match, matches),
                            (Measurement, measurements), (DomainScore, scores)):
            session.execute(insert(model), rows)
        session.commit()
