"""Each tenant's signals, computed once and kept until something they are computed from changes
(issue 19): the start page reads one row instead of computing them on every view.

The snapshot holds the caseload signals of one local day, acknowledged or not, sealed with the
tenant's key (they name families). Reading it adds what changes without recomputing: the
managers' job signal (from the job runs) and the acknowledgements (tenants.home.queries.
unacknowledged and with_job_signals). A missing snapshot, one marked stale by a change (tenants.home.invalidation) or
one computed for another day is computed anew and stored. Each process keeps the last snapshots
it opened decoded (:func:`_opened`), so a view of an unchanged snapshot parses nothing.

Two requests may compute at once: the store is one INSERT … ON CONFLICT DO UPDATE, so the second
updates the row the first wrote instead of failing. It updates only while the row's ``version``
is the one read before computing: a change committed meanwhile (which raised it) keeps the row
stale, so the next view computes again instead of showing signals from before that change.
"""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from saas.clock import local_today
from saas.crypto import open_text, seal_text
from saas.db import db, utcnow
from saas.tenancy.models import Tenant
from saas.tenancy.versions import kept_for_tenant
from tenants.home import queries
from tenants.home.models import SignalSnapshot
from tenants.home.signals import Severity, Signal, SignalKind

#: What the sealed signals are bound to (saas.crypto), with the tenant's id as the row.
SEALED_SIGNALS = "signal_snapshot"

#: How many tenants' decoded snapshots each process keeps (about a megabyte for a thousand signals).
SNAPSHOTS_KEPT_OPEN = 32

_KINDS = {kind.value: kind for kind in SignalKind}
_SEVERITIES = {severity.value: severity for severity in Severity}


def current_signals(tenant: Tenant, today: date | None = None) -> list[Signal]:
    """Every unacknowledged signal of the bound tenant ``tenant``, in display order, as
    tenants.home.queries.compute_signals finds them, from the snapshot while it holds.

    While the organisation's data is unchanged (its version: acknowledging is a change too), the
    same day gives the same unacknowledged signals, kept in the process (saas.tenancy.versions):
    the snapshot is not even read. A change to what the signals are computed from raises the data
    version in the transaction that marks the snapshot stale, so a kept list never outlives it."""
    today = today or local_today()
    shown = kept_for_tenant("home.unacknowledged", tenant, today,
                            lambda: queries.unacknowledged(_caseload_signals(tenant, today)))
    return queries.with_job_signals(shown, tenant)


def _caseload_signals(tenant: Tenant, today: date) -> Sequence[Signal]:
    """The caseload signals of ``today``: the snapshot's while it holds, else computed and stored."""
    row = db.session.execute(select(SignalSnapshot.computed_for, SignalSnapshot.stale, SignalSnapshot.version,
                                    SignalSnapshot.signals_sealed)).first()
    if row is not None and not row.stale and row.computed_for == today:
        return _opened(tenant.id, row.signals_sealed)
    return _compute_and_store(tenant, today, row.version if row is not None else 0)


@functools.lru_cache(maxsize=SNAPSHOTS_KEPT_OPEN)
def _opened(tenant_id: uuid.UUID, sealed: bytes) -> tuple[Signal, ...]:
    """The signals sealed in a snapshot, decrypted and decoded once per process: parsing a
    thousand signals was most of a large organisation's view. A stored snapshot is never changed,
    only replaced (with a new random nonce, so new bytes), and only bytes read from the row of the
    bound tenant that opened with its key under its id are kept, so an entry cannot serve another
    tenant or an older version. Signals are frozen; nothing changes them once decoded."""
    return tuple(decode(open_text(sealed, SEALED_SIGNALS, tenant_id) or "[]"))


def refresh(tenant: Tenant, today: date | None = None) -> None:
    """Compute and store the bound tenant's snapshot for ``today`` (the nightly digest does, so the
    first visitor of the day does not wait for it)."""
    version = db.session.scalar(select(SignalSnapshot.version))
    _compute_and_store(tenant, today or local_today(), version or 0)


