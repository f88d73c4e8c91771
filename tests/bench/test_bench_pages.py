"""The in-process benchmark (``make bench``): CPU time per request of the pages issue 19 names, on the
200-family tenant and on the 5,000-family tenant of tests/bench/dataset.py (SQLite, built once),
beside the bare route and the 25-row table of tests/bench/references.py measured in the same run.

CPU time counts this process's work only, so it holds on a busy machine. Prints a table; asserts
that every page answered and that its statement count is the same at both sizes (the count is
what the suite also checks per page; the times are for reading, not pass/fail).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from tests.bench.dataset import LARGE, SMALL, sqlite_dataset
from tests.bench.pages import PAGES, bench_app, demo_sign_in, page_cost, page_paths
from tests.bench.references import add_references

ROUNDS = 20


def test_page_cost_at_200_and_at_5000_families() -> None:
    app = bench_app(sqlite_dataset(Path(tempfile.gettempdir())))
    add_references(app)
    client = app.test_client()
    table = page_cost(app, client, "/bench/table", ROUNDS)
    bare = page_cost(app, client, "/bench/bare", ROUNDS)
    costs = {}
    for slug in (SMALL, LARGE):
        ids = page_paths(app, slug)
        clients = {}
        for name, account, path in PAGES:
            if account not in clients:
                clients[account] = demo_sign_in(app.test_client(), f"{account}.{slug}")
            costs[name, slug] = page_cost(app, clients[account], f"/t/{slug}/{path.format(**ids)}", ROUNDS)
    print(f"\nbare route {bare.cpu_ms:.2f} ms CPU, 25-row table {table.cpu_ms:.2f} ms CPU")
    print(f"{'page':<18} {'200 families':>13} {'5,000 families':>15} {'5,000/200':>10} {'× table':>8} statements")
    for name, _account, _path in PAGES:
        small, large = costs[name, SMALL], costs[name, LARGE]
        print(f"{name:<18} {small.cpu_ms:10.1f} ms {large.cpu_ms:12.1f} ms {large.cpu_ms / small.cpu_ms:9.2f}× "
              f"{large.cpu_ms / table.cpu_ms:7.1f}× {large.statements}")
        assert small.statements == large.statements, name
