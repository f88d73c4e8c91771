"""Which scheduled jobs a test lets run: the packages' front doors declare them all
(saas.packages.jobs); a test that counts mails or runs narrows them down."""

from __future__ import annotations

import pytest

from saas import packages
from saas.jobs.registry import Job

DIGESTS = frozenset({"daily_digest", "weekly_summary"})
_declared = packages.jobs


def only_digests(monkeypatch: pytest.MonkeyPatch) -> None:
    """The coordinators' and managers' digests only (their mails show what ran)."""
    monkeypatch.setattr(packages, "jobs", lambda: [job for job in _declared() if job.name in DIGESTS])


def with_extra_jobs(monkeypatch: pytest.MonkeyPatch, *jobs: Job) -> None:
    """``jobs`` in front of the declared ones."""
    monkeypatch.setattr(packages, "jobs", lambda: [*jobs, *_declared()])
