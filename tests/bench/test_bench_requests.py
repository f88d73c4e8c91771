"""Benchmarks (``make bench``): request cost of the platform's hot paths. They print numbers and
assert only correctness; timings vary by machine, so they are never pass/fail thresholds."""

from __future__ import annotations

import time

from flask import Flask

from saas.auth.roles import Role
from saas.tenancy.models import Tenant
from tests.factories.platform import create_user
from tests.support.queries import count_queries
from tests.support.sessions import SignIn

ROUNDS = 200


def measure(app: Flask, client: object, url: str) -> tuple[float, int]:
    with count_queries(app) as queries:
        client.get(url)  # type: ignore[attr-defined]
    started = time.perf_counter()
    for _ in range(ROUNDS):
        assert client.get(url).status_code == 200  # type: ignore[attr-defined]
    return (time.perf_counter() - started) / ROUNDS * 1000, len(queries)


def test_tenant_pages_with_a_large_team(app: Flask, signed_in: SignIn, manager_a: object, tenant_a: Tenant) -> None:
    for n in range(300):
        create_user(app, f"member{n}@alpha.example", tenant=tenant_a, role=Role.VOLUNTEER, password=None)
    client = signed_in(manager_a)
    print()
    for url in ("/t/alpha/", "/t/alpha/members/", "/t/alpha/members/?page=12", "/t/alpha/audit/"):
        ms, statements = measure(app, client, url)
        print(f"{url:<30} {ms:6.2f} ms/request  {statements} SQL statements")
