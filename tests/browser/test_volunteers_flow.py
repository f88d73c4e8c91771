"""Volunteers in a real browser: a coordinator takes an applicant to "available" (desktop), and a
volunteer updates their own availability on a phone. axe checks every page on the way.

The live server's database is shared with the other browser tests and holds the demo (which may or
may not include demo volunteers), so each test makes its own data through the pages and looks
only at that. The basic training a volunteer needs before becoming available goes through the pages
too: the coordinator registers sessions of the demo's required course that already took place,
enrols the applicant afterwards and records the attendance (see complete_basic_training).
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from playwright.sync_api import Locator, Page

from saas.demo import DEMO_PASSWORD, demo_email, demo_totp_secret
from tenants.trainings.demo import BASIC, CATALOGUE
from tests.browser import NewPage, assert_accessible, follow, html_lang_dir, path_of, sign_in

#: Accounts no other browser test signs in with at the same viewport (authenticator codes are
#: single-use: a third sign-in of one account within 30 seconds waits for the next code).
#: Fatima coordinates in Heusden and Zeist (the families flow takes her to Zeist on a phone).
DESKTOP_COORDINATOR = ("fatima", "heusden")
#: Ahmed is a volunteer in Papendrecht who reads the interface in English; no other browser test
#: uses him or Papendrecht's manager, who registers his record first.
PHONE_VOLUNTEER = ("ahmed", "Ahmed Yilmaz", "papendrecht")
PHONE_STAFF = "manager.papendrecht"


def submit(page: Page, form: Locator) -> None:
    """Submit ``form`` with its own submit button and wait for the next page."""
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def expect_success(page: Page) -> None:
    """The step worked: a success message and no error summary."""
    assert page.locator(".error-summary").count() == 0, page.locator(".error-summary").inner_text()
    assert page.locator(".flash--success").count() == 1, page.locator("main").inner_text()[:1000]


def sign_in_to(page: Page, account: str, slug: str, *, two_factor: bool) -> None:
    """Sign in a demo account and open ``slug`` (someone in several organisations chooses one first)."""
    email = demo_email(account)
    sign_in(page, email, DEMO_PASSWORD, demo_totp_secret(email) if two_factor else None)
    if path_of(page) != f"/t/{slug}/":
        follow(page, f"main a[href='/t/{slug}/']")
    assert path_of(page) == f"/t/{slug}/"


def move(page: Page, file_path: str, state: str) -> None:
    form = page.locator(f"main form[action='{file_path}/state']")
    form.locator("#f-to_state").select_option(state)
    submit(page, form)
    expect_success(page)
    assert page.locator(f".page-heading .state--{state}").is_visible()


def complete_basic_training(page: Page, slug: str, name: str, day: date) -> None:
    """The coordinator registers a session of every module of the demo's required course on ``day``
    (in the past), enrols the volunteer ``name`` afterwards and records them as attended: the last
    one completes the course. axe checks the session form and a session's page."""
    modules = next(course["modules"] for course in CATALOGUE if course["name"] == BASIC)
    for index in range(len(modules)):
        page.goto(f"/t/{slug}/trainings/sessions/new")
        form = page.locator("main form[method=post]")
        course_id = form.locator("#f-course_id option", has_text=BASIC).first.get_attribute("value")
        form.locator("#f-course_id").select_option(course_id)
        form.locator("#f-module_index").select_option(str(index))
        form.locator("#f-starts_at").fill(f"{day.isoformat()}T{10 + index:02d}:00")
        form.locator("#f-location").fill("Wijkcentrum De Schakel")
        if index == 0:
            assert_accessible(page)
        submit(page, form)
        expect_success(page)
        assert page.locator("#attendance-form").count() == 0, "nobody is enrolled yet"

        # Enrol afterwards: the session has already taken place ------------------------------------------
        enrol = page.locator("#enrol form")
        enrol.locator("#f-volunteer_id").select_option(label=name)
        if index == 0:
            assert_accessible(page)
        submit(page, enrol)
        expect_success(page)

        # The attendance ------------------------------------------------------------------------------
        attendance = page.locator("#attendance-form")
        attendance.locator("tbody tr", has_text=name).locator("input[value=attended]").check()
        submit(page, attendance)
        assert page.locator(".error-summary").count() == 0, page.locator(".error-summary").inner_text()
        done = index == len(modules) - 1
        assert page.locator(".flash--success").count() == (2 if done else 1), page.locator("main").inner_text()[:1000]
        assert page.locator(".flash--success", has_text=BASIC).count() == (1 if done else 0)
        assert page.locator("#attendance-form tbody tr", has_text=name).locator("input:checked") \
            .get_attribute("value") == "attended"
        if done:
            assert_accessible(page)


