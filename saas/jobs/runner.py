"""Running jobs: once per period, each run recorded, a failing job never stopping the others.

Two ways in: ``flask jobs run`` (cron, every hour or so) runs what is due inline; with Redis,
``flask jobs enqueue`` puts what is due on an RQ queue and ``flask jobs worker`` runs it
(:func:`perform`). Either way the run is claimed by inserting its ``JobRun`` (unique per job and
period), so two schedulers, a retried cron line or a job queued twice still run it once.

A run that failed stays failed for its period (its JobRun exists): a half-done digest is not sent
twice. So is a run left "running" by a worker that crashed (or was killed by RQ's timeout): its
JobRun claims the period, and nothing retries it by itself; the "job has not run" signal tells
people when the digest stops.

``flask jobs run --job NAME --force`` runs the period again, whatever state its run is in. Make
sure the crashed worker is really gone first: the runner cannot tell a dead run from a slow one.
A resumable job (:attr:`Job.resumable`, e.g. the digests) gets the details the earlier attempt
recorded as it went (:class:`Progress`) and skips what that attempt finished: the digests record
each tenant as done in the same transaction as the tenant's mails, so a forced rerun mails only
the tenants that failed or were not reached, and none twice. Any other job runs again from the
start.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.exc import IntegrityError

from saas.clock import local_zone
from saas.db import db, utcnow
from saas.jobs.models import JobRun, RunStatus
from saas.jobs.registry import Details, Job, registered_jobs

logger = logging.getLogger("saas.jobs")

#: The RQ queue the scheduled jobs travel on.
QUEUE_NAME = "samen-oplopen-jobs"
ERROR_LENGTH = JobRun.error.type.length  # type: ignore[attr-defined]


def local_now() -> datetime:
    """The current local time (tests replace this to be at a given moment)."""
    return datetime.now(local_zone())


@dataclass(frozen=True)
class Outcome:
    """What happened to one job when asked to run: its JobRun, or why it did not run."""

    job: str
    run_key: str
    run: JobRun | None
    skipped: str | None = None

    @property
    def failed(self) -> bool:
        return self.run is not None and self.run.status == RunStatus.FAILED


@dataclass(frozen=True)
class Progress:
    """What a resumable job sees of its run: what earlier attempts in the period recorded, and a
    way to record how far it got."""

    run_id: uuid.UUID
    #: The details the earlier attempts in this period left (empty on the first attempt).
    earlier: Details

    def record(self, details: Details) -> None:
        """Put ``details`` on the run in the current transaction: committed together with the work
        they describe, or rolled back with it."""
        db.session.get_one(JobRun, self.run_id).details = dict(details)


def due_jobs(now: datetime | None = None) -> list[tuple[Job, str]]:
    """The jobs whose time has come in the current period and that have not run in it yet."""
    now = now or local_now()
    candidates = [(job, job.schedule.period_key(now)) for job in registered_jobs().values()
                  if job.schedule.is_due(now)]
    if not candidates:
        return []
    rows = db.session.execute(select(JobRun.job, JobRun.run_key).where(
        JobRun.job.in_([job.name for job, _key in candidates]), JobRun.run_key.in_({key for _job, key in candidates})))
    done = {(name, key) for name, key in rows}
    return [(job, key) for job, key in candidates if (job.name, key) not in done]


def run_due(now: datetime | None = None) -> list[Outcome]:
    """Run every due job (``flask jobs run``)."""
    return [run_job(job, key) for job, key in due_jobs(now)]


def run_named(name: str, *, force: bool = False, now: datetime | None = None) -> Outcome:
    """Run one job for the current period, whatever the hour; again with ``force``."""
    job = registered_jobs()[name]
    return run_job(job, job.schedule.period_key(now or local_now()), force=force)


def run_job(job: Job, run_key: str, *, force: bool = False) -> Outcome:
    """Claim the period ``run_key`` of ``job``, run it and record the result.

    The job commits its own work (per tenant, for instance); here the claim and the result are
    committed, and an exception is recorded as a failed run instead of propagating.
    """
    run = _claim(job.name, run_key, force=force, resume=job.resumable)
    if run is None:
        return Outcome(job.name, run_key, None, skipped="already ran in this period")
    logger.info("job %s (%s) started", job.name, run_key)
    try:
        details = job.run(Progress(run.id, dict(run.details or {}))) if job.resumable else job.run()
    except Exception as exc:  # any failure is recorded; the other jobs still run
        db.session.rollback()
        logger.exception("job %s (%s) failed", job.name, run_key)
        run = db.session.get(JobRun, run.id)
        run.status, run.error = RunStatus.FAILED, f"{type(exc).__name__}: {exc}"[:ERROR_LENGTH]
    else:
        run.status, run.details = RunStatus.SUCCEEDED, dict(details or {})
    run.finished_at = utcnow()
    db.session.commit()
    logger.info("job %s (%s) %s %s", job.name, run_key, run.status.value, run.details)
    return Outcome(job.name, run_key, run)


def _claim(name: str, run_key: str, *, force: bool, resume: bool = False) -> JobRun | None:
    """The period's JobRun, committed as running; None when the period is already taken (with
    ``force`` the period's run is started again instead, keeping its details with ``resume``)."""
    statement = select(JobRun).where(JobRun.job == name, JobRun.run_key == run_key)
    run = db.session.scalars(statement).first()
    if run is None:
        try:
            with db.session.begin_nested():
                run = JobRun(job=name, run_key=run_key, status=RunStatus.RUNNING, details={})
                db.session.add(run)
            db.session.commit()
            return run
        except IntegrityError:  # another scheduler claimed it a moment ago
            run = db.session.scalars(statement).one()
    if not force:
        db.session.rollback()
        return None
    run.status, run.started_at, run.finished_at, run.error = RunStatus.RUNNING, utcnow(), None, None
    if not resume:
        run.details = {}
    db.session.commit()
    return run


def perform(name: str, run_key: str) -> str:
    """The RQ entry point: run ``name`` for ``run_key`` inside the worker's app context.

    Returns the run's status (kept as the RQ job's result, for ``rq info``).
    """
    try:
        outcome = run_job(registered_jobs()[name], run_key)
        return outcome.skipped or outcome.run.status.value  # type: ignore[union-attr]
    finally:
        db.session.remove()  # the next job starts with a fresh session


def latest_runs() -> dict[str, JobRun]:
    """The most recent run of each job, by job name (``flask jobs list``)."""
    latest = (select(JobRun.job, func.max(JobRun.started_at).label("started_at"))
              .group_by(JobRun.job).subquery())
    runs = db.session.scalars(select(JobRun).join(
        latest, and_(latest.c.job == JobRun.job, latest.c.started_at == JobRun.started_at)))
    return {run.job: run for run in runs}
