"""Two sends of the same form at the same moment (a double click reaching two workers) write once:
the second waits on the unique constraint of ``submissions`` until the first commits, then answers
the first result (PostgreSQL only).

Two real transactions on two connections, so this runs outside the rolled-back test transaction.
The claim itself is raced with a committed tenant and author (added through the admin connection
and removed afterwards), each thread claiming the token the way saas.web.run_form does; the whole
request is raced by two test clients in two threads against an app on a scratch database.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from types import SimpleNamespace

import flask_migrate
import pytest
import sqlalchemy as sa
from flask import Flask, g
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from saas.auth.models import User
from saas.auth.roles import Role
from saas.db import db, tenant_context
from saas.submissions import once
from saas.submissions.models import Submission
from saas.tenancy.models import Tenant
from tenants.matching.contacts import operations as contact_operations
from tenants.matching.models import ContactMoment
from tests.factories.contacts import form_fields
from tests.factories.matching import waiting_family
from tests.factories.platform import count_rows, create_tenant, create_user
from tests.families.test_case_numbers_concurrency import SessionPerThread
from tests.support import databases
from tests.support.sessions import sign_in
from tests.test_migrations import migrated_app, scratch_database

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.skipif(databases.backend() != "postgresql", reason="SQLite has no concurrent writers to race"),
]

TOKEN = "double-click-7d0c2b4e9f1a"
DONE = "/t/race/families/1#contacts"


@pytest.fixture
def racer(app: Flask, test_database: databases.TestDatabase) -> Iterator[tuple[uuid.UUID, uuid.UUID]]:
    """A committed tenant and author (``app``: the schema is migrated)."""
    assert test_database.admin_url is not None
    admin = sa.create_engine(test_database.admin_url)
    tenant_id, user_id = uuid.uuid4(), uuid.uuid4()
    try:
        with admin.begin() as conn:
            conn.execute(sa.insert(Tenant).values(id=tenant_id, slug=f"race-{tenant_id.hex[:8]}",
                                                            name="Race"))
            conn.execute(sa.insert(User).values(id=user_id, email=f"{user_id.hex}@race.example",
                                                          name="Racer"))
        yield tenant_id, user_id
    finally:
        with admin.begin() as conn:
            conn.execute(sa.delete(Submission).where(Submission.tenant_id == tenant_id))
            conn.execute(sa.delete(User).where(User.id == user_id))
            conn.execute(sa.delete(Tenant).where(Tenant.id == tenant_id))
        admin.dispose()


@pytest.fixture
def claiming(app: Flask, racer: tuple[uuid.UUID, uuid.UUID], monkeypatch: pytest.MonkeyPatch,
             test_database: databases.TestDatabase) -> Iterator[tuple[sa.Engine, object]]:
    engine = sa.create_engine(test_database.app_url)  # the app role: row-level security in force
    fake_db = SessionPerThread()
    monkeypatch.setattr(once, "db", fake_db)
    monkeypatch.setattr(once, "current_user", SimpleNamespace(id=racer[1], is_authenticated=True))

    def claim(session: Session) -> once.Claim | None:
        with app.test_request_context("/t/race/", method="POST", json={"note": "twice"},
                                      headers={once.HEADER_NAME: TOKEN}):
            g.tenant = racer[0]
            fake_db.session = session
            return once.claim()

    try:
        yield engine, claim
    finally:
        engine.dispose()


def race(engine: sa.Engine, tenant_id: uuid.UUID, claim: object, *, first_commits: bool) -> list[object]:
    """The first send claims and holds its transaction open; the second must wait for it."""
    answers: list[object] = []

    def second_send() -> None:
        try:
            with Session(engine) as session, tenant_context(session, tenant_id):
                answer = claim(session)  # type: ignore[operator]
                # What run_form goes on with: a repeat and the first result, or its own claim.
                answers.append((answer.repeat, answer.row.location) if answer else None)
                session.commit()
        except BaseException as exc:  # reported below; a thread must not die silently
            answers.append(exc)

    with Session(engine) as first, tenant_context(first, tenant_id):
        own = claim(first)  # type: ignore[operator]
        assert own is not None and not own.repeat
        second = threading.Thread(target=second_send)
        second.start()
        time.sleep(0.5)
        assert second.is_alive(), "the second send should wait for the first"
        if first_commits:
            once.settle(own, DONE)
            first.commit()
        else:
            first.rollback()
    second.join(timeout=10)
    assert not second.is_alive()
    return answers


def stored(engine: sa.Engine, tenant_id: uuid.UUID) -> list[Submission]:
    with Session(engine) as session, tenant_context(session, tenant_id):
        return list(session.scalars(sa.select(Submission)))


def test_the_second_of_two_simultaneous_sends_answers_the_first_result(
        racer: tuple[uuid.UUID, uuid.UUID], claiming: tuple[sa.Engine, object]) -> None:
    engine, claim = claiming
    [answer] = race(engine, racer[0], claim, first_commits=True)

    assert answer == (True, DONE)
    assert [row.location for row in stored(engine, racer[0])] == [DONE]


def test_when_the_first_send_fails_the_second_one_goes_ahead(
        racer: tuple[uuid.UUID, uuid.UUID], claiming: tuple[sa.Engine, object]) -> None:
    engine, claim = claiming
    [answer] = race(engine, racer[0], claim, first_commits=False)

    assert answer == (False, None)
    assert len(stored(engine, racer[0])) == 1


# The whole request, twice at once -------------------------------------------------------------


@pytest.fixture
def racing_app(test_database: databases.TestDatabase) -> Iterator[Flask]:
    """An app of its own on a scratch database: its requests commit for real, on their own
    connections (the suite's ``app`` shares one rolled-back connection, which cannot race)."""
    with scratch_database(test_database) as url:
        application = migrated_app(url)
        application.config["WTF_CSRF_ENABLED"] = False
        with application.app_context():
            flask_migrate.upgrade()
        factory = db.session.session_factory
        factory.configure(expire_on_commit=False)  # the factories' objects outlive their sessions, as in the suite
        try:
            yield application
        finally:
            factory.configure(expire_on_commit=True)
            with application.app_context():
                db.engine.dispose()


def test_a_double_clicked_contact_reaching_two_workers_is_logged_once(
        racing_app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    tenant = create_tenant(racing_app, "race")
    coordinator = create_user(racing_app, "coordinator@race.example", tenant=tenant, role=Role.COORDINATOR)
    family = waiting_family(racing_app, tenant, coordinator_id=coordinator.id)
    url = f"/t/race/families/{family.id}/contacts"
    browser = racing_app.test_client()
    sign_in(browser, coordinator)
    fields = form_fields(browser.get(url).text, f"/families/{family.id}/contacts")
    # Two workers, one browser: the same session cookie and the same form.
    other_worker = racing_app.test_client()
    session_cookie = browser.get_cookie("session")
    assert session_cookie is not None
    other_worker.set_cookie("session", session_cookie.value)

    runs: list[int] = []
    real = contact_operations.log_staff_contact

    def slow_log(*args: object, **kwargs: object) -> object:
        runs.append(1)
        logged = real(*args, **kwargs)  # type: ignore[arg-type]
        time.sleep(0.5)  # the first keeps its transaction open while the second arrives
        return logged

    monkeypatch.setattr(contact_operations, "log_staff_contact", slow_log)
    start = threading.Barrier(2)
    answers: list[object] = []

    def click(client: FlaskClient) -> None:
        try:
            start.wait()
            response = client.post(url, data=fields)
            answers.append((response.status_code, response.location))
        except BaseException as exc:  # reported below; a thread must not die silently
            answers.append(exc)

    clicks = [threading.Thread(target=click, args=(client,)) for client in (browser, other_worker)]
    for thread in clicks:
        thread.start()
    for thread in clicks:
        thread.join(timeout=20)

    assert len(answers) == 2 and len(set(answers)) == 1, answers  # the same answer to both clicks
    assert isinstance(answers[0], tuple) and answers[0][0] == 302
    assert runs == [1]
    assert count_rows(racing_app, tenant, ContactMoment) == 1
