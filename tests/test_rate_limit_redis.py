"""With SAAS_REDIS_URL set, sign-in limits are shared by every worker process through Redis.

Each "worker" is a separate Python process (Flask-Limiter keeps one storage per process, so
separate processes are also the honest test). Needs a Redis server: SAAS_TEST_REDIS_URL.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import uuid

import pytest

REDIS_URL = os.environ.get("SAAS_TEST_REDIS_URL")

WORKER = textwrap.dedent("""
    import sys
    from saas.app import create_app
    app = create_app("testing", REDIS_URL=sys.argv[1], DATABASE_URL="sqlite://",
                     LOGIN_LIMIT_PER_ACCOUNT="5/minute", LOGIN_LIMIT_PER_ADDRESS="100/minute")
    app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        from saas.db import db
        db.create_all()
    client = app.test_client()
    statuses = [client.post("/login", data={"email": sys.argv[2], "password": "wrong password"}).status_code
                for _ in range(int(sys.argv[3]))]
    print(",".join(map(str, statuses)))
""")


def run_worker(email: str, attempts: int) -> list[int]:
    result = subprocess.run([sys.executable, "-c", WORKER, REDIS_URL, email, str(attempts)],
                            capture_output=True, text=True, timeout=60, check=True,
                            cwd=os.path.dirname(os.path.dirname(__file__)),
                            env={**os.environ, "PYTHONWARNINGS": "ignore"})
    return [int(s) for s in result.stdout.strip().splitlines()[-1].split(",")]


@pytest.mark.skipif(not REDIS_URL, reason="SAAS_TEST_REDIS_URL is not set: the Redis rate-limit test is SKIPPED")
def test_two_workers_share_the_per_account_sign_in_limit() -> None:
    email = f"target-{uuid.uuid4().hex[:8]}@example.org"  # a fresh key, whatever Redis holds already
    first = run_worker(email, 3)
    second = run_worker(email, 3)
    assert first == [200, 200, 200]
    assert second == [200, 200, 429]
