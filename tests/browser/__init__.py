"""Helpers for the browser tests: signing in, the language switch, accessibility checks.

The fixtures live in ``tests/browser/conftest.py``; these plain functions are imported by the
test modules (``from tests.browser import sign_in, assert_accessible``) so that later flows can
compose them freely.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pyotp
import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Locator, Page

#: The axe rule sets the pages must pass: WCAG 2.0 and 2.1, levels A and AA.
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
#: Violations of these impacts fail a test; "minor" and "moderate" ones do not.
BLOCKING_IMPACTS = frozenset({"serious", "critical"})

#: The type of the ``new_page`` fixture: ``new_page(viewport="desktop", *, axe=True, locale="nl-NL")``.
NewPage = Callable[..., Page]
#: The widths a test that asks for ``viewport`` runs at.
VIEWPORTS = {
    "desktop": {"width": 1280, "height": 800},
    "phone": {"width": 375, "height": 740},
}


@dataclass(frozen=True)
class LiveServer:
    """The live server the browser tests share (the ``live_server`` fixture)."""

    url: str
    app: Flask


_axe = Axe()


# Accessibility -------------------------------------------------------------------------------


def assert_accessible(page: Page, *, tags: tuple[str, ...] = WCAG_TAGS) -> None:
    """Run axe-core on the page as it is now and fail on serious or critical WCAG A/AA violations.

    Also fails when the page scrolls sideways (``scrollWidth`` wider than the viewport), which
    matters most on a 375 px phone. axe is injected with ``page.evaluate``, so the page's context
    must have been created with ``bypass_csp=True`` (the ``new_page`` fixture's default).
    """
    options = {"runOnly": {"type": "tag", "values": list(tags)}, "resultTypes": ["violations"]}
    results = _axe.run(page, options=options)
    blocking = [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    problems = [_describe_violation(v) for v in blocking]
    overflow = horizontal_overflow(page)
    if overflow:
        problems.append(overflow)
    if problems:
        pytest.fail(f"Accessibility check failed on {page.url}:\n" + "\n".join(problems), pytrace=False)


def _describe_violation(violation: dict[str, Any]) -> str:
    lines = [f"- {violation['id']} ({violation['impact']}): {violation['help']}  <{violation.get('helpUrl', '')}>"]
    for node in violation["nodes"]:
        target = " ".join(str(t) for t in node.get("target", []))
        snippet = " ".join(node.get("html", "").split())[:200]
        lines.append(f"    at {target}: {snippet}")
        summary = node.get("failureSummary")
        if summary:
            lines.extend(f"      {line.strip()}" for line in summary.splitlines() if line.strip())
    return "\n".join(lines)


def horizontal_overflow(page: Page) -> str | None:
    """A message when the document is wider than the window (content cut off or sideways scrolling)."""
    scroll_width, inner_width = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]")
    if scroll_width <= inner_width + 1:
        return None
    culprits = page.evaluate("""() => {
        // The outermost elements that stick out of the window and are not inside a scroll box.
        const limit = window.innerWidth + 1;
        const sticksOut = (el) => { const r = el.getBoundingClientRect(); return r.right > limit || r.left < -1; };
        const clipped = (el) => {
            for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
                if (getComputedStyle(a).overflowX !== "visible") return true;
            }
            return false;
        };
        const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
            + (typeof el.className === "string" && el.className.trim()
               ? "." + el.className.trim().split(/\\s+/).join(".") : "");
        return [...document.querySelectorAll("body *")]
            .filter((el) => sticksOut(el) && !clipped(el) && !(el.parentElement && sticksOut(el.parentElement)
                                                               && !clipped(el.parentElement)))
            .slice(0, 8).map(name);
    }""")
    return (f"- horizontal overflow: the document is {scroll_width}px wide in a {inner_width}px window"
            f" (widest elements: {', '.join(culprits) or 'unknown'})")


# Authenticator codes ---------------------------------------------------------------------------

_last_step: dict[str, int] = {}
_code_lock = threading.Lock()


def fresh_totp_code(secret: str) -> str:
    """An authenticator code the server has not accepted yet.

    Codes are single-use: the server remembers the last accepted time step and accepts one step
    of clock drift either way. So the first sign-in of an account in a 30-second window uses the
    current step, the second uses the next step, and a third has to wait for the clock (up to
    30 seconds). Give each test its own account where you can.
    """
    totp = pyotp.TOTP(secret)
    with _code_lock:
        while True:
            now = time.time()
            current = int(now // totp.interval)
            step = max(current, _last_step.get(secret, current - 1) + 1)
            if step <= current + 1:
                _last_step[secret] = step
                return totp.generate_otp(step)
            time.sleep(totp.interval - now % totp.interval + 0.05)


# Signing in ------------------------------------------------------------------------------------


def sign_in(
    page: Page,
    email: str,
    password: str,
    totp_secret: str | None = None,
    *,
    remember: bool = False,
    check_page: Callable[[Page], None] | None = None,
) -> Page:
    """Sign in through the real forms: /login, then /login/verify when ``totp_secret`` is given.

    ``check_page`` (for example ``assert_accessible``) runs on the login page and on the verify
    page before each is submitted. Returns the page, on wherever the app sent the person.
    """
    page.goto("/login")
    _expect_path(page, "/login")
    if check_page:
        check_page(page)
    form = page.locator("main form").filter(has=page.locator("input[name=password]"))
    form.locator("input[name=email]").fill(email)
    form.locator("input[name=password]").fill(password)
    if remember:
        form.locator("input[name=remember]").check()
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    if totp_secret is not None:
        _expect_path(page, "/login/verify", f"password step for {email}")
        if check_page:
            check_page(page)
        form = page.locator("main form").filter(has=page.locator("input[name=code]"))
        form.locator("input[name=code]").fill(fresh_totp_code(totp_secret))
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
    path = path_of(page)
    if path.startswith(("/login", "/account/two-factor/setup")):
        errors = page.locator(".error-summary, .flashes").all_inner_texts()
        pytest.fail(f"Signing in as {email} stopped at {path}: {' | '.join(errors) or 'no message'}", pytrace=False)
    return page


def open_menu(page: Page) -> None:
    """On a phone the main menu is a folded <details>: open it, as a person taps "Menu" (nothing to
    do on a wide screen, where it is always open)."""
    toggle = page.locator("summary.site-menu__toggle")
    if toggle.is_visible() and page.locator("details.site-menu[open]").count() == 0:
        toggle.click()


def sign_out(page: Page) -> None:
    open_menu(page)
    with page.expect_navigation():
        page.locator(".site-nav form[action='/logout'] button[type=submit]").click()
    _expect_path(page, "/login")


# The language switch ----------------------------------------------------------------------------


def switch_language(page: Page, locale: str) -> None:
    """Choose ``locale`` in the header's language form and submit it (as a person would)."""
    form = page.locator("form.language-switch")
    form.locator("select#language-select").select_option(locale)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def html_lang_dir(page: Page) -> tuple[str | None, str | None]:
    html = page.locator("html")
    return html.get_attribute("lang"), html.get_attribute("dir")


