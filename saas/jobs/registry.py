"""Named jobs and their schedules.

A package that owns a job declares it as a module-level :class:`Job` (``daily_digest = Job(…)``);
the package's front door lists it (``Package.jobs``, "module:attribute"), and saas.packages
imports it only when jobs are listed or run.

A schedule splits time into periods (a day, an ISO week) in the local zone. A job is *due* once
the scheduled moment of the current period has passed; the runner makes sure it runs once per
period (``JobRun`` is unique per job and period key).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from saas import packages

#: What a job returns: counts of what it did, stored on its JobRun (e.g. {"mails": 12}).
Details = dict[str, Any]

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class Schedule(Protocol):
    def period_key(self, now: datetime) -> str:
        """The period ``now`` (local time) falls in, e.g. "2026-11-24" or "2026-W48"."""

    def is_due(self, now: datetime) -> bool:
        """Whether the scheduled moment of the period of ``now`` has passed."""

    def describe(self) -> str:
        """For ``flask jobs list`` (operators read English)."""


@dataclass(frozen=True)
class Daily:
    """Every day, from ``hour`` o'clock local time."""

    hour: int

    def period_key(self, now: datetime) -> str:
        return now.date().isoformat()

    def is_due(self, now: datetime) -> bool:
        return now.hour >= self.hour

    def describe(self) -> str:
        return f"daily from {self.hour:02d}:00"


@dataclass(frozen=True)
class Hourly:
    """Every hour (cron calls the runner hourly): for work that cannot wait a day, such as
    escalating a request nobody picked up, or retrying notifications that could not be sent."""

    def period_key(self, now: datetime) -> str:
        return now.strftime("%Y-%m-%dT%H")

    def is_due(self, now: datetime) -> bool:
        return True

    def describe(self) -> str:
        return "hourly"


@dataclass(frozen=True)
class Weekly:
    """Every week, from ``hour`` o'clock local time on ``weekday`` (0 = Monday)."""

    weekday: int
    hour: int

    def period_key(self, now: datetime) -> str:
        year, week, _day = now.isocalendar()
        return f"{year}-W{week:02d}"

    def is_due(self, now: datetime) -> bool:
        # Later in the same week is still due: a missed Monday run happens on Tuesday.
        return (now.weekday(), now.hour) >= (self.weekday, self.hour)

    def describe(self) -> str:
        return f"weekly from {WEEKDAYS[self.weekday]} {self.hour:02d}:00"


@dataclass(frozen=True)
class Job:
    #: Stable name: the JobRun records and ``flask jobs run --job NAME`` use it.
    name: str
    #: Called without arguments, or, for a resumable job, with the run's
    #: :class:`saas.jobs.runner.Progress`.
    run: Callable[..., Details]
    schedule: Schedule
    description: str = ""
    #: The job records what it finished as it goes (``Progress.record``) and skips what an earlier
    #: attempt in the same period finished, so a forced rerun (after a crash, or to retry what
    #: failed) does not do that twice. A job that is not resumable is run again from the start.
    resumable: bool = False


def registered_jobs() -> dict[str, Job]:
    """Every job the packages declare in their front doors (``Package.jobs``), by name."""
    jobs: dict[str, Job] = {}
    for job in packages.jobs():
        if not isinstance(job, Job):
            raise TypeError(f"{job!r} is not a saas.jobs.registry.Job")
        if job.name in jobs:
            raise ValueError(f"two jobs are named {job.name!r}")
        jobs[job.name] = job
    return jobs
