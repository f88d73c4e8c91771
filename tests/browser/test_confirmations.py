"""An irreversible action asks first, in a real browser at phone width (issue #15).

A manager adds a household member to a demo family and removes them again: the Remove button opens
a dialog (focus on Cancel, axe clean while it is open); Cancel and Escape close it, keep the member
and give focus back to the button; Confirm removes the member.

The live server's database is shared with the other browser tests: the member has a unique name.
"""

from __future__ import annotations

import uuid

from playwright.sync_api import Locator, Page

from saas.demo import DEMO_PASSWORD, demo_email, demo_totp_secret
from tests.browser import NewPage, assert_accessible, horizontal_overflow, path_of, sign_in

#: No other browser test signs in with this account (authenticator codes are single-use).
ACCOUNT, SLUG = "manager.zeist", "zeist"


def open_a_family_with_a_new_member(page: Page, name: str) -> Locator:
    """Open the first family of the list, add ``name`` to its household; return their table row."""
    page.goto(f"/t/{SLUG}/families/")
    with page.expect_navigation():
        page.locator("main table a[href^='/t/zeist/families/']").first.click()
    form = page.locator("main form[action$='/members']")
    form.locator("[name=role]").select_option("child")
    form.locator("[name=first_name]").fill(name)
    form.locator("[name=birth_date]").fill("2022-03-01")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    row = page.locator("#household tbody tr").filter(has_text=name)
    assert row.count() == 1, page.locator("main").inner_text()[:1000]
    return row


def test_removing_a_household_member_asks_first(new_page: NewPage) -> None:
    page = new_page("phone")
    email = demo_email(ACCOUNT)
    sign_in(page, email, DEMO_PASSWORD, demo_totp_secret(email))
    name = f"Test{uuid.uuid4().hex[:6]}"
    row = open_a_family_with_a_new_member(page, name)
    file_path = path_of(page)
    remove = row.locator("button[data-confirm-open]")
    dialog = row.locator("dialog")
    assert row.locator("input[name=confirmed][type=checkbox]").count() == 0  # JavaScript took the tick box away

    remove.click()
    assert dialog.is_visible() and dialog.get_attribute("aria-labelledby")
    assert dialog.locator("[data-confirm-cancel]").evaluate("el => el === document.activeElement")
    assert_accessible(page)
    assert horizontal_overflow(page) is None

    dialog.locator("[data-confirm-cancel]").click()
    assert not dialog.is_visible()
    assert remove.evaluate("el => el === document.activeElement")
    assert path_of(page) == file_path and row.count() == 1

    remove.click()
    assert dialog.is_visible()
    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    assert remove.evaluate("el => el === document.activeElement")
    assert row.count() == 1

    remove.click()
    with page.expect_navigation():
        dialog.locator("[data-confirm-yes]").click()
    assert page.locator(".flash--success").count() == 1
    assert page.locator("#household tbody tr").filter(has_text=name).count() == 0
