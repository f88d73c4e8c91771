"""Counting the SQL statements a request sends (the N+1 guard for list pages)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from sqlalchemy import event

from saas.db import db


@contextmanager
def count_queries(app: Flask) -> Iterator[list[str]]:
    """Collect the statements sent while the block runs; ``len()`` of the result is the count."""
    statements: list[str] = []

    def _record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", _record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", _record)
