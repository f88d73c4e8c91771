"""Counting the SQL statements a request sends (the N+1 guard for list pages)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from saas.db import db
from saas.figures_cache import forget_all


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


def page_statements(app: Flask, client: FlaskClient, url: str) -> int:
    """The statements of a GET of ``url`` (answered 200) that computes everything it shows: the
    figures and list totals kept between views (saas.tenancy.versions) are forgotten first, so a
    count of rows that grows with the data shows."""
    forget_all(app)
    with count_queries(app) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.text[:300]
    return len(queries)
