"""Background tasks are leased (saas.jobs.leases): recorded before they are queued, run once, taken
back by the reaper when their queue entry was lost or their worker died, and given up (with the
work marked failed) after MAX_ATTEMPTS. Redis being away runs them inline; the worker survives it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, update

from saas.db import db, utcnow
from saas.jobs import leases
from saas.jobs.models import LeaseStatus, TaskLease
from saas.jobs.queue import job_queue, redis_connection, work_through_outages
from saas.jobs.tasks import reap_now, run_task
from tests.support.redis_server import free_port

CALLS: list[dict[str, Any]] = []
TASK, ABANDONED = "tests.test_task_leases:remember_call", "tests.test_task_leases:remember_abandon"


def remember_call(**kwargs: Any) -> None:
    CALLS.append({"ran": True, **kwargs})


def explode() -> None:
    raise RuntimeError("out of paper")


def remember_abandon(**kwargs: Any) -> None:
    CALLS.append({"abandoned": True, **kwargs})


@pytest.fixture(autouse=True)
def _no_calls() -> None:
    CALLS.clear()


def the_lease(app: Flask) -> TaskLease:
    with app.app_context():
        [lease] = db.session.scalars(select(TaskLease).where(TaskLease.task == TASK)).all()
        return lease


def test_without_redis_a_task_runs_inline_once_and_its_lease_succeeds(app: Flask) -> None:
    with app.app_context():
        assert run_task(TASK, report_id="r1") is None
        lease = the_lease(app)
        assert CALLS == [{"ran": True, "report_id": "r1"}]
        assert (lease.status, lease.attempts, lease.arguments) == (LeaseStatus.SUCCEEDED, 1, {"report_id": "r1"})
        assert not leases.claim(lease.id)  # done: never run again


def test_with_redis_away_the_task_runs_inline_instead_of_failing(app: Flask, monkeypatch: pytest.MonkeyPatch,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setitem(app.config, "REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")  # nothing listens
    with app.app_context():
        assert run_task(TASK, report_id="r2") is None
    assert CALLS == [{"ran": True, "report_id": "r2"}] and the_lease(app).status == LeaseStatus.SUCCEEDED
    assert "Redis is unreachable" in caplog.text


def test_a_lease_whose_enqueue_was_lost_is_run_by_the_reaper(app: Flask) -> None:
    with app.app_context():
        leases.record(TASK, {"report_id": "r3"})  # committed, then the process died before queuing it
        assert reap_now() == {"requeued": 0, "abandoned": 0}  # not expired yet: maybe still queued
        counts = reap_now(utcnow() + leases.QUEUED_LEASE + timedelta(minutes=1))
    assert counts == {"requeued": 1, "abandoned": 0}
    assert CALLS == [{"ran": True, "report_id": "r3"}] and the_lease(app).status == LeaseStatus.SUCCEEDED


def test_a_running_lease_is_not_claimed_twice_until_it_expires(app: Flask) -> None:
    with app.app_context():
        lease_id = leases.record(TASK, {})
        assert leases.claim(lease_id) and not leases.claim(lease_id)
        _expire(lease_id)
        assert leases.claim(lease_id)
        assert db.session.get_one(TaskLease, lease_id).attempts == 2


def test_a_task_whose_worker_keeps_dying_is_given_up_and_its_work_marked_failed(app: Flask) -> None:
    with app.app_context():
        lease_id = leases.record(TASK, {"report_id": "r4"}, if_abandoned=ABANDONED)
        for _attempt in range(leases.MAX_ATTEMPTS):
            assert leases.claim(lease_id)  # a worker takes it and is killed
            _expire(lease_id)
        counts = reap_now()
        lease = db.session.get_one(TaskLease, lease_id)
    assert counts == {"requeued": 0, "abandoned": 1}
    assert lease.status == LeaseStatus.FAILED and "given up after 3 attempts" in (lease.error or "")
    assert CALLS == [{"abandoned": True, "report_id": "r4"}]


def test_a_failing_task_is_recorded_as_failed_on_its_lease(app: Flask) -> None:
    with app.app_context(), pytest.raises(RuntimeError):
        run_task("tests.test_task_leases:explode")
    with app.app_context():
        [lease] = db.session.scalars(select(TaskLease).where(TaskLease.task.like("%explode"))).all()
        assert lease.status == LeaseStatus.FAILED and lease.error == "RuntimeError: out of paper"


def test_the_worker_waits_and_starts_again_while_redis_is_away(app: Flask) -> None:
    pauses: list[float] = []
    with app.app_context():
        queue = job_queue(redis_connection(f"redis://127.0.0.1:{free_port()}/0"))
        work_through_outages(queue, sleep=pauses.append, attempts=3)  # returns instead of dying
    assert pauses == [1.0, 2.0, 4.0]


def _expire(lease_id: Any) -> None:
    db.session.execute(update(TaskLease).where(TaskLease.id == lease_id)
                       .values(lease_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()


def test_flask_jobs_reap_takes_back_what_expired(app: Flask) -> None:
    with app.app_context():
        lease_id = leases.record(TASK, {"report_id": "r5"})
        assert leases.claim(lease_id)  # its worker was killed
        _expire(lease_id)
    result = app.test_cli_runner().invoke(args=["jobs", "reap"])
    assert result.exit_code == 0 and "1 task(s) queued again, 0 given up." in result.output
    assert CALLS == [{"ran": True, "report_id": "r5"}] and the_lease(app).status == LeaseStatus.SUCCEEDED