def test_coordinator_takes_an_applicant_to_available(new_page: NewPage) -> None:
    page = new_page("desktop")
    account, slug = DESKTOP_COORDINATOR
    sign_in_to(page, account, slug, two_factor=True)
    base = f"/t/{slug}/volunteers"
    suffix = uuid.uuid4().hex[:6]
    name = f"Vrijwilliger Test {suffix}"

    # The list, from the main navigation --------------------------------------------------------------
    follow(page, f".site-nav a[href='{base}/']")
    assert path_of(page) == f"{base}/"
    assert page.locator("main form[role=search]").is_visible()
    assert_accessible(page)

    # Register the application ------------------------------------------------------------------------
    follow(page, f"main a[href='{base}/new']")
    assert path_of(page) == f"{base}/new"
    assert_accessible(page)
    form = page.locator("main form[method=post]")
    applied_on = form.locator("#f-applied_on").input_value()  # today, as the server sees it
    assert applied_on, "the application date defaults to today"
    form.locator("#f-name").fill(name)
    form.locator("#f-email").fill(f"test-{suffix}@example.org")
    form.locator("#f-phone").fill("06-12345678")
    form.locator("#f-municipality").select_option(index=1)
    form.locator("input[name=day_parts][value=weekday_evening]").check()
    form.locator("input[name=day_parts][value=weekend]").check()
    form.locator("#f-max_families").fill("2")
    form.locator("#f-languages").fill("Nederlands\nArabisch")
    submit(page, form)
    expect_success(page)
    file_path = path_of(page)
    assert file_path.startswith(f"{base}/") and page.locator("h1").inner_text() == name
    assert page.locator(".page-heading .state--applicant").is_visible()
    assert_accessible(page)

    # The applicant list shows the new application ------------------------------------------------------
    follow(page, ".breadcrumb a")
    follow(page, f"main a[href='{base}/applicants']")
    assert path_of(page) == f"{base}/applicants"
    row = page.locator("main tbody tr", has_text=name)
    assert row.is_visible() and row.locator(".state--applicant").is_visible()
    assert_accessible(page)
    follow(page, f"main tbody tr:has-text('{name}') a")
    assert path_of(page) == file_path

    # Interview, screening with a VOG, basic training ---------------------------------------------------
    move(page, file_path, "intake")
    move(page, file_path, "screening")
    vog_form = page.locator(f"main form[action='{file_path}/screenings']")
    today = date.fromisoformat(applied_on)
    assert vog_form.locator("#f-screening_profile").input_value() == "45"
    assert vog_form.locator("#f-checked_on").input_value() == applied_on
    vog_form.locator("#f-issued_on").fill((today - timedelta(days=14)).isoformat())
    submit(page, vog_form)
    expect_success(page)
    assert page.locator("#screening tbody tr").count() == 1
    move(page, file_path, "training")

    # Not available before the required training; after it, with a recent VOG, ready to be matched --------
    form = page.locator(f"main form[action='{file_path}/state']")
    form.locator("#f-to_state").select_option("available")
    submit(page, form)
    assert BASIC in page.locator(".error-summary").inner_text(), "the required course is missing"
    complete_basic_training(page, slug, name, today - timedelta(days=1))
    page.goto(file_path)
    move(page, file_path, "available")
    readiness = page.locator("section[aria-labelledby=readiness-heading]")
    assert readiness.locator("ul li").count() == 0, readiness.inner_text()
    moves = [event.get_attribute("data-to-state")
             for event in page.locator("#timeline li.timeline__event--state_changed").all()]
    assert moves == ["available", "training", "screening", "intake"]
    assert page.locator("#timeline li.timeline__event--screening_added").count() == 1
    completed = page.locator("#timeline li.timeline__event--course_completed")
    assert completed.count() == 1 and BASIC in completed.inner_text()
    assert page.locator("#timeline li").last.get_attribute("class").endswith("--registered")
    assert_accessible(page)

    # The list shows them as ready, and finds them with the readiness filter -----------------------------
    follow(page, f".site-nav a[href='{base}/']")
    search = page.locator("main form[role=search]")
    search.locator("#f-q").fill(name)
    search.locator("#f-readiness").select_option("ready")
    submit(page, search)
    rows = page.locator("main tbody tr")
    assert rows.count() == 1
    assert rows.first.locator(".state--available").is_visible()
    assert rows.first.locator("td").nth(2).locator("strong").count() == 1  # "Yes", in bold
    assert_accessible(page)
    search = page.locator("main form[role=search]")
    search.locator("#f-readiness").select_option("not_ready")
    submit(page, search)
    assert page.locator("main tbody tr").count() == 0

    # The VOG page (nothing to renew for the new volunteer) ------------------------------------------------
    follow(page, f"main a[href='{base}/screening']")
    assert path_of(page) == f"{base}/screening"
    assert page.locator("main tbody tr", has_text=name).count() == 0
    assert_accessible(page)


