"""Jobs on Redis with RQ, for deployments with separate worker processes (``SAAS_REDIS_URL`` set).

``flask jobs enqueue`` (from cron) queues the due jobs, each under the id ``<job>--<period>`` so
it is queued once; ``flask jobs worker`` takes them off the queue and runs them through
:func:`saas.jobs.runner.perform`, which claims the period like ``flask jobs run`` does.

The worker is RQ's ``SimpleWorker``: it runs the jobs in its own process, inside the app context
the ``flask`` command set up (RQ's default worker forks per job, and the children would inherit
the parent's pooled database connections). For more throughput, start more workers.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime

from flask import current_app
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, SimpleWorker
from rq.exceptions import DuplicateJobError

from saas.db import db
from saas.jobs.runner import QUEUE_NAME, due_jobs

#: Seconds a job may run before RQ stops it, and how long finished and failed jobs stay in Redis
#: (the JobRun table is the lasting record).
logger = logging.getLogger("saas.jobs")

JOB_TIMEOUT = 30 * 60
RESULT_TTL = 24 * 3600


#: Seconds to reach Redis, and (for a request) to wait for an answer: a Redis that is away must
#: cost a request a moment, not a hang. The worker waits longer: its dequeue blocks on purpose.
CONNECT_TIMEOUT = 2
WEB_TIMEOUT = 3
#: The worker's pauses between attempts to reach Redis again: doubling, at most this many seconds.
MAX_RECONNECT_WAIT = 60


def redis_connection(url: str | None = None, *, web: bool = False) -> Redis:
    url = url or current_app.config["REDIS_URL"]
    if not url:
        raise RuntimeError("SAAS_REDIS_URL is not set: run jobs inline with `flask jobs run`")
    return Redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT, socket_timeout=WEB_TIMEOUT if web else None)


def job_queue(connection: Redis, name: str = QUEUE_NAME) -> Queue:
    return Queue(name, connection=connection)


def rq_job_id(name: str, run_key: str) -> str:
    """The RQ id of a job's run for a period (RQ allows letters, digits, "_" and "-")."""
    return f"{name}--{run_key}"


def enqueue_due(queue: Queue, now: datetime | None = None) -> list[tuple[str, str, bool]]:
    """Queue every due job; returns (job, period, newly queued) for each."""
    queued = []
    for job, run_key in due_jobs(now):
        try:
            queue.enqueue_call("saas.jobs.runner.perform", args=(job.name, run_key),
                               job_id=rq_job_id(job.name, run_key), unique=True, timeout=JOB_TIMEOUT,
                               result_ttl=RESULT_TTL, failure_ttl=RESULT_TTL, description=f"{job.name} {run_key}")
        except DuplicateJobError:
            queued.append((job.name, run_key, False))
        else:
            queued.append((job.name, run_key, True))
    return queued


def work(queue: Queue, *, burst: bool = False) -> bool:
    """Run jobs from ``queue`` until stopped (or, with ``burst``, until it is empty)."""
    worker = SimpleWorker([queue], connection=queue.connection)
    return worker.work(burst=burst, logging_level=current_app.config["LOG_LEVEL"])


def work_through_outages(queue: Queue, *, on_start: Callable[[], object] = lambda: None,
                         sleep: Callable[[float], None] = time.sleep, attempts: int | None = None) -> None:
    """Run a worker on ``queue``; when it quits on an error (RQ quits when Redis goes away while a
    job runs or its heartbeat is sent), wait (1, 2, 4 … :data:`MAX_RECONNECT_WAIT` seconds) and start
    a new one, calling ``on_start`` first (the CLI takes back the tasks whose lease expired
    meanwhile). Returns when a worker was asked to stop (SIGTERM, SIGINT), or after ``attempts``
    workers (tests)."""
    wait, started = 1.0, 0
    while attempts is None or started < attempts:
        started += 1
        try:
            _quietly(on_start)
            worker = SimpleWorker([queue], connection=queue.connection)  # it asks Redis already
            worked = worker.work(logging_level=current_app.config["LOG_LEVEL"])
        except (RedisError, OSError) as exc:
            logger.warning("the worker lost Redis (%s); trying again in %.0f s", exc, wait)
        else:
            if worker._shutdown_requested_date is not None:  # asked to stop (SIGTERM, SIGINT): not an outage
                return
            logger.warning("the worker quit (see above); a new one starts in %.0f s", wait)
            wait = 1.0 if worked else wait
        sleep(wait)
        wait = min(wait * 2, MAX_RECONNECT_WAIT)


def _quietly(step: Callable[[], object]) -> None:
    """Run ``step``; an unreachable database or Redis only postpones it."""
    try:
        step()
    except Exception:
        db.session.rollback()
        logger.exception("the worker's start step failed; it runs again at the next start")
