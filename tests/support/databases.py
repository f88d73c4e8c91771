"""Test databases: a SQLite file, or a fresh PostgreSQL database with the owner and app roles.

On PostgreSQL the suite runs exactly as production does: migrations as the table owner, the
app as a role without ownership or BYPASSRLS, so row-level security is really in force.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from saas.db.rls import role_setup_sql

OWNER_ROLE = "saas_test_owner"
APP_ROLE = "saas_test_app"


@dataclass(frozen=True)
class TestDatabase:
    app_url: str
    owner_url: str
    admin_url: str | None = None

    @property
    def is_postgresql(self) -> bool:
        return self.app_url.startswith("postgresql")


def backend() -> str:
    return os.environ.get("SAAS_TEST_BACKEND", "sqlite")


def postgres_admin_url() -> str | None:
    url = os.environ.get("SAAS_TEST_DATABASE_URL")
    if url and url.startswith("postgresql://"):
        url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    return url


@contextmanager
def sqlite_database(directory: Path) -> Iterator[TestDatabase]:
    url = f"sqlite:///{directory / 'test.sqlite3'}"
    yield TestDatabase(app_url=url, owner_url=url)


def create_postgresql_database(admin_url: str, name: str) -> TestDatabase:
    """A new, empty database ``name`` (dropped first if it exists) with the owner and app roles."""
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        existing = set(conn.scalars(sa.text("select rolname from pg_roles")))
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
        for statement in role_setup_sql(name, OWNER_ROLE, APP_ROLE):
            if statement.startswith("CREATE ROLE") and statement.split()[2] in existing:
                continue
            if "ALTER SCHEMA" in statement or "DEFAULT PRIVILEGES" in statement or "USAGE ON SCHEMA" in statement:
                continue  # these run inside the new database, below
            conn.exec_driver_sql(statement)
    admin.dispose()
    inside = sa.create_engine(make_url(admin_url).set(database=name), isolation_level="AUTOCOMMIT")
    with inside.connect() as conn:
        for statement in role_setup_sql(name, OWNER_ROLE, APP_ROLE):
            if "ALTER SCHEMA" in statement or "DEFAULT PRIVILEGES" in statement or "USAGE ON SCHEMA" in statement:
                conn.exec_driver_sql(statement)
    inside.dispose()
    return existing_postgresql_database(admin_url, name)


def existing_postgresql_database(admin_url: str, name: str) -> TestDatabase:
    """The addresses of database ``name`` for the owner, the app role and the administrator."""
    base = make_url(admin_url).set(database=name, password=None)
    return TestDatabase(
        app_url=base.set(username=APP_ROLE).render_as_string(hide_password=False),
        owner_url=base.set(username=OWNER_ROLE).render_as_string(hide_password=False),
        admin_url=make_url(admin_url).set(database=name).render_as_string(hide_password=False),
    )


@contextmanager
def postgresql_database(admin_url: str, name: str) -> Iterator[TestDatabase]:
    """A new database ``name`` for the block, dropped afterwards."""
    database = create_postgresql_database(admin_url, name)
    try:
        yield database
    finally:
        admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()
