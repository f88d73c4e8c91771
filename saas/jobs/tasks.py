"""One-off background tasks (a report to generate), next to the scheduled jobs.

:func:`run_task` runs ``"package.module:function"`` with keyword arguments: inline, in the
calling process, in the embedded default (no ``SAAS_REDIS_URL``; docs/architecture.md §8),
or on the RQ queue the scheduled jobs use when Redis is configured, where ``flask jobs worker``
picks it up. The task must find everything it needs from its arguments (ids, not objects) and
commit its own work, because on a worker it runs in another process.

Every task is leased first (saas.jobs.leases): a row committed before it is queued, so a task whose
enqueue failed, or whose worker died, is found by the reaper and queued again, never lost; when
Redis is away, the task runs inline instead (logged). A task may run more than once (after a
crash), so it must be safe to run again.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from importlib import import_module
from typing import Any

from flask import current_app
from redis.exceptions import RedisError
from rq.exceptions import DuplicateJobError

from saas.db import db
from saas.jobs import leases
from saas.jobs.models import TaskLease
from saas.jobs.registry import Details, Hourly, Job

logger = logging.getLogger("saas.jobs")

#: Seconds a task may run on a worker before RQ stops it.
TASK_TIMEOUT = 10 * 60


def resolve(func_path: str) -> Any:
    """The function named ``"package.module:function"``."""
    module, _, name = func_path.partition(":")
    if not module or not name:
        raise ValueError(f"name the task as 'module:function', not {func_path!r}")
    return getattr(import_module(module), name)


def run_task(func_path: str, *, if_abandoned: str | None = None, **kwargs: Any) -> str | None:
    """Record a lease for the task (committed), then put it on the queue or, without Redis or when
    Redis cannot be reached, run it now; returns the RQ job id when queued.

    ``if_abandoned`` ("module:function", called with the same arguments) marks the work failed when
    the reaper gives the task up (saas.jobs.leases)."""
    lease_id = lease_task(func_path, if_abandoned=if_abandoned, **kwargs)
    db.session.commit()  # the reaper finds the lease if queuing fails
    return dispatch(lease_id)


def lease_task(func_path: str, *, if_abandoned: str | None = None, **kwargs: Any) -> uuid.UUID:
    """Add the task's lease to the current transaction, to be committed with the rows the task
    works on (a request's one commit): then :func:`dispatch` it after that commit
    (saas.web.after_commit). A crash between the commit and the dispatch loses nothing: the
    reaper runs the lease when it expires."""
    resolve(func_path)  # fail here, in the request, on a misspelt name
    if if_abandoned:
        resolve(if_abandoned)
    return leases.add(func_path, kwargs, if_abandoned)


def dispatch(lease_id: uuid.UUID) -> str | None:
    """Queue the leased task under an id of its own (queued once, however often this is called),
    or run it inline: without Redis, or when Redis is away (logged) — never lost, never a 500."""
    url = current_app.config.get("REDIS_URL")
    if url:
        from saas.jobs.queue import RESULT_TTL, job_queue, redis_connection

        job_id = f"task--{lease_id}"
        try:
            job_queue(redis_connection(url, web=True)).enqueue_call(
                "saas.jobs.tasks.perform_task", args=(str(lease_id),), job_id=job_id, unique=True,
                timeout=TASK_TIMEOUT, result_ttl=RESULT_TTL, failure_ttl=RESULT_TTL, description=str(lease_id))
        except DuplicateJobError:
            logger.info("task %s is already queued", lease_id)
        except RedisError as exc:
            logger.warning("Redis is unreachable (%s): task %s runs inline", exc, lease_id)
            perform_lease(lease_id)
            return None
        logger.info("task %s queued", lease_id)
        return job_id
    perform_lease(lease_id)
    return None


def perform_lease(lease_id: uuid.UUID) -> None:
    """Claim the lease and run its task; a failure is recorded on the lease and raised."""
    if not leases.claim(lease_id):
        logger.info("task %s is done or running elsewhere; not run again", lease_id)
        return
    lease = db.session.get_one(TaskLease, lease_id)
    task, arguments = lease.task, dict(lease.arguments)
    try:
        resolve(task)(**arguments)
    except Exception as exc:
        db.session.rollback()
        leases.finish(lease_id, exc)
        raise
    leases.finish(lease_id)


def perform_task(lease_id: str, kwargs: dict[str, Any] | None = None) -> None:
    """The RQ entry point: run the leased task inside the worker's app context, then drop the
    session so the next job starts with a fresh one. (``kwargs``: a job queued before leases,
    whose first argument is the task's name.)"""
    try:
        if kwargs is not None:
            resolve(lease_id)(**kwargs)
        else:
            perform_lease(uuid.UUID(lease_id))
    finally:
        db.session.remove()


def reap_now(now: datetime | None = None) -> Details:
    """Take back the leases expired by ``now`` (saas.jobs.leases), queuing them as :func:`run_task` does."""

    def requeue(lease: TaskLease) -> None:
        dispatch(lease.id)

    return leases.reap_expired(requeue, now)


reap_tasks = Job("reap_tasks", reap_now, Hourly(),
                 "background tasks whose lease expired, queued again or given up")