def test_volunteer_updates_their_availability_on_a_phone(new_page: NewPage) -> None:
    account, full_name, slug = PHONE_VOLUNTEER
    email = demo_email(account)

    # The manager records the volunteer under the address of their account (the demo may already have
    # a record linked to the account; then that one stays theirs and this one stays unlinked).
    staff = new_page("phone")
    sign_in_to(staff, PHONE_STAFF, slug, two_factor=True)
    staff.goto(f"/t/{slug}/volunteers/new")
    form = staff.locator("main form[method=post]")
    form.locator("#f-name").fill(full_name)
    form.locator("#f-email").fill(email)
    submit(staff, form)
    expect_success(staff)

    # The volunteer opens "My profile" ------------------------------------------------------------------
    page = new_page("phone")
    sign_in_to(page, account, slug, two_factor=False)
    assert html_lang_dir(page) == ("en", "ltr")
    follow(page, f".site-nav a[href='/t/{slug}/me/']")
    assert path_of(page) == f"/t/{slug}/me/"
    assert page.locator("h1").inner_text() == "My profile"
    assert page.locator("#status-heading").is_visible(), "a record is linked to the account"
    assert page.locator("section[aria-labelledby=status-heading] dd").first.inner_text() == full_name
    assert_accessible(page)

    # Change the availability -----------------------------------------------------------------------------
    follow(page, f"main a[href='/t/{slug}/me/edit']")
    assert path_of(page) == f"/t/{slug}/me/edit"
    assert page.locator("main form input[name=name]").count() == 0, "the name is not the volunteer's to change"
    assert_accessible(page)
    form = page.locator("main form[method=post]")
    wanted = {"weekday_morning": True, "weekday_afternoon": False, "weekday_evening": True, "weekend": False}
    for value, ticked in wanted.items():
        form.locator(f"input[name=day_parts][value={value}]").set_checked(ticked)
    form.locator("#f-max_families").fill("2")
    form.locator("#f-phone").fill("06-87654321")
    submit(page, form)
    expect_success(page)
    assert path_of(page) == f"/t/{slug}/me/"
    availability = page.locator("section[aria-labelledby=availability-heading] dl")
    assert "Weekday mornings, Weekday evenings" in availability.inner_text()
    assert "06-87654321" in availability.inner_text()
    assert_accessible(page)

    # The form shows what was saved -----------------------------------------------------------------------
    follow(page, f"main a[href='/t/{slug}/me/edit']")
    form = page.locator("main form[method=post]")
    assert {value: form.locator(f"input[name=day_parts][value={value}]").is_checked() for value in wanted} == wanted
    assert form.locator("#f-max_families").input_value() == "2"
