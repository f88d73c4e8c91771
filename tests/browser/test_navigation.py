"""The site header: a short bar whose menu folds away on phones (without JavaScript), and the
language choice in the footer, each language named in its own language (WCAG 3.1.2)."""

from __future__ import annotations

from playwright.sync_api import Page

from saas.demo import DEMO_PASSWORD, demo_email
from tests.browser import NewPage, assert_accessible, sign_in

#: A volunteer: no second factor, and this test only reads.
ACCOUNT = "vrijwilliger.zeist"
#: The header (with the folded menu) may take at most this share of a phone's first screen.
MAX_HEADER_SHARE = 0.15


def _signed_in(new_page: NewPage, viewport: str) -> Page:
    return sign_in(new_page(viewport), demo_email(ACCOUNT), DEMO_PASSWORD)


def _header_share(page: Page) -> float:
    box = page.locator("header.site-header").bounding_box()
    assert box is not None
    return box["height"] / page.viewport_size["height"]  # type: ignore[index]


def test_on_a_phone_the_menu_is_folded_and_opens(new_page: NewPage) -> None:
    page = _signed_in(new_page, "phone")
    toggle = page.locator("summary.site-menu__toggle")
    current = page.locator(".site-nav a[aria-current='page']")
    assert toggle.is_visible()
    assert not current.is_visible(), "the menu starts folded"
    assert _header_share(page) <= MAX_HEADER_SHARE
    assert_accessible(page)

    toggle.click()
    assert page.locator("details.site-menu").get_attribute("open") is not None
    assert current.is_visible(), "the current page keeps aria-current"
    assert page.locator(".site-nav form[action='/logout'] button").is_visible()
    assert_accessible(page)

    toggle.click()
    assert not current.is_visible()


def test_on_a_wide_screen_the_menu_is_always_open(new_page: NewPage) -> None:
    page = _signed_in(new_page, "desktop")
    assert not page.locator("summary.site-menu__toggle").is_visible()
    assert page.locator(".site-nav a[aria-current='page']").is_visible()
    assert _header_share(page) <= MAX_HEADER_SHARE
    assert_accessible(page)


def test_the_language_choice_is_in_the_footer_each_name_in_its_own_language(new_page: NewPage) -> None:
    page = _signed_in(new_page, "phone")
    assert page.locator("header form.language-switch").count() == 0
    options = page.locator("footer form.language-switch select#language-select option")
    langs = {options.nth(i).get_attribute("value"): options.nth(i).get_attribute("lang")
             for i in range(options.count())}
    assert langs == {"nl": "nl", "en": "en", "ar": "ar"}

    # The account page's language setting marks the names too (not the "automatic" choice).
    page.goto("/account/")
    account_options = page.locator("select#f-locale option[lang]")
    assert sorted(account_options.evaluate_all("os => os.map(o => o.lang)")) == ["ar", "en", "nl"]
    assert_accessible(page)
