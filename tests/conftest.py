"""Fixtures: one migrated database per run, and each test inside a transaction that rolls back.

Run on SQLite by default; ``SAAS_TEST_BACKEND=postgresql`` (with ``SAAS_TEST_DATABASE_URL``
pointing at a superuser connection) runs the same suite on PostgreSQL with row-level security.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import flask_migrate
import pytest
from flask import Flask
from flask.testing import FlaskClient

from saas.app import create_app
from saas.auth.models import User
from saas.auth.roles import FoundationRole, Role
from saas.db import db
from saas.extensions import limiter
from saas.figures_cache import forget_all
from saas.tenancy.models import Tenant
from tests.factories.platform import create_tenant, create_user
from tests.support import clock, databases
from tests.support.mailbox import Mailbox, start_smtp
from tests.support.sessions import SignIn, sign_in


def pytest_configure(config: pytest.Config) -> None:
    clock.start()  # SAAS_TEST_NOW: the whole run on another day (tests/support/clock.py)


def pytest_unconfigure(config: pytest.Config) -> None:
    clock.stop()


def pytest_report_header(config: pytest.Config) -> list[str]:
    moment = clock.moved_now()
    today = f"clock moved to {moment.isoformat()} ({clock.ENV})" if moment else "clock: the real date"
    return [f"database backend: {databases.backend()}", today]


@pytest.fixture(scope="session")
def mailbox() -> Iterator[Mailbox]:
    controller, box = start_smtp()
    yield box
    controller.stop()


@pytest.fixture(scope="session")
def test_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[databases.TestDatabase]:
    if databases.backend() == "postgresql":
        admin_url = databases.postgres_admin_url()
        if not admin_url:
            pytest.exit("SAAS_TEST_BACKEND=postgresql needs SAAS_TEST_DATABASE_URL", returncode=2)
        with databases.postgresql_database(admin_url, f"saas_test_{os.getpid()}") as database:
            yield database
    else:
        with databases.sqlite_database(tmp_path_factory.mktemp("db")) as database:
            yield database


@pytest.fixture(scope="session")
def app(test_database: databases.TestDatabase, mailbox: Mailbox) -> Iterator[Flask]:
    application = create_app(
        "testing",
        DATABASE_URL=test_database.app_url,
        MIGRATION_DATABASE_URL=test_database.owner_url,
        MAIL_BACKEND="smtp",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=mailbox.port,
    )
    application.config["WTF_CSRF_ENABLED"] = False  # tests/test_security.py switches it back on
    with application.app_context():
        flask_migrate.upgrade()
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _isolated_transaction(request: pytest.FixtureRequest) -> Iterator[None]:
    """Bind every session of the test to one connection whose transaction is rolled back."""
    if request.node.get_closest_marker("browser") or "app" not in request.fixturenames:
        yield
        return
    app: Flask = request.getfixturevalue("app")
    mailbox: Mailbox = request.getfixturevalue("mailbox")
    with app.app_context():
        connection = db.engine.connect()
    outer = connection.begin()
    factory = db.session.session_factory
    factory.configure(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield
    finally:
        factory.configure(bind=None, join_transaction_mode="conditional_savepoint", expire_on_commit=True)
        outer.rollback()
        connection.close()
        with app.app_context():
            limiter.reset()
        forget_all(app)  # figures kept by a version that a later test can reproduce over other data
        mailbox.clear()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def tenant_a(app: Flask) -> Tenant:
    return create_tenant(app, "alpha", name="Samen Oplopen Alpha")


@pytest.fixture
def tenant_b(app: Flask) -> Tenant:
    return create_tenant(app, "beta", name="Samen Oplopen Beta")


@pytest.fixture
def manager_a(app: Flask, tenant_a: Tenant) -> User:
    return create_user(app, "manager@alpha.example", tenant=tenant_a, role=Role.MANAGER, name="Mia Manager")


@pytest.fixture
def manager_b(app: Flask, tenant_b: Tenant) -> User:
    return create_user(app, "manager@beta.example", tenant=tenant_b, role=Role.MANAGER, name="Bas Manager")


@pytest.fixture
def volunteer_a(app: Flask, tenant_a: Tenant) -> User:
    return create_user(app, "volunteer@alpha.example", tenant=tenant_a, role=Role.VOLUNTEER, name="Vera Vrijwilliger")


@pytest.fixture
def coordinator_a(app: Flask, tenant_a: Tenant) -> User:
    """A coordinator of tenant A who reads the pages in English (the messages' source language)."""
    return create_user(app, "coordinator@alpha.example", tenant=tenant_a, role=Role.COORDINATOR,
                       name="Cor Coördinator", locale="en")


@pytest.fixture
def report_viewer_a(app: Flask, tenant_a: Tenant) -> User:
    return create_user(app, "reports@alpha.example", tenant=tenant_a, role=Role.REPORT_VIEWER, name="Rik Rapport")


@pytest.fixture
def foundation_admin(app: Flask) -> User:
    return create_user(app, "admin@stichting.example", foundation_role=FoundationRole.ADMIN, name="Anne Admin")


@pytest.fixture
def signed_in(client: FlaskClient) -> SignIn:
    """``signed_in(user)`` signs ``user`` in on the test client and returns the client."""
    def _sign_in(user: User, **kwargs: object) -> FlaskClient:
        sign_in(client, user, **kwargs)  # type: ignore[arg-type]
        return client
    return _sign_in
