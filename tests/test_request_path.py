"""The lean request path (issue 19): what every page pays before and after its own work.

One statement loads the person, their membership of the tenant in the address, the tenant and its
licence; PostgreSQL gets the row-level-security settings in one ``set_config`` per transaction;
a pooled connection is checked without a round trip; the session cookie is re-sent only when it
changes; the catalogue of the reader's language is bound once per request.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta

import psycopg
import pytest
import sqlalchemy as sa
import time_machine
from flask import Flask
from flask.testing import FlaskClient

from saas.auth.models import User
from saas.db import bind_context, db, utcnow
from saas.i18n import _, force_locale
from saas.tenancy.models import Tenant
from tests.support import databases
from tests.support.queries import count_queries
from tests.support.sessions import SignIn

on_postgresql = pytest.mark.skipif(databases.backend() != "postgresql",
                                   reason="row-level security and the pool check exist only on PostgreSQL")


def test_the_person_and_their_membership_come_in_one_statement(
        app: Flask, signed_in: SignIn, manager_a: User) -> None:
    client = signed_in(manager_a)
    client.get("/t/alpha/members/")
    with count_queries(app) as statements:
        assert client.get("/t/alpha/members/").status_code == 200
    person = [s for s in statements if "FROM users JOIN user_sessions" in s]
    assert len(person) == 1 and "memberships" in person[0] and "licences" in person[0]
    assert not [s for s in statements if s.lstrip().startswith("SELECT") and "FROM memberships JOIN tenants" in s]


def test_a_membership_of_another_tenant_in_the_same_statement_opens_nothing(
        client: FlaskClient, signed_in: SignIn, manager_a: User, tenant_b: Tenant) -> None:
    signed_in(manager_a)
    assert client.get("/t/beta/").status_code == 404
    assert client.get("/t/alpha/").status_code == 200


@pytest.fixture
def set_config_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The set_config statements psycopg sends (they bypass SQLAlchemy's statement events)."""
    sent: list[str] = []
    execute = psycopg.Cursor.execute

    def spy(self: psycopg.Cursor, query: str, *args: object, **kwargs: object) -> object:
        if isinstance(query, str) and query.startswith("select set_config"):
            sent.append(query)
        return execute(self, query, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(psycopg.Cursor, "execute", spy)
    yield sent


@on_postgresql
def test_a_tenant_page_sends_its_bindings_once(
        app: Flask, signed_in: SignIn, manager_a: User, set_config_calls: list[str]) -> None:
    client = signed_in(manager_a)
    client.get("/t/alpha/members/")
    set_config_calls.clear()
    assert client.get("/t/alpha/members/").status_code == 200
    assert len(set_config_calls) == 1  # user, then tenant bound: one round trip for both


@on_postgresql
def test_bindings_follow_changes_and_savepoints(
        app: Flask, tenant_a: Tenant, tenant_b: Tenant, set_config_calls: list[str]) -> None:
    setting = sa.text("select current_setting('app.tenant_id', true)")
    with app.app_context():
        bind_context(db.session, tenant_id=tenant_a.id)
        assert db.session.scalar(setting) == str(tenant_a.id)
        assert db.session.scalar(setting) == str(tenant_a.id)
        assert len(set_config_calls) == 1  # not again while nothing changed
        savepoint = db.session.begin_nested()
        bind_context(db.session, tenant_id=tenant_b.id)
        assert db.session.scalar(setting) == str(tenant_b.id)
        savepoint.rollback()  # undoes the setting sent inside it: the session sends its own again
        assert db.session.scalar(setting) == str(tenant_b.id)
        bind_context(db.session, tenant_id=None)
        assert db.session.scalar(setting) == ""
        db.session.rollback()


@on_postgresql
def test_a_pooled_connection_the_server_ended_is_replaced_without_a_ping(
        test_database: databases.TestDatabase) -> None:
    from saas.db.base import configure_engine

    engine = sa.create_engine(test_database.app_url, pool_size=1, max_overflow=0)
    configure_engine(engine)
    admin = sa.create_engine(test_database.admin_url or "", isolation_level="AUTOCOMMIT")
    statements: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    try:
        with engine.connect() as connection:
            first = connection.scalar(sa.text("select pg_backend_pid()"))
        with admin.connect() as connection:
            connection.execute(sa.text("select pg_terminate_backend(:pid)"), {"pid": first})
            for _ in range(100):  # terminating is asynchronous: wait until the backend has gone
                if not connection.scalar(sa.text("select count(*) from pg_stat_activity where pid = :pid"),
                                         {"pid": first}):
                    break
                time.sleep(0.05)
        statements.clear()
        with engine.connect() as connection:  # would fail with "server closed the connection"
            second = connection.scalar(sa.text("select pg_backend_pid()"))
        assert second != first
        with engine.connect() as connection:
            assert connection.scalar(sa.text("select pg_backend_pid()")) == second
        assert statements == ["select pg_backend_pid()"] * 2  # no "select 1" before each
    finally:
        engine.dispose()
        admin.dispose()


def _sets_session_cookie(client: FlaskClient, url: str) -> bool:
    response = client.get(url)
    assert response.status_code == 200
    return any(header.startswith("session=") for header in response.headers.getlist("Set-Cookie"))


def test_the_session_cookie_is_sent_again_only_when_it_changes(signed_in: SignIn, manager_a: User) -> None:
    start = utcnow() + timedelta(minutes=1)
    with time_machine.travel(start, tick=False) as clock:
        client = signed_in(manager_a)
        _sets_session_cookie(client, "/t/alpha/")  # the first page after signing in renews it
        assert not _sets_session_cookie(client, "/t/alpha/")
        clock.shift(timedelta(seconds=30))
        assert not _sets_session_cookie(client, "/t/alpha/")
        clock.shift(timedelta(seconds=31))  # "last seen" is a minute old: renewed, so idling is measured
        assert _sets_session_cookie(client, "/t/alpha/")


def test_a_request_reads_its_language_and_a_forced_one_inside(app: Flask) -> None:
    with app.test_request_context(headers={"Accept-Language": "nl"}):
        assert _("Sign in") == "Inloggen"
        with force_locale("ar"):
            assert _("Sign in") != "Inloggen" and _("Sign in") != "Sign in"
        assert _("Sign in") == "Inloggen"
