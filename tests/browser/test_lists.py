"""Issue #15 on a 375 px phone: the family list's filters folded, htmx filtering without a page load,
and the family file's bar of next steps in sight; axe clean, and no CSP complaints in the console."""

from __future__ import annotations

from playwright.sync_api import Page

from saas.demo import DEMO_PASSWORD, demo_email, demo_totp_secret
from tests.browser import NewPage, assert_accessible, path_of, sign_in


def test_lists_and_the_family_file_on_a_phone(new_page: NewPage) -> None:
    page: Page = new_page("phone", axe=False)  # the real CSP: htmx must run under it
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
    email = demo_email("coordinator.zeist")
    sign_in(page, email, DEMO_PASSWORD, demo_totp_secret(email))
    slug = path_of(page).split("/")[2]

    page.goto(f"/t/{slug}/families/")
    assert not page.locator("#f-q").is_visible(), "the filters are folded on a phone"
    page.evaluate("window.samePage = true")
    page.locator(".filter-panel > summary").click()
    page.locator("#f-state").select_option("open")
    page.locator("main form[role=search] button[type=submit]").click()
    page.wait_for_url("**state=open**")
    page.locator("#filter-active", has_text="1 ").wait_for(state="attached")
    assert page.evaluate("window.samePage") is True, "htmx swapped the results without a page load"
    assert page.locator("#results tbody tr").count() > 0

    page.locator("#results tbody tr a").first.click()
    page.wait_for_url("**/families/*-*")
    bar = page.locator(".file-bar")
    assert bar.is_visible()
    box = bar.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 740 + 1 and box["y"] > 740 / 2, "within thumb reach"
    assert page.locator(".file-sections a[href='#household']").is_visible()
    assert not any("Content Security Policy" in text for text in console), console

    checked = new_page("phone")  # axe needs bypass_csp
    sign_in(checked, email, DEMO_PASSWORD, demo_totp_secret(email))
    for path in (f"/t/{slug}/families/", page.url):
        checked.goto(path)
        assert_accessible(checked)
