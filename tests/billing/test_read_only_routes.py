"""Read-only mode on every tenant route: a meta-test walks the URL map, so a new write route is
covered without being listed here. Under a read-only licence every write is refused with the
read-only message and changes nothing; reading and exporting keep working. Plus the banner, and
that loading the licence costs no statement.

The world is the isolation tests' (tests/test_isolation_routes.py): every route's URL is filled
from it, so the routes are the real ones with real objects behind them.
"""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from flask import Flask, g, url_for
from sqlalchemy import func, select
from werkzeug.exceptions import HTTPException

from saas.auth.models import Invitation, User
from saas.auth.roles import Role
from saas.billing.entitlements import SAFE_METHODS, allowed_when_read_only, refuse_writes_when_read_only
from saas.billing.models import Licence
from saas.billing.status import LicenceStatus
from saas.db import db, tenant_context
from saas.tenancy.models import Tenant
from saas.web.tenant import TENANT_ARG
from tests.factories.billing import give_licence
from tests.factories.platform import database, today
from tests.support.queries import count_queries
from tests.test_isolation_routes import (
    ROUTE_ARGS,
    World,
    client_for,
    methods_of,
    tenant_rules,
    url_for_rule,
    world,  # noqa: F401 - a fixture
)

READ_ONLY_TEXT = "you can read and export everything, but not change anything"
GRACE_TEXT = "A payment failed. Full use continues until"

#: The only tenant routes that may write under read-only: paying is how a tenant gets out of it.
#: Pinned by name (the billing pages' checkout and Customer Portal), so marking any other route
#: fails a test; names not registered yet are left out until the billing pages are installed.
EXPECTED_ALLOWED_WHEN_READ_ONLY = frozenset({"licence.checkout", "licence.portal"})

#: The write routes there are today (the meta-test must not quietly shrink: a blueprint that
#: stopped being a tenant blueprint would leave the walk).
MINIMUM_WRITE_ROUTES = 60

#: Posted to every write route: enough that many views would write something if they ran.
FORM = {
    "email": "x@example.org",
    "role": "volunteer",
    "active": "0",
    "name": "Nieuw",
    "family_name": "Familie Nieuw",
    "note": "Notitie",
    "text": "Tekst",
    "title": "Titel",
    "kind": "visit",
    "happened_on": "2026-11-20",
}

WRITES = ("INSERT", "UPDATE", "DELETE")
WRITTEN_TABLE = re.compile(r"^\s*(?:INSERT INTO|UPDATE|DELETE FROM)\s+\"?(\w+)", re.IGNORECASE)

#: What a tenant GET may write, since reading stays open under read-only: the log of who read a
#: family file (a read is what it records). Settings are read with their defaults and stored only
#: when changed (saas.tenant_settings). Anything else written by a GET would slip past read-only.
#: The access log, and the start page's snapshot of its signals (derived data kept for speed, not
#: the organisation's data: tenants.home.snapshots).
TABLES_A_READ_MAY_WRITE = frozenset({"audit_events", "signal_snapshots"})


def write_requests(app: Flask) -> list[tuple[object, str]]:
    """Every (tenant rule, write method) whose view is not marked ``allowed_when_read_only``."""
    return [
        (rule, method)
        for rule in tenant_rules(app)
        for method in methods_of(rule)
        if method not in SAFE_METHODS
        and not getattr(app.view_functions[rule.endpoint], "allowed_when_read_only", False)
    ]


def marked_endpoints(app: Flask) -> set[str]:
    return {endpoint for endpoint, view in app.view_functions.items() if getattr(view, "allowed_when_read_only", False)}


def row_counts(app: Flask, tenant: Tenant) -> dict[str, int]:
    """The number of rows of every table, read inside ``tenant`` (row-level security on PostgreSQL)."""
    with app.app_context(), tenant_context(db.session, tenant.id):
        return {
            table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.Model.metadata.sorted_tables
        }


def url_of(app: Flask, endpoint: str, w: World) -> str:
    with app.test_request_context():
        return url_for(endpoint, **{TENANT_ARG: w.tenant_a.slug, **ROUTE_ARGS[endpoint](w)})


def in_english(app: Flask, *people: User) -> None:
    with database(app) as session:
        for person in people:
            session.get(User, person.id).locale = "en"


