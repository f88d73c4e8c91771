"""One-off background tasks (a report to generate), next to the scheduled jobs.

:func:`run_task` runs ``"package.module:function"`` with keyword arguments: inline, in the
calling process, in the embedded default (no ``SAAS_REDIS_URL``; docs/architecture.md §8),
or on the RQ queue the scheduled jobs use when Redis is configured, where ``flask jobs worker``
picks it up. The task must find everything it needs from its arguments (ids, not objects) and
commit its own work, because on a worker it runs in another process.
"""

from __future__ import annotations

import logging
from importlib import import_module
from typing import Any

from flask import current_app

from saas.db import db

logger = logging.getLogger("saas.jobs")

#: Seconds a task may run on a worker before RQ stops it.
TASK_TIMEOUT = 10 * 60


def resolve(func_path: str) -> Any:
    """The function named ``"package.module:function"``."""
    module, _, name = func_path.partition(":")
    if not module or not name:
        raise ValueError(f"name the task as 'module:function', not {func_path!r}")
    return getattr(import_module(module), name)


def run_task(func_path: str, **kwargs: Any) -> str | None:
    """Run the task now (no Redis) or put it on the queue; returns the RQ job id when queued."""
    function = resolve(func_path)  # fail here, in the request, on a misspelt name
    url = current_app.config.get("REDIS_URL")
    if not url:
        function(**kwargs)
        return None
    from saas.jobs.queue import RESULT_TTL, job_queue, redis_connection

    job = job_queue(redis_connection(url)).enqueue_call(
        "saas.jobs.tasks.perform_task", args=(func_path,), kwargs={"kwargs": kwargs}, timeout=TASK_TIMEOUT,
        result_ttl=RESULT_TTL, failure_ttl=RESULT_TTL, description=func_path)
    logger.info("task %s queued as %s", func_path, job.id)
    return job.id


def perform_task(func_path: str, kwargs: dict[str, Any]) -> None:
    """The RQ entry point: run the task inside the worker's app context, then drop the session
    so the next job starts with a fresh one."""
    try:
        resolve(func_path)(**kwargs)
    finally:
        db.session.remove()
