"""The family list and the waiting list render rows of columns (issue 19): each row shows what the
family objects showed, and each list's default sort is read from an index instead of a sort."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import format_date

from saas.auth.models import User
from saas.auth.roles import Role
from saas.db import db
from saas.tenancy.models import Tenant
from saas.web.rows import DayFormatter, EnumLabels
from tenants.families.states import CaseState
from tests.factories.families import create_family
from tests.factories.platform import create_user, in_tenant, today
from tests.support import databases
from tests.support.sessions import SignIn


def test_a_list_row_shows_the_link_number_state_coordinator_and_date(
    app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant
) -> None:
    assigned = create_family(app, tenant_a, family_name="Familie Toegewezen", coordinator_id=coordinator_a.id)
    alone = create_family(app, tenant_a, family_name="Familie Alleen", state=CaseState.WAITING)
    client: FlaskClient = signed_in(coordinator_a)
    page = client.get("/t/alpha/families/").text
    assert f'href="/t/alpha/families/{assigned.id}" class="case-number">{assigned.case_number}</a>' in page
    assert coordinator_a.name in page and "Not assigned" in page
    waiting = client.get("/t/alpha/families/waiting").text
    assert f'<a href="/t/alpha/families/{alone.id}">Familie Alleen</a>' in waiting
    assert f'case-number">{alone.case_number}</td>' in waiting


def test_a_deeper_page_shows_the_next_families_in_the_sort_order(
    app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant
) -> None:
    """Page 2 finds its ids first, then their rows (saas.db.base.RowPagination): same order, no gaps."""
    first_day = today(app) - timedelta(days=40)
    for n in range(30):  # Familie 00 was referred first, so it is last in the default sort
        create_family(app, tenant_a, family_name=f"Familie {n:02d}", referred_on=first_day + timedelta(days=n))
    client: FlaskClient = signed_in(coordinator_a)
    first, second = (client.get(f"/t/alpha/families/?page={n}").text for n in (1, 2))
    names = [f"Familie {n:02d}" for n in range(30)]
    assert all(name in first for name in names[5:]) and not any(name in first for name in names[:5])
    assert [second.index(name) for name in reversed(names[:5])] == sorted(second.index(name) for name in names[:5])
    by_name = client.get("/t/alpha/families/?sort=-name&page=2").text
    assert all(name in by_name for name in names[:5]) and "Familie 05" not in by_name


def test_the_helpers_give_what_format_date_and_the_label_give(app: Flask, tenant_a: Tenant) -> None:
    family = create_family(app, tenant_a)
    with app.test_request_context("/"):
        days = DayFormatter()
        assert days(family.referred_on) == format_date(family.referred_on) == days(family.referred_on)
        assert days(None) == ""
        assert EnumLabels()[CaseState.WAITING] == str(CaseState.WAITING.label)


@pytest.mark.skipif(databases.backend() != "sqlite", reason="reads SQLite's query plan")
@pytest.mark.parametrize(
    "statement",
    [
        "SELECT id FROM families WHERE tenant_id = :tenant ORDER BY referred_on DESC, id LIMIT 25",
        "SELECT id FROM families WHERE tenant_id = :tenant AND state = 'waiting' ORDER BY referred_on, id LIMIT 25",
        "SELECT id FROM volunteers WHERE tenant_id = :tenant ORDER BY name, id LIMIT 25",
        "SELECT id FROM volunteers WHERE tenant_id = :tenant AND state = 'available' ORDER BY name, id LIMIT 25",
    ],
)
def test_each_default_sort_reads_an_index(app: Flask, tenant_a: Tenant, statement: str) -> None:
    with in_tenant(app, tenant_a) as session:
        plan = " ".join(row[-1] for row in session.execute(sa.text(f"EXPLAIN QUERY PLAN {statement}"),
                                                          {"tenant": tenant_a.id.hex}))
    assert "USING" in plan and "INDEX" in plan, plan
    assert "TEMP B-TREE" not in plan, plan


def test_a_kept_list_shows_a_change_at_once_and_each_readers_own_caseload(
    app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant
) -> None:
    """The lists are kept rendered between views (saas.web.kept): a new family, a coordinator's new
    name and another reader's caseload must show at once all the same."""
    colleague = create_user(app, "collega@alpha.example", tenant=tenant_a, role=Role.COORDINATOR)
    create_family(app, tenant_a, family_name="Familie Eerst", coordinator_id=coordinator_a.id, state=CaseState.WAITING)
    client: FlaskClient = signed_in(coordinator_a)
    mine = "/t/alpha/families/?coordinator=me"
    assert "Familie Eerst" in client.get(mine).text and "Familie Eerst" in client.get("/t/alpha/families/waiting").text
    create_family(app, tenant_a, family_name="Familie Later", coordinator_id=coordinator_a.id, state=CaseState.WAITING)
    assert "Familie Later" in client.get(mine).text and "Familie Later" in client.get("/t/alpha/families/waiting").text
    with app.app_context():
        db.session.get(User, coordinator_a.id).name = "Carla Andersnaam"
        db.session.commit()
    assert "Carla Andersnaam" in client.get("/t/alpha/families/").text
    client.post("/logout")
    theirs = signed_in(colleague).get(mine).text  # the same address, another reader: not the kept page
    assert "Familie Eerst" not in theirs and "Familie Later" not in theirs
