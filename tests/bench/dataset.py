"""The benchmarks' dataset: the demo with one large tenant and one small one.

Heusden gets 5,000 families and 1,500 volunteers (with the demo's own matches, 20-odd visits per
match, measurements, trainings and reports that follow from them); Zeist 200 families and 60
volunteers, the size the "cost at 5,000 within 1.5× the cost at 200" target compares with.
Papendrecht keeps the ordinary demo size.

Seeding takes minutes, so a database is built once per version of the demo code and then reused
(its name carries a fingerprint of that code), brought up to the newest migration each time it is
opened. ``python -m tests.bench.dataset`` builds (or finds) it and prints its address.
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
from pathlib import Path

import flask_migrate
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.engine import make_url

from saas.app import create_app
from saas.db import db
from saas.demo import seed_demo
from saas.demo_size import DemoSize
from saas.tenancy.models import Tenant
from tests.support import databases

LARGE, SMALL = "heusden", "zeist"
SIZES = {LARGE: DemoSize(families=5000, volunteers=1500), SMALL: DemoSize(families=200, volunteers=60)}
ROOT = Path(__file__).resolve().parents[2]
#: What the dataset depends on: a change to any of these files builds a new database.
SOURCES = ("saas/demo*.py", "tenants/**/demo*.py")


def fingerprint() -> str:
    digest = hashlib.sha256(repr(sorted(SIZES.items())).encode())
    for pattern in SOURCES:
        for file in sorted(ROOT.glob(pattern)):
            digest.update(file.read_bytes())
    return digest.hexdigest()[:10]


def bench_app(database: databases.TestDatabase, **config: object) -> Flask:
    """The app as ``make run`` serves it (development settings: the demo's keys, plain-HTTP cookies)."""
    return create_app("development", DATABASE_URL=database.app_url, MIGRATION_DATABASE_URL=database.owner_url,
                      **config)


def _seeded(app: Flask) -> bool:
    with app.app_context():
        try:
            return db.session.scalar(sa.select(sa.func.count()).select_from(Tenant)) == len(SIZES) + 1
        except sa.exc.SQLAlchemyError:
            return False


def _seed(app: Flask) -> None:
    with app.app_context():
        flask_migrate.upgrade()
        seed_demo(SIZES)
        db.session.commit()


def _upgrade(app: Flask) -> None:
    with app.app_context():
        flask_migrate.upgrade()


def postgresql_dataset(admin_url: str) -> databases.TestDatabase:
    """The dataset in PostgreSQL (app role under row-level security), built when missing."""
    name = f"saas_bench_{fingerprint()}"
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.scalar(sa.text("select 1 from pg_database where datname = :name"), {"name": name})
    engine.dispose()
    database = databases.existing_postgresql_database(admin_url, name)
    if exists and _seeded(bench_app(database)):
        _upgrade(bench_app(database))
    else:
        database = databases.create_postgresql_database(admin_url, name)
        _seed(bench_app(database))
    _analyze(database)
    return database


def _analyze(database: databases.TestDatabase) -> None:
    """Fresh planner statistics: autovacuum may not have looked at tables filled a minute ago, and
    without statistics PostgreSQL picks plans that make pages 30 times slower than in production."""
    engine = sa.create_engine(database.owner_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
    engine.dispose()


def sqlite_dataset(directory: Path) -> databases.TestDatabase:
    """The dataset in a SQLite file under ``directory``, built when missing."""
    path = directory / f"saas_bench_{fingerprint()}.sqlite3"
    url = f"sqlite:///{path}"
    database = databases.TestDatabase(app_url=url, owner_url=url)
    if path.exists() and _seeded(bench_app(database)):
        _upgrade(bench_app(database))
    else:
        path.unlink(missing_ok=True)
        _seed(bench_app(database))
    return database


if __name__ == "__main__":
    admin = databases.postgres_admin_url()
    use_postgresql = admin and "sqlite" not in sys.argv
    built = postgresql_dataset(admin) if use_postgresql else sqlite_dataset(Path(tempfile.gettempdir()))
    print(make_url(built.app_url).render_as_string(hide_password=False))
