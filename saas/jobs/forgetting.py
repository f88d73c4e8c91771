"""Deleting tenant rows nobody needs any more (drafts, used submission tokens …): data minimisation
(AVG art. 5(1)(c)) as a nightly job, tenant by tenant."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select

from saas.db import db, tenant_context
from saas.jobs.registry import Details
from saas.tenancy.models import Tenant


def forget_rows_before(model: Any, column: Any, cutoff: datetime) -> Details:
    """Delete the rows of the tenant table ``model`` whose ``column`` is before ``cutoff``, in every
    tenant (inactive ones too: their rows are just as stale), one context and transaction each."""
    deleted = 0
    # Tenants are a platform table: listing them crosses no tenant's data.
    for tenant_id in db.session.scalars(select(Tenant.id).order_by(Tenant.slug)).all():
        with tenant_context(db.session, tenant_id):
            result = db.session.execute(delete(model).where(model.tenant_id == tenant_id, column < cutoff))
            deleted += result.rowcount  # type: ignore[attr-defined]
            db.session.commit()
    return {"deleted": deleted}
