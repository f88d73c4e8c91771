"""Two referrals registered at the same moment get different case numbers (PostgreSQL only).

This needs two real transactions on two connections, so it runs outside the rolled-back test
transaction: the tenant and its counter are committed through the admin connection and removed
again afterwards.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from saas.db import tenant_context
from saas.tenancy.models import Tenant
from tenants.families import operations
from tenants.families.models import CaseCounter
from tests.support import databases
from tests.support.threads import SessionPerThread

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.skipif(databases.backend() != "postgresql", reason="SQLite has no concurrent writers to race"),
]

YEAR = 2026


@pytest.fixture
def racing_tenant(app: Flask, test_database: databases.TestDatabase) -> Iterator[uuid.UUID]:
    """A committed tenant whose counter for YEAR stands at 41 (``app``: the schema is migrated)."""
    admin = sa.create_engine(test_database.admin_url)
    tenant_id = uuid.uuid4()
    try:
        with admin.begin() as conn:
            conn.execute(sa.insert(Tenant.__table__).values(id=tenant_id, slug=f"race-{tenant_id.hex[:8]}",
                                                            name="Race"))
            conn.execute(sa.insert(CaseCounter.__table__).values(tenant_id=tenant_id, year=YEAR, last=41))
        yield tenant_id
    finally:
        with admin.begin() as conn:
            conn.execute(sa.delete(CaseCounter.__table__).where(CaseCounter.__table__.c.tenant_id == tenant_id))
            conn.execute(sa.delete(Tenant.__table__).where(Tenant.__table__.c.id == tenant_id))
        admin.dispose()


def test_two_registrations_at_the_same_moment_get_consecutive_numbers(
        test_database: databases.TestDatabase, racing_tenant: uuid.UUID, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = sa.create_engine(test_database.app_url)  # the app role: row-level security in force
    fake_db = SessionPerThread()
    monkeypatch.setattr(operations, "db", fake_db)
    numbers: list[int] = []
    errors: list[BaseException] = []

    def second_registration() -> None:
        try:
            with Session(engine) as session, tenant_context(session, racing_tenant):
                fake_db.session = session
                numbers.append(operations.next_case_number(YEAR))
                session.commit()
        except BaseException as exc:  # reported below; a thread must not die silently
            errors.append(exc)

    try:
        with Session(engine) as first, tenant_context(first, racing_tenant):
            fake_db.session = first
            numbers.append(operations.next_case_number(YEAR))  # its transaction stays open …
            second = threading.Thread(target=second_registration)
            second.start()
            time.sleep(0.5)
            assert second.is_alive(), "the second registration should wait for the first"
            first.commit()  # … until now
        second.join(timeout=10)
        assert not second.is_alive()
        assert not errors, errors
        assert sorted(numbers) == [42, 43]
    finally:
        engine.dispose()
