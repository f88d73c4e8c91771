"""The main navigation (saas.navigation): each role sees its own links, in its own language, and the
current page's link is marked; the links are built once per kind of reader, not per request."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from saas.auth.models import User
from saas.tenancy.models import Tenant
from tests.support.sessions import sign_in

_NAV = re.compile(r'<nav class="site-nav".*?</nav>', re.S)
_LINK = re.compile(r'<a href="([^"]+)" ?(aria-current="page")?>([^<]+)</a>')

STAFF = ["/t/alpha/", "/t/alpha/families/", "/t/alpha/families/waiting", "/t/alpha/volunteers/", "/t/alpha/matches/",
         "/t/alpha/groups/", "/t/alpha/trainings/"]
MANAGER_ONLY = ["/t/alpha/impact/", "/t/alpha/reports/", "/t/alpha/statistics/", "/t/alpha/members/",
                "/t/alpha/licence/", "/t/alpha/audit/"]


def navigation(client: FlaskClient, url: str) -> tuple[list[str], list[str], str]:
    """The link addresses, the current one(s) and the whole navigation of the page at ``url``."""
    response = client.get(url)
    assert response.status_code == 200, response.text[:300]
    nav = _NAV.search(response.text)
    assert nav is not None
    links = _LINK.findall(nav.group(0))
    current = [href for href, marked, _label in links if marked]
    return [href for href, _marked, _label in links], current, nav.group(0)


@pytest.mark.parametrize(("account", "expected"), [
    ("manager_a", [*STAFF, *MANAGER_ONLY, "/account/"]),
    ("coordinator_a", [*STAFF, "/account/"]),
    ("volunteer_a", ["/t/alpha/", "/t/alpha/my/families/", "/t/alpha/groups/", "/t/alpha/me/",
                     "/t/alpha/me/trainings/", "/account/"]),
    ("report_viewer_a", ["/t/alpha/", "/t/alpha/reports/", "/account/"]),
])
def test_each_role_sees_its_own_links(app: Flask, client: FlaskClient, account: str, expected: list[str],
                                      request: pytest.FixtureRequest) -> None:
    sign_in(client, request.getfixturevalue(account))
    links, current, nav = navigation(client, "/t/alpha/")
    assert (links, current) == (expected, ["/t/alpha/"])
    assert ('role="search"' in nav) == (account in ("manager_a", "coordinator_a"))


def test_the_current_section_is_marked_and_the_search_page_has_no_second_box(
        client: FlaskClient, coordinator_a: User, tenant_a: Tenant) -> None:
    sign_in(client, coordinator_a)
    assert navigation(client, "/t/alpha/families/waiting")[1] == ["/t/alpha/families/waiting"]
    assert navigation(client, "/t/alpha/families/")[1] == ["/t/alpha/families/"]
    _links, current, nav = navigation(client, "/t/alpha/search")
    assert current == [] and 'role="search"' not in nav
    assert navigation(client, "/account/")[1] == ["/account/"]  # outside the tenant: the account's links only


def test_the_foundation_sees_its_own_links_and_each_language_its_own_labels(
        client: FlaskClient, foundation_admin: User, coordinator_a: User) -> None:
    sign_in(client, foundation_admin)
    links, current, _nav = navigation(client, "/foundation/billing/")
    assert links == ["/foundation/", "/foundation/billing/", "/foundation/tenants/", "/foundation/courses/",
                     "/foundation/instruments/", "/account/"]
    assert current == ["/foundation/billing/"]
    client.post("/logout")
    sign_in(client, coordinator_a)
    labels = {}
    for locale in ("nl", "en", "ar"):
        client.post("/language", data={"locale": locale, "next": "/t/alpha/"})
        labels[locale] = _LINK.findall(navigation(client, "/t/alpha/")[2])[1][2]
    assert labels["nl"] == "Gezinnen" and labels["en"] == "Families"
    assert labels["ar"] not in ("Families", "Gezinnen")
