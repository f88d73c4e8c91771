"""In-process cost of a page on the benchmark dataset: CPU milliseconds and SQL statements.

CPU time (``time.process_time``) counts only this process's work, so it stays stable on a busy
machine where wall-clock rates halve; the database's own work shows in the gunicorn benchmark
(tests/bench/test_bench_served.py) instead.

    python -m tests.bench.pages /t/heusden/families/ --as coordinator.heusden [--profile]

signs in through the real sign-in (password and authenticator code) and prints the median CPU time
of the page and its statement count; ``--profile`` adds a pyinstrument profile of one request.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyotp
from flask import Flask
from flask.testing import FlaskClient

from saas.demo import DEMO_PASSWORD, demo_email, demo_totp_secret
from tests.bench.dataset import bench_app as make_bench_app
from tests.bench.dataset import sqlite_dataset
from tests.support import databases
from tests.support.queries import count_queries

ROUNDS = 30


@dataclass(frozen=True)
class Cost:
    cpu_ms: float
    statements: int


def fresh_code(email: str, accepted: Callable[[str], bool]) -> str:
    """An authenticator code of demo account ``email`` that ``accepted`` takes. A code counts once,
    and never one older than the last used: when another run just signed in, the next step's code
    works, or else the next half minute's."""
    totp = pyotp.TOTP(demo_totp_secret(email))
    for _attempt in range(3):
        for step in (0, 1):
            code = totp.at(time.time(), counter_offset=step)
            if accepted(code):
                return code
        time.sleep(totp.interval - time.time() % totp.interval + 0.5)
    raise AssertionError(f"no authenticator code of {email} was accepted")


def demo_sign_in(client: FlaskClient, local_part: str) -> FlaskClient:
    """Sign ``client`` in as a demo account, through the sign-in form and the code step."""
    email = demo_email(local_part)
    response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302, response.text[:300]
    if response.location.endswith("/login/verify"):
        fresh_code(email, lambda code: client.post("/login/verify", data={"code": code}).status_code == 302)
    return client


def page_cost(app: Flask, client: FlaskClient, url: str, rounds: int = ROUNDS) -> Cost:
    """Median CPU milliseconds of ``rounds`` requests for ``url`` (after a warm-up) and its statements."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    with count_queries(app) as queries:
        client.get(url)
    times = []
    for _ in range(rounds):
        started = time.process_time()
        client.get(url)
        times.append((time.process_time() - started) * 1000)
    return Cost(statistics.median(times), len(queries))


#: The pages issue 19 measures: (name, account's local part before ".<tenant>", path under /t/<tenant>/).
#: ``{waiting}``, ``{family}`` and ``{match}`` are filled by :func:`page_paths` from the tenant's data.
PAGES = (
    ("family list", "coordinator", "families/"),
    ("waiting list", "coordinator", "families/waiting"),
    ("volunteer list", "coordinator", "volunteers/"),
    ("match page", "coordinator", "matches/{match}"),
    ("my families", "vrijwilliger", "my/families/"),
    ("family file", "coordinator", "families/{family}"),
    ("home", "coordinator", ""),
    ("impact dashboard", "manager", "impact/"),
    ("suggestions", "coordinator", "families/{waiting}/suggestions"),
)


def page_paths(app: Flask, slug: str) -> dict[str, str]:
    """The ids the page paths need, from tenant ``slug``: an active match, the matched family with
    the longest timeline, and a waiting family."""
    from sqlalchemy import func, select

    from saas.db import db, tenant_context
    from saas.tenancy.models import Tenant
    from tenants.families.models import CaseEvent, Family
    from tenants.families.states import CaseState
    from tenants.matching.models import Match
    from tenants.matching.states import MatchState

    with app.app_context():
        tenant = db.session.scalars(select(Tenant).where(Tenant.slug == slug)).one()
        with tenant_context(db.session, tenant.id):
            match = db.session.scalars(select(Match.id).where(Match.state == MatchState.ACTIVE)
                                       .order_by(Match.started_on)).first()
            family = db.session.scalars(
                select(Family.id).join(CaseEvent, CaseEvent.family_id == Family.id)
                .where(Family.state == CaseState.MATCHED).group_by(Family.id)
                .order_by(func.count().desc(), Family.id)).first()
            waiting = db.session.scalars(select(Family.id).where(Family.state == CaseState.WAITING)
                                         .order_by(Family.referred_on, Family.id)).first()
        db.session.rollback()
    return {"match": str(match), "family": str(family), "waiting": str(waiting)}


def bench_app(database: databases.TestDatabase | None = None) -> Flask:
    """The app on the dataset (SQLite under /tmp unless ``database`` is given), CSRF off for the sign-in."""
    app = make_bench_app(database or sqlite_dataset(Path(tempfile.gettempdir())))
    app.config["WTF_CSRF_ENABLED"] = False
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url")
    parser.add_argument("--as", dest="account", default="coordinator.heusden")
    parser.add_argument("--profile", action="store_true")
    arguments = parser.parse_args()
    app = bench_app()
    client = demo_sign_in(app.test_client(), arguments.account)
    cost = page_cost(app, client, arguments.url)
    print(f"{arguments.url}: {cost.cpu_ms:.1f} ms CPU, {cost.statements} SQL statements")
    if arguments.profile:
        from pyinstrument import Profiler

        with Profiler(interval=0.0005) as profiler:
            for _ in range(5):
                client.get(arguments.url)
        print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
