"""Browser tests: Debian's Chromium, driven by Playwright's sync API, against a live server.

* Every test under ``tests/browser`` is marked ``browser``; without ``/usr/bin/chromium`` they
  are all skipped, loudly (``apt-get install -y chromium``; never ``playwright install``).
* The live server, Playwright and the browser are package-scoped: started once for all of
  ``tests/browser`` and stopped as soon as its last test ends, before the rest of the suite.
* ``live_server`` serves one app for all browser tests: a temporary SQLite file, migrated and seeded
  with the demo (``saas.demo``), CSRF on, on 127.0.0.1 with a free port, in a daemon thread.
  Tests share its data, so a test that changes something (a language, a role) uses an account
  no other test relies on, or puts it back.
* ``new_page(viewport, axe=True)`` opens a page in a fresh browser context (fresh cookies).
  ``axe=True`` creates it with ``bypass_csp`` so axe can be injected; pass ``axe=False`` to see
  the Content-Security-Policy exactly as a visitor does.
* ``viewport`` is parametrised: a test that asks for it runs at desktop (1280x800) and phone
  (375x740) width. ``page`` is ``new_page(viewport)``.
* When a test fails, a screenshot of each of its pages is saved in ``test-results/browser/``.

Helpers (``sign_in``, ``assert_accessible``, ``switch_language`` …) are in ``tests/browser/__init__.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import flask_migrate
import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, Playwright, sync_playwright
from werkzeug.serving import WSGIRequestHandler

from saas.app import create_app
from saas.db import db
from saas.demo import seed_demo
from tests.browser import VIEWPORTS, LiveServer, NewPage
from tests.support.serving import served

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

CHROMIUM = Path("/usr/bin/chromium")
#: Launch flags for Debian's Chromium in a container without a network: no sandbox (we run as root),
#: no GPU, and none of the background connections (updates, sync) it would otherwise keep retrying.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: How long Playwright waits for an element or a navigation before failing, in milliseconds.
TIMEOUT_MS = 10_000

HERE = Path(__file__).resolve().parent
SCREENSHOTS = HERE.parent.parent / "test-results" / "browser"
NO_CHROMIUM = (
    f"!!! BROWSER TESTS SKIPPED: {CHROMIUM} is missing. "
    "Install Debian's Chromium with `apt-get update && apt-get install -y chromium` "
    "(do not run `playwright install`). !!!"
)


# Collection: mark, and skip without Chromium ------------------------------------------------------


def _in_browser_dir(item: pytest.Item) -> bool:
    return HERE in Path(item.path).resolve().parents


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # This hook sees every collected item of the run, not only this directory's.
    chromium_missing = not CHROMIUM.exists()
    for item in items:
        if not _in_browser_dir(item):
            continue
        item.add_marker(pytest.mark.browser)
        if chromium_missing:
            item.add_marker(pytest.mark.skip(reason=NO_CHROMIUM))


def pytest_report_header(config: pytest.Config) -> str | None:
    return None if CHROMIUM.exists() else NO_CHROMIUM


_call_failed = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    report = yield
    if report.when == "call":
        item.stash[_call_failed] = report.failed
    return report


# The live server ----------------------------------------------------------------------------------


class _QuietHandler(WSGIRequestHandler):
    """No access log lines in the test output; errors are still logged."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


def _buffered(app: WSGIApplication) -> WSGIApplication:
    """Reads each response whole and closes it before the server writes it.

    Werkzeug's development server leaves a response's iterator open when the browser drops the
    connection half-way (a favicon cancelled by a navigation), and the suite turns the unclosed
    static file into an error. Buffering closes every file on our side of the socket."""

    def buffered_app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return buffered_app


def build_live_app(database_url: str) -> Flask:
    app = create_app(
        "testing",
        DATABASE_URL=database_url,
        MAIL_BACKEND="log",
        # All browser sign-ins come from 127.0.0.1: keep the per-account limit, lift the
        # per-address one so the suite can grow without tripping it.
        LOGIN_LIMIT_PER_ADDRESS="1000/minute",
    )
    assert app.config.get("WTF_CSRF_ENABLED", True), "browser tests keep CSRF on"
    with app.app_context():
        flask_migrate.upgrade()
        seed_demo()
        db.session.commit()
        db.session.remove()
    return app


@pytest.fixture(scope="package")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    database = tmp_path_factory.mktemp("browser-db") / "live.sqlite3"
    app = build_live_app(f"sqlite:///{database}")
    with served(app, "live-server", _buffered(app), request_handler=_QuietHandler) as url:
        yield LiveServer(url=url, app=app)


@pytest.fixture(scope="package")
def live_url(live_server: LiveServer) -> str:
    return live_server.url


# The browser --------------------------------------------------------------------------------------


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture
def new_page(browser: Browser, live_url: str, request: pytest.FixtureRequest) -> Iterator[NewPage]:
    """``new_page("phone", axe=True, locale="nl-NL")``: a page in its own, fresh browser context.

    Relative URLs (``page.goto("/login")``) go to the live server. ``axe=False`` keeps the
    site's Content-Security-Policy in force (axe cannot be injected then).
    """
    contexts = []

    def _new_page(viewport: str = "desktop", *, axe: bool = True, locale: str = "nl-NL") -> Page:
        context = browser.new_context(base_url=live_url, viewport=VIEWPORTS[viewport], locale=locale, bypass_csp=axe)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield _new_page
    if request.node.stash.get(_call_failed, False):
        _save_screenshots(request.node.nodeid, [p for c in contexts for p in c.pages])
    for context in contexts:
        context.close()


def _save_screenshots(nodeid: str, pages: list[Page]) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid.split("::", 1)[-1]).strip("_")
    for number, page in enumerate(pages, start=1):
        try:
            page.screenshot(path=str(SCREENSHOTS / f"{stem}-{number}.png"), full_page=True)
        except Exception as exc:  # a crashed page must not hide the test's own failure
            print(f"screenshot of {page.url} failed: {exc}")  # noqa: T201 - shown with the failure


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request: pytest.FixtureRequest) -> str:
    """Runs the test once per viewport: ``desktop`` and ``phone``."""
    return request.param


@pytest.fixture
def page(new_page: NewPage, viewport: str) -> Page:
    """A fresh page (axe-ready) at the test's viewport."""
    return new_page(viewport)
