"""Forgetting drafts nobody came back to: a draft holds personal text, and keeping it longer than
anyone could still want it serves nobody (data minimisation, AVG art. 5(1)(c))."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select

from saas.db import db, tenant_context, utcnow
from saas.drafts.models import DRAFT_DAYS, FormDraft
from saas.jobs.registry import Daily, Details, Job
from saas.tenancy.models import Tenant


def forget_old_drafts() -> Details:
    """Delete every tenant's drafts untouched for DRAFT_DAYS, one transaction per tenant."""
    cutoff = utcnow() - timedelta(days=DRAFT_DAYS)
    # Tenants are a platform table: listing them crosses no tenant's data. Inactive ones too:
    # their drafts are just as stale.
    deleted = 0
    for tenant_id in db.session.scalars(select(Tenant.id).order_by(Tenant.slug)).all():
        with tenant_context(db.session, tenant_id):
            result = db.session.execute(delete(FormDraft).where(FormDraft.tenant_id == tenant_id,
                                                                FormDraft.updated_at < cutoff))
            deleted += result.rowcount  # type: ignore[attr-defined]
            db.session.commit()
    return {"deleted": deleted}


old_drafts = Job("forget_old_drafts", forget_old_drafts, Daily(hour=3),
                 f"drafts of forms nobody came back to for {DRAFT_DAYS} days are deleted")
