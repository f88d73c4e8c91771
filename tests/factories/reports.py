"""Factories for municipality reports: a frozen report for the route tests, and a municipality
with enough activity that its report shows figures (most of them above the threshold).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from flask import Flask

from saas.db import db, tenant_context, utcnow
from saas.tenancy.models import Tenant
from tenants.families.models import Family, FamilyMember
from tenants.families.states import CaseState
from tenants.families.vocabulary import CareOutcome, Channel, ClosureReason, MemberRole, ReferrerType, YesNoUnknown
from tenants.impact.instruments.loader import ensure_default_instrument
from tenants.impact.measurements.models import DomainScore, Measurement
from tenants.impact.reports.models import MunicipalityReport
from tenants.impact.vocabulary import MeasurementStatus, Moment, ReportStatus
from tenants.matching.models import ContactMoment, Match
from tenants.matching.states import MatchState
from tenants.matching.vocabulary import ContactKind, ContactMode
from tenants.trainings.models import Course, Enrolment, TrainingSession
from tenants.trainings.states import EnrolmentStatus
from tenants.volunteers.models import Volunteer
from tenants.volunteers.states import VolunteerKind, VolunteerState

#: The domains the populated families are scored on, with (T0, Tend) means on the 1–4 scale.
SCORED = {"finances": (Decimal("2.0"), Decimal("3.0")), "housing": (Decimal("2.5"), Decimal("2.5"))}


def add_report(app: Flask, tenant: Tenant, world: Any, **fields: Any) -> MunicipalityReport:
    """A submitted (frozen) report with small stand-in files: every reader role can open it."""
    last_year = utcnow().year - 1
    values: dict[str, Any] = dict(
        municipality=(tenant.municipalities or ["Alpha"])[0], period_start=date(last_year, 1, 1),
        period_end=date(last_year, 12, 31), status=ReportStatus.SUBMITTED, progress=100,
        figures={"tables": {"reach": [{"measure": "families_supported", "category": "all", "value": 15,
                                       "unit": "count"}]}},
        pdf=b"%PDF-1.7 stand-in", xlsx=b"PK stand-in", generated_at=utcnow(), submitted_at=utcnow())
    values.update(fields)
    with app.app_context(), tenant_context(db.session, tenant.id):
        report = MunicipalityReport(**values)
        db.session.add(report)
        db.session.commit()
    if world is not None:
        world.report = report
    return report


@dataclass
class Period:
    start: date
    end: date


def last_year() -> Period:
    year = utcnow().year - 1
    return Period(date(year, 1, 1), date(year, 12, 31))


def populate_municipality(app: Flask, tenant: Tenant, period: Period, *, families: int = 12,
                          municipality: str = "Alpha", case_offset: int = 0) -> None:
    """``families`` families of ``municipality`` supported and closed in ``period``: each referred by
    the CJG, with one child of five, a match with its own volunteer, two visits of 90 minutes,
    T0 and Tend measurements scored on :data:`SCORED` (Tend of every other family a bit higher),
    a satisfaction grade of 8 and professional care reduced; their volunteers attended one
    three-hour training module."""
    with app.app_context(), tenant_context(db.session, tenant.id):
        instrument = ensure_default_instrument()
        course = Course(name="Basistraining", modules=[{"name": "Kennismaking", "hours": 3}])
        db.session.add(course)
        db.session.flush()
        session = TrainingSession(course_id=course.id, module_index=0, capacity=50,
                                  starts_at=datetime.combine(period.start + timedelta(days=5),
                                                             datetime.min.time(), UTC) + timedelta(hours=12))
        db.session.add(session)
        for i in range(families):
            family = Family(case_year=period.start.year, case_seq=1000 + case_offset + i,
                            family_name=f"Familie {municipality} {i}", state=CaseState.CLOSED,
                            municipality=municipality, referred_on=period.start + timedelta(days=10),
                            channel=Channel.PHONE, referrer_type=ReferrerType.CJG, professional_care_involved=True,
                            closed_on=period.end - timedelta(days=10), closure_reason=ClosureReason.GOALS_REACHED,
                            professional_care_at_end=CareOutcome.REDUCED,
                            prevented_referral_confirmed=YesNoUnknown.YES, satisfaction=8)
            volunteer = Volunteer(name=f"Vrijwilliger {municipality} {i}", kind=VolunteerKind.INDIVIDUAL,
                                  applied_on=period.start - timedelta(days=60), state=VolunteerState.MATCHED)
            db.session.add_all([family, volunteer])
            db.session.flush()
            db.session.add(FamilyMember(family_id=family.id, role=MemberRole.CHILD, first_name="Kind",
                                        birth_date=period.end - timedelta(days=5 * 365 + 30)))
            match = Match(family_id=family.id, volunteer_id=volunteer.id, state=MatchState.ENDED,
                          proposed_on=period.start + timedelta(days=15), started_on=period.start + timedelta(days=20),
                          ended_on=period.end - timedelta(days=15))
            db.session.add_all([match, Enrolment(session_id=session.id, volunteer_id=volunteer.id,
                                                 status=EnrolmentStatus.ATTENDED)])
            db.session.flush()
            for days in (30, 60):
                db.session.add(ContactMoment(family_id=family.id, match_id=match.id, kind=ContactKind.VISIT,
                                             mode=ContactMode.HOME, happened_on=period.start + timedelta(days=days),
                                             duration_minutes=90))
            for moment, taken_on, index in ((Moment.T0, period.start + timedelta(days=12), 0),
                                            (Moment.TEND, period.end - timedelta(days=12), 1)):
                measurement = Measurement(family_id=family.id, instrument_id=instrument.id, moment=moment,
                                          taken_on=taken_on, status=MeasurementStatus.COMPLETED)
                db.session.add(measurement)
                db.session.flush()
                for domain, means in SCORED.items():
                    mean = means[index] + (Decimal("0.5") if index == 1 and i % 2 else 0)
                    db.session.add(DomainScore(measurement_id=measurement.id, domain_code=domain, mean=mean,
                                               answered=4, items=4))
        db.session.commit()
