"""Migrations: one linear history with dated file names, and a schema that matches the models
after upgrading, that a downgrade removes completely, and that upgrades again.

On PostgreSQL the up/down/up cycle runs in a scratch database made for it (created through the
superuser connection, owned by the test owner role, dropped afterwards): downgrading the session
database would pull the schema from under every other test. The session database itself is
compared with the models as well, since it is the one the rest of the suite runs against.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy.engine import make_url

from config import ROOT
from saas.app import create_app
from saas.db import TenantScoped, configure_engine, db
from saas.db.rls import POLICY_NAME, READER_POLICY
from tests.support import databases
from tests.support.databases import OWNER_ROLE

MIGRATIONS = ROOT / "migrations"
VERSIONS = MIGRATIONS / "versions"
FILE_NAME = re.compile(r"^(?P<date>\d{8}_\d{4})_(?P<rev>[0-9a-f]{12})_(?P<slug>[a-z0-9_]+)\.py$")

postgresql_only = pytest.mark.skipif(databases.backend() != "postgresql",
                                     reason="runs in the PostgreSQL pass (SAAS_TEST_BACKEND=postgresql)")


def script_directory() -> ScriptDirectory:
    config = Config(str(MIGRATIONS / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config)


def migration_files() -> list[Path]:
    return sorted(path for path in VERSIONS.glob("*.py") if path.name != "__init__.py")


# The history -----------------------------------------------------------------------------


def test_there_is_exactly_one_head() -> None:
    heads = script_directory().get_heads()

    assert len(heads) == 1, f"several heads {heads}: merge them (flask db merge heads)"


def test_the_history_is_linear_from_one_base() -> None:
    scripts = list(script_directory().walk_revisions())

    assert [s.revision for s in scripts if s.down_revision is None] == [scripts[-1].revision]
    assert all(not isinstance(s.down_revision, tuple) or len(s.down_revision) == 1 for s in scripts)
    assert len(scripts) == len(migration_files()), "a file in versions/ is not part of the history"


def test_every_migration_file_name_starts_with_its_date() -> None:
    wrong = [path.name for path in migration_files() if not FILE_NAME.match(path.name)]

    assert migration_files(), "no migrations found"
    assert not wrong, f"name them YYYYMMDD_HHMM_<revision>_<slug>.py (alembic.ini file_template): {wrong}"
    for path in migration_files():
        datetime.strptime(FILE_NAME.match(path.name)["date"], "%Y%m%d_%H%M")  # a real date and time


def test_file_names_carry_their_revision_and_dates_follow_the_history() -> None:
    scripts = list(reversed(list(script_directory().walk_revisions())))  # base first
    dates = []
    for script in scripts:
        match = FILE_NAME.match(Path(script.path).name)
        assert match and match["rev"] == script.revision, f"{script.path} does not carry {script.revision}"
        dates.append(match["date"])

    assert dates == sorted(dates), "a migration is dated before the one it follows"


# The schema ------------------------------------------------------------------------------


def differences(url: str) -> list:
    """What autogenerate would write, comparing the database at ``url`` with the models
    (the check ``flask db check`` does, with the options of migrations/env.py)."""
    engine = sa.create_engine(url)
    configure_engine(engine)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return compare_metadata(context, db.metadata)
    finally:
        engine.dispose()


def table_names(url: str) -> set[str]:
    engine = sa.create_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def migrated_app(url: str) -> Flask:
    """A separate app whose migrations run against ``url`` (not the session database)."""
    return create_app("testing", DATABASE_URL=url, MIGRATION_DATABASE_URL=url)


def assert_schema_matches_the_models(app: Flask, url: str) -> None:
    diff = differences(url)
    assert diff == [], "the models and the migrations differ; write a migration:\n" + "\n".join(map(str, diff))
    with app.app_context():
        flask_migrate.check()  # the real `flask db check` through env.py; exits on differences
    assert table_names(url) >= set(db.metadata.tables)


def test_the_comparison_does_notice_a_difference(tmp_path: Path) -> None:
    """Guards the guard: a model table missing from the database shows up as a difference."""
    url = f"sqlite:///{tmp_path / 'compare.sqlite3'}"
    app = migrated_app(url)
    with app.app_context():
        flask_migrate.upgrade()
    metadata = sa.MetaData()
    for table in db.metadata.tables.values():
        table.to_metadata(metadata)
    sa.Table("not_migrated", metadata, sa.Column("id", sa.Integer, primary_key=True))
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), metadata)
    engine.dispose()

    assert [d[0] for d in diff] == ["add_table"] and diff[0][1].name == "not_migrated"


def sqlite_leftovers(url: str) -> list[tuple[str, str]]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(sa.text(
                "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' "
                "AND name != 'alembic_version' ORDER BY type, name"))]
    finally:
        engine.dispose()


def test_sqlite_upgrade_matches_the_models_downgrade_removes_everything_and_upgrade_works_again(
        tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    app = migrated_app(url)

    with app.app_context():
        flask_migrate.upgrade()
    assert_schema_matches_the_models(app, url)
    assert ("trigger", "audit_events_no_update") in sqlite_leftovers(url)

    with app.app_context():
        flask_migrate.downgrade(revision="base")
    assert table_names(url) <= {"alembic_version"}
    assert sqlite_leftovers(url) == [], "the downgrade left tables, indexes or triggers behind"

    with app.app_context():
        flask_migrate.upgrade()
    assert_schema_matches_the_models(app, url)
    with app.app_context():
        db.engine.dispose()


def test_sqlite_migrations_rebuild_tables_that_other_rows_point_at(tmp_path: Path) -> None:
    """A batch migration on SQLite copies, drops and renames a table; on a database with data (a
    newcomer's `make run`, the demo) the rows pointing at it must not stop that (migrations/env.py
    turns foreign keys off while migrating and checks them all afterwards)."""
    url = f"sqlite:///{tmp_path / 'with-data.sqlite3'}"
    app = migrated_app(url)
    with app.app_context():
        flask_migrate.upgrade()
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    rebuilt = "5b8e2c7d41a9"  # the revision before the ones that rebuild families and volunteers
    with app.app_context():
        flask_migrate.downgrade(revision=rebuilt)
        flask_migrate.upgrade()
        families = db.session.execute(sa.text("SELECT count(*), min(search_text) FROM families")).one()
        db.session.remove()
        db.engine.dispose()
    assert families[0] > 0 and families[1]  # the rows came through, and their search keys were filled


# PostgreSQL ------------------------------------------------------------------------------


@contextmanager
def scratch_database(database: databases.TestDatabase) -> Iterator[str]:
    """A new, empty database owned by the owner role; yields the owner's URL for it."""
    assert database.admin_url
    name = f"saas_migrations_{os.getpid()}"
    admin = sa.create_engine(database.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.exec_driver_sql(f"CREATE DATABASE {name} OWNER {OWNER_ROLE}")
    inside = sa.create_engine(make_url(database.admin_url).set(database=name), isolation_level="AUTOCOMMIT")
    with inside.connect() as connection:
        connection.exec_driver_sql(f"ALTER SCHEMA public OWNER TO {OWNER_ROLE}")
    inside.dispose()
    try:
        yield make_url(database.owner_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


def postgresql_leftovers(url: str) -> dict[str, list[str]]:
    """Everything a downgrade to base should have removed from the public schema."""
    queries = {
        "tables": "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename != 'alembic_version'",
        "policies": "SELECT tablename || '.' || policyname FROM pg_policies WHERE schemaname = 'public'",
        "triggers": "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal",
        "sequences": "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'",
        "types": "SELECT typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
                 "WHERE n.nspname = 'public' AND t.typtype = 'e'",
    }
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return {kind: sorted(connection.scalars(sa.text(sql))) for kind, sql in queries.items()}
    finally:
        engine.dispose()


def postgresql_functions(url: str) -> list[str]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return sorted(connection.scalars(sa.text(
                "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                "WHERE n.nspname = 'public'")))
    finally:
        engine.dispose()


@postgresql_only
def test_postgresql_upgrade_downgrade_upgrade_in_a_scratch_database(test_database: databases.TestDatabase) -> None:
    with scratch_database(test_database) as url:
        app = migrated_app(url)

        with app.app_context():
            flask_migrate.upgrade()
        assert_schema_matches_the_models(app, url)
        # trainings: the shared courses table has its own policy (tenants.trainings.models); the
        # foundation reads the published statistics through a read-only one (saas.foundation.models).
        assert postgresql_leftovers(url)["policies"] == sorted(
            [f"{table}.{POLICY_NAME}" for table in TenantScoped.tables] + ["courses.course_visibility"]
            + [f"{table}.{READER_POLICY}" for table in ("published_statistics", "statistics_publications")])

        with app.app_context():
            flask_migrate.downgrade(revision="base")
        assert table_names(url) <= {"alembic_version"}
        assert postgresql_leftovers(url) == {"tables": [], "policies": [], "triggers": [], "sequences": [],
                                             "types": []}

        with app.app_context():
            flask_migrate.upgrade()
        assert_schema_matches_the_models(app, url)
        with app.app_context():
            db.engine.dispose()


@postgresql_only
def test_postgresql_downgrade_also_drops_the_append_only_function(test_database: databases.TestDatabase) -> None:
    with scratch_database(test_database) as url:
        app = migrated_app(url)
        with app.app_context():
            flask_migrate.upgrade()
            flask_migrate.downgrade(revision="base")
            db.engine.dispose()
        assert postgresql_functions(url) == []


def test_the_session_database_matches_the_models(app: Flask, test_database: databases.TestDatabase) -> None:
    """The database every other test uses is exactly the migrated schema (no leftovers of tests)."""
    diff = differences(test_database.owner_url)

    assert diff == [], "\n".join(map(str, diff))
