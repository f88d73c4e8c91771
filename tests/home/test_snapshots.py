"""The signals' snapshot (tenants.home.snapshots): computed once, read until a change to what the
signals are computed from marks it stale (tenants.home.invalidation) or the day changes."""

from __future__ import annotations

import html
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from saas.auth.models import User
from saas.auth.roles import Role
from saas.db import tenant_context
from saas.tenancy.models import Tenant
from tenants.families.states import CaseState
from tenants.home import queries, snapshots
from tenants.home.models import SignalSnapshot
from tenants.home.signals import MANAGER_KINDS, Signal
from tests.factories.contacts import form_fields
from tests.factories.families import create_family
from tests.factories.home import add_contact, fire_every_kind, running_match
from tests.factories.platform import create_user, days_ago, hours_ago, in_tenant, today
from tests.support import databases
from tests.support.clock import AMSTERDAM
from tests.support.queries import count_queries
from tests.support.sessions import SignIn, sign_in
from tests.support.threads import SessionPerThread

HOME = "/t/alpha/"


@pytest.fixture
def computations(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The days the caseload signals were computed for, one entry per computation."""
    days: list[object] = []
    real = queries.compute_caseload_signals

    def counting(day: object) -> list[Signal]:
        days.append(day)
        return real(day)  # type: ignore[arg-type]

    monkeypatch.setattr(queries, "compute_caseload_signals", counting)
    return days


def page(client: FlaskClient, url: str = HOME) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.text[:300]
    return html.unescape(response.text)


def snapshot(app: Flask, tenant: Tenant) -> SignalSnapshot | None:
    with in_tenant(app, tenant) as session:
        found = session.scalars(select(SignalSnapshot)).one_or_none()
        session.expunge_all()
        return found


def test_the_second_view_reads_the_snapshot(app: Flask, tenant_a: Tenant, coordinator_a: User, signed_in: SignIn,
                                            computations: list[object]) -> None:
    running_match(app, tenant_a, actor=coordinator_a, started_on=days_ago(app, 20), family_name="Familie Eigen")
    client = signed_in(coordinator_a)

    first, second = page(client), page(client)
    assert len(computations) == 1 and computations == [today(app)]
    assert "No contact for 20 days" in first and "No contact for 20 days" in second
    assert "Familie Eigen" in page(client, HOME + "?kind=contact_late")  # the one-kind page too
    assert len(computations) == 1
    stored = snapshot(app, tenant_a)
    assert stored is not None and not stored.stale and stored.computed_for == today(app)


def test_a_contact_logged_in_another_request_shows_on_the_next_view(
        app: Flask, tenant_a: Tenant, coordinator_a: User, signed_in: SignIn, computations: list[object]) -> None:
    match = running_match(app, tenant_a, actor=coordinator_a, started_on=days_ago(app, 20), family_name="Familie Eigen")
    client = signed_in(coordinator_a)
    assert "No contact for 20 days" in page(client)
    computed = snapshot(app, tenant_a)
    assert computed is not None and not computed.stale

    log_url = f"/t/alpha/families/{match.family_id}/contacts"
    fields = form_fields(client.get(log_url).text, f"/families/{match.family_id}/contacts")
    fields["kind"], fields["happened_on"] = "coordinator_family", today(app).isoformat()
    assert client.post(log_url, data=fields).status_code == 302
    stored = snapshot(app, tenant_a)
    assert stored is not None and stored.stale and stored.version == computed.version + 1

    text = page(client)
    assert "Familie Eigen" not in text and len(computations) == 2
    stored = snapshot(app, tenant_a)
    assert stored is not None and not stored.stale


def test_changes_made_elsewhere_mark_the_snapshot_stale(
        app: Flask, tenant_a: Tenant, coordinator_a: User, signed_in: SignIn, computations: list[object]) -> None:
    match = running_match(app, tenant_a, actor=coordinator_a, started_on=days_ago(app, 20), family_name="Familie Eigen")
    client = signed_in(coordinator_a)
    page(client)

    create_family(app, tenant_a, family_name="Familie Wacht", state=CaseState.WAITING, coordinator_id=coordinator_a.id,
                  state_changed_at=hours_ago(100 * 24))
    text = page(client)
    assert "Familie Wacht" in text and "Waiting for a match for" in text  # 99 or 100 days, by summer time

    add_contact(app, tenant_a, match, days_ago(app, 16))
    assert "No contact for 16 days" in page(client)
    assert len(computations) == 3
    page(client)
    assert len(computations) == 3


def test_reading_and_acknowledging_do_not_mark_it_stale(
        app: Flask, tenant_a: Tenant, coordinator_a: User, signed_in: SignIn, computations: list[object]) -> None:
    match = running_match(app, tenant_a, actor=coordinator_a, started_on=days_ago(app, 20), family_name="Familie Eigen")
    client = signed_in(coordinator_a)
    page(client), page(client, f"/t/alpha/matches/{match.id}"), page(client, f"/t/alpha/families/{match.family_id}")
    computed = snapshot(app, tenant_a)
    assert computed is not None
    [signal] = queries_signals(app, tenant_a)  # computed here too, without the snapshot
    assert len(computations) == 2
    form = {"kind": signal.kind.value, "subject_id": str(signal.subject_id), "key": signal.key, "scope": "mine"}
    assert client.post("/t/alpha/signals/acknowledge", data=form).status_code == 302

    assert "Familie Eigen" not in page(client)  # acknowledgements are applied when the snapshot is read
    assert len(computations) == 2
    stored = snapshot(app, tenant_a)
    assert stored is not None and not stored.stale and stored.version == computed.version


def queries_signals(app: Flask, tenant: Tenant) -> list[Signal]:
    with in_tenant(app, tenant) as session:
        return queries.compute_signals(session.get(Tenant, tenant.id))


def test_the_next_day_computes_anew(app: Flask, tenant_a: Tenant, coordinator_a: User, signed_in: SignIn,
                                    computations: list[object]) -> None:
    running_match(app, tenant_a, actor=coordinator_a, started_on=days_ago(app, 20), family_name="Familie Eigen")
    assert "No contact for 20 days" in page(signed_in(coordinator_a))

    tomorrow = datetime.combine(today(app) + timedelta(days=1), datetime.min.time(), AMSTERDAM) + timedelta(hours=9)
    with time_machine.travel(tomorrow, tick=False), in_tenant(app, tenant_a) as session:
        tenant = session.get(Tenant, tenant_a.id)
        # The managers' job signal may fire a day later too (no digest ran in the test): not the caseload's.
        [signal] = [s for s in snapshots.current_signals(tenant) if s.kind not in MANAGER_KINDS]
        assert signal.facts["days"] == 21
        snapshots.current_signals(tenant)
        session.commit()
    assert computations == [today(app), tomorrow.date()]


def test_the_sealed_snapshot_names_no_family_in_plain_text(app: Flask, tenant_a: Tenant, coordinator_a: User,
                                                           signed_in: SignIn) -> None:
    running_match(app, tenant_a, actor=coordinator_a, started_on=days_ago(app, 20), family_name="Familie Eigen",
                  volunteer="Vera Zichtbaar")
    page(signed_in(coordinator_a))

    stored = snapshot(app, tenant_a)
    assert stored is not None and b"Eigen" not in stored.signals_sealed and b"Zichtbaar" not in stored.signals_sealed
    with in_tenant(app, tenant_a):
        text = snapshots.open_text(stored.signals_sealed, snapshots.SEALED_SIGNALS, tenant_a.id)
    assert text is not None and "Familie Eigen" in text


def test_signals_come_back_from_the_snapshot_as_they_were_computed(app: Flask, tenant_a: Tenant,
                                                                   coordinator_a: User) -> None:
    fire_every_kind(app, tenant_a, coordinator_a, 2)
    with in_tenant(app, tenant_a):
        computed = queries.compute_caseload_signals(today(app))
        restored = snapshots.decode(snapshots.encode(computed))

    def fields(signal: Signal) -> tuple[object, ...]:
        return (signal.kind, signal.severity, signal.subject_id, signal.key, signal.since, signal.coordinator_ids,
                signal.subject, signal.reference, signal.endpoint, signal.url_values, signal.facts)

    assert len({signal.kind for signal in computed}) == 9
    assert [fields(signal) for signal in restored] == [fields(signal) for signal in computed]


@pytest.mark.parametrize("from_snapshot", [False, True], ids=["computing", "from the snapshot"])
def test_the_home_page_takes_the_same_statements_for_5_or_50_signals(
        app: Flask, tenant_a: Tenant, tenant_b: Tenant, coordinator_a: User, from_snapshot: bool) -> None:
    coordinator_b = create_user(app, "coordinator@beta.example", tenant=tenant_b, role=Role.COORDINATOR, locale="en")
    clients = []
    for tenant, coordinator, n in ((tenant_a, coordinator_a, 5), (tenant_b, coordinator_b, 50)):
        for i in range(n):
            create_family(app, tenant, family_name=f"Wachtend {i}", state=CaseState.WAITING,
                          coordinator_id=coordinator.id, state_changed_at=hours_ago(100 * 24))
        client = app.test_client()
        sign_in(client, coordinator)
        page(client, f"/t/{tenant.slug}/")  # the snapshot and the policies exist from here on
        if not from_snapshot:
            with in_tenant(app, tenant) as session:
                session.execute(sa.update(SignalSnapshot).values(stale=True))
                session.commit()
        clients.append((client, f"/t/{tenant.slug}/"))

    with count_queries(app) as few:
        text_few = page(*clients[0])
    with count_queries(app) as many:
        text_many = page(*clients[1])

    assert "My caseload (5)" in text_few and "My caseload (50)" in text_many
    assert len(few) == len(many), many


def test_an_existing_snapshot_is_updated_in_place(app: Flask, tenant_a: Tenant) -> None:
    with in_tenant(app, tenant_a) as session:
        snapshots.store(tenant_a.id, today(app), b"first", 0)
        snapshots.store(tenant_a.id, today(app), b"second", 0)
        session.execute(sa.update(SignalSnapshot).values(stale=True, version=SignalSnapshot.version + 1))
        snapshots.store(tenant_a.id, today(app), b"computed before that change", 0)
        [row] = session.execute(select(SignalSnapshot.id, SignalSnapshot.signals_sealed, SignalSnapshot.stale))
        session.rollback()
    assert row == (tenant_a.id, b"second", True)


def test_a_change_before_the_first_snapshot_is_stored_is_not_lost(app: Flask, tenant_a: Tenant) -> None:
    """A computation found no snapshot (version 0); a change commits while it runs: the change makes a
    stale row, and the computation's result, from before the change, is not stored over it."""
    with in_tenant(app, tenant_a) as session:
        snapshots.mark_stale(tenant_a.id)
        snapshots.store(tenant_a.id, today(app), b"computed before that change", 0)
        [row] = session.execute(select(SignalSnapshot.signals_sealed, SignalSnapshot.stale, SignalSnapshot.version))
        session.rollback()
    assert row == (b"", True, 1)


def test_the_mark_comes_at_the_commit_once_per_transaction(app: Flask, tenant_a: Tenant) -> None:
    """Flushes only note the change; the snapshot's row is marked (and locked) just before the commit."""
    with in_tenant(app, tenant_a) as session:
        snapshots.store(tenant_a.id, today(app), b"computed", 0)
        session.commit()
    with count_queries(app) as statements:
        create_family(app, tenant_a, family_name="Familie Later", state=CaseState.WAITING)
    marks = [n for n, statement in enumerate(statements) if "signal_snapshots" in statement]
    writes = [n for n, statement in enumerate(statements) if statement.startswith("INSERT INTO families")]
    assert len(marks) == 1 and writes and marks[0] > max(writes)
    assert snapshot(app, tenant_a).stale  # type: ignore[union-attr]


# Two requests computing at once (PostgreSQL) ---------------------------------------------------


@pytest.fixture
def racing_tenant(app: Flask, test_database: databases.TestDatabase) -> Iterator[uuid.UUID]:
    """A committed tenant without a snapshot (``app``: the schema is migrated)."""
    admin = sa.create_engine(test_database.admin_url)
    tenant_id = uuid.uuid4()
    try:
        with admin.begin() as conn:
            conn.execute(sa.insert(Tenant.__table__).values(id=tenant_id, slug=f"race-{tenant_id.hex[:8]}",
                                                            name="Race"))
        yield tenant_id
    finally:
        with admin.begin() as conn:
            conn.execute(sa.delete(SignalSnapshot.__table__).where(SignalSnapshot.__table__.c.tenant_id == tenant_id))
            conn.execute(sa.delete(Tenant.__table__).where(Tenant.__table__.c.id == tenant_id))
        admin.dispose()


@pytest.mark.postgresql
@pytest.mark.skipif(databases.backend() != "postgresql", reason="SQLite has no concurrent writers to race")
def test_two_requests_storing_at_once_both_succeed(test_database: databases.TestDatabase, racing_tenant: uuid.UUID,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    engine = sa.create_engine(test_database.app_url)  # the app role: row-level security in force
    fake_db = SessionPerThread()
    monkeypatch.setattr(snapshots, "db", fake_db)
    day = datetime.now(AMSTERDAM).date()
    errors: list[BaseException] = []

    def second_request() -> None:
        try:
            with Session(engine) as session, tenant_context(session, racing_tenant):
                fake_db.session = session
                snapshots.store(racing_tenant, day, b"second", 0)  # waits for the first to commit
                session.commit()
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    try:
        with Session(engine) as session, tenant_context(session, racing_tenant):
            fake_db.session = session
            snapshots.store(racing_tenant, day, b"first", 0)
            racer = threading.Thread(target=second_request)
            racer.start()
            time.sleep(0.5)  # the second insert now waits on the unique tenant
            assert racer.is_alive()
            session.commit()
        racer.join(10)
        assert not errors, errors
        with Session(engine) as session, tenant_context(session, racing_tenant):
            rows = session.execute(select(SignalSnapshot.signals_sealed, SignalSnapshot.stale)).all()
        assert rows == [(b"second", False)]
    finally:
        engine.dispose()
