"""The foundation's two changes: releasing an ended year early (freezing it: a snapshot) and asking
every tenant to publish now. Admins only (staff get 403), audited on the platform log; a refused
change writes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from saas.audit.models import PlatformEvent
from saas.auth.models import User
from saas.auth.roles import FoundationRole
from saas.db import db
from saas.foundation.measures import Measure
from saas.foundation.models import StatisticsSnapshot
from saas.foundation.operations import PUBLISH_ON_DEMAND
from saas.tenancy.models import Tenant
from tenants.publishing.cells import Cell
from tests.factories.foundation import publish
from tests.factories.platform import create_user
from tests.foundation.national_dataset import tenant_data
from tests.foundation.view_support import page_tables, publish_tenants
from tests.support.clock import while_open
from tests.support.confirm import CONFIRMED
from tests.support.sessions import SignIn


@pytest.fixture
def admin(app: Flask) -> User:
    return create_user(app, "beheer@stichting.example", foundation_role=FoundationRole.ADMIN, locale="en")


@pytest.fixture
def staff_client(app: Flask, signed_in: SignIn) -> FlaskClient:
    return signed_in(create_user(app, "analist@stichting.example", foundation_role=FoundationRole.STAFF))


@pytest.fixture
def tasks_run(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    """The tasks started, instead of running them (the publishing job is tested in its own package)."""
    started: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr("saas.jobs.tasks.run_task", lambda name, **kwargs: started.append((name, kwargs)))
    return started


def snapshots(app: Flask) -> list[StatisticsSnapshot]:
    with app.app_context():
        return list(db.session.scalars(select(StatisticsSnapshot)))


def events(app: Flask, action: str) -> list[PlatformEvent]:
    with app.app_context():
        return list(db.session.scalars(select(PlatformEvent).where(PlatformEvent.action == action)))


def flashes(client: FlaskClient) -> list[tuple[str, str]]:
    with client.session_transaction() as session:
        return list(session.get("_flashes", []))


@pytest.fixture(autouse=True)
def january_2026() -> Iterator[None]:
    """2025 has ended and is not yet released: the one year an admin can release early."""
    with while_open(2025):
        yield


def test_an_admin_releases_a_year_early(app: Flask, signed_in: SignIn, admin: User) -> None:
    tenants = publish_tenants(app, 3)
    publish(app, tenants[0], [Cell("2023-Q4", Measure.FAMILIES, 12, track="regular", category="supported")])
    cells_2025 = sum(cell.period.startswith("2025") for index in range(3) for cell in tenant_data(index).cells)
    client = signed_in(admin)
    response = client.post("/foundation/years/2025/freeze", data=CONFIRMED)
    assert response.status_code == 302 and response.location == "/foundation/?year=2025#snapshot"
    assert flashes(client) == [("success", "The figures of 2025 are released: later publications no longer change "
                                           "them.")]
    [snapshot] = snapshots(app)
    assert (snapshot.year, snapshot.tenants, snapshot.cells, snapshot.frozen_by_id) == (2025, 3, cells_2025, admin.id)
    [event] = events(app, "statistics.year_frozen")
    assert event.user_id == admin.id and event.details == {"year": 2025, "tenants": 3, "cells": cells_2025}
    assert "The figures of 2025 were released on 22 January 2026" in client.get("/foundation/?year=2025").text


def test_freezing_twice_is_refused_and_writes_nothing(app: Flask, signed_in: SignIn, admin: User) -> None:
    publish_tenants(app, 3)
    client = signed_in(admin)
    client.post("/foundation/years/2025/freeze", data=CONFIRMED)
    flashes(client)
    client.get("/foundation/")  # shows (and so clears) the first message
    response = client.post("/foundation/years/2025/freeze", data=CONFIRMED)
    assert response.status_code == 302
    [(category, message)] = flashes(client)
    assert category == "error" and message.startswith("The figures of 2025 were released on 22 January 2026")
    assert len(snapshots(app)) == 1 and len(events(app, "statistics.year_frozen")) == 1


@pytest.mark.parametrize(("year", "data", "message"), [
    (2025, {}, "Nothing has changed: this cannot be undone"),
    (2023, CONFIRMED, "The figures of 2023 were released on 1 February 2024"),
    (2026, CONFIRMED, "2026 is not over yet"),
])
def test_a_year_is_frozen_only_when_confirmed_and_published(app: Flask, signed_in: SignIn, admin: User,
                                                            year: int, data: dict[str, str], message: str) -> None:
    publish_tenants(app, 3)
    client = signed_in(admin)
    assert client.post(f"/foundation/years/{year}/freeze", data=data).status_code == 302
    [(category, text)] = flashes(client)
    assert category == "error" and text.startswith(message)
    assert snapshots(app) == [] and events(app, "statistics.year_frozen") == []


def test_a_year_nobody_published_is_not_released(app: Flask, signed_in: SignIn, admin: User) -> None:
    publish_tenants(app, 3)  # 2024 and 2025
    with while_open(2026):
        client = signed_in(admin)
        assert client.post("/foundation/years/2026/freeze", data=CONFIRMED).status_code == 302
        [(category, text)] = flashes(client)
    assert category == "error" and text.startswith("No organisation has published statistics for 2026 yet")
    assert snapshots(app) == []


def test_staff_cannot_freeze_a_year(app: Flask, staff_client: FlaskClient) -> None:
    publish_tenants(app, 3)
    assert staff_client.post("/foundation/years/2025/freeze", data=CONFIRMED).status_code == 403
    assert snapshots(app) == []


def test_a_year_out_of_range_is_not_found(signed_in: SignIn, admin: User) -> None:
    assert signed_in(admin).post("/foundation/years/1066/freeze", data=CONFIRMED).status_code == 404


def test_an_admin_asks_every_tenant_to_publish_now(app: Flask, signed_in: SignIn, admin: User,
                                                   tasks_run: list[tuple[str, dict[str, Any]]]) -> None:
    client = signed_in(admin)
    response = client.post("/foundation/publications/run")
    assert response.status_code == 302 and response.location == "/foundation/#publications"
    assert tasks_run == [(PUBLISH_ON_DEMAND, {})]
    [(category, message)] = flashes(client)
    assert category == "success" and message.startswith("The organisations have been asked to publish")
    [event] = events(app, "statistics.publication_requested")
    assert event.user_id == admin.id


def test_publish_now_that_cannot_start_says_so_and_keeps_the_request_on_record(
        app: Flask, signed_in: SignIn, admin: User, monkeypatch: pytest.MonkeyPatch) -> None:
    def unreachable(name: str, **kwargs: Any) -> None:
        raise ConnectionError("Redis is unreachable")

    monkeypatch.setattr("saas.jobs.tasks.run_task", unreachable)
    client = signed_in(admin)
    assert client.post("/foundation/publications/run").status_code == 302
    [(category, message)] = flashes(client)
    assert category == "error" and message.startswith("The statistics could not be published just now")
    assert len(events(app, "statistics.publication_requested")) == 1


def test_staff_cannot_ask_for_a_publication(app: Flask, staff_client: FlaskClient,
                                            tasks_run: list[tuple[str, dict[str, Any]]]) -> None:
    assert staff_client.post("/foundation/publications/run").status_code == 403
    assert tasks_run == [] and events(app, "statistics.publication_requested") == []


def test_the_changes_only_take_post(signed_in: SignIn, admin: User, tenant_a: Tenant) -> None:
    client = signed_in(admin)
    assert client.get("/foundation/years/2025/freeze").status_code == 405
    assert client.get("/foundation/publications/run").status_code == 405


def test_publish_now_runs_the_publishing_job_inline_without_redis(app: Flask, signed_in: SignIn, admin: User,
                                                                  tenant_a: Tenant) -> None:
    """No mock: without Redis the job runs in the request, inside each tenant in turn."""
    client = signed_in(admin)
    assert client.post("/foundation/publications/run").status_code == 302
    rows = {row[0]: row for row in page_tables(client.get("/foundation/").text)["Last publication per organisation"]}
    assert rows[tenant_a.name][1] == "Published" and rows[tenant_a.name][3] == "On demand"
