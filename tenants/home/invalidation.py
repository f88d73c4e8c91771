"""Marking a tenant's signal snapshot stale when something its signals are computed from changes
(tenants.home.snapshots).

A ``before_flush`` listener looks for new, changed or deleted rows of the models the signals read
(tenants.home.queries.compute_caseload_signals) and marks the bound tenant's snapshot stale with
one UPDATE, in the transaction of the change: rolled back with it, committed with it. It does so
once per transaction and tenant (remembered in the session until the commit or a rollback), so a
write request sends at most one statement more and a read none.

The UPDATE raises the row's version every time, even when it is stale already: a computation that
read the row before this change then does not store its result over it (tenants.home.snapshots).
The price is that the tenant's writes take turns on that row from their first such flush to their
commit, which is short for a request.

Bulk UPDATE or DELETE statements skip the flush: none of the tenant packages changes these models
that way (a test would show a stale start page).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, update
from sqlalchemy.orm import Session

from saas.db import bound_tenant_id
from tenants.families.models import Family
from tenants.home.models import SignalSnapshot
from tenants.impact.measurements.models import Measurement
from tenants.matching.models import ContactMoment, Match, MatchingPolicy
from tenants.volunteers.models import Screening, ScreeningPolicy, Volunteer

#: What the signals are computed from. Not the acknowledgements (applied when read), the audit log,
#: drafts or notifications.
SIGNAL_SOURCES = (Family, Match, ContactMoment, Measurement, Volunteer, Screening, MatchingPolicy, ScreeningPolicy)
#: In the session's ``info``: the tenants whose snapshot this transaction has marked stale.
_MARKED = "home.stale_signal_snapshots"


def contribute() -> None:
    """Listen to every session's flushes (once per process, however many apps are built)."""
    for name, listener in (("before_flush", mark_stale_on_change), ("after_commit", _forget_marked),
                           ("after_soft_rollback", _forget_marked)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def mark_stale_on_change(session: Session, _flush_context: Any, _instances: Any) -> None:
    tenant_id = bound_tenant_id(session)
    if tenant_id is None or tenant_id in session.info.get(_MARKED, ()):
        return
    if not _changes_signal_sources(session):
        return
    session.execute(update(SignalSnapshot).values(stale=True, version=SignalSnapshot.version + 1),
                    execution_options={"synchronize_session": False})
    session.info.setdefault(_MARKED, set()).add(tenant_id)


def _changes_signal_sources(session: Session) -> bool:
    # session.new, .dirty and .deleted build a new set on every access: read each once.
    if any(isinstance(obj, SIGNAL_SOURCES) for obj in session.new):
        return True
    if any(isinstance(obj, SIGNAL_SOURCES) for obj in session.deleted):
        return True
    return any(isinstance(obj, SIGNAL_SOURCES) and session.is_modified(obj, include_collections=False)
               for obj in session.dirty)


def _forget_marked(session: Session, *_transaction: Any) -> None:
    # After a rollback (a savepoint's too) the mark may be undone: mark again at the next change.
    session.info.pop(_MARKED, None)
