"""Factories for the signals, the home page and the digests.

Matches are made through the matching operations (tests.factories.matching) and then moved in time
by setting their dates directly, as if they had been running for months.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask
from sqlalchemy import select

from saas.auth.models import User
from saas.jobs.models import JobRun, RunStatus
from saas.tenancy.models import Tenant
from tenants.home.queries import compute_signals
from tenants.home.signals import Signal, SignalKind
from tenants.matching.models import ContactMoment, Match
from tenants.matching.states import MatchState
from tenants.matching.vocabulary import ContactKind, ContactMode
from tenants.volunteers.models import Screening
from tenants.volunteers.readiness import add_months
from tests.factories.matching import create_match, ready_volunteer, waiting_family
from tests.factories.platform import (
    database,
    hours_ago,
    in_tenant,
    months_ago,
    today,
)


def running_match(app: Flask, tenant: Tenant, *, actor: User, started_on: date, family_name: str = "Familie Jansen",
                  volunteer: str = "Vera de Vries", state: MatchState = MatchState.ACTIVE, **fields: Any) -> Match:
    """A match started on ``started_on`` (by default active, planned to end after 12 months), with
    ``fields`` (planned_end_on, interim_evaluation_on, coordinator_id, state_changed_at …) set
    afterwards. Its state changed on the day it started (at noon local time), as if it had been
    started on that day."""
    family = waiting_family(app, tenant, family_name=family_name, referred_on=started_on - timedelta(days=30))
    match = create_match(app, tenant, actor=actor, family=family, volunteer=ready_volunteer(app, tenant, volunteer),
                         state=state, started_on=started_on)
    update(app, tenant, Match, match.id, **{"state_changed_at": local_noon(app, started_on), **fields})
    return match


def local_noon(app: Flask, day: date) -> datetime:
    """Noon of ``day`` in the app's zone, as a UTC time (as stored)."""
    return datetime.combine(day, time(12), tzinfo=ZoneInfo(app.config["TIMEZONE"])).astimezone(UTC)


def update(app: Flask, tenant: Tenant, model: type, row_id: uuid.UUID, **fields: Any) -> None:
    with in_tenant(app, tenant) as session:
        row = session.get(model, (tenant.id, row_id))
        for key, value in fields.items():
            setattr(row, key, value)
        session.commit()


def add_contact(app: Flask, tenant: Tenant, match: Match, happened_on: date, *, needs_coordinator: bool = False,
                kind: ContactKind = ContactKind.VISIT) -> ContactMoment:
    with in_tenant(app, tenant) as session:
        contact = ContactMoment(family_id=match.family_id, match_id=match.id, kind=kind, mode=ContactMode.HOME,
                                happened_on=happened_on, duration_minutes=90, needs_coordinator=needs_coordinator)
        session.add(contact)
        session.commit()
        return contact


def set_vog(app: Flask, tenant: Tenant, volunteer_id: uuid.UUID, issued_on: date) -> None:
    """Make ``issued_on`` the date of the volunteer's only VOG."""
    with in_tenant(app, tenant) as session:
        for screening in session.scalars(select(Screening).where(Screening.volunteer_id == volunteer_id)):
            screening.issued_on = screening.checked_on = issued_on
        session.commit()


def record_run(app: Flask, job: str, started_at: datetime, status: RunStatus = RunStatus.SUCCEEDED,
               run_key: str | None = None, details: dict[str, Any] | None = None) -> None:
    with database(app) as session:
        session.add(JobRun(job=job, run_key=run_key or started_at.date().isoformat(), status=status,
                           started_at=started_at, finished_at=started_at, details=details or {}))


def fire_every_kind(app: Flask, tenant: Tenant, actor: User, n: int) -> None:
    """``n`` of each kind of signal (but the job's), all in ``actor``'s caseload: ``n`` matches
    near their end, flagged, without recent contact, evaluation due, VOG expired, their families
    without T0 and T1, ``n`` families waiting long and ``n`` closing without Tend."""
    from tenants.families.models import Family
    from tenants.families.states import CaseState
    from tests.factories.families import create_family

    measured = {"consent_given": True, "consent_purposes": ["support", "impact_measurement"]}
    for i in range(n):
        match = running_match(app, tenant, actor=actor, started_on=months_ago(app, 23), family_name=f"Familie {i}",
                              volunteer=f"Vrijwilliger {i}", planned_end_on=today(app) + timedelta(days=20))
        update(app, tenant, Family, match.family_id, **measured)
        create_family(app, tenant, family_name=f"Afsluitend {i}", state=CaseState.CLOSING, coordinator_id=actor.id,
                      **measured)
        add_contact(app, tenant, match, months_ago(app, 2), needs_coordinator=True)
        set_vog(app, tenant, match.volunteer_id, add_months(today(app), -36))
        create_family(app, tenant, family_name=f"Wachtend {i}", state=CaseState.WAITING, coordinator_id=actor.id,
                      state_changed_at=hours_ago(100 * 24))


def signals_of(app: Flask, tenant: Tenant, kind: SignalKind | None = None) -> list[Signal]:
    with in_tenant(app, tenant):
        signals = compute_signals(_fresh_tenant(tenant))
    return [signal for signal in signals if kind is None or signal.kind == kind]


def _fresh_tenant(tenant: Tenant) -> Tenant:
    from saas.db import db

    return db.session.get(Tenant, tenant.id)
