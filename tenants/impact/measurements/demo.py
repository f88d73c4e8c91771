"""Demo measurements (called by saas.demo; listed in the package's front door, after the matching demo).

Families that consented to the impact measurement and got as far as a match (or were closed) get
a completed T0 at their intake, a T1 a year after their first match started (when that year has
passed), and a Tend when their case was closed. The answers follow a realistic pattern: low at
T0, especially on the social network and well-being, better at T1 and Tend, with some families
worse on a domain, and some questions not answered. Scores are computed by
tenants.impact.measurements.operations.store_scores (the same scoring as the pages), not written by hand.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from saas.auth.models import User
from saas.auth.roles import Role
from saas.clock import local_today
from saas.db import db
from saas.tenancy.models import Tenant
from tenants.demo_time import local_time
from tenants.families.models import CaseEvent, Family
from tenants.families.states import CaseState
from tenants.impact.instruments.models import Instrument
from tenants.impact.measurements.models import Answer, Measurement
from tenants.impact.measurements.operations import store_scores
from tenants.impact.measurements.queries import T1_MONTHS, consents
from tenants.impact.vocabulary import MeasurementStatus, Mode, Moment
from tenants.matching.models import Match
from tenants.volunteers.readiness import add_months

#: The level (on the 1–4 scale) a typical family starts at, per domain; the rest start at 2.3.
STARTING_LEVEL = {"social_network": 1.6, "wellbeing": 1.8, "finances": 2.0, "participation": 2.1}
#: How much a typical family gains per domain from T0 to T1, and again to Tend.
GAIN = {"social_network": 0.8, "wellbeing": 0.6}
DEFAULT_START, DEFAULT_GAIN = 2.3, 0.35
#: Chance that a question is not answered, and that a family does worse on a domain.
SKIP, WORSE = 0.06, 0.12


def seed(tenant: Tenant, people: dict[Role, list[User]], rng: random.Random) -> None:
    """Completed measurements for the demo families that were matched or closed."""
    from tenants.impact.instruments.loader import ensure_default_instrument

    instrument = ensure_default_instrument()
    instrument = db.session.scalars(
        select(Instrument)
        .where(Instrument.id == instrument.id)
        .options(selectinload(Instrument.domains), selectinload(Instrument.items))
    ).one()
    coordinators = people.get(Role.COORDINATOR) or people.get(Role.MANAGER) or [None]
    first_match = dict(
        db.session.execute(
            select(Match.family_id, func.min(Match.started_on))
            .where(Match.started_on.is_not(None))
            .group_by(Match.family_id)
        ).all()
    )
    families = db.session.scalars(
        select(Family)
        .options(selectinload(Family.intake))
        .where(Family.state.in_([CaseState.MATCHED, CaseState.CLOSING, CaseState.CLOSED]))
    )
    today = local_today()
    for family in families:
        if not consents(family) or (family.state != CaseState.CLOSED and family.id not in first_match):
            continue
        actor = rng.choice(coordinators)
        for moment, taken_on, step in _moments(rng, family, first_match.get(family.id), today):
            _measure(rng, family, instrument, moment, taken_on, step, actor)


def _moments(
    rng: random.Random, family: Family, started_on: date | None, today: date
) -> list[tuple[Moment, date, int]]:
    """(moment, day, steps of progress since T0) of the family's measurements."""
    intake_on = family.intake.done_on if family.intake and family.intake.done_on else family.referred_on
    moments = [(Moment.T0, intake_on, 0)]
    end = family.closed_on if family.state == CaseState.CLOSED and family.closed_on else today
    if started_on is not None:
        t1_on = add_months(started_on, T1_MONTHS) + timedelta(days=rng.randint(0, 21))
        if t1_on <= end:
            moments.append((Moment.T1, t1_on, 1))
    if family.state == CaseState.CLOSED and family.closed_on:
        moments.append((Moment.TEND, family.closed_on, len(moments)))
    return moments


def _measure(
    rng: random.Random,
    family: Family,
    instrument: Instrument,
    moment: Moment,
    taken_on: date,
    step: int,
    actor: User | None,
) -> None:
    rng_family = random.Random(f"{family.id}")  # noqa: S311 - the family's own pattern at every moment
    measurement = Measurement(
        id=uuid.UUID(int=rng.getrandbits(128), version=4),
        family_id=family.id,
        instrument=instrument,
        instrument_id=instrument.id,
        moment=moment,
        taken_on=taken_on,
        status=MeasurementStatus.COMPLETED,
        language=rng.choice(["nl", "nl", "nl", "en", "ar"]),
        mode=Mode.INTERPRETER if family.interpreter_needed else Mode.INTERVIEW,
        administered_by_id=actor.id if actor else None,
    )
    at = local_time(taken_on, rng.randint(9 * 60, 16 * 60))
    measurement.created_at = measurement.completed_at = at
    levels = {domain.id: _level(rng_family, domain.code, step) for domain in instrument.domains}
    for item in instrument.items:
        value = None if rng.random() < SKIP else min(4, max(1, round(levels[item.domain_id] + rng.gauss(0, 0.6))))
        if value is not None and item.reverse_scored:
            value = 5 - value  # agreeing with a negative statement is the low level
        measurement.answers.append(Answer(measurement_id=measurement.id, item_id=item.id, value=value))
    store_scores(measurement)
    db.session.add(measurement)
    db.session.add(
        CaseEvent(
            family_id=family.id,
            actor_id=actor.id if actor else None,
            kind="measurement_completed",
            details={"moment": moment.value},
            at=at,
        )
    )


def _level(rng_family: random.Random, code: str, step: int) -> float:
    """The family's level on a domain after ``step`` stretches of support (the same family draws
    the same start, gain and setbacks at every moment)."""
    start = STARTING_LEVEL.get(code, DEFAULT_START) + rng_family.gauss(0, 0.35)
    gain = GAIN.get(code, DEFAULT_GAIN) * rng_family.uniform(0.3, 1.5)
    if rng_family.random() < WORSE:
        gain = -rng_family.uniform(0.2, 0.6)
    return start + gain * step
