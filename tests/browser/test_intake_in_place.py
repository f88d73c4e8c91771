"""Issue 17 on a 375 px phone: the intake is refused for missing consent, explained on the intake
page, fixed there without losing what was typed, and the file then offers the waiting list.

The family is made straight in the live server's database (consent missing, a child under 16 and a
parent recorded as legal representative, the intake planned), under a unique name.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from flask import Flask
from sqlalchemy import select

from saas.auth.models import User
from saas.clock import local_today
from saas.db import db
from saas.demo import DEMO_PASSWORD, demo_email, demo_totp_secret
from saas.tenancy.models import Tenant
from tenants.families import operations
from tenants.families.vocabulary import Channel, MemberRole, ReferrerType, Track, YesNoUnknown
from tests.browser import LiveServer, NewPage, assert_accessible, path_of, sign_in, submit
from tests.factories.platform import in_tenant

#: Its only other browser test signs in at desktop width; fresh_totp_code takes the next code.
MANAGER, SLUG = "manager.zeist", "zeist"
STORY = "Lina zoekt iemand om mee te wandelen en samen de post te openen."


def planned_family_without_consent(
    app: Flask, tenant: Tenant, manager: User, today: date
) -> tuple[uuid.UUID, uuid.UUID]:
    """A family without consent, with Lina (legal representative) and Sam (8), its intake planned:
    the ids of the family and of Lina."""
    with in_tenant(app, tenant) as session:
        family = operations.register_family(manager, {
            "family_name": f"Familie Toestemming {uuid.uuid4().hex[:6]}", "track": Track.REGULAR,
            "municipality": tenant.municipalities[0], "referred_on": today - timedelta(days=3),
            "channel": Channel.PHONE, "referrer_type": ReferrerType.CJG,
            "would_otherwise_be_referred": YesNoUnknown.UNKNOWN})
        lina = operations.add_member(manager, family, {"role": MemberRole.PARENT, "first_name": "Lina",
                                                        "birth_date": date(today.year - 34, 3, 1),
                                                        "legal_representative": True})
        operations.add_member(manager, family, {"role": MemberRole.CHILD, "first_name": "Sam",
                                                "birth_date": today - timedelta(days=8 * 365),
                                                "legal_representative": False})
        operations.plan_intake(manager, family, {"planned_at": datetime.now(UTC), "coordinator_id": manager.id})
        ids = family.id, lina.id
        session.commit()
        session.remove()
    return ids


def test_missing_consent_is_fixed_on_the_intake_page_on_a_phone(new_page: NewPage, live_server: LiveServer) -> None:
    app, email = live_server.app, demo_email(MANAGER)
    with app.app_context():
        tenant = db.session.scalars(select(Tenant).where(Tenant.slug == SLUG)).one()
        manager = db.session.scalars(select(User).where(User.email == email)).one()
        today = local_today()
        db.session.remove()
    family_id, lina_id = planned_family_without_consent(app, tenant, manager, today)
    page = new_page("phone")
    sign_in(page, email, DEMO_PASSWORD, demo_totp_secret(email))
    file_path = f"/t/{SLUG}/families/{family_id}"
    page.goto(f"{file_path}/intake")
    consent = page.locator("#f-consent")
    assert consent.is_visible(), "the consent the intake needs is asked on the intake page itself"
    assert "not recorded yet" in consent.inner_text() or "nog niet" in consent.inner_text()
    assert_accessible(page)

    # The whole intake typed, consent left out: refused, and everything typed is still there.
    form = page.locator("main form[method=post]")
    form.locator("#f-present").fill("Lina en Sam")
    form.locator("#f-story").fill(STORY)
    form.locator("input[name=wish_day_parts][value=weekday_afternoon]").check()
    form.locator("input[name=judgement][value=suitable]").check()
    form.locator("input[name=child_safety][value=no_concerns]").check()
    submit(page, form)
    assert path_of(page) == f"{file_path}/intake"
    assert page.locator(".error-summary").is_visible()
    assert page.locator("#f-consent .field-error").is_visible()
    form = page.locator("main form[method=post]")
    assert form.locator("#f-story").input_value() == STORY
    assert form.locator("#f-present").input_value() == "Lina en Sam"
    assert form.locator("input[name=wish_day_parts][value=weekday_afternoon]").is_checked()
    assert form.locator("input[name=judgement][value=suitable]").is_checked()
    assert_accessible(page)

    # Fixed in place: Lina, recorded as legal representative, gave consent today.
    form.locator("#f-consent_given").check()
    form.locator("input[name=consent_purposes][value=support]").check()
    form.locator("#f-consent_on").fill(today.isoformat())
    form.locator(f"input[name=consent_member_id][value='{lina_id}']").check()
    submit(page, form)
    assert path_of(page) == file_path
    assert page.locator(".error-summary").count() == 0
    assert page.locator(".page-heading .state--intake_done").is_visible()

    # The next step is the waiting list, in the bar within thumb reach.
    bar_button = page.locator(".file-bar button[form]")
    assert bar_button.is_visible()
    assert_accessible(page)
    with page.expect_navigation():
        bar_button.click()
    assert page.locator(".page-heading .state--waiting").is_visible()
