"""The declarative base, the Flask-SQLAlchemy handle and engine set-up shared by every model."""

from __future__ import annotations

import enum
import select
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.pagination import SelectPagination
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DisconnectionError, IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, registry, scoped_session

#: Deterministic constraint names, so Alembic can name (and drop) every constraint.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (the only way times are stored)."""
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """A timestamp stored in UTC that always comes back timezone-aware.

    PostgreSQL keeps the zone; SQLite drops it, so the zone is re-attached on the way out.
    Naive datetimes are refused: they are the classic source of off-by-an-hour bugs.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use saas.db.utcnow() or an aware datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def enum_type(enum_cls: type[enum.Enum], name: str, length: int = 20) -> sa.Enum:
    """A portable column type storing a string enum by its value, with a CHECK constraint."""
    length = max(length, *(len(member.value) for member in enum_cls))
    return sa.Enum(enum_cls, native_enum=False, length=length, name=name, create_constraint=True,
                   values_callable=lambda members: [m.value for m in members], validate_strings=True)


class Base(DeclarativeBase):
    """Every model's base: shared metadata with the naming convention and type map."""

    registry = registry(metadata=MetaData(naming_convention=NAMING_CONVENTION),
                        type_annotation_map={datetime: UTCDateTime(), uuid.UUID: sa.Uuid()})

    def __repr__(self) -> str:
        mapper = sa.inspect(type(self))
        keys = ", ".join(f"{c.key}={getattr(self, c.key, None)!r}" for c in mapper.primary_key if c.key is not None)
        return f"<{type(self).__name__} {keys}>"


class SaasSession(FlaskSession):
    """Flask-SQLAlchemy's session, able to join an outer connection.

    Flask-SQLAlchemy always picks its own engine; tests bind the session to one connection
    inside a transaction that is rolled back afterwards, so an explicit ``bind`` wins here.
    """

    def get_bind(self, mapper: Any = None, clause: Any = None, bind: Any = None, **kwargs: Any) -> Any:
        if bind is None and isinstance(self.bind, Connection):
            return self.bind
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


#: The highest page number of any list; a page beyond it (or below 1) shows the first page.
MAX_PAGE = 100_000
#: The most rows a list page shows, whatever ``?per_page=`` asks for.
MAX_PER_PAGE = 100


class SaasSQLAlchemy(SQLAlchemy):
    """Flask-SQLAlchemy whose ``paginate`` keeps the page number within MAX_PAGE.

    Every list pages through here, some with the page from the query string as Flask-SQLAlchemy
    reads it: a number of thirty digits would reach the database as an OFFSET beyond a bigint
    (a server error) or make it count to the end of the table. One clamp covers every list."""

    def paginate(self, select: sa.Select[Any], *, page: int | None = None, per_page: int | None = None,
                 max_per_page: int | None = None, error_out: bool = True, count: bool = True,
                 rows: bool = False) -> Any:
        """A page of ``select``: its objects, or with ``rows`` its result rows (a list that selects
        the columns it shows, instead of loading whole objects)."""
        if page is None:
            page = _requested_page()
        if not 1 <= page <= MAX_PAGE:
            page = 1
        max_per_page = min(max_per_page or MAX_PER_PAGE, MAX_PER_PAGE)
        pagination = RowPagination if rows else KeptCountPagination
        return pagination(select=select, session=self.session(), page=page, per_page=per_page,
                          max_per_page=max_per_page, error_out=error_out, count=count)


CountKeeper: TypeAlias = Callable[[sa.Select[Any], Callable[[], int]], int]


def _count_now(_select: sa.Select[Any], count: Callable[[], int]) -> int:
    return count()


#: How a list's total is found: ``keeper(select, count)`` returns ``count()``, or a total it kept for
#: the same statement (:func:`keep_counts_with`).
_COUNTS: dict[str, CountKeeper] = {"keeper": _count_now}


def keep_counts_with(keeper: CountKeeper) -> None:
    """Have every list find its total through ``keeper``: saas.tenancy.versions keeps totals under
    the tenant's data version (counting every row of a large list made its pages grow with the
    organisation), without this module knowing tenants."""
    _COUNTS["keeper"] = keeper


class KeptCountPagination(SelectPagination):
    """A page of objects whose total comes through the keeper of :func:`keep_counts_with`."""

    def _query_count(self) -> int:
        return _COUNTS["keeper"](self._query_args["select"], super()._query_count)


