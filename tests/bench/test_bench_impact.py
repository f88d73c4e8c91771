"""Benchmark (``make bench``): the impact dashboard for a tenant with 2,000 families and 6,000
measurements (T0, T1 and Tend each, nine domain scores per measurement: 54,000 scores).

Prints the page time, the time of the figures alone and the SQL statements sent; asserts only
correctness (the figures count every family, the statements are the same as for an empty
tenant), as timings vary by machine.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from flask import Flask

from saas.auth.models import User
from saas.db import db, tenant_context
from saas.tenancy.models import Tenant
from tenants.impact.dashboard import aggregates, queries
from tenants.impact.vocabulary import Moment
from tenants.life_domains import LIFE_DOMAINS
from tests.factories.dashboard import create_instrument, seed_families
from tests.factories.platform import today
from tests.support.queries import count_queries
from tests.support.sessions import SignIn

FAMILIES = 2_000
ROUNDS = 10
URL = "/t/alpha/impact/"


def timed(run: Callable[[], object]) -> tuple[float, float]:
    """Median and mean milliseconds of ROUNDS runs."""
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), statistics.fmean(times)


def test_dashboard_for_2000_families(app: Flask, signed_in: SignIn, manager_a: User, tenant_a: Tenant) -> None:
    client = signed_in(manager_a)
    with count_queries(app) as empty:
        assert client.get(URL).status_code == 200

    year = today(app).year
    instrument = create_instrument(app, {code: {"nl": str(code)} for code in LIFE_DOMAINS}, code="bench")
    started = time.perf_counter()
    seed_families(app, tenant_a, instrument, FAMILIES, year)
    seed_s = time.perf_counter() - started

    with app.test_request_context(), tenant_context(db.session, tenant_a.id):
        scope = aggregates.Scope(year)
        figures = queries.impact_figures(scope, "nl")
        assert figures.measured == dict.fromkeys(Moment, FAMILIES)
        assert len(figures.changes) == len(LIFE_DOMAINS) and figures.changes[0].n == FAMILIES
        assert figures.reach.families == FAMILIES
        figures_ms = timed(lambda: queries.impact_figures(scope, "nl"))
        db.session.rollback()

    with count_queries(app) as full:
        assert client.get(URL).status_code == 200
    page_ms = timed(lambda: client.get(URL))
    filtered_ms = timed(lambda: client.get(f"{URL}?municipality=Alpha"))
    chart_ms = timed(lambda: client.get(f"{URL}chart/means.svg"))
    assert len(full) == len(empty)
    print()
    print(f"seeded {FAMILIES} families, {3 * FAMILIES} measurements, {27 * FAMILIES} domain scores in {seed_s:.1f} s")
    print(f"impact_figures():         median {figures_ms[0]:7.1f} ms, mean {figures_ms[1]:7.1f} ms")
    print(f"the dashboard page:       median {page_ms[0]:7.1f} ms, mean {page_ms[1]:7.1f} ms, "
          f"{len(full)} SQL statements (empty tenant: {len(empty)})")
    print(f"... for one municipality: median {filtered_ms[0]:7.1f} ms, mean {filtered_ms[1]:7.1f} ms")
    print(f"the means chart (SVG):    median {chart_ms[0]:7.1f} ms, mean {chart_ms[1]:7.1f} ms")
