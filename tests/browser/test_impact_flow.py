"""Impact in a real browser: a coordinator records a T0 on a phone, following the "T0 missing" signal;
a manager opens the impact dashboard and a municipality report, and downloads its PDF. axe checks
every page on the way.

The demo (tenants.impact.measurements.demo) leaves some matched families without a T0, so the signal is there,
and has completed measurements for the dashboard and the report.
"""

from __future__ import annotations

import re
from io import BytesIO

from pypdf import PdfReader

from saas.demo import DEMO_PASSWORD, demo_email, demo_totp_secret
from tests.browser import NewPage, assert_accessible, expect_success, follow, path_of, sign_in, submit

#: The crawl also signs in as this coordinator on a phone; a second sign-in takes the next code.
PHONE_COORDINATOR = ("coordinator.zeist", "zeist")
#: No other browser test signs in with this manager.
DESKTOP_MANAGER = ("manager.heusden", "heusden")


def test_coordinator_records_a_t0_on_a_phone(new_page: NewPage) -> None:
    account, slug = PHONE_COORDINATOR
    page = new_page("phone")
    email = demo_email(account)
    sign_in(page, email, DEMO_PASSWORD, demo_totp_secret(email))
    page.goto(f"/t/{slug}/?scope=all")
    signal = page.locator("#signals-t0_missing").locator("xpath=..").locator(".signal__title a").first
    assert signal.count() == 1, "the demo has a matched family without T0"
    folded = page.locator("#signals-t0_missing").locator("xpath=..").locator("details.signal-more:not([open])")
    if not signal.is_visible() and folded.count():  # a kind without urgent signals starts folded
        folded.first.locator("summary").click()
    with page.expect_navigation():
        signal.click()
    assert_accessible(page)
    follow(page, "a[href*='/measurements/new?moment=t0']")
    assert_accessible(page)
    submit(page, page.locator("main form"))
    expect_success(page)
    measurement_path = path_of(page)
    assert re.search(r"/measurements/[0-9a-f-]{36}$", measurement_path), measurement_path
    assert_accessible(page)

    # Answer every item of each domain page, then complete ---------------------------------------------
    for _ in range(12):
        form = page.locator("form[action$='/answers']")
        groups = form.locator("fieldset")
        for i in range(groups.count()):
            groups.nth(i).locator("input[type=radio]").nth(2).check()
        last = form.locator("button[name=go][value=next]").count() == 0
        submit(page, form, "button[name=go][value=save]" if last else "button[name=go][value=next]")
        assert page.locator(".error-summary").count() == 0, page.locator(".error-summary").inner_text()
        if last:
            break
    submit(page, page.locator("form[action$='/complete']"))
    expect_success(page)
    assert_accessible(page)


def test_manager_opens_the_dashboard_and_downloads_a_report(new_page: NewPage) -> None:
    account, slug = DESKTOP_MANAGER
    page = new_page("desktop")
    email = demo_email(account)
    sign_in(page, email, DEMO_PASSWORD, demo_totp_secret(email))

    follow(page, f".site-nav a[href='/t/{slug}/impact/']")
    assert page.locator("main table").count() >= 2, page.locator("main").inner_text()[:1000]
    assert page.locator("main img[src*='.svg']").count() >= 1
    assert_accessible(page)

    # A municipality report: ask for one, it is generated, download the PDF ----------------------------
    follow(page, f".site-nav a[href='/t/{slug}/reports/']")
    assert_accessible(page)
    form = page.locator("main form[method=post]").first
    submit(page, form)
    assert page.locator(".error-summary").count() == 0, page.locator(".error-summary").inner_text()
    assert_accessible(page)
    link = page.locator("a[href$='report.pdf']").first
    assert link.count() == 1, page.locator("main").inner_text()[:1000]
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    text = " ".join(pdf_page.extract_text() for pdf_page in PdfReader(BytesIO(response.body())).pages)
    assert "Heusden" in text and re.search(r"\d", text), text[:500]


def test_the_municipality_finds_last_years_report_on_a_phone(new_page: NewPage) -> None:
    """The demo (tenants.impact.reports.demo) submits last year's report of each tenant, so the
    municipality's report viewer signs in to something real."""
    page = new_page("phone")
    sign_in(page, demo_email("gemeente.papendrecht"), DEMO_PASSWORD, None)
    follow(page, ".site-nav a[href='/t/papendrecht/reports/']")
    assert_accessible(page)
    link = page.locator("a[href$='report.pdf']").first
    assert link.count() == 1, page.locator("main").inner_text()[:1000]
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200 and response.body().startswith(b"%PDF")
    text = " ".join(pdf_page.extract_text() for pdf_page in PdfReader(BytesIO(response.body())).pages)
    assert "Papendrecht" in text, text[:500]