@pytest.fixture
def read_only_world(app: Flask, world: World) -> World:  # noqa: F811 - the fixture imported above
    """The isolation world with tenant A's licence cancelled (tenant B's is active), in English."""
    give_licence(app, world.tenant_a, LicenceStatus.CANCELED)
    give_licence(app, world.tenant_b, LicenceStatus.ACTIVE)
    in_english(app, *world.people_a.values())
    return world


def test_every_tenant_write_route_is_refused_under_read_only_and_nothing_changes(
    app: Flask, read_only_world: World
) -> None:
    w = read_only_world
    manager = client_for(app, w.people_a[Role.MANAGER])
    requests = write_requests(app)
    before = row_counts(app, w.tenant_a)

    failures, statements = [], []
    with count_queries(app) as sent:
        for rule, method in requests:
            url = url_for_rule(app, rule, w.tenant_a.slug, w)
            response = manager.open(url, method=method, data=FORM)
            if response.status_code != 403 or READ_ONLY_TEXT not in response.text:
                failures.append(f"{method} {url} -> {response.status_code}")
        statements = [s for s in sent if s.lstrip().upper().startswith(WRITES)]

    assert not failures, failures
    assert not statements, statements  # refused before the view: not even a flush
    assert row_counts(app, w.tenant_a) == before

    give_licence(app, w.tenant_a, LicenceStatus.ACTIVE)  # the control: the counts do see a write
    assert manager.post(url_of(app, "members.invite", w), data=FORM).status_code == 302
    assert row_counts(app, w.tenant_a) != before


def test_the_meta_test_walks_every_write_route_and_only_payment_is_allowed(app: Flask) -> None:
    endpoints = {rule.endpoint for rule, _method in write_requests(app)}
    assert len(write_requests(app)) >= MINIMUM_WRITE_ROUTES, sorted(endpoints)
    assert {"families.new", "members.invite", "matches.end", "reports.create", "contacts.log"} <= endpoints
    assert marked_endpoints(app) == {e for e in EXPECTED_ALLOWED_WHEN_READ_ONLY if e in app.view_functions}


