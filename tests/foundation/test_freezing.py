"""Freezing and publishing take turns (saas.foundation.freezing), and republishing removes what a
tenant no longer has but never touches a frozen year."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import text

from saas.auth.models import User
from saas.db import bind_context, db, tenant_context
from saas.errors import OperationError
from saas.foundation import operations
from saas.foundation.freezing import FREEZE_LOCK
from saas.foundation.measures import Measure
from saas.foundation.models import PublicationTrigger
from saas.tenancy.models import Tenant
from tenants.publishing import job
from tenants.publishing.cells import Cell
from tests.factories.foundation import freeze_year, publish
from tests.publishing.test_job import all_cells, supported_family
from tests.support import databases
from tests.support.clock import while_open


def test_republishing_drops_open_periods_without_activity_but_keeps_released_years(
        app: Flask, tenant_a: Tenant) -> None:
    with while_open(2025):  # January 2026: 2025 and 2026 are open
        publish(app, tenant_a, [Cell("2026-Q2", Measure.FAMILIES, n=13, track="regular", category="supported"),
                                Cell("2019", Measure.FAMILIES, n=12, track="regular", category="supported"),
                                Cell("2018-Q2", Measure.FAMILIES, n=11, track="regular", category="supported")])
        freeze_year(app, 2018)
        supported_family(app, tenant_a)  # activity from March 2025 on
        with app.app_context():
            job.publish_tenant(tenant_a.id, PublicationTrigger.NIGHTLY)
    periods = {cell.period for cell in all_cells(app)}
    assert "2026-Q2" not in periods  # an open period without activity: no longer published
    assert "2019" in periods  # released on 1 February 2020: kept as it was, activity or not
    assert "2018-Q2" in periods  # frozen: kept as it was
    assert "2025" in periods


def advisory_locks() -> list[tuple[str, bool]]:
    """The advisory locks this connection holds: (mode, granted)."""
    return [tuple(row) for row in db.session.execute(text(
        "select mode, granted from pg_locks where locktype = 'advisory' and pid = pg_backend_pid() "
        "and objid = :low"), {"low": FREEZE_LOCK & 0xFFFFFFFF})]


postgresql_only = pytest.mark.skipif(databases.backend() != "postgresql",
                                     reason="advisory locks exist only on PostgreSQL")


@postgresql_only
def test_a_publication_holds_the_freeze_lock_shared(app: Flask, tenant_a: Tenant) -> None:
    supported_family(app, tenant_a)
    with app.app_context(), tenant_context(db.session, tenant_a.id):
        job.replace_statistics(PublicationTrigger.NIGHTLY)
        assert advisory_locks() == [("ShareLock", True)]


@postgresql_only
def test_freezing_holds_the_freeze_lock_exclusively(app: Flask, tenant_a: Tenant, foundation_admin: User) -> None:
    publish(app, tenant_a, [Cell("2025", Measure.FAMILIES, n=12, track="regular", category="supported")])
    with while_open(2025), app.test_request_context():  # 2025 over, not yet released: it may be released early
        bind_context(db.session, reader="foundation")
        snapshot = operations.freeze_year(db.session.get(User, foundation_admin.id), 2025)
        assert (snapshot.tenants, snapshot.cells) == (1, 1)
        assert advisory_locks() == [("ExclusiveLock", True)]


def test_a_year_frozen_meanwhile_by_someone_else_is_a_clear_refusal(
        app: Flask, tenant_a: Tenant, foundation_admin: User, monkeypatch: pytest.MonkeyPatch) -> None:
    publish(app, tenant_a, [Cell("2025", Measure.FAMILIES, n=12, track="regular", category="supported")])
    freeze_year(app, 2025)
    monkeypatch.setattr(operations, "snapshot_of", lambda year: None)  # as if it happened after our check
    with while_open(2025), app.test_request_context(headers={"Accept-Language": "en"}):
        bind_context(db.session, reader="foundation")
        with pytest.raises(OperationError, match="just been released by someone else"):
            operations.freeze_year(db.session.get(User, foundation_admin.id), 2025)
        assert db.session.is_active  # only the savepoint was rolled back: the request can answer
