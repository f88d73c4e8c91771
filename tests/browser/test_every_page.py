"""Every page each role can reach passes axe (and fits a phone where that role uses one).

A crawl, not a scripted flow: signed in as one demo account per role, follow the links of the
site (GET only) and check one page of each kind — the same route with other ids is the same
template. A page added later is checked without anyone writing a test for it.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from saas.demo import DEMO_PASSWORD, demo_email, demo_totp_secret
from tests.browser import NewPage, assert_accessible, sign_in

#: Links that leave the pages or change something when followed, and downloads (no page to check).
SKIPPED = re.compile(r"^/(static/|login|logout|language|password/|invite/)|\.(pdf|csv|xlsx)$")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
MAX_PAGES = 40

#: (demo account, two-factor?, viewport, start page)
ROLES = [
    ("manager.papendrecht", True, "desktop", "/t/papendrecht/"),
    ("coordinator.zeist", True, "phone", "/t/zeist/"),
    ("analist", True, "desktop", "/foundation/"),
    ("vrijwilliger.papendrecht", False, "phone", "/t/papendrecht/"),
    ("gemeente.zeist", False, "phone", "/t/zeist/"),
]


def page_kind(path: str) -> str:
    """The route a path belongs to: ids and page numbers do not make another kind of page."""
    return UUID.sub("<id>", path)


def local_links(page: Page) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    paths = []
    for href in hrefs:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/") or SKIPPED.search(parts.path):
            continue
        paths.append(parts.path)
    return paths


@pytest.mark.parametrize(("account", "two_factor", "viewport_name", "start"), ROLES,
                         ids=[f"{account}-{viewport}" for account, _, viewport, _ in ROLES])
def test_every_page_a_role_reaches_is_accessible(new_page: NewPage, account: str, two_factor: bool,
                                                 viewport_name: str, start: str) -> None:
    page = new_page(viewport_name)
    email = demo_email(account)
    sign_in(page, email, DEMO_PASSWORD, demo_totp_secret(email) if two_factor else None)
    queue, seen, checked = [start], set(), []
    while queue and len(checked) < MAX_PAGES:
        path = queue.pop(0)
        if page_kind(path) in seen:
            continue
        seen.add(page_kind(path))
        response = page.goto(path)
        assert response is not None and response.status in (200, 403), f"{path}: {response and response.status}"
        if response.status == 200:
            assert_accessible(page)
            checked.append(path)
        queue.extend(local_links(page))
    assert len(checked) >= 3, f"the crawl found too little: {checked}"