def test_any_write_route_is_refused_unless_marked(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """The hook does not know the routes: a new one is refused from the moment it exists."""

    def new_write_route() -> str:
        return "written"

    def payment_route() -> str:
        return "paid"

    monkeypatch.setitem(app.view_functions, "probe.write", new_write_route)
    monkeypatch.setitem(app.view_functions, "probe.pay", allowed_when_read_only(payment_route))
    with app.test_request_context(method="POST", headers={"Accept": "application/json"}):
        g.tenant = SimpleNamespace(licence=Licence(status=LicenceStatus.UNPAID), default_locale="nl")
        with pytest.raises(HTTPException) as refused:
            refuse_writes_when_read_only("probe.write")
        assert refused.value.response.status_code == 403
        refuse_writes_when_read_only("probe.pay")  # no refusal
    with app.test_request_context(method="GET"):
        g.tenant = SimpleNamespace(licence=Licence(status=LicenceStatus.UNPAID), default_locale="nl")
        refuse_writes_when_read_only("probe.write")  # reading is never refused


def test_no_tenant_read_writes_anything_but_the_access_log(app: Flask, read_only_world: World) -> None:
    """GET stays open under read-only, so no GET route may change data (exports record who
    exported in the audit log, which is fine)."""
    w = read_only_world
    failures = []
    for role in Role:
        client = client_for(app, w.people_a[role])
        for rule in tenant_rules(app):
            if "GET" not in rule.methods:
                continue
            with count_queries(app) as sent:
                client.get(url_for_rule(app, rule, w.tenant_a.slug, w))
            written = {m.group(1) for s in sent if (m := WRITTEN_TABLE.match(s))}
            if written - TABLES_A_READ_MAY_WRITE:
                failures.append(f"{role.value} GET {rule.endpoint} writes {sorted(written)}")
    assert not failures, failures


def test_a_read_only_refusal_is_a_page_with_the_reason_and_json_for_json_clients(
    app: Flask, read_only_world: World
) -> None:
    w = read_only_world
    give_licence(app, w.tenant_a, LicenceStatus.PAST_DUE, past_due_since=today(app) - timedelta(days=20))
    manager = client_for(app, w.people_a[Role.MANAGER])
    url = url_of(app, "members.invite", w)

    page = manager.post(url, data=FORM)
    assert page.status_code == 403 and page.mimetype == "text/html"
    first_read_only_day = today(app) - timedelta(days=20 - app.config["BILLING_GRACE_DAYS"])
    assert "<h1>Read-only</h1>" in page.text and "read-only since" in page.text
    assert first_read_only_day.strftime("%Y") in page.text

    answer = manager.post(url, json={"email": "x@example.org", "role": "volunteer"})
    assert answer.status_code == 403 and answer.is_json
    [message] = answer.json["errors"]["_request"]
    assert READ_ONLY_TEXT in message
    with app.app_context(), tenant_context(db.session, w.tenant_a.id):
        assert (
            db.session.scalar(select(func.count()).select_from(Invitation).where(Invitation.email == "x@example.org"))
            == 0
        )


def test_reading_and_exporting_keep_working_under_read_only(app: Flask, read_only_world: World) -> None:
    w = read_only_world
    manager = client_for(app, w.people_a[Role.MANAGER])
    for endpoint in (
        "home.index",
        "families.index",
        "families.show",
        "volunteers.index",
        "matches.show",
        "audit.index",
        "reports.show",
        "reports.download_xlsx",
        "reports.download_pdf",
    ):
        response = manager.get(url_of(app, endpoint, w))
        assert response.status_code == 200, f"{endpoint} -> {response.status_code}"

    home = manager.get(url_of(app, "home.index", w)).text
    assert "Read-only:" in home and READ_ONLY_TEXT in home and 'role="status"' in home


def test_every_member_sees_the_read_only_banner_and_managers_the_way_out(app: Flask, read_only_world: World) -> None:
    w = read_only_world
    volunteer = client_for(app, w.people_a[Role.VOLUNTEER])
    page = volunteer.get(url_of(app, "my_families.index", w)).text
    assert "Read-only:" in page and "Open the Licence page" not in page  # renewing is for managers
    if "licence.index" in app.view_functions:  # the billing pages are installed
        manager = client_for(app, w.people_a[Role.MANAGER])
        assert "Open the Licence page" in manager.get(url_of(app, "home.index", w)).text


def test_the_other_tenant_is_not_affected(app: Flask, read_only_world: World) -> None:
    outsider = client_for(app, read_only_world.outsider)
    response = outsider.post(
        f"/t/{read_only_world.tenant_b.slug}/members/invite", data={"email": "new@beta.example", "role": "volunteer"}
    )
    assert response.status_code == 302
    assert "Read-only" not in outsider.get(f"/t/{read_only_world.tenant_b.slug}/").text


def test_during_the_grace_period_writes_work_and_only_managers_see_the_banner(
    app: Flask, read_only_world: World
) -> None:
    w = read_only_world
    give_licence(app, w.tenant_a, LicenceStatus.PAST_DUE, past_due_since=today(app) - timedelta(days=3))
    manager = client_for(app, w.people_a[Role.MANAGER])
    coordinator = client_for(app, w.people_a[Role.COORDINATOR])

    response = manager.post(
        url_of(app, "members.invite", w), data={"email": "new@alpha.example.org", "role": "volunteer"}
    )
    assert response.status_code == 302

    home = manager.get(url_of(app, "home.index", w)).text
    assert GRACE_TEXT in home and "Read-only:" not in home
    assert GRACE_TEXT not in coordinator.get(url_of(app, "home.index", w)).text


@pytest.mark.parametrize("status", [None, LicenceStatus.ACTIVE, LicenceStatus.CANCELED], ids=str)
def test_loading_the_licence_costs_no_statement(
    app: Flask, read_only_world: World, status: LicenceStatus | None
) -> None:
    """The licence comes with the membership (one statement), with or without a licence row."""
    w = read_only_world
    manager = client_for(app, w.people_a[Role.MANAGER])
    url = url_of(app, "families.index", w)

    def statements() -> int:
        with count_queries(app) as sent:
            assert manager.get(url).status_code == 200
        return len(sent)

    with database(app) as session:
        session.delete(session.scalars(select(Licence).where(Licence.tenant_id == w.tenant_a.id)).one())
    statements()  # warm up
    without_licence = statements()
    give_licence(app, w.tenant_a, status)
    assert statements() == without_licence
