"""Faults while the app serves real requests (a server thread, a private Redis, a real
`flask jobs worker` process): Redis is killed and started again, and the app recovers by itself —
sign-in keeps answering and keeps its limits (in memory meanwhile), reports asked for before,
during and after the outage are each produced once. On PostgreSQL, the app's connections are
terminated while requests run (a full restart is not possible on a shared server).

Skipped, with the reason, when redis-server is not installed."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
import requests
from flask import Flask
from sqlalchemy import create_engine, select, text

from config import ROOT
from saas.app import create_app
from saas.auth.models import User
from saas.auth.roles import Role
from saas.db import db, tenant_context
from saas.extensions import limiter
from saas.jobs.models import LeaseStatus, TaskLease
from saas.tenancy.models import Tenant
from tenants.impact.reports.models import MunicipalityReport
from tenants.impact.vocabulary import ReportStatus
from tests.factories.platform import PASSWORD, create_tenant, create_user
from tests.factories.reports import last_year, populate_municipality
from tests.support import databases
from tests.support.redis_server import RedisServer, needs_redis_server
from tests.support.serving import served
from tests.support.sessions import next_code

pytestmark = needs_redis_server

PASSWORD_FORM = {"email": "manager@alpha.example", "password": PASSWORD}


@dataclass
class Live:
    url: str
    app: Flask
    tenant_id: uuid.UUID
    manager: User
    redis: RedisServer


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def live(tmp_path: Path, redis_server: RedisServer) -> Iterator[Live]:
    with serving(f"sqlite:///{tmp_path / 'live.sqlite3'}", None, redis_server) as server:
        yield server


@contextmanager
def serving(database_url: str, owner_url: str | None, redis_server: RedisServer) -> Iterator[Live]:
    """The app on a server thread; the shared limiter is given back to the other tests afterwards."""
    saved_limiter = dict(vars(limiter))
    app = create_app("testing", DATABASE_URL=database_url, MIGRATION_DATABASE_URL=owner_url or "",
                     REDIS_URL=redis_server.url, MAIL_BACKEND="log", LOGIN_LIMIT_PER_ADDRESS="1000/minute")
    app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        flask_migrate.upgrade()
    db.session.session_factory.configure(expire_on_commit=False)  # the factories hand back their rows
    try:
        tenant = create_tenant(app, "alpha", name="Samen Oplopen Alpha")
        manager = create_user(app, PASSWORD_FORM["email"], tenant=tenant, role=Role.MANAGER)
        populate_municipality(app, tenant, last_year(), families=3)
    finally:
        db.session.session_factory.configure(expire_on_commit=True)
    with app.app_context():
        tenant_id = db.session.scalars(select(Tenant.id).where(Tenant.slug == "alpha")).one()
    try:
        with served(app, "fault-server") as url:
            yield Live(url, app, tenant_id, manager, redis_server)
    finally:
        vars(limiter).clear()
        vars(limiter).update(saved_limiter)


@pytest.fixture
def worker(live: Live, tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`flask jobs worker` in its own process, as in production."""
    env = {**os.environ, "SAAS_ENV": "testing", "SAAS_DATABASE_URL": live.app.config["DATABASE_URL"],
           "SAAS_REDIS_URL": live.redis.url, "SAAS_MAIL_BACKEND": "log", "FLASK_APP": "wsgi"}
    with open(tmp_path / "worker.log", "wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "flask", "jobs", "worker"], cwd=ROOT, env=env,
                                   stdout=log, stderr=subprocess.STDOUT)
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
    sys.stdout.write((tmp_path / "worker.log").read_text()[-3000:])  # shown when the test failed


def signed_in(live: Live) -> requests.Session:
    browser = requests.Session()
    response = browser.post(f"{live.url}/login", data=PASSWORD_FORM, allow_redirects=False)
    assert response.status_code == 302, response.text[:300]
    if response.headers["Location"].endswith("/login/verify"):  # managers sign in with an authenticator
        response = browser.post(f"{live.url}/login/verify", data={"code": next_code(live.manager)},
                                allow_redirects=False)
        assert response.status_code == 302, response.text[:300]
    return browser


def ask_for_report(live: Live, browser: requests.Session) -> None:
    period = last_year()
    response = browser.post(f"{live.url}/t/alpha/reports/", allow_redirects=False, data={
        "municipality": "Alpha", "period_start": period.start.isoformat(), "period_end": period.end.isoformat()})
    assert response.status_code == 302 and "/reports/" in response.headers["Location"], response.headers


