"""The platform's main flows in a real browser, at desktop and phone width, with axe on every page.

Each test signs in its own demo account(s) so the tests stay independent: authenticator codes
are single-use, and a language choice is stored on the account.
"""

from __future__ import annotations

from playwright.sync_api import ConsoleMessage, Error, Page

from saas.demo import DEMO_PASSWORD, demo_email, demo_totp_secret
from tests.browser import (
    NewPage,
    assert_accessible,
    follow,
    html_lang_dir,
    path_of,
    sign_in,
    sign_out,
    switch_language,
)


def staff(local_part: str) -> tuple[str, str, str]:
    """(email, password, authenticator secret) of a demo account with two-factor sign-in."""
    email = demo_email(local_part)
    return email, DEMO_PASSWORD, demo_totp_secret(email)


def open_page(page: Page, path: str) -> Page:
    response = page.goto(path)
    assert response is not None and response.status == 200, f"{path}: {response and response.status}"
    assert path_of(page) == path
    return page


def test_coordinator_signs_in_with_authenticator(page: Page) -> None:
    sign_in(page, *staff("coordinator.heusden"), check_page=assert_accessible)

    assert path_of(page) == "/t/heusden/"
    assert page.locator("h1").inner_text() == "Samen Oplopen Heusden"
    assert_accessible(page)


#: Volunteers (no second factor), one per viewport: the language is saved on the account.
LANGUAGE_ACCOUNTS = {"desktop": "vrijwilliger.heusden", "phone": "ingrid"}


def test_language_switch_to_arabic_and_back(page: Page, viewport: str) -> None:
    sign_in(page, demo_email(LANGUAGE_ACCOUNTS[viewport]), DEMO_PASSWORD)
    assert path_of(page) == "/t/heusden/"
    assert html_lang_dir(page) == ("nl", "ltr")

    switch_language(page, "ar")
    assert path_of(page) == "/t/heusden/", "the switch returns to the same page"
    assert html_lang_dir(page) == ("ar", "rtl")
    assert page.locator("#language-select").input_value() == "ar"
    assert page.locator("h1").inner_text() == "Samen Oplopen Heusden"
    assert_accessible(page)

    switch_language(page, "en")
    assert html_lang_dir(page) == ("en", "ltr")
    assert page.locator("#language-select").input_value() == "en"

    switch_language(page, "nl")
    assert html_lang_dir(page) == ("nl", "ltr")
    assert path_of(page) == "/t/heusden/"
    assert_accessible(page)


def test_manager_opens_team_and_audit_log(page: Page) -> None:
    sign_in(page, *staff("manager.heusden"))
    assert path_of(page) == "/t/heusden/"

    follow(page, ".site-nav a[href='/t/heusden/members/']")
    assert path_of(page) == "/t/heusden/members/"
    members = page.locator("section[aria-labelledby=members-heading] tbody")
    assert members.locator("td", has_text="manager.heusden@").is_visible()  # the manager's own row
    assert members.locator("tr").count() >= 6  # the demo team of Heusden
    assert_accessible(page)

    follow(page, ".site-nav a[href='/t/heusden/audit/']")
    assert path_of(page) == "/t/heusden/audit/"
    assert page.locator("main table").count() >= 1
    assert_accessible(page)


def test_foundation_admin_opens_organisations_and_new_form(page: Page) -> None:
    sign_in(page, *staff("stichting"))
    assert path_of(page) == "/foundation/"  # the national statistics: where the foundation lands
    follow(page, ".site-nav a[href='/foundation/tenants/']")
    assert path_of(page) == "/foundation/tenants/"
    assert page.locator("main table tbody a", has_text="Samen Oplopen Heusden").is_visible()
    assert_accessible(page)

    with page.expect_navigation():
        page.locator("main a[href='/foundation/tenants/new']").click()
    assert path_of(page) == "/foundation/tenants/new"
    assert page.locator("main form input[name=slug]").is_visible()
    assert_accessible(page)


def test_account_page(page: Page) -> None:
    sign_in(page, *staff("coordinator.zeist"))
    open_page(page, "/account/")
    assert page.locator("h1").is_visible()
    assert_accessible(page)

    sign_out(page)
    page.goto("/account/")
    assert path_of(page) == "/login", "signed out: the account page asks to sign in again"


#: Volunteers (no second factor), one per viewport.
CSP_ACCOUNTS = {"desktop": "vrijwilliger.zeist", "phone": "vrijwilliger.papendrecht"}

#: Reports each CSP violation on the console; init scripts run even under a strict CSP.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`Content-Security-Policy violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
});
"""


def _is_csp_message(message: ConsoleMessage) -> bool:
    text = message.text.lower()
    return "content security policy" in text or "content-security-policy" in text


def test_no_content_security_policy_violations(new_page: NewPage, viewport: str) -> None:
    """With the CSP in force (no bypass): pages load without a single violation or script error."""
    page = new_page(viewport, axe=False)
    page.add_init_script(REPORT_CSP_VIOLATIONS)
    console: list[ConsoleMessage] = []
    errors: list[Error] = []
    failed: list[str] = []
    page.on("console", lambda message: console.append(message))
    page.on("pageerror", lambda error: errors.append(error))
    page.on("response", lambda response: failed.append(f"{response.status} {response.url}")
            if response.status >= 400 else None)

    sign_in(page, demo_email(CSP_ACCOUNTS[viewport]), DEMO_PASSWORD)
    tenant = path_of(page)
    assert tenant.startswith("/t/") and page.locator("h1").inner_text().startswith("Samen Oplopen ")
    open_page(page, "/account/")
    page.wait_for_load_state("load")

    violations = [m.text for m in console if _is_csp_message(m)]
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)
    assert not errors, "JavaScript errors:\n" + "\n".join(str(e) for e in errors)
    assert not failed, "Failed requests:\n" + "\n".join(failed)

    # The check itself works: an inline script is refused, and the refusal is seen.
    page.evaluate("""() => {
        const script = document.createElement("script");
        script.textContent = "window.inlineScriptRan = true";
        document.head.append(script);
    }""")
    page.wait_for_timeout(100)
    assert page.evaluate("() => window.inlineScriptRan") is None, "the CSP must block inline scripts"
    assert any(_is_csp_message(m) for m in console), "a CSP violation should have been reported"