class RowPagination(KeptCountPagination):
    """A page of result rows (``row.name``, ``row.id`` …) rather than the first column's objects.

    A deeper page first finds its ids with the same filters and sort, which the sort's index answers
    alone, then reads only those rows' columns and joins, in that order: OFFSET skips index entries,
    not whole rows with their joins. (One statement more than page 1, however deep; as one statement
    with ``IN (subquery)`` the planners may walk the whole sort index again.) The first column of
    the statement must be the listed table's ``id``."""

    def _query_items(self) -> list[Any]:
        select, session = self._query_args["select"], self._query_args["session"]
        if not self._query_offset:
            return list(session.execute(select.limit(self.per_page)))
        key = select.selected_columns[0]
        ids = list(session.scalars(select.with_only_columns(key).limit(self.per_page).offset(self._query_offset)))
        found = {row[0]: row for row in session.execute(select.order_by(None).where(key.in_(ids)))}
        return [found[id_] for id_ in ids if id_ in found]


def _requested_page() -> int:
    """``?page=`` of the current request (1 outside a request or when it is no whole number)."""
    from flask import has_request_context, request

    # Werkzeug gives the default for anything int() refuses; paginate clamps what is out of range.
    return request.args.get("page", 1, type=int) if has_request_context() else 1


db = SaasSQLAlchemy(model_class=Base, session_options={"class_": SaasSession})

if TYPE_CHECKING:
    from flask_sqlalchemy.model import Model as FlaskModel

    class Model(FlaskModel, Base):
        """What ``db.Model`` is to the type checker: :class:`Base` with Flask-SQLAlchemy's ``query``.

        Flask-SQLAlchemy builds ``db.Model`` from :class:`Base` at run time, as an attribute, and a
        type checker cannot subclass an attribute (``class User(db.Model)`` is an error to mypy).
        """
else:
    #: The base class of every model: ``class User(Model)`` is ``class User(db.Model)``.
    Model = db.Model

#: A session or Flask-SQLAlchemy's scoped ``db.session`` (which stands for the request's session).
AnySession: TypeAlias = Session | scoped_session[Any]


class TimestampMixin:
    """``created_at``/``updated_at`` columns, set in UTC."""

    #: When the row was created (UTC).
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When the row last changed (UTC).
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


def configure_engine(engine: Engine) -> None:
    """Per-connection settings the isolation layers rely on.

    SQLite only enforces foreign keys (and so the composite tenant keys) with the pragma on
    every connection, and pysqlite's own transaction handling breaks SAVEPOINTs; the two
    listeners follow the SQLAlchemy documentation's recipe for SQLite transactions.
    """
    if engine.dialect.name == "postgresql":
        event.listen(engine, "checkout", _refuse_closed_connection)
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN")


def _refuse_closed_connection(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """Hand out no pooled connection the server has closed, without a round trip.

    pool_pre_ping would send a statement on every checkout, once per request. An idle connection
    has nothing to read unless the server ended it (a restart, pg_terminate_backend, an idle
    time-out send their farewell and close the socket), so a zero-timeout poll of its socket tells;
    the pool then opens a fresh one. A connection lost silently (a network cut) is only found when
    used: that request fails as an outage (503), and the pool discards every older connection."""
    if dbapi_connection.closed or dbapi_connection.broken:
        raise DisconnectionError("the connection is closed")
    poller = select.poll()
    poller.register(dbapi_connection.fileno(), select.POLLIN | select.POLLERR | select.POLLHUP)
    if poller.poll(0):
        raise DisconnectionError("the server ended the connection")


Row = TypeVar("Row")


def get_or_create(session: AnySession, statement: sa.Select[Row], create: Callable[[], Row]) -> Row:
    """The row ``statement`` finds, else a new one made by ``create()`` and flushed.

    For rows guarded by a unique constraint (one per tenant, one per year …): when two requests
    race to create it, the constraint lets one insert win, the other's savepoint rolls back and
    it takes the winner's row, instead of failing with an error.
    """
    found = session.scalars(statement).first()
    if found is not None:
        return found
    try:
        with session.begin_nested():
            session.add(create())
    except IntegrityError:
        pass
    return session.scalars(statement).one()
