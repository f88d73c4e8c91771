"""Reads of a family's measurements, each a fixed number of statements however many answers,
scores or measurements there are (tested with count_queries)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from saas.db import db
from tenants.impact.instruments.models import Instrument, InstrumentDomain
from tenants.impact.measurements.models import Measurement
from tenants.impact.measurements.scoring import grade
from tenants.impact.vocabulary import MeasurementStatus, Moment


def measurement_detail(family_id: uuid.UUID, measurement_id: uuid.UUID) -> Measurement | None:
    """One measurement of the family with its answers, scores and instrument (domains, items)."""
    return db.session.scalars(select(Measurement).where(
        Measurement.id == measurement_id, Measurement.family_id == family_id).options(
        selectinload(Measurement.answers), selectinload(Measurement.scores),
        selectinload(Measurement.instrument).options(selectinload(Instrument.domains),
                                                     selectinload(Instrument.items)))).first()


def measurements_of(family_id: uuid.UUID) -> dict[Moment, Measurement]:
    """The family's measurements by moment, with their scores and their instrument's domains."""
    rows = db.session.scalars(select(Measurement).where(Measurement.family_id == family_id).options(
        selectinload(Measurement.scores),
        selectinload(Measurement.instrument).selectinload(Instrument.domains)))
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
    completed = [measurements[m] for m in Moment if m in measurements
                 and measurements[m].status == MeasurementStatus.COMPLETED]
    labels: dict[str, str] = {}
    for measurement in reversed(completed):
        for domain in measurement.instrument.domains:
            labels.setdefault(domain.code, domain_label(domain, language))
    return [DomainRow(code, label, {
        measurement.moment: grade(score.mean) for measurement in completed
        for score in measurement.scores if score.domain_code == code}) for code, label in labels.items()]


def domain_label(domain: InstrumentDomain, language: str) -> str:
    """The domain's label in ``language``, else Dutch, else its code."""
    return domain.labels.get(language) or domain.labels.get("nl") or domain.code


def due_dates(match_start: date | None) -> dict[Moment, date | None]:
    """When each moment falls due, as far as known (T1 a year after the first match started)."""
    from tenants.impact.measurements.operations import T1_MONTHS
    from tenants.volunteers.readiness import add_months

    return {Moment.T1: add_months(match_start, T1_MONTHS) if match_start else None}
