"""The measurement reminders on the home page: T0 missing, T1 due, Tend missing (tenants.home).
Their statement count is checked with the other kinds in tests/home/test_signals.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask

from saas.auth.models import User
from saas.tenancy.models import Tenant
from tenants.families.models import Family
from tenants.families.states import CaseState
from tenants.home.signals import SignalKind
from tenants.impact.instruments.models import Instrument
from tenants.impact.vocabulary import Moment
from tenants.volunteers.readiness import add_months
from tests.factories.families import create_family
from tests.factories.home import running_match, signals_of, update
from tests.factories.measurements import (
    answer,
    complete,
    completed_measurement,
    create_instrument,
    give_consent,
    start_measurement,
)
from tests.factories.platform import days_ago, months_ago

MEASUREMENT_KINDS = (SignalKind.T0_MISSING, SignalKind.T1_DUE, SignalKind.TEND_MISSING)


@pytest.fixture
def instrument(app: Flask) -> Instrument:
    return create_instrument(app)


def reminders(app: Flask, tenant: Tenant) -> list[tuple[SignalKind, str]]:
    return [(s.kind, s.key) for s in signals_of(app, tenant) if s.kind in MEASUREMENT_KINDS]


def matched_since(app: Flask, tenant: Tenant, actor: User, started_on: object, name: str = "Familie Jansen") -> Family:
    match = running_match(app, tenant, actor=actor, started_on=started_on, family_name=name, volunteer=f"Vera {name}")
    family = Family(id=match.family_id, tenant_id=tenant.id)
    give_consent(app, tenant, family)
    return family


def test_t0_is_missing_until_a_completed_t0_exists(app: Flask, tenant_a: Tenant, coordinator_a: User,
                                                   instrument: Instrument) -> None:
    family = matched_since(app, tenant_a, coordinator_a, days_ago(app, 10))

    [signal] = [s for s in signals_of(app, tenant_a) if s.kind == SignalKind.T0_MISSING]
    assert signal.subject_id == family.id and signal.coordinator_ids == {coordinator_a.id}
    assert signal.endpoint == "measurements.overview" and signal.url_values == {"family_id": family.id}

    measurement = start_measurement(app, tenant_a, family, coordinator_a)
    answer(app, tenant_a, measurement, coordinator_a, {"finances-1": 2})
    assert reminders(app, tenant_a) == [(SignalKind.T0_MISSING, "t0")]  # in progress: still missing

    complete(app, tenant_a, measurement, coordinator_a)
    assert reminders(app, tenant_a) == []


def test_no_reminders_for_a_family_that_did_not_consent(app: Flask, tenant_a: Tenant, coordinator_a: User) -> None:
    running_match(app, tenant_a, actor=coordinator_a, started_on=months_ago(app, 13))
    create_family(app, tenant_a, family_name="Familie Sluit", state=CaseState.CLOSING)
    assert reminders(app, tenant_a) == []


def test_t1_is_due_four_weeks_before_a_year_after_the_match_started(
        app: Flask, tenant_a: Tenant, coordinator_a: User, instrument: Instrument) -> None:
    started_on = months_ago(app, 12) + timedelta(days=27)
    family = matched_since(app, tenant_a, coordinator_a, started_on)
    matched_since(app, tenant_a, coordinator_a, months_ago(app, 12) + timedelta(days=40), "Familie Later")
    completed_measurement(app, tenant_a, family, coordinator_a, Moment.T0, {"finances-1": 2})

    [signal] = [s for s in signals_of(app, tenant_a) if s.kind == SignalKind.T1_DUE]
    due = add_months(started_on, 12)  # a year on; 28 February for a start on 29 February
    assert signal.subject_id == family.id and signal.since == due and signal.key == due.isoformat()
    assert signal.facts["started_on"] == started_on

    completed_measurement(app, tenant_a, family, coordinator_a, Moment.T1, {"finances-1": 3})
    assert (SignalKind.T1_DUE, due.isoformat()) not in reminders(app, tenant_a)


def test_tend_is_missing_while_closing_and_for_90_days_after_closure(
        app: Flask, tenant_a: Tenant, coordinator_a: User, instrument: Instrument) -> None:
    closing = create_family(app, tenant_a, family_name="Familie Sluit", state=CaseState.CLOSING,
                            coordinator_id=coordinator_a.id)
    recent = create_family(app, tenant_a, family_name="Familie Recent", state=CaseState.CLOSED,
                           closed_on=days_ago(app, 89))
    old = create_family(app, tenant_a, family_name="Familie Oud", state=CaseState.CLOSED, closed_on=days_ago(app, 91))
    for family in (closing, recent, old):
        give_consent(app, tenant_a, family)

    assert sorted(reminders(app, tenant_a)) == sorted([(SignalKind.TEND_MISSING, "closing"),
                                                       (SignalKind.TEND_MISSING, days_ago(app, 89).isoformat())])

    completed_measurement(app, tenant_a, closing, coordinator_a, Moment.TEND, {"wellbeing-1": 3, "wellbeing-2": 2})
    update(app, tenant_a, Family, recent.id, closed_on=days_ago(app, 91))
    assert reminders(app, tenant_a) == []
