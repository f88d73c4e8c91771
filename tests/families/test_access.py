"""Volunteers and report viewers never see the families module; coordinators and managers do."""

from __future__ import annotations

import pytest
from flask import Flask

from saas.auth.models import User
from saas.tenancy.models import Tenant
from tenants.families.models import Family, FamilyMember
from tests.factories.families import add_member, referral_form, written_rows
from tests.factories.platform import today
from tests.support.confirm import CONFIRMED
from tests.support.sessions import SignIn


def family_urls(app: Flask, family: Family, member: FamilyMember, coordinator: User) -> list[tuple[str, str, dict]]:
    """Every families page and action, with input that would be accepted from a coordinator."""
    base = f"/t/alpha/families/{family.id}"
    day = today(app).isoformat()
    return [
        ("GET", "/t/alpha/families/", {}),
        ("GET", "/t/alpha/families/?coordinator=me&state=open", {}),
        ("GET", "/t/alpha/families/waiting", {}),
        ("GET", "/t/alpha/search?q=jansen", {}),
        ("GET", "/t/alpha/families/new", {}),
        ("POST", "/t/alpha/families/new", referral_form(coordinator, today(app))),
        ("GET", base, {}),
        ("GET", f"{base}/edit", {}),
        ("POST", f"{base}/edit", referral_form(coordinator, today(app), family_name="Familie Gewijzigd")),
        ("GET", f"{base}/contact", {}),
        ("POST", f"{base}/contact", {"postcode": "3511 AB", "phone": "06 12345678"}),
        ("POST", f"{base}/members", {"role": "parent", "first_name": "Eva"}),
        ("POST", f"{base}/members/{member.id}/delete", CONFIRMED),
        ("GET", f"{base}/intake/plan", {}),
        ("POST", f"{base}/intake/plan", {"planned_at": f"{day}T10:00", "coordinator_id": str(coordinator.id)}),
        ("GET", f"{base}/intake", {}),
        ("POST", f"{base}/intake", {"done_on": day, "coordinator_id": str(coordinator.id), "wish_gender": "any",
                                    "judgement": "suitable", "child_safety": "no_concerns"}),
        ("GET", f"{base}/close", {}),
        ("POST", f"{base}/close", {"closed_on": day, "closure_reason": "goals_reached",
                                   "professional_care_at_end": "stopped", "prevented_referral_confirmed": "yes",
                                   **CONFIRMED}),
        ("POST", f"{base}/state", {"to_state": "withdrawn", "reason": "Gezin stopt"}),
        ("POST", f"{base}/notes", {"body": "Een notitie"}),
    ]


@pytest.fixture
def urls(app: Flask, tenant_a: Tenant, coordinator_a: User, family_a: Family) -> list[tuple[str, str, dict]]:
    return family_urls(app, family_a, add_member(app, tenant_a, family_a), coordinator_a)


def test_the_url_list_below_covers_every_families_endpoint(app: Flask, urls: list[tuple[str, str, dict]]) -> None:
    adapter = app.url_map.bind("localhost")
    reached = {(adapter.match(url.partition("?")[0], method=method)[0], method) for method, url, _data in urls}
    expected = {(rule.endpoint, method) for rule in app.url_map.iter_rules() if rule.endpoint.startswith("families.")
                for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert reached == expected


@pytest.mark.parametrize("person", ["volunteer_a", "report_viewer_a"])
def test_volunteers_and_report_viewers_get_403_on_every_families_url_and_change_nothing(
        app: Flask, signed_in: SignIn, tenant_a: Tenant, urls: list[tuple[str, str, dict]], person: str,
        request: pytest.FixtureRequest) -> None:
    client = signed_in(request.getfixturevalue(person))
    before = written_rows(app, tenant_a)
    failures = [f"{method} {url} -> {status}" for method, url, data in urls
                if (status := client.open(url, method=method, data=data).status_code) != 403]
    assert not failures, failures
    assert written_rows(app, tenant_a) == before


@pytest.mark.parametrize("person", ["coordinator_a", "manager_a"])
def test_coordinators_and_managers_reach_every_families_url(
        app: Flask, signed_in: SignIn, urls: list[tuple[str, str, dict]], person: str,
        request: pytest.FixtureRequest) -> None:
    client = signed_in(request.getfixturevalue(person))
    failures = [f"{method} {url} -> {status}" for method, url, data in urls
                if (status := client.open(url, method=method, data=data).status_code) not in (200, 302)]
    assert not failures, failures


def test_a_volunteers_start_page_has_no_link_to_families(app: Flask, signed_in: SignIn, volunteer_a: User,
                                                         tenant_a: Tenant) -> None:
    page = signed_in(volunteer_a).get("/t/alpha/")
    assert page.status_code == 200
    assert "/t/alpha/families" not in page.text
    assert "Waiting list" not in page.text and "Wachtlijst" not in page.text


def test_a_report_viewers_start_page_has_no_link_to_families(
        app: Flask, signed_in: SignIn, report_viewer_a: User, tenant_a: Tenant) -> None:
    page = signed_in(report_viewer_a).get("/t/alpha/")
    assert page.status_code == 200
    assert "/t/alpha/families" not in page.text


def test_a_coordinators_start_page_links_to_families(app: Flask, signed_in: SignIn, coordinator_a: User,
                                                     tenant_a: Tenant) -> None:
    """The counterpart of the two tests above, so they cannot pass because no page links there."""
    page = signed_in(coordinator_a).get("/t/alpha/")
    assert 'href="/t/alpha/families/"' in page.text
    assert 'href="/t/alpha/families/waiting"' in page.text


def test_anonymous_visitors_are_sent_to_sign_in(app: Flask, family_a: Family) -> None:
    anonymous = app.test_client()
    for url in ("/t/alpha/families/", f"/t/alpha/families/{family_a.id}"):
        response = anonymous.get(url)
        assert response.status_code == 302
        assert response.location.startswith("/login")
