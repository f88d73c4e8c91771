"""A database error that gets past the input checks (issue 18): a translated 409 or 400 with
everything rolled back, and a database that is away is a 503 with Retry-After — never a 500 with
a traceback. JSON clients get JSON.

The errors are raised by routes of a separate app (the shared one must not get routes after its
first request), as in production: exceptions are not propagated to the test.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import exc, select

from saas.app import create_app
from saas.db import db
from saas.errors import MESSAGES
from saas.request_guards import RETRY_AFTER_SECONDS
from saas.tenancy.models import Tenant
from tests.support import databases
from tests.test_errors import valid_session_factory

__all__ = ["valid_session_factory"]  # tests/test_errors.py's fixture, under the name pytest finds it by

ENGLISH = {"Accept-Language": "en"}
JSON = {**ENGLISH, "Accept": "application/json"}


def _tenant(slug: str) -> Tenant:
    return Tenant(slug=slug, name=slug.title(), municipalities=["Utrecht"])


@pytest.fixture
def broken_app(valid_session_factory: None) -> Iterator[Flask]:
    application = create_app("testing", DATABASE_URL="sqlite://")
    application.config.update(PROPAGATE_EXCEPTIONS=False, WTF_CSRF_ENABLED=False)
    with application.app_context():
        db.create_all()

    @application.route("/duplicate", methods=["POST"])
    def duplicate() -> str:  # the second row breaks the unique slug when flushed
        db.session.add(_tenant("first"))
        db.session.flush()
        db.session.add(_tenant("first"))
        db.session.flush()
        return "saved"

    @application.route("/duplicate-at-commit", methods=["POST"])
    def duplicate_at_commit() -> str:  # nothing flushed: the request's one commit fails
        db.session.add(_tenant("second"))
        db.session.add(_tenant("second"))
        return "saved"

    @application.route("/refused-value", methods=["POST"])
    def refused_value() -> str:
        db.session.add(_tenant("third"))
        db.session.flush()
        raise exc.DataError("INSERT …", {}, Exception("value too long for type character varying(40)"))

    @application.route("/connection-lost")
    def connection_lost() -> str:
        db.session.add(_tenant("fourth"))
        db.session.flush()
        raise exc.OperationalError("SELECT …", {}, Exception("server closed the connection unexpectedly"))

    @application.route("/pool-exhausted")
    def pool_exhausted() -> str:
        raise exc.TimeoutError("QueuePool limit of size 5 overflow 10 reached")

    @application.route("/missing-table")
    def missing_table() -> str:
        db.session.execute(db.text("select * from no_such_table"))
        return "read"

    yield application
    with application.app_context():
        db.drop_all()
        db.engine.dispose()


def tenants(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(Tenant.slug)))


@pytest.mark.parametrize("path", ["/duplicate", "/duplicate-at-commit"])
def test_a_unique_key_broken_after_the_checks_is_a_409_and_nothing_is_written(
        broken_app: Flask, path: str, caplog: pytest.LogCaptureFixture) -> None:
    client = broken_app.test_client()

    page = client.post(path, headers=ENGLISH)
    as_json = client.post(path, headers=JSON)

    assert page.status_code == 409
    assert str(MESSAGES[409]) in page.text.replace("&#39;", "'")
    assert "Traceback" not in page.text and "IntegrityError" not in page.text
    assert as_json.status_code == 409
    assert as_json.get_json() == {"errors": {"_request": [str(MESSAGES[409])]}}
    assert tenants(broken_app) == []


def test_a_value_the_database_refuses_is_a_400_and_nothing_is_written(broken_app: Flask) -> None:
    response = broken_app.test_client().post("/refused-value", headers=JSON)

    assert response.status_code == 400
    assert response.get_json() == {"errors": {"_request": [str(MESSAGES[400])]}}
    assert tenants(broken_app) == []


@pytest.mark.parametrize("path", ["/connection-lost", "/pool-exhausted"])
def test_a_database_that_is_away_is_a_503_with_retry_after(broken_app: Flask, path: str,
                                                           caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="saas.errors")
    client = broken_app.test_client()

    page = client.get(path, headers=ENGLISH)
    as_json = client.get(path, headers=JSON)

    assert page.status_code == 503
    assert page.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert page.mimetype == "text/html"
    assert str(MESSAGES[503]) in page.text
    assert "Traceback" not in page.text and "server closed" not in page.text
    assert as_json.status_code == 503
    assert as_json.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert as_json.get_json() == {"errors": {"_request": [str(MESSAGES[503])]}}
    assert "Traceback" not in caplog.text  # an outage is a warning, not a bug report
    assert "database unavailable" in caplog.text
    assert tenants(broken_app) == []


def test_a_missing_table_on_sqlite_is_a_bug_not_an_outage(broken_app: Flask) -> None:
    assert broken_app.test_client().get("/missing-table").status_code == 500


@pytest.fixture
def unreachable_app(valid_session_factory: None, tmp_path: object) -> Iterator[Flask]:
    """The app with a database that cannot be reached: a closed port, or a file in no directory."""
    if databases.backend() == "postgresql":
        url = "postgresql+psycopg://saas@127.0.0.1:1/saas?connect_timeout=2"
    else:
        url = f"sqlite:///{tmp_path}/no/such/directory/saas.sqlite3"
    application = create_app("testing", DATABASE_URL=url)
    application.config.update(PROPAGATE_EXCEPTIONS=False, WTF_CSRF_ENABLED=False)
    yield application
    with application.app_context():
        db.engine.dispose()


def test_signing_in_while_the_database_is_unreachable_is_a_503(unreachable_app: Flask) -> None:
    client = unreachable_app.test_client()
    credentials = {"email": "someone@example.org", "password": "correct horse battery staple"}

    page = client.post("/login", data=credentials, headers=ENGLISH)
    as_json = client.post("/login", json=credentials, headers=JSON)

    assert page.status_code == 503
    # The sign-in's rate limit may put its own wait in Retry-After (saas.extensions); there is one.
    assert int(page.headers["Retry-After"]) > 0
    assert str(MESSAGES[503]) in page.text
    assert as_json.status_code == 503
    assert as_json.get_json() == {"errors": {"_request": [str(MESSAGES[503])]}}