def _compute_and_store(tenant: Tenant, today: date, version: int) -> Sequence[Signal]:
    """The caseload signals of ``today``, stored unless a change raised the row's ``version`` since
    it was read."""
    sealed = seal_text(encode(queries.compute_caseload_signals(today)), SEALED_SIGNALS, tenant.id)
    store(tenant.id, today, sealed, version)
    # Read back as the next view will: the same signals, and kept open for it.
    return _opened(tenant.id, sealed)


def store(tenant_id: uuid.UUID, today: date, sealed: bytes, version: int) -> None:
    """Insert the bound tenant's snapshot, or update it if it still has ``version`` (the one read
    before computing; 0 when there was none): one statement, which a second request storing at the
    same moment waits for and then updates (or leaves) instead of failing on the unique tenant."""
    statement = _insert()(SignalSnapshot).values(tenant_id=tenant_id, id=tenant_id, computed_for=today,
                                              computed_at=utcnow(), stale=False, version=0, signals_sealed=sealed)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=[SignalSnapshot.tenant_id],
        set_={"computed_for": today, "computed_at": statement.excluded.computed_at, "stale": False,
              "signals_sealed": sealed},
        where=SignalSnapshot.version == version))


def mark_stale(tenant_id: uuid.UUID) -> None:
    """Mark the bound tenant's snapshot stale and raise its version (tenants.home.invalidation); a
    tenant without a snapshot gets a stale one, so a computation that found none and is still running
    does not store signals from before this change either."""
    statement = _insert()(SignalSnapshot).values(
        tenant_id=tenant_id, id=tenant_id, computed_for=local_today(), computed_at=utcnow(), stale=True, version=1,
        signals_sealed=b"")
    db.session.execute(statement.on_conflict_do_update(
        index_elements=[SignalSnapshot.tenant_id], set_={"stale": True, "version": SignalSnapshot.version + 1}))


def _insert() -> Any:
    """INSERT … ON CONFLICT of the session's database."""
    return postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert


# The signals as JSON -------------------------------------------------------------------------


def encode(signals: list[Signal]) -> str:
    """``signals`` as JSON, one list per signal; dates and ids in url_values and facts tagged so
    they come back as dates and ids."""
    return json.dumps([[s.kind.value, s.severity.value, str(s.subject_id), s.key, s.since.isoformat(),
                        [str(c) for c in s.coordinator_ids], s.subject, s.reference, s.endpoint,
                        _tagged(s.url_values), _tagged(s.facts)] for s in signals], separators=(",", ":"))


def decode(text: str) -> list[Signal]:
    """The signals :func:`encode` wrote."""
    # A thousand signals name a few coordinators and days many times over, and their subject again
    # in the link: each distinct id and date is parsed once.
    ids: dict[str, uuid.UUID] = _Parsed(uuid.UUID)
    days: dict[str, date] = _Parsed(date.fromisoformat)
    return [Signal(_KINDS[kind], _SEVERITIES[severity], ids[subject_id], key, days[since],
                   frozenset([ids[c] for c in coordinator_ids]), subject, reference, endpoint,
                   _untagged(url_values, ids, days), _untagged(facts, ids, days))
            for (kind, severity, subject_id, key, since, coordinator_ids, subject, reference, endpoint, url_values,
                 facts) in json.loads(text)]


class _Parsed(dict):  # type: ignore[type-arg]
    """``parsed[text]``: ``parse(text)``, parsed once."""

    def __init__(self, parse: Any) -> None:
        super().__init__()
        self._parse = parse

    def __missing__(self, text: str) -> Any:
        value = self[text] = self._parse(text)
        return value


def _tagged(values: dict[str, Any]) -> dict[str, Any]:
    return {name: _tag(value) for name, value in values.items()}


def _tag(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return {"uuid": str(value)}
    if isinstance(value, date) and not isinstance(value, datetime):
        return {"date": value.isoformat()}
    if value is None or isinstance(value, str | int | float):
        return value
    raise TypeError(f"a signal's {type(value).__name__} cannot be kept in its snapshot")


def _untagged(values: dict[str, Any], ids: dict[str, uuid.UUID], days: dict[str, date]) -> dict[str, Any]:
    return {name: (ids[value["uuid"]] if "uuid" in value else days[value["date"]]) if isinstance(value, dict) else value
            for name, value in values.items()}