# Small utilities --------------------------------------------------------------------------------


def path_of(page: Page) -> str:
    """The path of the page's current URL (``/t/heusden/``)."""
    return urlsplit(page.url).path


def follow(page: Page, selector: str) -> None:
    """Click the first element matching ``selector`` and wait for the page it leads to (a link of
    the main menu: with the menu opened first, on a phone)."""
    if selector.startswith(".site-nav"):
        open_menu(page)
    with page.expect_navigation():
        page.locator(selector).first.click()


def submit(page: Page, form: Locator, button: str = "button[type=submit]") -> None:
    """Submit ``form`` with its (single) ``button`` and wait for the next page."""
    with page.expect_navigation():
        form.locator(button).click()


def submit_confirmed(page: Page, form: Locator) -> None:
    """Submit an irreversible action's ``form`` (macros/confirm.html): its button opens the dialog,
    whose confirm button sends the form; wait for the next page."""
    form.locator("button[data-confirm-open]").click()
    dialog = form.locator("dialog")
    assert dialog.is_visible(), "the action asks for confirmation first"
    with page.expect_navigation():
        dialog.locator("[data-confirm-yes]").click()


def expect_success(page: Page) -> None:
    """The step worked: no error summary and at least one success message."""
    assert page.locator(".error-summary").count() == 0, page.locator(".error-summary").inner_text()
    assert page.locator(".flash--success").count() >= 1, page.locator("main").inner_text()[:1000]


def _expect_path(page: Page, expected: str, during: str = "") -> None:
    path = path_of(page)
    if path != expected:
        errors = page.locator(".error-summary, .flashes").all_inner_texts()
        where = f" after the {during}" if during else ""
        pytest.fail(f"Expected {expected}{where}, got {page.url} ({' | '.join(errors) or 'no message'})",
                    pytrace=False)
