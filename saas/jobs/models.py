"""The record of every job run, so a job that stopped running can itself be noticed."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from saas.db import db, enum_type, utcnow
from saas.enums import LabelledEnum
from saas.i18n import L_


class RunStatus(LabelledEnum):
    RUNNING = "running", L_("Running")
    SUCCEEDED = "succeeded", L_("Succeeded")
    FAILED = "failed", L_("Failed")


class JobRun(db.Model):
    """One run of a scheduled job for one period (a platform table: counts only, no tenant data).

    ``run_key`` names the period the run covers (a date for a daily job, an ISO week for a weekly
    one); it is unique per job, so running the scheduler twice in a period does nothing twice.
    """

    __tablename__ = "job_runs"
    __table_args__ = (sa.UniqueConstraint("job", "run_key"), sa.Index(None, "job", "started_at"))

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    job: Mapped[str] = mapped_column(sa.String(60))
    run_key: Mapped[str] = mapped_column(sa.String(40))
    status: Mapped[RunStatus] = mapped_column(enum_type(RunStatus, "run_status"), default=RunStatus.RUNNING)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    #: What the run did, as counts (e.g. {"tenants": 3, "mails": 12}).
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    error: Mapped[str | None] = mapped_column(sa.String(500))


class LeaseStatus(LabelledEnum):
    QUEUED = "queued", L_("Queued")
    RUNNING = "running", L_("Running")
    SUCCEEDED = "succeeded", L_("Succeeded")
    FAILED = "failed", L_("Failed")


class TaskLease(db.Model):
    """One background task (saas.jobs.tasks), recorded before it is queued or run, so it can never
    be lost or stay "queued" or "running" forever (a platform table: task names and ids only).

    ``lease_until`` is when the reaper (saas.jobs.leases) may take the task back: a queued task whose
    queue entry was lost, or a running one whose worker died, is queued again, and given up after
    :data:`saas.jobs.leases.MAX_ATTEMPTS` attempts.
    """

    __tablename__ = "task_leases"
    __table_args__ = (sa.Index(None, "status", "lease_until"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    #: "package.module:function".
    task: Mapped[str] = mapped_column(sa.String(120))
    #: The task's keyword arguments (ids and codes, never personal data).
    arguments: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    #: "package.module:function" called with the same arguments when the task is given up.
    if_abandoned: Mapped[str | None] = mapped_column(sa.String(120))
    status: Mapped[LeaseStatus] = mapped_column(enum_type(LeaseStatus, "lease_status"), default=LeaseStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    lease_until: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(sa.String(500))