def reports(live: Live) -> list[ReportStatus]:
    """The statuses of the tenant's reports, oldest first."""
    with live.app.app_context(), tenant_context(db.session, live.tenant_id):
        statuses = db.session.scalars(select(MunicipalityReport.status).order_by(MunicipalityReport.created_at)).all()
        db.session.rollback()
        return list(statuses)


def wait_for(condition: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the app did not recover in time"
        time.sleep(0.2)


def all_ready(live: Live, count: int) -> Callable[[], bool]:
    return lambda: reports(live) == [ReportStatus.READY] * count


def sign_in_attempt(live: Live, form: dict[str, str]) -> int:
    return requests.post(f"{live.url}/login", data=form, allow_redirects=False, timeout=30).status_code


def readiness(live: Live) -> dict[str, Any]:
    return dict(requests.get(f"{live.url}/readyz", timeout=10).json())


def test_sign_in_keeps_answering_and_limited_while_redis_is_away(live: Live) -> None:
    wrong = {"email": "someone@alpha.example", "password": "not the password"}
    assert sign_in_attempt(live, wrong) < 500

    live.redis.stop()
    statuses = [sign_in_attempt(live, wrong) for _attempt in range(6)]
    assert max(statuses) < 500 and statuses[-1] == 429  # 5/minute per account, counted in memory
    assert signed_in(live).get(f"{live.url}/t/alpha/reports/").status_code == 200
    assert readiness(live)["status"] == "degraded"
    assert readiness(live)["checks"]["rate_limits"] == "per process"

    live.redis.start()

    def back_on_redis() -> bool:
        sign_in_attempt(live, {**wrong, "email": f"x{time.monotonic_ns()}@alpha.example"})
        return bool(readiness(live)["checks"]["rate_limits"] == "shared")

    wait_for(back_on_redis, seconds=90)  # Flask-Limiter looks again after 1, 2, 4 … seconds
    assert readiness(live)["status"] == "ok"


def test_reports_asked_for_around_a_redis_outage_are_each_produced_once(
        live: Live, worker: subprocess.Popen[bytes]) -> None:
    browser = signed_in(live)
    ask_for_report(live, browser)  # queued, the worker makes it
    wait_for(all_ready(live, 1))

    live.redis.stop()
    ask_for_report(live, browser)  # Redis away: made inline, in the request
    assert reports(live) == [ReportStatus.READY] * 2

    live.redis.start()
    ask_for_report(live, browser)  # queued again; the worker got through the outage
    wait_for(all_ready(live, 3))
    assert worker.poll() is None, "the worker must survive the outage"
    with live.app.app_context():
        attempts = db.session.scalars(select(TaskLease.attempts).where(TaskLease.status == LeaseStatus.SUCCEEDED))
        assert sorted(attempts) == [1, 1, 1]  # each report ran once, none was lost or doubled
        db.session.rollback()


@pytest.mark.postgresql
@pytest.mark.skipif(databases.backend() != "postgresql", reason="the connection kill needs PostgreSQL "
                                                                "(SAAS_TEST_BACKEND=postgresql)")
def test_the_app_recovers_when_its_database_connections_are_killed(redis_server: RedisServer) -> None:
    admin_url = databases.postgres_admin_url()
    assert admin_url
    with (databases.postgresql_database(admin_url, f"saas_fault_{os.getpid()}") as database,
          serving(database.app_url, database.owner_url, redis_server) as live):
        browser = signed_in(live)
        answers = _ask_while(lambda: _terminate_connections(admin_url, database.app_url), browser,
                             f"{live.url}/t/alpha/reports/")
        assert answers and answers[-1] == 200  # recovered by itself
        assert browser.get(f"{live.url}/t/alpha/reports/", timeout=30).status_code == 200
        assert readiness(live)["checks"]["database"] == "ok"
        ask_for_report(live, browser)  # inline or queued: with no worker here, inline only if Redis is away
        assert len(reports(live)) == 1  # written once


def _ask_while(fault: Callable[[], None], browser: requests.Session, url: str) -> list[int]:
    """The statuses of requests to ``url`` made one after another while ``fault`` happens."""
    answers: list[int] = []
    stop = threading.Event()

    def keep_asking() -> None:
        while not stop.is_set():
            answers.append(browser.get(url, timeout=30).status_code)

    asker = threading.Thread(target=keep_asking)
    asker.start()
    time.sleep(0.5)
    fault()
    time.sleep(1)
    stop.set()
    asker.join(timeout=30)
    return answers


def _terminate_connections(admin_url: str, app_url: str) -> None:
    name = app_url.rsplit("/", 1)[-1]
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        killed = connection.execute(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                         "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name}).scalar()
    engine.dispose()
    assert killed
