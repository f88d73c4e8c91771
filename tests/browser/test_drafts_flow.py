"""Issue 17: nothing typed is lost. A coordinator types a referral, the session ends while the form
is open, the form is sent anyway: the sign-in (password, then the code) leads back to the form with
everything typed, and sending it then registers the family."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from playwright.sync_api import Page, expect

from saas.demo import DEMO_PASSWORD, demo_email, demo_totp_secret
from tests.browser import LiveServer, NewPage, assert_accessible, fresh_totp_code, path_of, sign_in, submit

ACCOUNT, SLUG = "coordinator.heusden", "heusden"
HELP = "Moeder wil de post samen openen; vader werkt in ploegendienst."


@contextmanager
def sessions_end_at_once(app: Flask) -> Iterator[None]:
    """Every session counts as idle too long, as after half an hour away from the keyboard."""
    idle = app.config["IDLE_MINUTES"]
    app.config["IDLE_MINUTES"] = 0
    try:
        yield
    finally:
        app.config["IDLE_MINUTES"] = idle


def sign_in_here(page: Page, email: str) -> None:
    """Sign in on the sign-in page the app sent the person to (keeping where it leads back to)."""
    form = page.locator("main form").filter(has=page.locator("input[name=password]"))
    form.locator("input[name=email]").fill(email)
    form.locator("input[name=password]").fill(DEMO_PASSWORD)
    submit(page, form)
    form = page.locator("main form").filter(has=page.locator("input[name=code]"))
    form.locator("input[name=code]").fill(fresh_totp_code(demo_totp_secret(email)))
    submit(page, form)


def test_a_referral_sent_after_the_session_ended_is_found_again_and_sent(
        new_page: NewPage, live_server: LiveServer) -> None:
    email, name = demo_email(ACCOUNT), f"Familie Concept {uuid.uuid4().hex[:6]}"
    page = new_page("desktop")
    sign_in(page, email, DEMO_PASSWORD, demo_totp_secret(email))
    page.goto(f"/t/{SLUG}/families/new")
    form = page.locator("main form[method=post]").first
    form.locator("#f-family_name").fill(name)
    form.locator("#f-municipality").select_option(index=1)
    form.locator("#f-channel").select_option("phone")
    form.locator("#f-referrer_type").select_option("cjg")
    form.locator("input[name=help_domains][value=finances]").check()
    form.locator("#f-help_question").fill(HELP)
    # The draft is saved while typing (static/drafts.js), and the page says so.
    expect(form.locator("[data-draft-status]")).to_have_text("Concept opgeslagen.", timeout=10_000)

    with sessions_end_at_once(live_server.app):
        submit(page, form)
    assert path_of(page) == "/login"
    assert "bewaard" in page.locator(".flashes").inner_text()

    sign_in_here(page, email)
    assert path_of(page) == f"/t/{SLUG}/families/new"
    expect(page.locator(".draft-notice")).to_be_visible()
    form = page.locator("main form[method=post]").filter(has=page.locator("#f-family_name"))
    expect(form.locator("#f-family_name")).to_have_value(name)
    expect(form.locator("#f-help_question")).to_have_value(HELP)
    expect(form.locator("#f-channel")).to_have_value("phone")
    expect(form.locator("input[name=help_domains][value=finances]")).to_be_checked()
    assert_accessible(page)

    submit(page, form)
    assert path_of(page).startswith(f"/t/{SLUG}/families/") and path_of(page) != f"/t/{SLUG}/families/new"
    assert name in page.locator("main").inner_text()
    page.goto(f"/t/{SLUG}/families/new")
    assert page.locator(".draft-notice").count() == 0
    expect(page.locator("#f-family_name")).to_have_value("")
