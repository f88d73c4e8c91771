"""The served benchmark (``make bench``): throughput of the pages issue 19 names, under gunicorn (2 sync
workers) on PostgreSQL with row-level security, signed in through the real sign-in, on the 5,000-family
tenant of tests/bench/dataset.py — each as a share of a 25-row table rendered from memory by the same
gunicorn, in the same run, interleaved round by round so a busy machine slows all alike.

Needs PostgreSQL (SAAS_TEST_DATABASE_URL) and wrk (Debian's package); skipped without them. Prints
the table and asserts only that every page answered 200: the machine decides the absolute rates,
the ratios are what the README records.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from saas.demo import DEMO_PASSWORD, demo_email
from tests.bench.dataset import LARGE, ROOT, postgresql_dataset
from tests.bench.pages import PAGES, fresh_code, page_paths
from tests.bench.pages import bench_app as in_process_app
from tests.support import databases

ROUNDS = 5
SECONDS = 2
MINIMUM = 20
LONGEST = 30  # seconds; wrk writes longer runs in minutes
#: Pages beyond the tenant's: (name, account, full path).
FOUNDATION_PAGES = (("foundation dashboard", "stichting", "/foundation/"),)
REFERENCES = (("bare route", None, "/bench/bare"), ("25-row table", None, "/bench/table"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def gunicorn(database_url: str, log: Path) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "SAAS_ENV": "development", "SAAS_DATABASE_URL": database_url, "SAAS_LOG_LEVEL": "WARNING",
           "SAAS_MAIL_BACKEND": "log"}
    with log.open("wb") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", "2", "--worker-class", "sync", "--bind",
             f"127.0.0.1:{port}", "tests.bench.served_app:app"], cwd=ROOT, env=env, stdout=output,
            stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if requests.get(f"{url}/bench/bare", timeout=10).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.1)
        else:
            raise RuntimeError(log.read_text()[-2000:])
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def sign_in(url: str, local_part: str) -> str:
    """The session cookie of a demo account, through the sign-in form (CSRF token and all) and the code step."""
    browser = requests.Session()
    email = demo_email(local_part)

    def post(path: str, data: dict[str, str]) -> requests.Response:
        page = browser.get(f"{url}{path}", timeout=30).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token, page[:500]
        return browser.post(f"{url}{path}", data={**data, "csrf_token": token.group(1)}, allow_redirects=False,
                            timeout=30)

    response = post("/login", {"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302, response.text[:300]
    if response.headers["Location"].endswith("/login/verify"):
        fresh_code(email, lambda code: post("/login/verify", {"code": code}).status_code == 302)
    return f"session={browser.cookies['session']}"


def requests_per_second(url: str, cookie: str | None) -> float:
    """wrk's rate with two connections (one per worker); a slow page gets a longer run, so that
    at least MINIMUM requests make up its rate."""
    headers = ["-H", f"Cookie: {cookie}"] if cookie else []
    seconds = SECONDS
    while True:
        output = subprocess.run(["wrk", "-t1", "-c2", f"-d{seconds}s", "--timeout", "60s", *headers, url],
                                capture_output=True, text=True, check=True).stdout
        assert "Non-2xx" not in output, (url, output)
        completed = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
        if completed >= MINIMUM or seconds >= LONGEST:
            return completed / float(re.search(r"requests in ([\d.]+)s", output).group(1))  # type: ignore[union-attr]
        seconds = min(LONGEST, seconds * max(2, MINIMUM // max(completed, 1)))


@pytest.mark.skipif(not databases.postgres_admin_url() or not shutil.which("wrk"),
                    reason="needs PostgreSQL (SAAS_TEST_DATABASE_URL) and wrk")
def test_pages_as_a_share_of_a_25_row_table(tmp_path: Path) -> None:
    database = postgresql_dataset(databases.postgres_admin_url() or "")
    ids = page_paths(in_process_app(database), LARGE)
    targets = [*REFERENCES, *((name, f"{account}.{LARGE}", f"/t/{LARGE}/{path.format(**ids)}")
                              for name, account, path in PAGES), *FOUNDATION_PAGES]
    with gunicorn(database.app_url, tmp_path / "gunicorn.log") as url:
        cookies = {account: sign_in(url, account) for account in {a for _n, a, _p in targets if a}}
        for _name, account, path in targets:  # warm both workers: templates compiled, pools filled
            for _ in range(4):
                answer = requests.get(f"{url}{path}", headers={"Cookie": cookies[account]} if account else {},
                                      allow_redirects=False, timeout=60)
                assert answer.status_code == 200, (path, answer.status_code)
        rates: dict[str, list[float]] = {name: [] for name, _a, _p in targets}
        for _ in range(ROUNDS):
            for name, account, path in targets:
                rates[name].append(requests_per_second(f"{url}{path}", cookies[account] if account else None))
    # Each round's rate against the table's rate of the same round, then the median of those shares:
    # the machine's speed drifts between rounds, and a share is only true against its own round.
    table = rates["25-row table"]
    print(f"\n{'page':<22} {'requests/s':>10} {'share of the table':>19}")
    for name, values in rates.items():
        share = statistics.median(rate / table[index] for index, rate in enumerate(values))
        print(f"{name:<22} {statistics.median(values):10.1f} {share:18.2%}")
