"""The last guards between a request and a server error: junk in the URL, and database errors
(which saas.errors answers with these rules).

Input is checked before it reaches the database (saas.forms: texts, numbers, dates, JSON; saas.db:
page numbers). Two things remain, and neither may become a 500 with a traceback:

* a URL value with a control character (``/t/%00/``, ``/invite/%00/…``): no page has such a name,
  so it is a 404 before any view or database lookup sees it (PostgreSQL refuses a NUL with an error);
* a database error that still slips through: a unique or foreign key that another request beat us
  to (IntegrityError → 409), a value the database refuses (DataError → 400), and a database that
  is away — restarting, a killed connection, a full pool (→ 503 with ``Retry-After``, so clients
  and the load balancer retry). The request is rolled back in every case: nothing is half-written.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import abort
from sqlalchemy import exc

from saas.db import db

logger = logging.getLogger("saas.errors")

#: Seconds a client is told to wait before retrying while the database is away: a restart or
#: a failover takes a few seconds, and the pool reconnects on the next checkout (saas.db.base checks each one).
RETRY_AFTER_SECONDS = 5

#: Errors that mean the database cannot be reached now, not that the request was wrong.
OUTAGE_ERRORS: tuple[type[Exception], ...] = (
    exc.OperationalError,  # connection refused or lost, server shutting down, statement cancelled
    exc.InterfaceError,  # the driver's connection is closed
    exc.DisconnectionError,
    exc.TimeoutError,  # no connection free in the pool
)


def is_outage(error: BaseException) -> bool:
    """True when ``error`` means the database cannot be reached now. SQLite calls a missing table
    an OperationalError too; that is a bug, not an outage, and stays a 500."""
    if isinstance(error, exc.DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, exc.OperationalError) and type(error.orig).__module__.startswith("sqlite3"):
        return any(word in str(error.orig) for word in ("locked", "unable to open", "disk I/O"))
    return isinstance(error, OUTAGE_ERRORS)


def _has_control_character(value: object) -> bool:
    return isinstance(value, str) and any((ord(ch) < 32 or ord(ch) == 0x7F) for ch in value)


def refuse_control_characters_in_urls(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """A URL value (slug, token …) with a control character names no page: 404. Runs before every
    blueprint's own preprocessor (the tenant's slug lookup), so such a value never reaches a query.

    Query strings are not refused here: each page reads its own with a form (saas.forms
    validate_query), which refuses such a text like any other, and a list ignores a filter it
    cannot use (a pasted search with a stray control character finds nothing, it is no error)."""
    if any(_has_control_character(value) for value in (values or {}).values()):
        abort(404)


def rollback_quietly() -> None:
    """Roll the request back; on a lost connection the rollback itself may fail, which is harmless
    (the server already dropped the transaction) and must not turn the answer into a 500."""
    try:
        db.session.rollback()
    except exc.SQLAlchemyError:
        logger.info("rollback after a database error failed too", exc_info=True)
