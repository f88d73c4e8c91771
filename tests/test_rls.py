"""Isolation layer 4: PostgreSQL row-level security, as the app role the web process uses.

Runs in the PostgreSQL pass (``SAAS_TEST_BACKEND=postgresql``); skipped on SQLite, where the
demo relies on layers 1–3.
"""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from saas.auth.models import Membership
from saas.auth.roles import Role
from saas.db import TenantScoped, bind_context, db
from saas.tenancy.models import Tenant
from tests.factories.platform import create_user
from tests.support import databases

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.skipif(databases.backend() != "postgresql", reason="row-level security exists only on PostgreSQL"),
]


@pytest.fixture
def people(app: Flask, tenant_a: Tenant, tenant_b: Tenant) -> None:
    for n in range(3):
        create_user(app, f"a{n}@example.org", tenant=tenant_a, role=Role.VOLUNTEER)
    create_user(app, "b0@example.org", tenant=tenant_b, role=Role.VOLUNTEER)


def raw(connection: sa.Connection, sql: str, **params: object) -> list[tuple]:
    return list(connection.exec_driver_sql(sql, params or None).all())


def set_tenant(connection: sa.Connection, tenant_id: uuid.UUID | None) -> None:
    connection.exec_driver_sql("select set_config('app.tenant_id', %(t)s, true)", {"t": str(tenant_id or "")})


def test_every_tenant_table_has_forced_rls_and_a_policy(app: Flask) -> None:
    with app.app_context():
        connection = db.session.connection()
        with_tenant_column = {r[0] for r in raw(connection, (
            "select table_name from information_schema.columns "
            "where table_schema = 'public' and column_name = 'tenant_id'"))}
        # platform_events names a tenant for foundation actions but is not tenant data; nor are a
        # tenant's licence and the Stripe events about it (saas.billing: the platform's billing).
        tenant_tables = with_tenant_column - {"platform_events", "licences", "stripe_events"}
        assert tenant_tables == TenantScoped.tables
        flags = {r[0]: (r[1], r[2]) for r in raw(connection, (
            "select relname, relrowsecurity, relforcerowsecurity from pg_class "
            "where relnamespace = 'public'::regnamespace and relkind = 'r'"))}
        policies = {r[0] for r in raw(connection, "select tablename from pg_policies where schemaname = 'public'")}
    for table in tenant_tables:
        assert flags[table] == (True, True), f"{table} must ENABLE and FORCE row level security"
        assert table in policies, f"{table} has no policy"


def test_the_app_role_cannot_bypass_rls(app: Flask) -> None:
    with app.app_context():
        connection = db.session.connection()
        ((superuser, bypass),) = raw(
            connection, "select rolsuper, rolbypassrls from pg_roles where rolname = current_user")
        owned = raw(
            connection, "select tablename from pg_tables where schemaname = 'public' and tableowner = current_user")
    assert not superuser and not bypass
    assert owned == []


def test_raw_sql_sees_only_the_bound_tenant(app: Flask, people: None, tenant_a: Tenant, tenant_b: Tenant) -> None:
    with app.app_context():
        connection = db.session.connection()
        set_tenant(connection, None)
        assert raw(connection, "select count(*) from memberships") == [(0,)]
        set_tenant(connection, tenant_a.id)
        assert raw(connection, "select count(*) from memberships") == [(3,)]
        foreign = raw(connection, "select count(*) from memberships where tenant_id = %(t)s", t=str(tenant_b.id))
        assert foreign == [(0,)]
        set_tenant(connection, tenant_b.id)
        assert raw(connection, "select count(*) from memberships") == [(1,)]


def test_a_person_sees_their_own_memberships_in_every_tenant(app: Flask, tenant_a: Tenant, tenant_b: Tenant) -> None:
    user = create_user(app, "both@example.org", tenant=tenant_a, role=Role.VOLUNTEER)
    from tests.factories.platform import add_membership

    add_membership(app, tenant_b, user, Role.VOLUNTEER)
    create_user(app, "other@example.org", tenant=tenant_b, role=Role.VOLUNTEER)
    with app.app_context():
        connection = db.session.connection()
        set_tenant(connection, None)
        connection.exec_driver_sql("select set_config('app.user_id', %(u)s, true)", {"u": str(user.id)})
        assert raw(connection, "select count(*) from memberships") == [(2,)]
        assert raw(connection, "select count(*) from invitations") == [(0,)]


def test_with_check_refuses_rows_for_another_tenant(app: Flask, tenant_a: Tenant, tenant_b: Tenant) -> None:
    with app.app_context():
        connection = db.session.connection()
        set_tenant(connection, tenant_a.id)
        savepoint = connection.begin_nested()
        with pytest.raises(DBAPIError, match="row-level security"):
            connection.exec_driver_sql(
                "insert into audit_events (tenant_id, id, action, details, at) values (%(t)s, %(i)s, 'x', '{}', now())",
                {"t": str(tenant_b.id), "i": str(uuid.uuid4())})
        savepoint.rollback()


def test_a_pooled_connection_does_not_carry_the_tenant_to_the_next_request(
        test_database: databases.TestDatabase, tenant_a: Tenant) -> None:
    engine = sa.create_engine(test_database.app_url, pool_size=1, max_overflow=0)
    try:
        with Session(engine) as session:  # "request 1", tenant bound as the app binds it
            bind_context(session, tenant_id=tenant_a.id)
            pid, setting = session.execute(sa.text(
                "select pg_backend_pid(), current_setting('app.tenant_id', true)")).one()
            assert setting == str(tenant_a.id)
            session.scalars(sa.select(Membership)).all()
            session.commit()
        with engine.connect() as connection:  # "request 2" on the same pooled connection, no tenant
            next_pid, leftover = connection.execute(sa.text(
                "select pg_backend_pid(), current_setting('app.tenant_id', true)")).one()
            assert next_pid == pid
            assert leftover in ("", None)
            assert connection.execute(sa.text("select count(*) from memberships")).scalar() == 0
    finally:
        engine.dispose()
