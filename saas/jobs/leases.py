"""Leases of background tasks: recorded before they are queued, claimed when they run, reaped
when they expire.

A task (saas.jobs.tasks.run_task) first gets a :class:`TaskLease` row, committed, then is queued
on Redis or run inline. Running it claims the lease with one conditional UPDATE (queued, or
running with an expired lease → running until now + :data:`RUNNING_LEASE`), so two workers never
run it at once; finishing marks it succeeded or failed.

:func:`reap_expired` (the hourly ``reap_tasks`` job of saas.jobs.tasks, ``flask jobs reap``) takes back what
expired: a lease still "queued" after :data:`QUEUED_LEASE` (its queue entry was lost, Redis was
flushed, or the process died between commit and enqueue) or still "running" after its lease (the
worker was killed) is queued again; after :data:`MAX_ATTEMPTS` claims it is given up: marked
failed, and its ``if_abandoned`` hook marks the work itself failed (a report says "failed" and can
be asked for again). The tasks are written to be run again (a report is regenerated, a
publication replaces its cells, a notification is claimed per row).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func, or_, select, update

from saas import packages
from saas.db import db, utcnow
from saas.jobs.models import LeaseStatus, TaskLease
from saas.jobs.registry import Details

logger = logging.getLogger("saas.jobs")

#: How long a task may wait on the queue before the reaper queues it again (a duplicate is
#: refused by its RQ id while the first is still on the queue).
QUEUED_LEASE = timedelta(minutes=15)
#: How long a claimed task may run before the reaper takes it back: RQ stops it after
#: saas.jobs.tasks.TASK_TIMEOUT, this leaves a margin.
RUNNING_LEASE = timedelta(minutes=15)
#: Claims before a task is given up.
MAX_ATTEMPTS = 3
ERROR_LENGTH: int = TaskLease.error.type.length


def add(task: str, arguments: dict[str, Any], if_abandoned: str | None = None) -> uuid.UUID:
    """Add a queued lease for ``task`` to the current transaction (flushed, not committed)."""
    lease = TaskLease(task=task, arguments=arguments, if_abandoned=if_abandoned, status=LeaseStatus.QUEUED,
                      attempts=0, lease_until=utcnow() + QUEUED_LEASE)
    db.session.add(lease)
    db.session.flush()
    return lease.id


def record(task: str, arguments: dict[str, Any], if_abandoned: str | None = None) -> uuid.UUID:
    """Commit a queued lease for ``task`` (before it is queued: the reaper finds it if queuing fails)."""
    lease_id = add(task, arguments, if_abandoned)
    db.session.commit()
    return lease_id


def claim(lease_id: uuid.UUID) -> bool:
    """Take the lease for a run (committed); False when it is done, or running elsewhere."""
    now = utcnow()
    claimable = or_(TaskLease.status == LeaseStatus.QUEUED,
                    (TaskLease.status == LeaseStatus.RUNNING) & (TaskLease.lease_until < now))
    result = db.session.execute(
        update(TaskLease).where(TaskLease.id == lease_id, claimable)
        .values(status=LeaseStatus.RUNNING, attempts=TaskLease.attempts + 1, lease_until=now + RUNNING_LEASE)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return bool(getattr(result, "rowcount", 0))


def finish(lease_id: uuid.UUID, error: BaseException | None = None) -> None:
    """Mark the lease succeeded, or failed with ``error`` (committed)."""
    lease = db.session.get_one(TaskLease, lease_id)
    lease.status = LeaseStatus.FAILED if error else LeaseStatus.SUCCEEDED
    lease.error = f"{type(error).__name__}: {error}"[:ERROR_LENGTH] if error else None
    lease.finished_at = utcnow()
    db.session.commit()


def reap_expired(requeue: Callable[[TaskLease], None], now: datetime | None = None) -> Details:
    """Queue again (with ``requeue``) or give up every lease that expired; returns the counts."""
    now = now or utcnow()
    expired = db.session.scalars(select(TaskLease).where(
        TaskLease.status.in_((LeaseStatus.QUEUED, LeaseStatus.RUNNING)), TaskLease.lease_until < now)
        .order_by(TaskLease.created_at)).all()
    requeued = abandoned = 0
    for lease in expired:
        if lease.attempts >= MAX_ATTEMPTS:
            _abandon(lease)
            abandoned += 1
            continue
        logger.warning("task %s (%s) expired while %s; queued again", lease.task, lease.id, lease.status.value)
        lease.status, lease.lease_until = LeaseStatus.QUEUED, now + QUEUED_LEASE
        db.session.commit()
        requeue(lease)
        requeued += 1
    return {"requeued": requeued, "abandoned": abandoned}


def _abandon(lease: TaskLease) -> None:
    logger.error("task %s (%s) given up after %d attempts", lease.task, lease.id, lease.attempts)
    lease.status, lease.finished_at = LeaseStatus.FAILED, utcnow()
    lease.error = f"given up after {lease.attempts} attempts"
    hook, arguments = lease.if_abandoned, dict(lease.arguments)
    db.session.commit()
    if hook:
        try:
            packages.resolve(hook)(**arguments)
        except Exception:  # the lease is failed either way; the next lease still gets its turn
            db.session.rollback()
            logger.exception("the abandon hook of task %s failed", lease.id)


def queue_depth() -> dict[str, int]:
    """Leases waiting and running, and how many of those expired (for /readyz: counts only)."""
    now = utcnow()
    expired = func.coalesce(func.sum(case((TaskLease.lease_until < now, 1), else_=0)), 0)
    rows = db.session.execute(select(TaskLease.status, func.count(), expired)
                              .where(TaskLease.status.in_((LeaseStatus.QUEUED, LeaseStatus.RUNNING)))
                              .group_by(TaskLease.status)).all()
    depth = {"queued": 0, "running": 0, "expired": 0}
    for status, count, expired_count in rows:
        depth[status.value] += count
        depth["expired"] += int(expired_count)
    return depth
