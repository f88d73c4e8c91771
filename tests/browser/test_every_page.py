"""Every page each role can reach passes axe and fits a phone, in every language, at both widths.

A crawl, not a scripted flow: signed in as one demo account per role, follow the links of the
site (GET only) and keep one page of each kind — the same route with other ids is the same
template. Then each of those pages is checked in Dutch, English and Arabic at 1280 and 375 px:
the page's language and direction (right to left in Arabic), axe (WCAG 2.1 AA and WCAG 2.2's
24 × 24 px target size; no serious or critical violation) and no sideways scrolling. A page added
later is checked without anyone writing a test for it.
"""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page
from sqlalchemy import update

from saas.auth.models import User
from saas.db import db
from saas.demo import DEMO_PASSWORD, demo_email, demo_totp_secret
from saas.i18n import LANGUAGES
from tests.browser import (
    VIEWPORTS,
    WCAG_TAGS,
    LiveServer,
    NewPage,
    assert_accessible,
    html_lang_dir,
    sign_in,
    switch_language,
)
from tests.support import clock

#: Links that leave the pages or change something when followed, and downloads (no page to check).
SKIPPED = re.compile(r"^/(static/|login|logout|language|password/|invite/)|\.(pdf|csv|xlsx)$")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
MAX_PAGES = 40
#: Every language at both widths; with the clock moved (``make test-dates``) the crawl looks for
#: faults of the date only, which the language and the width do not change: Dutch at the role's width.
FULL_MATRIX = not os.environ.get(clock.ENV)

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


def crawl(page: Page, start: str) -> list[str]:
    """One path of each page kind the signed-in person reaches from ``start`` by following links."""
    queue, seen, found = [start], set(), []
    while queue and len(found) < MAX_PAGES:
        path = queue.pop(0)
        if page_kind(path) in seen:
            continue
        seen.add(page_kind(path))
        response = page.goto(path)
        assert response is not None and response.status in (200, 403), f"{path}: {response and response.status}"
        if response.status == 200:
            found.append(path)
        queue.extend(local_links(page))
    return found


def assert_page_fits(page: Page, path: str, language: str) -> None:
    """``path`` in ``language`` at the page's current width: the right language and direction, axe
    clean (WCAG 2.2's 24 px target size included), nothing scrolling sideways."""
    page.goto(path)
    expected = (language, "rtl" if language == "ar" else "ltr")
    assert html_lang_dir(page) == expected, f"{path}: {html_lang_dir(page)} instead of {expected}"
    assert_accessible(page, tags=(*WCAG_TAGS, "wcag22aa"))


@pytest.mark.parametrize(("account", "two_factor", "viewport_name", "start"), ROLES,
                         ids=[f"{account}-{viewport}" for account, _, viewport, _ in ROLES])
def test_every_page_a_role_reaches_fits_every_language_and_width(
        new_page: NewPage, live_server: LiveServer, account: str, two_factor: bool, viewport_name: str,
        start: str) -> None:
    page = new_page(viewport_name)
    email = demo_email(account)
    sign_in(page, email, DEMO_PASSWORD, demo_totp_secret(email) if two_factor else None)
    paths = crawl(page, start)
    assert len(paths) >= 3, f"the crawl found too little: {paths}"
    try:
        for language in LANGUAGES if FULL_MATRIX else ("nl",):
            switch_language(page, language)
            for width in VIEWPORTS.values() if FULL_MATRIX else (VIEWPORTS[viewport_name],):
                page.set_viewport_size(width)
                for path in paths:
                    assert_page_fits(page, path, language)
    finally:
        _forget_chosen_language(live_server, email)


def _forget_chosen_language(live_server: LiveServer, email: str) -> None:
    """Choosing a language is saved on the account: leave the demo account as the other tests expect."""
    with live_server.app.app_context():
        db.session.execute(update(User).where(User.email == email).values(locale=None))
        db.session.commit()
        db.session.remove()
