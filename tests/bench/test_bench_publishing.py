"""Benchmark (``make bench``): publishing the national statistics for 25 and then 250 tenants of
2,000 families each (every family with a child, a match and T0/T1/Tend measurements scored on
every domain: 66,000 rows per tenant, 16.5 million for 250), and the foundation's dashboard over
the result.

Prints the seeding time, the publishing time per tenant at each size (it should stay flat: the
job runs the same statements per tenant, so the total grows linearly), the cells written, and the
dashboard's time and SQL statements (the same number at 25 and at 250 tenants). Asserts only
correctness, as timings vary by machine. Set ``SAAS_TEST_BENCH_TENANTS=5,50`` (and
``SAAS_TEST_BENCH_FAMILIES``) for a quicker run; on SQLite the full size takes long — run it on
PostgreSQL (``SAAS_TEST_BACKEND=postgresql``), as production does.
"""

from __future__ import annotations

import os
import time

from flask import Flask

from saas.auth.models import User
from saas.db import db
from saas.foundation.models import PublicationStatus, PublicationTrigger
from saas.tenancy.models import Tenant
from tenants.life_domains import LIFE_DOMAINS
from tenants.publishing.job import publish_tenant
from tests.factories.dashboard import create_instrument, seed_families
from tests.factories.platform import create_tenant, today
from tests.support.queries import count_queries
from tests.support.sessions import SignIn

SIZES = tuple(int(size) for size in os.environ.get("SAAS_TEST_BENCH_TENANTS", "25,250").split(","))
FAMILIES = int(os.environ.get("SAAS_TEST_BENCH_FAMILIES", "2000"))
URL = "/foundation/"


def publish(app: Flask, tenants: list[Tenant]) -> tuple[float, int]:
    """Publish each tenant as the nightly job does (committed per tenant); seconds and cells."""
    cells = 0
    started = time.perf_counter()
    with app.app_context():
        for tenant in tenants:
            publication = publish_tenant(tenant.id, PublicationTrigger.NIGHTLY)
            assert publication.status == PublicationStatus.SUCCEEDED, publication.error
            cells += publication.cells
            db.session.commit()
    return time.perf_counter() - started, cells


def test_publishing_grows_linearly_and_the_dashboard_does_not(app: Flask, signed_in: SignIn,
                                                               foundation_admin: User) -> None:
    client = signed_in(foundation_admin)
    year = today(app).year
    instrument = create_instrument(app, {code: {"nl": str(code)} for code in LIFE_DOMAINS}, code="bench")
    tenants: list[Tenant] = []
    report = []
    statements = {}
    seeding = 0.0
    for size in SIZES:
        started = time.perf_counter()
        while len(tenants) < size:
            tenant = create_tenant(app, f"bench-{len(tenants)}")
            seed_families(app, tenant, instrument, FAMILIES, year)
            tenants.append(tenant)
        seeding += time.perf_counter() - started
        seconds, cells = publish(app, tenants)
        with count_queries(app) as sent:
            started = time.perf_counter()
            assert client.get(f"{URL}?year={year}").status_code == 200
            page_ms = (time.perf_counter() - started) * 1000
        statements[size] = len(sent)
        report.append((size, seconds, cells, page_ms, len(sent)))

    print()
    print(f"seeded {len(tenants)} tenants x {FAMILIES} families in {seeding:.0f} s")
    for size, seconds, cells, page_ms, count in report:
        print(f"{size:4d} tenants: published in {seconds:7.1f} s = {1000 * seconds / size:6.0f} ms per tenant, "
              f"{cells} cells; dashboard {page_ms:6.0f} ms, {count} SQL statements")
    assert len(set(statements.values())) == 1, statements
