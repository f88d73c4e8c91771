"""Marking a tenant's signal snapshot stale when something its signals are computed from changes
(tenants.home.snapshots).

A ``before_flush`` listener notes the bound tenant when a flush adds, changes or deletes rows of the
models the signals read (tenants.home.queries.compute_caseload_signals); just before the commit, one
statement per noted tenant marks its snapshot stale (creating a stale row if it has none yet), in
the transaction of the change: rolled back with it, committed with it. A read sends nothing; a write
one statement more.

The mark raises the row's version every time, even when it is stale already: a computation that
read the row before this change then does not store its result over it (tenants.home.snapshots).
Taken just before the commit, the row's lock is the transaction's last and is held only to its
commit, so the tenant's writers queue on it briefly and cannot deadlock with the row locks they take
first.

Bulk UPDATE or DELETE statements skip the flush: none of the tenant packages changes these models
that way (a test would show a stale start page).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from saas.db import bound_tenant_id, tenant_context
from tenants.families.models import Family
from tenants.home.snapshots import mark_stale
from tenants.impact.measurements.models import Measurement
from tenants.matching.models import ContactMoment, Match, MatchingPolicy
from tenants.volunteers.models import Screening, ScreeningPolicy, Volunteer

#: What the signals are computed from. Not the acknowledgements (applied when read), the audit log,
#: drafts or notifications.
SIGNAL_SOURCES = (Family, Match, ContactMoment, Measurement, Volunteer, Screening, MatchingPolicy, ScreeningPolicy)
#: In the session's ``info``: the tenants whose signal sources this transaction changed.
_CHANGED = "home.changed_signal_sources"


def contribute() -> None:
    """Listen to every session's flushes and commits (once per process, however many apps are built)."""
    for name, listener in (("before_flush", note_changes), ("before_commit", mark_stale_before_commit),
                           ("after_transaction_end", _forget_changes)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def note_changes(session: Session, _flush_context: Any, _instances: Any) -> None:
    """Before a flush: remember the bound tenant when the flush changes what its signals are computed from."""
    tenant_id = bound_tenant_id(session)
    if tenant_id is not None and tenant_id not in session.info.get(_CHANGED, ()) and _changes_signal_sources(session):
        session.info.setdefault(_CHANGED, set()).add(tenant_id)


def mark_stale_before_commit(session: Session) -> None:
    """Just before the commit: mark the snapshots of the tenants whose sources changed stale. Last,
    so the snapshot's row is the last lock the transaction takes and is held only to its commit:
    writers that lock families or matches first (matches.operations.lock_row) cannot deadlock on it."""
    if session.in_nested_transaction():
        return  # a savepoint ends (SQLAlchemy sends before_commit then too): the transaction goes on
    session.flush()  # the commit's own flush comes after this event: note its changes first
    for tenant_id in session.info.pop(_CHANGED, ()):
        with tenant_context(session, tenant_id):
            mark_stale(tenant_id)


def _forget_changes(session: Session, transaction: SessionTransaction) -> None:
    # Only when the whole transaction ends: a savepoint rolled back leaves the changes made outside it.
    if transaction.parent is None:
        session.info.pop(_CHANGED, None)


def _changes_signal_sources(session: Session) -> bool:
    # session.new, .dirty and .deleted build a new set on every access: read each once.
    if any(isinstance(obj, SIGNAL_SOURCES) for obj in session.new):
        return True
    if any(isinstance(obj, SIGNAL_SOURCES) for obj in session.deleted):
        return True
    return any(isinstance(obj, SIGNAL_SOURCES) and session.is_modified(obj, include_collections=False)
               for obj in session.dirty)
