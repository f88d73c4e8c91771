"""Each organisation's data version, and figures kept by it between requests (issue 19).

``Tenant.data_version`` is raised by every transaction that changes the organisation's data: a
``before_flush`` listener notes the tenant of every row a flush adds, changes or deletes (and an
INSERT, UPDATE or DELETE statement on a tenant table notes the bound tenant), and just before the
commit one UPDATE raises the noted tenants' versions, in the transaction of the change: rolled back
with it, committed with it. Not noted: bookkeeping rows (``TenantScoped.bookkeeping``: the audit
log, drafts, notifications), so a page view that audits itself keeps what is kept. Noted for every
tenant at once: the foundation's catalogues that every organisation's pages read (a model with
``feeds_every_tenant``: courses, instruments). Noted for the tenants a person is a member of: a
change to the columns of a person that their organisations' pages show (``shown_in_tenants`` of
the user: name, e-mail address, phone).

Every list's total (the count behind its pages) is kept the same way (saas.db.base.keep_counts_with).

A request reads the version with its tenant, in its first statement (saas.web.tenant), so it is
read before anything the request computes: figures kept under it (:func:`kept_for_tenant`) were
computed from data at least that new. A figure computed in a request that has itself written is
never kept: what it read may still be rolled back.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Hashable
from datetime import datetime
from itertools import chain
from typing import Any, TypeVar

from flask import g, has_request_context
from sqlalchemy import Select, column, event, inspect, or_, select, table, update
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction
from sqlalchemy.sql.util import find_tables

from saas.db import AnySession, TenantScoped, bound_tenant_id, cross_tenant, db
from saas.db.base import keep_counts_with
from saas.figures_cache import SIZE, figures_cache
from saas.tenancy.models import Tenant

T = TypeVar("T")

#: In the session's ``info``: the ids of the tenants this transaction changed, or EVERY_TENANT.
_CHANGED = "tenancy.changed_tenants"
EVERY_TENANT = "every tenant"
#: Noted with a person's id: the tenants they are a member of.
MEMBER = "member"
#: Tables a kept list total may read besides the tenant's own: a new person comes with a membership.
_COUNTED_WITH = frozenset({"tenants", "users"})
#: The memberships, named here rather than imported (saas.auth stands above this package).
_MEMBERSHIPS = table("memberships", column("tenant_id"), column("user_id"))
#: Execution option of the statement that raises the versions (it changes no tenant's data itself).
_RAISING = "tenancy.raising_versions"


def contribute() -> None:
    """Listen to every session (once per process, however many apps are built); keep the lists' totals."""
    keep_counts_with(_kept_total)
    for name, listener in (("before_flush", _note_flushed_rows), ("do_orm_execute", _note_statement),
                           ("before_commit", _raise_versions), ("after_transaction_end", _forget_changes)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def kept_for_tenant(name: str, tenant: Tenant, key: Hashable, build: Callable[[], T], size: int = SIZE) -> T:
    """``build()`` for the bound ``tenant``, kept in the process (saas.figures_cache ``name``, of
    ``size`` entries) under its data version and ``key`` (what else the figures depend on: the day,
    a family, the language of translated text). Built afresh, and not kept, when this transaction
    has changed data itself."""
    if has_changes(db.session):
        return build()
    return figures_cache(name, size).get_or_build((tenant.id, tenant.data_version, key), build)


def current_data_version() -> int:
    """The bound tenant's data version: the request's (read with its tenant), else read now."""
    tenant = _request_tenant()
    if tenant is not None:
        return int(tenant.data_version)
    return int(db.session.scalar(select(Tenant.data_version).where(Tenant.id == bound_tenant_id(db.session))) or 0)


def _request_tenant() -> Tenant | None:
    """The tenant of this request (its version read with it), when it is the one bound to the session."""
    tenant: Tenant | None = g.get("tenant") if has_request_context() else None
    return tenant if tenant is not None and tenant.id == bound_tenant_id(db.session) else None


def _kept_total(statement: Select[Any], count: Callable[[], int]) -> int:
    """A list's total (saas.db.base.keep_counts_with), kept for the request's tenant under its data
    version and the statement with its parameters (filters, the reader, the day)."""
    tenant = _request_tenant()
    key = _statement_key(statement) if tenant is not None else None
    if tenant is None or key is None:
        return count()
    return kept_for_tenant("list_totals", tenant, key, count)


def _statement_key(statement: Select[Any]) -> Hashable | None:
    """What tells ``statement`` with its values from every other; None when its total is not to be
    kept: a list of rows that do not raise the version (the audit log: bookkeeping, or a platform
    table), one bound to a moment (each view its own, so never asked again), or one SQLAlchemy cannot
    key."""
    found = find_tables(statement, include_joins=True, include_selects=True, include_aliases=True)
    tables = {name for name in (getattr(table, "name", None) for table in found) if name is not None}
    if not tables <= TenantScoped.tables - TenantScoped.bookkeeping_tables | _COUNTED_WITH:
        return None
    cache_key = statement._generate_cache_key()  # as SQLAlchemy's own caching recipes do
    if cache_key is None:
        return None
    values = [parameter.effective_value for parameter in cache_key.bindparams]
    if any(isinstance(value, datetime) for value in values):
        return None
    return cache_key.key, tuple(repr(value) for value in values)


def has_changes(session: AnySession) -> bool:
    """Whether this transaction changed (flushed or still holds) data of some tenant."""
    if session.info.get(_CHANGED):
        return True
    # A new row has no tenant yet before its first flush (saas.db.tenant gives it the bound one).
    return any(_is_data(obj) for obj in chain(session.new, session.deleted)) or any(
        _is_data(obj) and session.is_modified(obj, include_collections=False) for obj in session.dirty)


def _is_data(obj: Any) -> bool:
    return (not obj.bookkeeping) if isinstance(obj, TenantScoped) else _tenant_of(obj) is not None


def _tenant_of(obj: Any) -> uuid.UUID | str | tuple[str, uuid.UUID] | None:
    """Whose data ``obj`` is: its tenant, EVERY_TENANT for a catalogue they all read, (MEMBER, id)
    for a person whose name or contact details the pages of their tenants show, or None."""
    if isinstance(obj, TenantScoped):
        return None if obj.bookkeeping else obj.tenant_id
    if isinstance(obj, Tenant):
        return obj.id
    if getattr(obj, "feeds_every_tenant", False):
        return EVERY_TENANT
    shown = getattr(obj, "shown_in_tenants", ())
    state = inspect(obj)
    if shown and state.persistent and any(state.attrs[column].history.has_changes() for column in shown):
        return MEMBER, obj.id  # (a new person is a member nowhere yet: the membership raises it)
    return None


def _note(session: Session, tenant: uuid.UUID | str | tuple[str, uuid.UUID] | None) -> None:
    if tenant is not None:
        session.info.setdefault(_CHANGED, set()).add(tenant)


def _note_flushed_rows(session: Session, _flush_context: Any, _instances: Any) -> None:
    # session.new, .dirty and .deleted build a new set on every access: read each once.
    for obj in chain(session.new, session.deleted):
        _note(session, _tenant_of(obj))
    for obj in session.dirty:
        if session.is_modified(obj, include_collections=False):
            _note(session, _tenant_of(obj))


def _note_statement(state: ORMExecuteState) -> None:
    """An INSERT, UPDATE or DELETE statement that skips the flush (upserts, bulk changes)."""
    if not (state.is_insert or state.is_update or state.is_delete) or state.execution_options.get(_RAISING):
        return
    mapper = state.bind_mapper
    model = mapper.class_ if mapper is not None else None
    table = getattr(getattr(state.statement, "table", None), "name", None)
    if model is not None and issubclass(model, TenantScoped):
        changed = None if model.bookkeeping else bound_tenant_id(state.session) or EVERY_TENANT
    elif model is not None:
        changed = EVERY_TENANT if model is Tenant or getattr(model, "feeds_every_tenant", False) else None
    else:  # a statement on a bare table: counted as a change when it is a tenant's or the tenants'
        changed = (bound_tenant_id(state.session) or EVERY_TENANT if table in TenantScoped.tables
                   else EVERY_TENANT if table == Tenant.__tablename__ else None)
    _note(state.session, changed)


def _raise_versions(session: Session) -> None:
    """Just before the commit, raise the versions of the tenants this transaction changed."""
    if session.in_nested_transaction():
        return  # a savepoint ends (SQLAlchemy sends before_commit then too): the transaction goes on
    session.flush()  # the commit's own flush comes after this event: note its changes first
    changed = session.info.pop(_CHANGED, None)
    if not changed:
        return
    statement = update(Tenant).values(data_version=Tenant.data_version + 1)
    if EVERY_TENANT not in changed:
        tenants = [noted for noted in changed if isinstance(noted, uuid.UUID)]
        people = [noted[1] for noted in changed if isinstance(noted, tuple)]
        statement = statement.where(or_(Tenant.id.in_(tenants), Tenant.id.in_(
            select(_MEMBERSHIPS.c.tenant_id).where(_MEMBERSHIPS.c.user_id.in_(people)))))
    # The person's memberships in every tenant: under row-level security, those the session may see.
    session.execute(cross_tenant(statement, "the tenants of the people whose names changed"),
                    execution_options={_RAISING: True, "synchronize_session": False})


def _forget_changes(session: Session, transaction: SessionTransaction) -> None:
    # Only when the whole transaction ends: a savepoint rolled back leaves the changes made outside it.
    if transaction.parent is None:
        session.info.pop(_CHANGED, None)
