"""Jobs on Redis with RQ, for deployments with separate worker processes (``SAAS_REDIS_URL`` set).

``flask jobs enqueue`` (from cron) queues the due jobs, each under the id ``<job>--<period>`` so
it is queued once; ``flask jobs worker`` takes them off the queue and runs them through
:func:`saas.jobs.runner.perform`, which claims the period like ``flask jobs run`` does.

The worker is RQ's ``SimpleWorker``: it runs the jobs in its own process, inside the app context
the ``flask`` command set up (RQ's default worker forks per job, and the children would inherit
the parent's pooled database connections). For more throughput, start more workers.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from redis import Redis
from rq import Queue, SimpleWorker
from rq.exceptions import DuplicateJobError

from saas.jobs.runner import QUEUE_NAME, due_jobs

#: Seconds a job may run before RQ stops it, and how long finished and failed jobs stay in Redis
#: (the JobRun table is the lasting record).
JOB_TIMEOUT = 30 * 60
RESULT_TTL = 24 * 3600


def redis_connection(url: str | None = None) -> Redis:
    url = url or current_app.config["REDIS_URL"]
    if not url:
        raise RuntimeError("SAAS_REDIS_URL is not set: run jobs inline with `flask jobs run`")
    return Redis.from_url(url)


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
