"""Matching in a real browser: a coordinator makes a match from a suggestion and starts it (desktop),
and a volunteer logs a visit on a 375 px phone. axe checks every page on the way.

Both use the demo (tenants.matching.demo): each tenant has families on the waiting list, ready
volunteers with room, and every demo volunteer account walks alongside a family.
"""

from __future__ import annotations

from saas.demo import DEMO_PASSWORD, demo_email, demo_totp_secret
from tests.browser import NewPage, assert_accessible, expect_success, follow, path_of, sign_in, submit

#: No other browser test signs in with this coordinator.
DESKTOP_COORDINATOR = ("coordinator.heusden", "heusden")
#: This volunteer signs in elsewhere only at desktop (the language switch), without two-factor.
PHONE_VOLUNTEER = ("vrijwilliger.heusden", "heusden")


def test_coordinator_makes_a_match_from_a_suggestion_and_starts_it(new_page: NewPage) -> None:
    account, slug = DESKTOP_COORDINATOR
    page = new_page("desktop")
    email = demo_email(account)
    sign_in(page, email, DEMO_PASSWORD, demo_totp_secret(email))
    assert path_of(page) == f"/t/{slug}/"
    assert_accessible(page)  # the home page with its signals

    # The waiting list, then the family that waits longest ------------------------------------------
    follow(page, f".site-nav a[href='/t/{slug}/families/waiting']")
    follow(page, "main table tbody tr a")
    family_path = path_of(page)
    follow(page, "a[href$='/suggestions']")
    assert path_of(page) == f"{family_path}/suggestions"
    cards = page.locator("main ol.card-list > li.card")
    assert cards.count() >= 1, page.locator("main").inner_text()[:1000]
    best = cards.first
    volunteer = best.locator("h3 a").inner_text()
    best.locator("details summary").click()
    assert best.locator("details tbody tr").count() >= 5, "the score is explained criterion by criterion"
    assert_accessible(page)

    # Propose: the match page, then the introduction and the start ------------------------------------
    submit(page, best.locator("form"))
    expect_success(page)
    assert path_of(page).startswith(f"/t/{slug}/matches/")
    assert volunteer in page.locator("h1").inner_text()
    assert page.locator(".page-heading .state--proposed").count() == 1
    assert_accessible(page)
    submit(page, page.locator("form[action$='/introduction']"))
    expect_success(page)
    follow(page, "a[href$='/start']")
    assert_accessible(page)
    form = page.locator("main form")
    form.locator("select[name=frequency]").select_option("weekly")
    form.locator("input[name=contact_agreement]").fill("WhatsApp, niet na 21:00")
    form.locator("input[name=goal_social_network]").fill("Samen naar het buurthuis")
    submit(page, form)
    expect_success(page)
    assert page.locator(".page-heading .state--active").count() == 1
    assert "Samen naar het buurthuis" in page.locator("main").inner_text()
    assert_accessible(page)

    # The family file now shows the match --------------------------------------------------------------
    page.goto(family_path)
    assert page.locator("#matches .card", has_text=volunteer).count() == 1
    assert_accessible(page)


def test_volunteer_logs_a_visit_on_a_phone(new_page: NewPage) -> None:
    account, slug = PHONE_VOLUNTEER
    page = new_page("phone")
    sign_in(page, demo_email(account), DEMO_PASSWORD)
    assert path_of(page) == f"/t/{slug}/"

    follow(page, f".site-nav a[href='/t/{slug}/my/families/']")
    assert_accessible(page)
    follow(page, "main h2 a")
    assert path_of(page).startswith(f"/t/{slug}/my/families/")
    assert_accessible(page)

    # Two taps: the form is filled in for a visit today; add a domain and a short note ------------------
    form = page.locator("#log-visit form")
    form.locator("input[name=domains][value=social_network]").check()
    form.locator("textarea[name=note]").fill("Samen boodschappen gedaan en koffie gedronken.")
    submit(page, form)
    expect_success(page)
    assert "Samen boodschappen gedaan" in page.locator("#my-log .card").first.inner_text(), "newest first"
    assert_accessible(page)
