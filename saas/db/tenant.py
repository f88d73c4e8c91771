"""Tenant-owned tables and the ORM guard (isolation layers 2 and 3, and the hook for layer 4).

Every tenant-owned model mixes in :class:`TenantScoped`: its primary key is ``(tenant_id, id)``
and its references to other tenant rows go through :func:`tenant_fk`, so the database refuses a
row that points into another tenant.

The guard works on every ORM session:

* ``do_orm_execute`` adds ``tenant_id = <bound tenant>`` to every ORM select, update and delete,
  and **raises** :class:`MissingTenant` when a statement reaches a tenant table while no tenant is
  bound. Platform work that must cross tenants says so with :func:`cross_tenant` — the only
  opt-out, easy to grep and to review.
* ``before_flush`` stamps ``tenant_id`` on new rows and refuses writes outside the bound tenant.
* the bound tenant, user and reader reach PostgreSQL as transaction-local settings, which the
  row-level-security policies read (see :mod:`saas.db.rls`): one ``set_config`` statement, sent
  just before the first statement of a transaction and again only when the binding changed — a
  request that binds its user and then its tenant pays one round trip, not one per binding.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import chain
from typing import Any, ClassVar, TypeVar

import sqlalchemy as sa
from sqlalchemy import ForeignKeyConstraint, event
from sqlalchemy.orm import (
    Mapped,
    ORMExecuteState,
    Session,
    declared_attr,
    mapped_column,
    scoped_session,
    with_loader_criteria,
)
from sqlalchemy.sql import util as sql_util

from saas.db.base import AnySession

TENANT_KEY = "tenant_id"
USER_KEY = "user_id"
#: Set to "foundation" in the foundation's requests: the one PostgreSQL setting that lets a policy
#: show the published statistics of every tenant (saas.foundation.models), and nothing else.
READER_KEY = "reader"
CROSS_TENANT_OPTION = "cross_tenant"

Statement = TypeVar("Statement", bound=sa.Executable)


class MissingTenant(RuntimeError):
    """A tenant table was queried or written while no tenant was bound to the session."""


class TenantMismatch(RuntimeError):
    """A write would touch a row of another tenant than the one bound to the session."""


class TenantScoped:
    """Mixin for every tenant-owned model: primary key ``(tenant_id, id)`` with UUID ids."""

    #: Names of the tables that mix this in, filled as models are declared (used by RLS tests).
    tables: set[str] = set()
    #: True for rows that record or carry work rather than being the organisation's data (the audit
    #: log, drafts, notifications, one-time submissions, computed snapshots): writing them does not
    #: raise the tenant's data version (saas.tenancy.versions), so a page view that audits itself
    #: does not throw away the figures kept for the next one.
    bookkeeping: ClassVar[bool] = False
    #: Names of the bookkeeping models' tables.
    bookkeeping_tables: ClassVar[set[str]] = set()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "__tablename__" in cls.__dict__:
            TenantScoped.tables.add(cls.__dict__["__tablename__"])
            if cls.__dict__.get("bookkeeping"):
                TenantScoped.bookkeeping_tables.add(cls.__dict__["__tablename__"])

    @declared_attr
    def tenant_id(cls) -> Mapped[uuid.UUID]:  # noqa: N805 - declared_attr takes the class
        #: The organisation that owns the row; leads the primary key and every index.
        return mapped_column(sa.ForeignKey("tenants.id", ondelete="RESTRICT"), primary_key=True, sort_order=-100)

    @declared_attr
    def id(cls) -> Mapped[uuid.UUID]:  # noqa: N805
        #: Random UUID: ids reveal nothing about other tenants' activity and cannot be guessed.
        return mapped_column(primary_key=True, default=uuid.uuid4, sort_order=-99)


def tenant_fk(columns: str | list[str], target: str, **kwargs: Any) -> ForeignKeyConstraint:
    """A composite foreign key ``(tenant_id, <columns>) → <target>(tenant_id, id)``.

    ``tenant_fk("family_id", "families")`` makes a reference into another tenant impossible:
    the referenced row must carry the same ``tenant_id``.
    """
    local = [columns] if isinstance(columns, str) else list(columns)
    remote = ["id"] if len(local) == 1 else [c.removesuffix("_id") for c in local]
    return ForeignKeyConstraint(
        [TENANT_KEY, *local], [f"{target}.{TENANT_KEY}", *(f"{target}.{c}" for c in remote)], **kwargs)


def cross_tenant(statement: Statement, reason: str) -> Statement:
    """Mark ``statement`` as deliberate platform work across tenants (the guard's only opt-out).

    ``reason`` says why, for the reviewer: ``cross_tenant(select(Membership)…, "own memberships")``.
    On PostgreSQL row-level security still applies, so this cannot read other tenants' rows there.
    """
    if not reason:
        raise ValueError("cross_tenant() needs a reason")
    return statement.execution_options(**{CROSS_TENANT_OPTION: reason})


def bound_tenant_id(session: AnySession) -> uuid.UUID | None:
    """The tenant bound to ``session``, or None."""
    return session.info.get(TENANT_KEY)


def bind_context(session: AnySession, *, tenant_id: Any = ..., user_id: Any = ...,
                 reader: Any = ...) -> None:
    """Bind a tenant, the acting user and/or the reader ("foundation" or None) to ``session``
    (``...`` leaves a value unchanged).

    Applies to the transaction already open, if any (from its next statement on), and to every
    later one.
    """
    target: Session = session() if isinstance(session, scoped_session) else session
    if tenant_id is not ...:
        target.info[TENANT_KEY] = tenant_id
    if user_id is not ...:
        target.info[USER_KEY] = user_id
    if reader is not ...:
        target.info[READER_KEY] = reader


@contextmanager
def tenant_context(session: AnySession, tenant_id: uuid.UUID | None) -> Iterator[None]:
    """Bind ``tenant_id`` for the duration of the block, then restore what was bound before."""
    previous = session.info.get(TENANT_KEY)
    bind_context(session, tenant_id=tenant_id)
    try:
        yield
    finally:
        bind_context(session, tenant_id=previous)


#: In a connection's ``info`` while a session's transaction runs on it: that session's bindings,
#: and the values last sent to PostgreSQL in this transaction.
_BINDINGS, _SENT = "saas_bindings", "saas_sent_bindings"
_SET_CONTEXT = ("select set_config('app.tenant_id', %(tenant)s, true), set_config('app.user_id', %(user)s, true), "
                "set_config('app.reader', %(reader)s, true)")


#: Statements that read no table: a (possibly failed) transaction must be able to run them as is.
_TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE", "ROLLBACK")


def _send_bindings(connection: sa.Connection, cursor: Any, statement: str, *_parameters: Any) -> None:
    """Before a statement: bring PostgreSQL's settings up to the session's bindings if they differ."""
    bindings = connection.info.get(_BINDINGS)
    if bindings is None or statement.startswith(_TRANSACTION_CONTROL):
        return
    wanted = (bindings.get(TENANT_KEY), bindings.get(USER_KEY), bindings.get(READER_KEY))
    if connection.info.get(_SENT) == wanted:
        return
    # set_config(..., true) is transaction-local: it never leaks to the next user of a pooled
    # connection (a plain SET would). An empty string means "none" and the policies fail closed.
    cursor.execute(_SET_CONTEXT, {"tenant": str(wanted[0] or ""), "user": str(wanted[1] or ""),
                                  "reader": str(wanted[2] or "")})
    connection.info[_SENT] = wanted


def _forget_bindings(connection: sa.Connection) -> None:
    """The transaction ended: its settings are gone, and the connection goes back to the pool."""
    if connection.invalidated:  # lost: its record starts afresh (and _forget_on_checkin clears it)
        return
    connection.info.pop(_BINDINGS, None)
    connection.info.pop(_SENT, None)


def _forget_sent(connection: sa.Connection, *_savepoint: Any) -> None:
    """A savepoint rolled back: settings sent inside it are undone, so send them again."""
    connection.info.pop(_SENT, None)


def _forget_on_checkin(_dbapi_connection: Any, record: Any) -> None:
    """Back in the pool: whatever ended the transaction (even a session dropped without closing),
    the next user of the connection starts with no bindings of this one."""
    record.info.pop(_BINDINGS, None)
    record.info.pop(_SENT, None)


event.listen(sa.Engine, "before_cursor_execute", _send_bindings)
event.listen(sa.pool.Pool, "checkin", _forget_on_checkin)
event.listen(sa.Engine, "commit", _forget_bindings)
event.listen(sa.Engine, "rollback", _forget_bindings)
event.listen(sa.Engine, "rollback_savepoint", _forget_sent)


def _touches_tenant_table(statement: Any) -> bool:
    tables = sql_util.find_tables(statement, include_aliases=True, include_joins=True,
                                  include_selects=True, include_crud=True)
    return any(getattr(t, "name", None) in TenantScoped.tables for t in tables)


@event.listens_for(Session, "do_orm_execute")
def _scope_statement_to_tenant(state: ORMExecuteState) -> None:
    # Lazy and column loads follow primary or composite foreign keys, which include tenant_id.
    if state.is_column_load or state.is_relationship_load:
        return
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.execution_options.get(CROSS_TENANT_OPTION):
        return
    tenant_id = state.session.info.get(TENANT_KEY)
    if tenant_id is None:
        if _touches_tenant_table(state.statement):
            raise MissingTenant("a tenant table was queried without a tenant bound; bind one or use cross_tenant()")
        return
    state.statement = state.statement.options(
        with_loader_criteria(TenantScoped, lambda cls: cls.tenant_id == tenant_id, include_aliases=True))


@event.listens_for(Session, "before_flush")
def _check_writes_stay_in_tenant(session: Session, _flush_context: Any, _instances: Any) -> None:
    tenant_id = session.info.get(TENANT_KEY)
    # session.new and session.dirty build a new set on every access: read each once, or a flush of
    # n new rows costs n² (the bulk paths — seeding, imports, anonymisation — flush thousands).
    new = session.new
    for obj in new:
        if isinstance(obj, TenantScoped) and obj.tenant_id is None:
            obj.tenant_id = tenant_id
    for obj in chain(new, session.dirty, session.deleted):
        if not isinstance(obj, TenantScoped):
            continue
        if tenant_id is None:
            raise MissingTenant(f"{type(obj).__name__} written without a tenant bound")
        if obj.tenant_id != tenant_id:
            raise TenantMismatch(f"{type(obj).__name__} belongs to another tenant than the bound one")


@event.listens_for(Session, "after_begin")
def _set_row_level_security_context(session: Session, _transaction: Any, connection: sa.Connection) -> None:
    # The bindings are read when the first statement goes out (_send_bindings), so they can still
    # change before then at no cost.
    if connection.dialect.name == "postgresql":
        connection.info[_BINDINGS] = session.info
        connection.info.pop(_SENT, None)
