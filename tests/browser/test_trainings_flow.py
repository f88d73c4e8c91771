"""Trainings in a real browser: a volunteer enrols in a session on a phone, and a coordinator records
the attendance of a past session (desktop). axe checks every page on the way.

Both use the demo's trainings (tenants.trainings.demo): each tenant has an upcoming session of its
own course with free places (the demo volunteer accounts are not enrolled in it), and the latest
basic-training session, a few days ago, still waits for its attendance.
"""

from __future__ import annotations

from saas.demo import DEMO_PASSWORD, demo_email, demo_totp_secret
from tenants.trainings.demo import OWN_COURSES
from tests.browser import NewPage, assert_accessible, expect_success, follow, path_of, sign_in, submit

#: No other browser test signs in with this volunteer on a phone (the CSP test does, at desktop).
PHONE_VOLUNTEER = ("vrijwilliger.zeist", "zeist")
#: Every coordinator signs in somewhere else at desktop too; Bram Visser only once (the families
#: flow), so this second sign-in takes the next authenticator code without waiting.
DESKTOP_COORDINATOR = ("coordinator.papendrecht", "papendrecht")


def test_volunteer_enrols_in_a_session_on_a_phone(new_page: NewPage) -> None:
    account, slug = PHONE_VOLUNTEER
    course = OWN_COURSES[slug][0]
    page = new_page("phone")
    sign_in(page, demo_email(account), DEMO_PASSWORD)
    assert path_of(page) == f"/t/{slug}/"

    # "My trainings": the basic training is done, and there are sessions to enrol in -----------------
    follow(page, f".site-nav a[href='/t/{slug}/me/trainings/']")
    assert path_of(page) == f"/t/{slug}/me/trainings/"
    assert page.locator("#certificates .card", has_text="Basistraining Samen Oplopen").count() >= 1
    assert page.locator("#mine .card", has_text=course).count() == 0
    card = page.locator("#open .card", has_text=course).first
    assert card.is_visible()
    when = card.locator("p").nth(1).inner_text()
    assert_accessible(page)

    # Enrol ------------------------------------------------------------------------------------------
    submit(page, card.locator("form"))
    expect_success(page)
    assert page.locator(".flash--warning").count() == 0, "the session had free places"
    assert path_of(page) == f"/t/{slug}/me/trainings/"
    mine = page.locator("#mine .card", has_text=course)
    assert mine.count() == 1 and when.split(" · ")[0] in mine.inner_text()
    assert mine.locator("form button[type=submit]").is_visible(), "an enrolment can be cancelled"
    assert page.locator("#open .card", has_text=course).count() == 0
    assert_accessible(page)


def test_coordinator_records_the_attendance_of_a_past_session(new_page: NewPage) -> None:
    account, slug = DESKTOP_COORDINATOR
    page = new_page("desktop")
    email = demo_email(account)
    sign_in(page, email, DEMO_PASSWORD, demo_totp_secret(email))
    assert path_of(page) == f"/t/{slug}/"

    # The trainings overview -------------------------------------------------------------------------
    follow(page, f".site-nav a[href='/t/{slug}/trainings/']")
    assert path_of(page) == f"/t/{slug}/trainings/"
    assert page.locator("#upcoming tbody tr").count() >= 1
    assert_accessible(page)

    # An upcoming session: the enrolment form and the waiting list --------------------------------------
    follow(page, "#upcoming tbody tr a")
    assert page.locator("#enrol form").count() == 1
    assert page.locator("#attendance-form").count() == 0
    assert_accessible(page)

    # The latest past session, whose attendance is still open ---------------------------------------------
    follow(page, f".breadcrumb a[href='/t/{slug}/trainings/']")
    follow(page, "#past tbody tr a")
    session_path = path_of(page)
    form = page.locator("#attendance-form")
    rows = form.locator("tbody tr")
    assert rows.count() >= 2, page.locator("main").inner_text()[:1000]
    assert form.locator("input[type=radio]:checked").count() == 0, "nothing recorded yet"
    assert_accessible(page)
    names = [rows.nth(i).locator("td").first.inner_text() for i in range(rows.count())]
    for i in range(rows.count()):
        rows.nth(i).locator("input[value=absent]" if i == 0 else "input[value=attended]").check()
    submit(page, form)
    expect_success(page)
    assert path_of(page) == session_path
    rows = page.locator("#attendance-form tbody tr")
    marked = {rows.nth(i).locator("td").first.inner_text(): rows.nth(i).locator("input:checked").get_attribute("value")
              for i in range(rows.count())}
    assert marked == {name: "absent" if i == 0 else "attended" for i, name in enumerate(names)}, marked
    assert_accessible(page)
