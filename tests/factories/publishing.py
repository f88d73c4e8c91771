"""Reading what a tenant has published, for the publishing tests (the dataset is the
``statistics_dataset`` fixture in tests/publishing/conftest.py).
"""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from saas.db import db, tenant_context
from saas.foundation.models import PublishedStatistic
from saas.tenancy.models import Tenant
from tests.impact.dashboard_dataset import Dataset, dataset  # noqa: F401 - a fixture

#: (measure, track, domain, moment, category) → (n, total, squares)
Cells = dict[tuple[str, str, str, str, str], tuple[int, int, int]]


def published(app: Flask, tenant: Tenant, period: str) -> Cells:
    """The cells ``tenant`` has published for ``period``."""
    with app.app_context(), tenant_context(db.session, tenant.id):
        rows = db.session.scalars(select(PublishedStatistic).where(PublishedStatistic.period == period))
        return {(r.measure, r.track, r.domain, r.moment, r.category): (r.n, r.total, r.squares) for r in rows}
