"""Every write to a family's measurements: starting one at a moment, saving answers, completing it.

Each function takes the acting person, only flushes, and writes the audit log; completing a
measurement also writes a line on the family's timeline. Saving answers recomputes the stored
DomainScore rows through :mod:`tenants.impact.measurements.scoring`, so dashboards can aggregate them in SQL.
Which moments may be recorded, and when they fall due, are reads: tenants.impact.measurements.queries.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from saas.audit.operations import record
from saas.auth.models import User
from saas.db import db, utcnow
from saas.errors import OperationError
from saas.i18n import L_
from tenants.families.models import Family
from tenants.families.operations import add_event
from tenants.impact.instruments.loader import ensure_default_instrument
from tenants.impact.instruments.models import Instrument
from tenants.impact.instruments.queries import active_instrument
from tenants.impact.measurements.models import Answer, DomainScore, Measurement
from tenants.impact.measurements.queries import match_started_on, refusal
from tenants.impact.measurements.scoring import as_decimal, in_units, score_instrument
from tenants.impact.vocabulary import MeasurementStatus, Moment


def _default_instrument() -> Instrument | None:
    """The platform's default instrument, loaded on first use; None when the foundation retired it."""
    instrument = ensure_default_instrument()
    return None if instrument.is_retired else instrument


def start_measurement(actor: User, family: Family, data: dict[str, Any]) -> tuple[Measurement, bool]:
    """Start the family's measurement at ``data["moment"]`` with the active instrument; returns
    (measurement, continued): an unfinished one at that moment is continued rather than doubled."""
    moment: Moment = data["moment"]
    # Lock the family: two starts at once wait for each other instead of colliding on the unique key.
    db.session.scalars(select(Family).where(Family.id == family.id).with_for_update()).one()
    existing = db.session.scalars(
        select(Measurement).where(Measurement.family_id == family.id, Measurement.moment == moment)
    ).first()
    if existing is not None:
        if existing.status == MeasurementStatus.COMPLETED:
            raise OperationError(
                L_(
                    "The %(moment)s measurement of this family has already been completed; "
                    "there is one measurement per moment.",
                    moment=moment.label,
                )
            )
        return existing, True
    reason = refusal(family, moment, match_started_on(family.id))
    if reason:
        raise OperationError(reason)
    instrument = active_instrument() or _default_instrument()
    if instrument is None:
        raise OperationError(L_("No questionnaire is available. Ask the foundation to load one."))
    measurement = Measurement(
        id=uuid.uuid4(),
        family_id=family.id,
        instrument_id=instrument.id,
        moment=moment,
        taken_on=data["taken_on"],
        mode=data["mode"],
        language=data["language"],
        administered_by_id=actor.id,
        status=MeasurementStatus.IN_PROGRESS,
    )
    db.session.add(measurement)
    db.session.flush()
    record(
        actor,
        "measurement.started",
        measurement,
        family_id=str(family.id),
        moment=moment.value,
        instrument=f"{instrument.code} v{instrument.version}",
    )
    return measurement, False


def save_answers(actor: User, measurement: Measurement, answers: dict[uuid.UUID, int | None]) -> None:
    """Store ``answers`` ({item id: value or None}, already checked against the instrument's items
    and scale by tenants.impact.measurements.schemas.check_answers) and recompute the domain scores."""
    _lock(measurement)
    if measurement.status == MeasurementStatus.COMPLETED:
        raise OperationError(L_("This measurement has been completed; its answers can no longer change."))
    stored = {answer.item_id: answer for answer in measurement.answers}
    for item_id, value in answers.items():
        if item_id in stored:
            stored[item_id].value = value
        else:
            measurement.answers.append(Answer(measurement_id=measurement.id, item_id=item_id, value=value))
    store_scores(measurement)
    db.session.flush()
    record(actor, "measurement.answers_saved", measurement, family_id=str(measurement.family_id), items=len(answers))


def _lock(measurement: Measurement) -> None:
    """Reload the measurement under a row lock, so a double submit or a save racing "complete"
    waits and then sees the state the other request left."""
    db.session.scalars(
        select(Measurement)
        .where(Measurement.id == measurement.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    db.session.refresh(measurement, ["answers", "scores"])


def store_scores(measurement: Measurement) -> None:
    """Bring the measurement's DomainScore rows in line with its answers (one row per domain)."""
    current = {answer.item_id: answer.value for answer in measurement.answers}
    rows = {score.domain_code: score for score in measurement.scores}
    for result in score_instrument(measurement.instrument, current):
        row = rows.get(result.code)
        if row is None:
            row = DomainScore(measurement_id=measurement.id, domain_code=result.code)
            measurement.scores.append(row)
        row.mean, row.answered, row.items = as_decimal(result.mean), result.answered, result.items
        row.mean_units = None if result.mean is None else in_units(result.mean)


def complete(actor: User, measurement: Measurement, family: Family) -> None:
    """Mark the measurement completed (it needs at least one answer) and note it on the timeline."""
    _lock(measurement)
    if measurement.status == MeasurementStatus.COMPLETED:
        raise OperationError(L_("This measurement has already been completed."))
    if not any(answer.value is not None for answer in measurement.answers):
        raise OperationError(L_("Answer at least one question before completing the measurement."))
    measurement.status, measurement.completed_at = MeasurementStatus.COMPLETED, utcnow()
    add_event(actor, family, "measurement_completed", moment=measurement.moment.value)
    db.session.flush()
    record(
        actor,
        "measurement.completed",
        measurement,
        family_id=str(family.id),
        moment=measurement.moment.value,
        answered=sum(1 for answer in measurement.answers if answer.value is not None),
    )
