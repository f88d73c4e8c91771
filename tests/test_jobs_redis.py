"""With SAAS_REDIS_URL set, `flask jobs enqueue` queues the due jobs on RQ and `flask jobs worker`
runs them, recorded and once per period like `flask jobs run`. Needs a Redis server:
SAAS_TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/15, a database the tests may clean)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from click.testing import Result
from flask import Flask
from redis import Redis
from rq import Queue
from rq.job import Job as RQJob
from sqlalchemy import select

from saas.auth.models import User
from saas.auth.roles import Role
from saas.db import db
from saas.jobs import runner
from saas.jobs.models import JobRun, RunStatus
from saas.jobs.queue import job_queue, rq_job_id
from saas.tenancy.models import Tenant
from tests.factories.home import running_match
from tests.factories.platform import create_user, days_ago
from tests.support.jobs import only_digests
from tests.support.mailbox import Mailbox

REDIS_URL = os.environ.get("SAAS_TEST_REDIS_URL")
MONDAY_0800 = datetime(2026, 11, 23, 8, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))

pytestmark = pytest.mark.skipif(not REDIS_URL, reason="SAAS_TEST_REDIS_URL is not set: the RQ job test is SKIPPED")


def run(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(args=["jobs", *args])


def clean(queue: Queue) -> None:
    """Remove this queue's jobs, finished and failed ones too (their ids would block re-queueing)."""
    ids = set(queue.job_ids) | set(queue.finished_job_registry.get_job_ids()) | set(
        queue.failed_job_registry.get_job_ids()) | set(queue.started_job_registry.get_job_ids())
    for job in RQJob.fetch_many(list(ids), connection=queue.connection):
        if job is not None:
            job.delete()
    queue.empty()


@pytest.fixture
def queue(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[Queue]:
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    monkeypatch.setattr(runner, "local_now", lambda: MONDAY_0800)
    # The digests only (their mails show what ran); publishing the statistics is due at 08:00 too.
    only_digests(monkeypatch)
    connection = Redis.from_url(REDIS_URL)
    the_queue = job_queue(connection)
    clean(the_queue)
    yield the_queue
    clean(the_queue)
    connection.close()


@pytest.fixture
def coordinator(app: Flask, tenant_a: Tenant) -> User:
    user = create_user(app, "coordinator@alpha.example", tenant=tenant_a, role=Role.COORDINATOR, locale="en")
    running_match(app, tenant_a, actor=user, started_on=days_ago(app, 20))
    return user


def job_runs(app: Flask) -> list[tuple[str, str, RunStatus]]:
    with app.app_context():
        return [(r.job, r.run_key, r.status) for r in db.session.scalars(select(JobRun).order_by(JobRun.job))]


def test_enqueued_jobs_are_run_by_the_worker_once(app: Flask, queue: Queue, coordinator: User,
                                                  mailbox: Mailbox) -> None:
    first = run(app, "enqueue")
    assert first.exit_code == 0, first.output
    assert first.output.splitlines() == ["daily_digest 2026-11-23: queued", "weekly_summary 2026-W48: queued"]
    assert "already queued" in run(app, "enqueue").output and queue.count == 2
    assert job_runs(app) == []  # nothing ran yet

    worker = run(app, "worker", "--burst")

    assert worker.exit_code == 0, worker.output
    assert queue.count == 0
    assert job_runs(app) == [("daily_digest", "2026-11-23", RunStatus.SUCCEEDED),
                             ("weekly_summary", "2026-W48", RunStatus.SUCCEEDED)]
    assert len(mailbox.to(coordinator.email)) == 1
    done = RQJob.fetch(rq_job_id("daily_digest", "2026-11-23"), connection=queue.connection)
    assert done.return_value() == "succeeded"
    assert run(app, "enqueue").output.strip() == "No job is due."  # the periods are done


def test_a_job_queued_twice_still_runs_once(app: Flask, queue: Queue, coordinator: User, mailbox: Mailbox) -> None:
    for copy in ("first", "second"):  # e.g. re-queued after its RQ id expired
        queue.enqueue_call("saas.jobs.runner.perform", args=("daily_digest", "2026-11-23"), job_id=f"copy-{copy}")

    assert run(app, "worker", "--burst").exit_code == 0

    assert job_runs(app) == [("daily_digest", "2026-11-23", RunStatus.SUCCEEDED)]
    assert len(mailbox.to(coordinator.email)) == 1
    second = RQJob.fetch("copy-second", connection=queue.connection)
    assert second.return_value() == "already ran in this period"
