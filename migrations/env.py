"""Alembic environment: runs as the table owner (SAAS_MIGRATION_DATABASE_URL) when one is set."""

from __future__ import annotations

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app
from sqlalchemy import create_engine

from saas.db import configure_engine, db

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_metadata = db.metadata


def _url() -> str:
    return current_app.config["MIGRATION_DATABASE_URL"] or current_app.config["DATABASE_URL"]


def _skip_empty_autogenerate(context_: object, revision: object, directives: list) -> None:
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        logger.info("No changes in schema detected; no migration written.")


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = create_engine(_url())
    configure_engine(engine)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # A batch migration rebuilds a table (copy, drop, rename): with foreign keys enforced, dropping a
            # table that other rows point at fails on any database with data. So they are off during the
            # migrations and every key is checked once they ran. Set on the driver's own connection: SQLite
            # ignores the pragma inside a transaction, and through SQLAlchemy the app's "begin" hook opens one.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            compare_type=True,
            user_module_prefix="saas.db.",
            render_as_batch=connection.dialect.name == "sqlite",
            process_revision_directives=_skip_empty_autogenerate,
        )
        with context.begin_transaction():
            context.run_migrations()
        if sqlite and (broken := connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()):
            raise RuntimeError(f"the migrations left rows pointing at nothing: {broken[:5]}")
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
