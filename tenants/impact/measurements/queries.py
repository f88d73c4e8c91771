"""Reads of a family's measurements, each a fixed number of statements however many answers,
scores or measurements there are (tested with count_queries), and the rules of when a moment may
be recorded and falls due."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from saas.db import db
from saas.i18n import L_
from tenants.families.models import Family
from tenants.families.states import CaseState
from tenants.families.vocabulary import ConsentPurpose
from tenants.impact.instruments.models import Instrument, InstrumentDomain
from tenants.impact.measurements.models import Measurement
from tenants.impact.measurements.scoring import grade
from tenants.impact.vocabulary import MeasurementStatus, Moment
from tenants.matching.models import Match
from tenants.volunteers.readiness import add_months

#: The case states in which each moment can be recorded: T0 from the intake on (late entry
#: allowed), T1 once a match has started (checked separately), Tend while closing or closed.
MOMENT_STATES: dict[Moment, frozenset[CaseState]] = {
    Moment.T0: frozenset(
        {CaseState.INTAKE_DONE, CaseState.WAITING, CaseState.MATCHED, CaseState.CLOSING, CaseState.CLOSED}
    ),
    Moment.T1: frozenset({CaseState.MATCHED, CaseState.CLOSING, CaseState.CLOSED}),
    Moment.TEND: frozenset({CaseState.CLOSING, CaseState.CLOSED}),
}
#: T1 is due this many months after the (first) match started.
T1_MONTHS = 12

NO_CONSENT = L_("The family has not given consent for the impact measurement. Record their consent in the file first.")
NOT_YET = {
    Moment.T0: L_("T0 can be recorded once the intake is done."),
    Moment.T1: L_("T1 can be recorded once a match has started."),
    Moment.TEND: L_("Tend can be recorded when the case is closing or closed."),
}


def family_by_id(family_id: uuid.UUID) -> Family | None:
    """The family whose measurements a page shows (one statement)."""
    return db.session.scalars(select(Family).where(Family.id == family_id)).first()


def match_started_on(family_id: uuid.UUID) -> date | None:
    """The day the family's first match started (T1 counts from it), or None."""
    return db.session.scalar(select(func.min(Match.started_on)).where(Match.family_id == family_id))


def consents(family: Family) -> bool:
    """Whether the family agreed to take part in the impact measurement (asked at the referral)."""
    return family.consent_given and ConsentPurpose.IMPACT_MEASUREMENT.value in (family.consent_purposes or [])


def refusal(family: Family, moment: Moment, match_start: date | None) -> str | None:
    """Why ``moment`` cannot be recorded for ``family`` now (translated), or None when it can."""
    if not consents(family):
        return str(NO_CONSENT)
    if family.state not in MOMENT_STATES[moment] or (moment == Moment.T1 and match_start is None):
        return str(NOT_YET[moment])
    return None


def measurement_detail(family_id: uuid.UUID, measurement_id: uuid.UUID) -> Measurement | None:
    """One measurement of the family with its answers, scores and instrument (domains, items)."""
    return db.session.scalars(
        select(Measurement)
        .where(Measurement.id == measurement_id, Measurement.family_id == family_id)
        .options(
            selectinload(Measurement.answers),
            selectinload(Measurement.scores),
            selectinload(Measurement.instrument).options(
                selectinload(Instrument.domains), selectinload(Instrument.items)
            ),
        )
    ).first()


def measurements_of(family_id: uuid.UUID) -> dict[Moment, Measurement]:
    """The family's measurements by moment, with their scores and their instrument's domains."""
    # The scores are joined: a separate load of them by (tenant, measurement) pairs is a row-value IN
    # that SQLite answers by scanning every score of the tenant (issue 19: 8 ms of a family file).
    rows = db.session.scalars(
        select(Measurement)
        .where(Measurement.family_id == family_id)
        .options(
            joinedload(Measurement.scores), selectinload(Measurement.instrument).selectinload(Instrument.domains)
        )
    ).unique()
    found = {measurement.moment: measurement for measurement in rows}
    return {moment: found[moment] for moment in Moment if moment in found}


@dataclass(frozen=True)
class DomainRow:
    """One domain on the progress page: its label, the grade at each moment, and the changes."""

    code: str
    label: str
    grades: dict[Moment, Decimal | None]

    def change(self, moment: Moment) -> Decimal | None:
        before, after = self.grades.get(Moment.T0), self.grades.get(moment)
        return None if before is None or after is None else after - before


def progress(measurements: dict[Moment, Measurement], language: str) -> list[DomainRow]:
    """The grade per domain at each completed moment, domains in the order of the newest
    instrument used (a domain only an older version had is added at the end)."""
    completed = [
        measurements[m] for m in Moment if m in measurements and measurements[m].status == MeasurementStatus.COMPLETED
    ]
    labels: dict[str, str] = {}
    for measurement in reversed(completed):
        for domain in measurement.instrument.domains:
            labels.setdefault(domain.code, domain_label(domain, language))
    return [
        DomainRow(
            code,
            label,
            {
                measurement.moment: grade(score.mean)
                for measurement in completed
                for score in measurement.scores
                if score.domain_code == code
            },
        )
        for code, label in labels.items()
    ]


def domain_label(domain: InstrumentDomain, language: str) -> str:
    """The domain's label in ``language``, else Dutch, else its code."""
    return domain.labels.get(language) or domain.labels.get("nl") or domain.code


def due_dates(match_start: date | None) -> dict[Moment, date | None]:
    """When each moment falls due, as far as known (T1 a year after the first match started)."""
    return {Moment.T1: add_months(match_start, T1_MONTHS) if match_start else None}
