"""Forgetting drafts nobody came back to: a draft holds personal text, and keeping it longer than
anyone could still want it serves nobody (data minimisation, AVG art. 5(1)(c))."""

from __future__ import annotations

from datetime import timedelta

from saas.db import utcnow
from saas.drafts.models import DRAFT_DAYS, FormDraft
from saas.jobs.forgetting import forget_rows_before
from saas.jobs.registry import Daily, Details, Job


def forget_old_drafts() -> Details:
    """Delete every tenant's drafts untouched for DRAFT_DAYS."""
    return forget_rows_before(FormDraft, FormDraft.updated_at, utcnow() - timedelta(days=DRAFT_DAYS))


old_drafts = Job("forget_old_drafts", forget_old_drafts, Daily(hour=3),
                 f"drafts of forms nobody came back to for {DRAFT_DAYS} days are deleted")
