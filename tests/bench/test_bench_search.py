"""Benchmark (``make bench``): the staff search on a tenant with 5,000 families (issue 17).

Run it on PostgreSQL to see the trigram index at work::

    SAAS_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres SAAS_TEST_BACKEND=postgresql \\
        .venv/bin/pytest -q -s -p no:cacheprovider tests/bench/test_bench_search.py

Each search is timed against the search page without a query (same page, same sign-in, no search)
measured in the same run, and printed as a ratio with its SQL statement count and, on PostgreSQL, the
plan's access path. It asserts only correctness, as timings vary by machine.
"""

from __future__ import annotations

import re
import statistics
import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from itertools import cycle

import sqlalchemy as sa
from flask import Flask

from saas.auth.models import User
from saas.db import db, tenant_context
from saas.search import query_words
from saas.tenancy.models import Tenant
from tenants.families.models import Family, FamilyMember
from tenants.families.queries import search_results
from tenants.families.vocabulary import Channel, MemberRole, ReferrerType
from tests.support import databases
from tests.support.queries import count_queries
from tests.support.sessions import SignIn

FAMILIES = 5000
ROUNDS = 30
SURNAMES = ["Bakker", "Aydın", "Yılmaz", "Çelik", "de Vries", "Jansen", "El Amrani", "Öztürk", "Visser", "Şahin",
            "Nguyen", "Haddad", "van den Berg", "Smit", "Mohammed", "Kowalski", "Ünal", "Meijer", "Bos", "Dekker"]
PARENTS = ["Sara", "Ayşe", "Fatima", "Mohamed", "Jan", "Elif", "Priya", "Noor", "Anna", "Emre", "Dunya", "Piet"]
CHILDREN = ["Yusuf", "Emma", "Liam", "Zeynep", "Adam", "Mila", "Noah", "Sofia", "Amir", "Julia", "Daan", "Lina"]
QUERIES = ["aydin", "yusuf bakker", "0047", "2025-47", "celik zeynep emre", "zzzz", "familie"]


def seed(app: Flask, tenant: Tenant) -> None:
    """FAMILIES families in one commit, each with one or two parents and one to three children."""
    surnames, parents, children = cycle(SURNAMES), cycle(PARENTS), cycle(CHILDREN)
    start = date(2025, 1, 1)
    with app.app_context(), tenant_context(db.session, tenant.id):
        for n in range(FAMILIES):
            family = Family(id=uuid.uuid4(), case_year=2025 + n // 2500, case_seq=1 + n % 2500,
                            family_name=f"Familie {next(surnames)}", referred_on=start + timedelta(days=n % 300),
                            channel=Channel.PHONE, referrer_type=ReferrerType.CJG, municipality="Alpha")
            db.session.add(family)
            for _ in range(1 + n % 2):
                db.session.add(FamilyMember(family_id=family.id, role=MemberRole.PARENT, first_name=next(parents)))
            for _ in range(1 + n % 3):
                db.session.add(FamilyMember(family_id=family.id, role=MemberRole.CHILD, first_name=next(children)))
        db.session.commit()


def timed(run: Callable[[], object]) -> float:
    """Median milliseconds of ROUNDS runs."""
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def analyse(database: databases.TestDatabase) -> None:
    """Fresh planner statistics (only the owner may ANALYZE; the app role runs the pages)."""
    if not database.is_postgresql:
        return
    engine = sa.create_engine(database.owner_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE families")
        connection.exec_driver_sql("ANALYZE family_members")
    engine.dispose()


def access_path(app: Flask, tenant: Tenant, query: str) -> str:
    """On PostgreSQL: the scan the planner picks to count the search's families (the page's count),
    with the time it took (EXPLAIN ANALYZE)."""
    with app.app_context(), tenant_context(db.session, tenant.id):
        if db.engine.dialect.name != "postgresql":
            return "SQLite: scans the tenant's rows"
        statement = sa.select(sa.func.count()).select_from(search_results(query_words(query)).order_by(None).subquery())
        compiled = statement.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True})
        plan = [row[0] for row in db.session.execute(sa.text(f"EXPLAIN ANALYZE {compiled}"))]
        db.session.rollback()
    scans = [line.strip().lstrip("-> ").split("  (")[0] for line in plan if "Scan" in line and "families" in line]
    took = next((line for line in plan if line.startswith("Execution Time")), "")
    return f"count: {scans[0] if scans else plan[0][:60]}; {took}"


def test_search_on_a_tenant_with_5000_families(app: Flask, signed_in: SignIn, coordinator_a: User,
                                                tenant_a: Tenant, test_database: databases.TestDatabase) -> None:
    seed(app, tenant_a)
    analyse(test_database)
    client = signed_in(coordinator_a)
    bare = "/t/alpha/search"
    assert client.get(bare).status_code == 200
    bare_ms = timed(lambda: client.get(bare))
    print()
    print(f"{FAMILIES} families; the search page without a query: {bare_ms:6.1f} ms (= 1.0)")
    for query in QUERIES:
        url = f"/t/alpha/search?q={query.replace(' ', '+')}"
        with count_queries(app) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counted = re.search(r"(\d+) famil(?:y|ies) found\.", response.text)
        total = counted[1] if counted else "?"
        ms = timed(lambda url=url: client.get(url))
        print(f"  q={query!r:22} {ms:6.1f} ms  ratio {ms / bare_ms:4.1f}  {len(queries):2d} SQL statements  "
              f"{total:>5} found  {access_path(app, tenant_a, query)}")
    listing = "/t/alpha/families/?q=aydin"
    with count_queries(app) as queries:
        assert client.get(listing).status_code == 200
    ms = timed(lambda: client.get(listing))
    print(f"  the family list, q='aydin': {ms:6.1f} ms  ratio {ms / bare_ms:4.1f}  {len(queries)} SQL statements")
    # Correctness: the examples find what they should among the 5,000.
    assert "2025-0047" in client.get("/t/alpha/search?q=2025-47").text
    assert "Familie Aydın" in client.get("/t/alpha/search?q=AYDIN").text
