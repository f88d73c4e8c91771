"""Each kind of signal fires when it should, stays quiet when it should not, and costs one
statement however many matches, families or volunteers fire it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask_babel import force_locale
from sqlalchemy import select

from saas.auth.models import User
from saas.auth.roles import Role
from saas.db import utcnow
from saas.jobs.models import JobRun, RunStatus
from saas.tenancy.models import Tenant
from tenants.families.models import Family
from tenants.families.states import CaseState
from tenants.home.queries import RECENT_RUNS
from tenants.home.signals import DAILY_DIGEST, Severity, SignalKind
from tenants.matching.eligibility import MATCHING_POLICY
from tenants.matching.models import ContactMoment, Match
from tenants.matching.states import MatchState
from tenants.volunteers.readiness import add_months
from tests.factories.families import create_family
from tests.factories.home import (
    add_contact,
    fire_every_kind,
    local_noon,
    record_run,
    running_match,
    set_vog,
    signals_of,
    update,
)
from tests.factories.matching import ready_volunteer
from tests.factories.platform import create_user, database, days_ago, hours_ago, in_tenant, months_ago, today
from tests.support.queries import count_queries

CONTACT = (SignalKind.CONTACT_LATE, SignalKind.CONTACT_ALARM)


def contact_signals(app: Flask, tenant: Tenant) -> list:
    return [s for s in signals_of(app, tenant) if s.kind in CONTACT]


# No contact --------------------------------------------------------------------------------


def test_no_contact_counts_from_the_start_and_then_from_the_last_contact(
        app: Flask, tenant_a: Tenant, coordinator_a: User) -> None:
    match = running_match(app, tenant_a, actor=coordinator_a, started_on=days_ago(app, 20))

    [signal] = contact_signals(app, tenant_a)
    assert (signal.kind, signal.severity, signal.subject_id) == (SignalKind.CONTACT_LATE, Severity.WARNING, match.id)
    assert signal.key == days_ago(app, 20).isoformat() and signal.facts["days"] == 20
    assert signal.coordinator_ids == {coordinator_a.id} and signal.endpoint == "matches.show"

    add_contact(app, tenant_a, match, days_ago(app, 13))
    assert contact_signals(app, tenant_a) == []

    update(app, tenant_a, Match, match.id, started_on=days_ago(app, 60), proposed_on=days_ago(app, 60))
    add_contact(app, tenant_a, match, days_ago(app, 40))  # an older contact does not count
    assert contact_signals(app, tenant_a) == []


def test_a_contact_before_the_start_does_not_count_against_a_new_match(
        app: Flask, tenant_a: Tenant, coordinator_a: User) -> None:
    match = running_match(app, tenant_a, actor=coordinator_a, started_on=days_ago(app, 1))
    update(app, tenant_a, Match, match.id, proposed_on=days_ago(app, 60))
    add_contact(app, tenant_a, match, days_ago(app, 50))  # a visit during the introduction

    assert contact_signals(app, tenant_a) == []


def test_a_match_resumed_after_a_long_pause_counts_from_its_resumption(
        app: Flask, tenant_a: Tenant, coordinator_a: User) -> None:
    match = running_match(app, tenant_a, actor=coordinator_a, started_on=days_ago(app, 200))
    add_contact(app, tenant_a, match, days_ago(app, 101))  # then paused for 100 days
    update(app, tenant_a, Match, match.id, state_changed_at=local_noon(app, days_ago(app, 1)))

    assert contact_signals(app, tenant_a) == []

    update(app, tenant_a, Match, match.id, state_changed_at=local_noon(app, days_ago(app, 15)))
    [signal] = contact_signals(app, tenant_a)
    assert (signal.kind, signal.key, signal.facts["days"]) == (
        SignalKind.CONTACT_LATE, days_ago(app, 15).isoformat(), 15)
    assert signal.facts["counted_from"] == "active"
    with app.test_request_context(), force_locale("en"):
        assert signal.text.startswith("No contact logged since the match became active on")


def test_the_local_day_the_match_became_active_counts(app: Flask, tenant_a: Tenant, coordinator_a: User) -> None:
    """Late in the evening of the 14th day ago, local time, is still that day (not the 13th day ago in UTC)."""
    match = running_match(app, tenant_a, actor=coordinator_a, started_on=days_ago(app, 100))
    evening = datetime.combine(days_ago(app, 14), time(23, 30), tzinfo=ZoneInfo(app.config["TIMEZONE"]))
    update(app, tenant_a, Match, match.id, state_changed_at=evening.astimezone(UTC))
    [signal] = contact_signals(app, tenant_a)
    assert signal.since == days_ago(app, 14)

    update(app, tenant_a, Match, match.id, state_changed_at=(evening + timedelta(hours=1)).astimezone(UTC))
    assert contact_signals(app, tenant_a) == []


@pytest.mark.parametrize(("days", "kind"), [(15, SignalKind.CONTACT_LATE), (31, SignalKind.CONTACT_ALARM)])
def test_a_match_without_contact_since_its_start_fires(app: Flask, tenant_a: Tenant, coordinator_a: User,
                                                      days: int, kind: SignalKind) -> None:
    match = running_match(app, tenant_a, actor=coordinator_a, started_on=days_ago(app, days))
    update(app, tenant_a, Match, match.id, proposed_on=days_ago(app, days + 30))
    add_contact(app, tenant_a, match, days_ago(app, days + 10))  # before the start

    [signal] = contact_signals(app, tenant_a)
    assert (signal.kind, signal.key, signal.facts["days"]) == (kind, days_ago(app, days).isoformat(), days)
    assert signal.facts["counted_from"] == "start"
    with app.test_request_context(), force_locale("en"):
        assert signal.text.startswith("No contact logged since the start on")


def test_no_contact_becomes_an_alarm_after_thirty_days(app: Flask, tenant_a: Tenant, coordinator_a: User) -> None:
    match = running_match(app, tenant_a, actor=coordinator_a, started_on=days_ago(app, 90))
    add_contact(app, tenant_a, match, days_ago(app, 30))

    [signal] = contact_signals(app, tenant_a)
    assert (signal.kind, signal.severity, signal.key) == (
        SignalKind.CONTACT_ALARM, Severity.ALARM, days_ago(app, 30).isoformat())


def test_no_contact_fires_from_fourteen_days_and_only_for_active_matches(
        app: Flask, tenant_a: Tenant, coordinator_a: User) -> None:
    running_match(app, tenant_a, actor=coordinator_a, started_on=days_ago(app, 13), family_name="Familie Dertien")
    running_match(app, tenant_a, actor=coordinator_a, started_on=days_ago(app, 14), family_name="Familie Veertien",
                  volunteer="Wim Veertien")
    running_match(app, tenant_a, actor=coordinator_a, started_on=days_ago(app, 50), family_name="Familie Pauze",
                  volunteer="Piet Pauze", state=MatchState.PAUSED)

    assert [s.subject.split(" (")[0] for s in contact_signals(app, tenant_a)] == ["Familie Veertien"]


def test_the_thresholds_come_from_the_tenants_policy(app: Flask, tenant_a: Tenant, coordinator_a: User) -> None:
    running_match(app, tenant_a, actor=coordinator_a, started_on=days_ago(app, 20))
    with in_tenant(app, tenant_a) as session:
        policy = MATCHING_POLICY.for_update()
        policy.contact_warning_days, policy.contact_alarm_days = 7, 20
        session.commit()

    assert [s.kind for s in contact_signals(app, tenant_a)] == [SignalKind.CONTACT_ALARM]


# "I need my coordinator" -------------------------------------------------------------------


def test_an_unhandled_request_for_the_coordinator_fires_until_handled(
        app: Flask, tenant_a: Tenant, coordinator_a: User) -> None:
    match = running_match(app, tenant_a, actor=coordinator_a, started_on=days_ago(app, 30))
    add_contact(app, tenant_a, match, days_ago(app, 2))
    flagged = add_contact(app, tenant_a, match, days_ago(app, 1), needs_coordinator=True)

    [signal] = signals_of(app, tenant_a, SignalKind.NEEDS_COORDINATOR)
    assert (signal.subject_id, signal.severity, signal.since) == (flagged.id, Severity.ALARM, days_ago(app, 1))
    assert signal.url_values == {"match_id": match.id} and "Vera de Vries" in signal.subject

    update(app, tenant_a, ContactMoment, flagged.id, handled_at=utcnow(), handled_by_id=coordinator_a.id)
    assert signals_of(app, tenant_a, SignalKind.NEEDS_COORDINATOR) == []


# End of the match --------------------------------------------------------------------------


def test_a_match_near_its_planned_end_or_its_24_months_fires(app: Flask, tenant_a: Tenant, coordinator_a: User) -> None:
    day = today(app)
    planned = running_match(app, tenant_a, actor=coordinator_a, started_on=months_ago(app, 11),
                            family_name="Familie Gepland", planned_end_on=day + timedelta(days=30))
    maximum = running_match(app, tenant_a, actor=coordinator_a, started_on=add_months(day + timedelta(days=50), -24),
                            family_name="Familie Maximum", volunteer="Mo Maximum", planned_end_on=None)
    running_match(app, tenant_a, actor=coordinator_a, started_on=months_ago(app, 11), family_name="Familie Later",
                  volunteer="Lies Later", planned_end_on=day + timedelta(days=61))
    overdue = running_match(app, tenant_a, actor=coordinator_a, started_on=months_ago(app, 13),
                            family_name="Familie Over", volunteer="Olga Over", state=MatchState.PAUSED,
                            planned_end_on=day - timedelta(days=1))

    signals = {s.subject_id: s for s in signals_of(app, tenant_a, SignalKind.MATCH_ENDING)}
    assert set(signals) == {planned.id, maximum.id, overdue.id}
    assert (signals[planned.id].facts["reason"], signals[planned.id].since) == ("planned", day + timedelta(days=30))
    assert (signals[maximum.id].facts["reason"], signals[maximum.id].since) == ("maximum", day + timedelta(days=50))
    assert signals[planned.id].severity == Severity.WARNING and signals[overdue.id].severity == Severity.ALARM


def test_an_ended_match_does_not_signal_its_end(app: Flask, tenant_a: Tenant, coordinator_a: User) -> None:
    match = running_match(app, tenant_a, actor=coordinator_a, started_on=months_ago(app, 23),
                          planned_end_on=today(app) + timedelta(days=10))
    update(app, tenant_a, Match, match.id, state=MatchState.ENDED, ended_on=today(app))

    assert signals_of(app, tenant_a, SignalKind.MATCH_ENDING) == []


# Interim evaluation ------------------------------------------------------------------------


def test_the_interim_evaluation_is_due_six_months_after_the_start(app: Flask, tenant_a: Tenant,
                                                                  coordinator_a: User) -> None:
    due = running_match(app, tenant_a, actor=coordinator_a, started_on=months_ago(app, 6), family_name="Familie Zes")
    # The first start that is not due yet: the day after six months ago, or later at a month's end
    # (on 29 February, a start on 30 August is due today: six months on is clamped to the 29th).
    not_yet = months_ago(app, 6) + timedelta(days=1)
    while add_months(not_yet, 6) <= today(app):
        not_yet += timedelta(days=1)
    running_match(app, tenant_a, actor=coordinator_a, started_on=not_yet, family_name="Familie Bijna",
                  volunteer="Bea Bijna")
    running_match(app, tenant_a, actor=coordinator_a, started_on=months_ago(app, 8), family_name="Familie Gedaan",
                  volunteer="Gijs Gedaan", interim_evaluation_on=months_ago(app, 2))

    [signal] = signals_of(app, tenant_a, SignalKind.EVALUATION_DUE)
    # Due six calendar months after the start: today, or a day or two before it when today is the
    # 31st (or 1 March) and six months ago the month was shorter.
    started_on = months_ago(app, 6)
    assert (signal.subject_id, signal.since, signal.key) == (due.id, add_months(started_on, 6), started_on.isoformat())
    assert add_months(started_on, 6) <= today(app)


# Waiting families --------------------------------------------------------------------------


def test_a_family_waiting_longer_than_the_policy_fires(app: Flask, tenant_a: Tenant, coordinator_a: User) -> None:
    long = create_family(app, tenant_a, family_name="Familie Lang", coordinator_id=coordinator_a.id,
                         state=CaseState.WAITING, state_changed_at=hours_ago(61 * 24))
    create_family(app, tenant_a, family_name="Familie Kort", state=CaseState.WAITING,
                  state_changed_at=hours_ago(59 * 24))
    create_family(app, tenant_a, family_name="Familie Intake", state=CaseState.INTAKE_DONE,
                  state_changed_at=hours_ago(100 * 24))

    [signal] = signals_of(app, tenant_a, SignalKind.WAITING_LONG)
    assert (signal.subject_id, signal.endpoint, signal.coordinator_ids) == (long.id, "families.show",
                                                                            {coordinator_a.id})
    assert signal.facts["days"] in (60, 61)  # the local date of a time 61 × 24 hours ago

    update(app, tenant_a, Family, long.id, state=CaseState.MATCHED)
    assert signals_of(app, tenant_a, SignalKind.WAITING_LONG) == []


# VOG -----------------------------------------------------------------------------------------


def test_an_expiring_or_expired_vog_fires_for_volunteers_with_an_open_match(
        app: Flask, tenant_a: Tenant, coordinator_a: User) -> None:
    expiring = running_match(app, tenant_a, actor=coordinator_a, started_on=days_ago(app, 5), volunteer="Eva Expiring")
    expired = running_match(app, tenant_a, actor=coordinator_a, started_on=days_ago(app, 5), volunteer="Ed Expired",
                            family_name="Familie Twee")
    set_vog(app, tenant_a, expiring.volunteer_id, add_months(today(app), -35))  # valid for 36 months, 60 days' warning
    set_vog(app, tenant_a, expired.volunteer_id, add_months(today(app), -36))
    unmatched = ready_volunteer(app, tenant_a, "Nina Nergens")
    set_vog(app, tenant_a, unmatched.id, add_months(today(app), -36))

    signals = {s.subject_id: s for s in signals_of(app, tenant_a, SignalKind.VOG_EXPIRING)}
    assert set(signals) == {expiring.volunteer_id, expired.volunteer_id}
    assert signals[expiring.volunteer_id].severity == Severity.WARNING
    assert signals[expiring.volunteer_id].facts["expires_on"] == add_months(today(app), 1)
    assert signals[expired.volunteer_id].severity == Severity.ALARM
    assert signals[expired.volunteer_id].endpoint == "volunteers.show"
    assert signals[expired.volunteer_id].coordinator_ids == {coordinator_a.id}


# The daily digest stopped ------------------------------------------------------------------


def test_the_digest_not_running_is_a_signal_for_managers(app: Flask, tenant_a: Tenant) -> None:
    assert signals_of(app, tenant_a, SignalKind.JOB_STALLED) == []  # a new tenant: not yet

    update_tenant_created(app, tenant_a, hours_ago(48))
    [signal] = signals_of(app, tenant_a, SignalKind.JOB_STALLED)
    assert (signal.key, signal.facts["last_run"], signal.coordinator_ids) == ("never", None, frozenset())

    record_run(app, DAILY_DIGEST, hours_ago(30), run_key="a")
    [signal] = signals_of(app, tenant_a, SignalKind.JOB_STALLED)
    assert signal.key != "never" and signal.facts["last_run"] is not None

    record_run(app, DAILY_DIGEST, hours_ago(2), status=RunStatus.FAILED, run_key="b")
    assert len(signals_of(app, tenant_a, SignalKind.JOB_STALLED)) == 1  # a failed run is no run

    record_run(app, DAILY_DIGEST, hours_ago(1), run_key="c")
    assert signals_of(app, tenant_a, SignalKind.JOB_STALLED) == []


def test_the_digest_failing_for_one_tenant_is_a_signal_for_that_tenant_only(
        app: Flask, tenant_a: Tenant, tenant_b: Tenant) -> None:
    for tenant in (tenant_a, tenant_b):
        update_tenant_created(app, tenant, hours_ago(30 * 24))
    record_run(app, DAILY_DIGEST, hours_ago(20), run_key="a", details={"failed_tenant_ids": []})
    record_run(app, DAILY_DIGEST, hours_ago(2), run_key="b", details={"failed_tenant_ids": [str(tenant_a.id)]})
    assert signals_of(app, tenant_a, SignalKind.JOB_STALLED) == []  # its last good run is 20 hours old

    record_run(app, DAILY_DIGEST, hours_ago(27), run_key="0", details={"failed_tenant_ids": []})
    with database(app) as session:  # the good run of 20 hours ago failed for alpha after all
        session.scalars(select(JobRun).where(JobRun.run_key == "a")).one().details = {
            "failed_tenant_ids": [str(tenant_a.id), str(uuid.uuid4())]}

    [signal] = signals_of(app, tenant_a, SignalKind.JOB_STALLED)
    assert signal.facts["last_run"] is not None and signal.key != "never"
    assert signal.since == hours_ago(27).astimezone(ZoneInfo(app.config["TIMEZONE"])).date()
    assert signals_of(app, tenant_b, SignalKind.JOB_STALLED) == []

    record_run(app, DAILY_DIGEST, hours_ago(1), run_key="c", details={"failed_tenant_ids": [str(tenant_b.id)]})
    assert signals_of(app, tenant_a, SignalKind.JOB_STALLED) == []  # alpha's digest ran again


def test_a_tenant_failing_in_every_recent_run_still_has_the_signal(app: Flask, tenant_a: Tenant) -> None:
    update_tenant_created(app, tenant_a, hours_ago(100 * 24))
    record_run(app, DAILY_DIGEST, hours_ago(40 * 24), run_key="good")
    for day in range(RECENT_RUNS):
        record_run(app, DAILY_DIGEST, hours_ago(24 * day + 2), run_key=f"failed-{day}",
                   details={"failed_tenant_ids": [str(tenant_a.id)]})

    [signal] = signals_of(app, tenant_a, SignalKind.JOB_STALLED)
    assert signal.key == "failing" and signal.facts["last_run"] is not None


def update_tenant_created(app: Flask, tenant: Tenant, created_at: datetime) -> None:
    with database(app) as session:
        session.get(Tenant, tenant.id).created_at = created_at


# One statement per kind ------------------------------------------------------------------


def test_computing_the_signals_takes_the_same_statements_for_one_or_many(
        app: Flask, tenant_a: Tenant, tenant_b: Tenant, coordinator_a: User) -> None:
    coordinator_b = create_user(app, "coordinator@beta.example", tenant=tenant_b, role=Role.COORDINATOR)
    fire_every_kind(app, tenant_a, coordinator_a, 1)
    fire_every_kind(app, tenant_b, coordinator_b, 4)
    signals_of(app, tenant_a), signals_of(app, tenant_b)  # the policies exist from here on

    with count_queries(app) as one:
        kinds_a = {s.kind for s in signals_of(app, tenant_a)}
    with count_queries(app) as many:
        signals_b = signals_of(app, tenant_b)

    assert kinds_a == {s.kind for s in signals_b} == set(SignalKind) - {SignalKind.JOB_STALLED, SignalKind.CONTACT_LATE}
    assert len(signals_b) > 4 * 4
    assert len(one) == len(many), many
