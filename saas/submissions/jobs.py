"""Forgetting used submission tokens once no client can still be retrying with them."""

from __future__ import annotations

from datetime import timedelta

from saas.db import utcnow
from saas.jobs.forgetting import forget_rows_before
from saas.jobs.registry import Daily, Details, Job
from saas.submissions.models import SUBMISSION_DAYS, Submission


def forget_old_submissions() -> Details:
    """Delete every tenant's tokens older than SUBMISSION_DAYS."""
    return forget_rows_before(Submission, Submission.created_at, utcnow() - timedelta(days=SUBMISSION_DAYS))


old_submissions = Job("forget_old_submissions", forget_old_submissions, Daily(hour=3),
                      f"submission tokens older than {SUBMISSION_DAYS} days are deleted")
