"""/healthz and /readyz: JSON for the load balancer, without sign-in, session, rate limit or
personal data; /readyz is 503 when the database is away or the migrations are behind, and
"degraded" (200) when only Redis is away."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from saas.db import db
from saas.jobs.leases import record
from saas.tenancy.models import Tenant
from tests.support.redis_server import free_port


def test_healthz_answers_without_touching_anything(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}
    assert "Set-Cookie" not in response.headers and response.headers["Cache-Control"] == "no-store"


def test_readyz_reports_each_dependency_and_the_queue_depth(app: Flask, client: FlaskClient,
                                                            tenant_a: Tenant) -> None:
    with app.app_context():
        record("tests.test_task_leases:remember_call", {"tenant_id": str(tenant_a.id)})
    response = client.get("/readyz")
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    assert response.json == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "redis": "not configured", "rate_limits": "shared"},
        "jobs": {"queued": 1, "running": 0, "expired": 0, "redis_queue": None},
    }
    assert tenant_a.name not in response.text and tenant_a.slug not in response.text


def test_readyz_is_degraded_not_down_when_redis_is_away(app: Flask, client: FlaskClient,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json is not None
    assert response.json["status"] == "degraded" and response.json["checks"]["redis"] == "unavailable"


def test_readyz_is_503_when_the_migrations_are_behind(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        db.session.execute(text("UPDATE alembic_version SET version_num = 'b15e7a2c9d31'"))
        db.session.commit()  # the test's own transaction is rolled back afterwards
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json is not None
    assert response.json["status"] == "unavailable" and response.json["checks"]["migrations"] == "behind"


def test_readyz_is_503_when_the_database_is_away(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def unreachable(*_args: object, **_kwargs: object) -> None:
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", unreachable)
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json is not None
    assert response.json["checks"]["database"] == "unavailable" and "refused" not in response.text


def test_the_health_endpoints_are_never_rate_limited_and_only_read(client: FlaskClient) -> None:
    for _request in range(60):
        assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.post("/readyz").status_code == 405
