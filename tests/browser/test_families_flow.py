"""A family file from referral to closure in a real browser, at desktop and phone width.

A coordinator registers a referral (with consent and a child under 16), plans and records the
intake, puts the family on the waiting list with the "change state" form and closes the case;
the timeline shows each step. axe checks the list, the forms and the file on the way.

The live server's database is shared with the other browser tests (and may hold demo families),
so the test creates its own family under a unique name and looks only at that one.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from playwright.sync_api import Page

from saas.demo import DEMO_PASSWORD, demo_email, demo_totp_secret
from tests.browser import assert_accessible, follow, path_of, sign_in, submit, submit_confirmed

#: A coordinator per viewport and the tenant they work in. Authenticator codes are single-use, so
#: these are accounts no other browser test signs in with (a third sign-in of one account within
#: 30 seconds waits for the next code). Fatima coordinates in two tenants and picks Zeist.
COORDINATORS = {"desktop": ("coordinator.papendrecht", "papendrecht"), "phone": ("fatima", "zeist")}


def expect_success(page: Page) -> None:
    """The step worked: a success message and no error summary."""
    assert page.locator(".error-summary").count() == 0, page.locator(".error-summary").inner_text()
    assert page.locator(".flash--success").count() == 1, page.locator("main").inner_text()[:1000]


def test_coordinator_takes_a_family_from_referral_to_closure(page: Page, viewport: str) -> None:
    account, slug = COORDINATORS[viewport]
    email = demo_email(account)
    sign_in(page, email, DEMO_PASSWORD, demo_totp_secret(email))
    if path_of(page) != f"/t/{slug}/":  # someone working in several organisations chooses one first
        follow(page, f"main a[href='/t/{slug}/']")
    assert path_of(page) == f"/t/{slug}/"
    base = f"/t/{slug}/families"
    assert page.locator(f"main a[href='{base}/?coordinator=me&state=open']").is_visible(), "start page: my caseload"
    name = f"Familie Test {viewport} {uuid.uuid4().hex[:6]}"

    # The list, reached from the main navigation -------------------------------------------------
    follow(page, f".site-nav a[href='{base}/']")
    assert path_of(page) == f"{base}/"
    if viewport == "phone":  # the filters are folded on a phone (issue #15)
        assert not page.locator("main form[role=search]").is_visible()
        page.locator(".filter-panel > summary").click()
    assert page.locator("main form[role=search]").is_visible()
    assert_accessible(page)

    # Register the referral -----------------------------------------------------------------------
    follow(page, f"main a[href='{base}/new']")
    assert path_of(page) == f"{base}/new"
    assert_accessible(page)
    form = page.locator("main form[method=post]")
    form.locator("#f-family_name").fill(name)
    form.locator("#f-municipality").select_option(index=1)
    form.locator("#f-channel").select_option("phone")
    form.locator("#f-referrer_type").select_option("cjg")
    form.locator("#f-help_question").fill("Moeder zoekt steun bij de opvoeding en de post.")
    form.locator("input[name=help_domains][value=parenting]").check()
    form.locator("input[name=help_domains][value=finances]").check()
    referred_on = form.locator("#f-referred_on").input_value()  # today, as the server sees it
    assert referred_on, "the referral date defaults to today"
    form.locator("#f-consent_given").check()
    form.locator("input[name=consent_purposes][value=support]").check()
    form.locator("#f-consent_on").fill(referred_on)
    form.locator("#f-consent_by").fill("Moeder, met ouderlijk gezag")
    form.locator("#f-consent_by_legal_representative").check()
    submit(page, form)
    expect_success(page)
    file_path = path_of(page)
    assert file_path.startswith(f"{base}/") and page.locator("h1").inner_text().startswith(name)
    assert page.locator(".page-heading .state--referred").is_visible()

    # The household: a child under 16 and the parent with parental authority ------------------------
    today = date.fromisoformat(referred_on)
    for role, first_name, born, representative in (("child", "Sam", today - timedelta(days=8 * 365), False),
                                                    ("parent", "Lina", date(today.year - 35, 3, 1), True)):
        member_form = page.locator("#household form[aria-labelledby=member-heading]")
        member_form.locator("#f-role").select_option(role)
        member_form.locator("#f-first_name").fill(first_name)
        member_form.locator("#f-birth_date").fill(born.isoformat())
        if representative:
            member_form.locator("#f-legal_representative").check()
        submit(page, member_form)
        expect_success(page)
    members = page.locator("#household tbody tr")
    assert members.count() == 2
    assert members.filter(has_text="Sam").is_visible()
    assert_accessible(page)

    # Plan the intake ---------------------------------------------------------------------------------
    follow(page, f"main a[href='{file_path}/intake/plan']")
    plan_form = page.locator("main form[method=post]")
    plan_form.locator("#f-planned_at").fill(f"{referred_on}T10:00")
    assert plan_form.locator("#f-coordinator_id").input_value(), "the coordinator defaults to the one signed in"
    submit(page, plan_form)
    expect_success(page)
    assert page.locator(".page-heading .state--intake_planned").is_visible()

    # Record the intake ------------------------------------------------------------------------------
    follow(page, f"main a[href='{file_path}/intake']")
    assert_accessible(page)
    intake_form = page.locator("main form[method=post]")
    intake_form.locator("#f-present").fill("Moeder en Sam")
    intake_form.locator("#f-story").fill("Lina wil graag iemand om mee te wandelen en de post door te nemen.")
    intake_form.locator("input[name=wish_day_parts][value=weekday_afternoon]").check()
    intake_form.locator("input[name=wish_experience][value=parenting]").check()
    intake_form.locator("input[name=judgement][value=suitable]").check()
    intake_form.locator("input[name=child_safety][value=no_concerns]").check()
    submit(page, intake_form)
    expect_success(page)
    assert page.locator(".page-heading .state--intake_done").is_visible()
    assert page.locator("#intake").is_visible()

    # On to the waiting list, with the generic "change state" form ------------------------------------
    move_form = page.locator(f"main form[action='{file_path}/state']")
    move_form.locator("#f-to_state").select_option("waiting")
    submit(page, move_form)
    expect_success(page)
    assert page.locator(".page-heading .state--waiting").is_visible()
    follow(page, f".site-nav a[href='{base}/waiting']")
    assert page.locator("main tbody tr", has_text=name).is_visible()
    assert_accessible(page)
    follow(page, f"main tbody tr:has-text('{name}') a")
    assert path_of(page) == file_path

    # Close the case ---------------------------------------------------------------------------------
    follow(page, f"main a[href='{file_path}/close']")
    assert_accessible(page)
    close_form = page.locator("main form[method=post]")
    close_form.locator("#f-closure_reason").select_option("goals_reached")
    close_form.locator("input[name=professional_care_at_end][value=unchanged]").check()
    close_form.locator("input[name=prevented_referral_confirmed][value=yes]").check()
    close_form.locator("#f-satisfaction").fill("8")
    close_form.locator("#f-informal_contact_continues").check()
    submit_confirmed(page, close_form)
    expect_success(page)
    assert page.locator(".page-heading .state--closed").is_visible()
    assert page.locator("#closure").is_visible()
    assert page.locator(f"main form[action='{file_path}/state']").count() == 0, "an ended case cannot move"

    # The timeline shows every step, newest first -----------------------------------------------------
    timeline = page.locator("#timeline li")
    moves = [event.get_attribute("data-to-state")
             for event in page.locator("#timeline li.timeline__event--state_changed").all()]
    assert moves == ["closed", "waiting", "intake_done", "intake_planned"]
    assert timeline.last.get_attribute("class").endswith("--registered")
    assert page.locator("#timeline li.timeline__event--member_added").count() == 2

    # The list finds the closed file by its name -------------------------------------------------------
    follow(page, f".site-nav a[href='{base}/']")
    search = page.locator("main form[role=search]")
    if viewport == "phone":
        page.locator(".filter-panel > summary").click()
    search.locator("#f-q").fill(name)
    search.locator("#f-state").select_option("closed")
    search.locator("button[type=submit]").click()  # htmx swaps the results in place (or the page loads)
    page.locator("#filter-active", has_text="2 ").wait_for(state="attached")
    rows = page.locator("main tbody tr")
    assert rows.count() == 1 and rows.first.locator(".state--closed").is_visible()
