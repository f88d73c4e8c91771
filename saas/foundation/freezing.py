"""Frozen years, and the lock that makes freezing and publishing take turns.

A frozen year (StatisticsSnapshot) is a year released early (saas.foundation.release): it keeps
the cells of the year and its quarters as they were when it was frozen, and the publishing job
neither replaces nor deletes them. A publication that was
already running when the year was frozen must not overwrite it afterwards, so on PostgreSQL both
take a transaction-level advisory lock on :data:`FREEZE_LOCK`: each tenant's publication holds it
shared (publications run side by side) and reads the frozen years only once it has it; freezing
holds it exclusively, so it waits for the running publications to commit and the ones after it
see the new snapshot. Two admins freezing the same year queue the same way, and the second finds
the first's snapshot. SQLite lets one writer in at a time, which serialises both anyway.
"""

from __future__ import annotations

from sqlalchemy import select, text

from saas.db import db
from saas.foundation.models import StatisticsSnapshot

#: An arbitrary constant naming the advisory lock ("SOstat" in ASCII).
FREEZE_LOCK = 0x534F73746174


def take_freeze_lock(*, shared: bool) -> None:
    """Hold the freeze lock until the current transaction ends (shared: publishing; else freezing)."""
    if db.session.connection().dialect.name != "postgresql":
        return
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    db.session.execute(text(f"select {function}(:key)"), {"key": FREEZE_LOCK})


def frozen_years() -> set[int]:
    """The years frozen so far (a platform table: no tenant involved)."""
    return set(db.session.scalars(select(StatisticsSnapshot.year)))

