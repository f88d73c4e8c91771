"""Issue 17 on a 375 px phone: a volunteer opens her notification preferences from her account page,
turns one kind off and saves; a tampered choice is refused and explained. axe and the phone's width
are checked on every page on the way.

The volunteer is a fresh account of her own in the live server's database (unique e-mail), so no
other test's data is touched.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select

from saas.auth.roles import Role
from saas.db import db
from saas.tenancy.models import Tenant
from tests.browser import (
    LiveServer,
    NewPage,
    assert_accessible,
    expect_success,
    horizontal_overflow,
    path_of,
    sign_in,
    submit,
)
from tests.factories.platform import PASSWORD, create_user

SLUG = "heusden"
PAGE = f"/t/{SLUG}/account/notifications"


def test_a_volunteer_chooses_her_notifications_on_a_phone(new_page: NewPage, live_server: LiveServer) -> None:
    app = live_server.app
    with app.app_context():
        tenant = db.session.scalars(select(Tenant).where(Tenant.slug == SLUG)).one()
        db.session.remove()
    email = f"melding-{uuid.uuid4().hex[:8]}@example.org"
    create_user(app, email, tenant=tenant, role=Role.VOLUNTEER, name="Mila Melding")

    page = new_page("phone")
    sign_in(page, email, PASSWORD)
    page.goto("/account/")
    with page.expect_navigation():
        page.locator(f"a[href='{PAGE}']").click()
    assert path_of(page) == PAGE
    assert_accessible(page)
    assert horizontal_overflow(page) is None, horizontal_overflow(page)

    form = page.locator(f"main form[action='{PAGE}']")
    form.locator("#f-match_paused-off").check()
    submit(page, form)
    expect_success(page)
    assert page.locator("#f-match_paused-off").is_checked()
    assert_accessible(page)

    # A choice that is not offered (sent by hand): refused and explained, nothing changed ------------------
    page.evaluate("""() => { const radio = document.querySelector('#f-match_paused-off');
                             radio.value = 'sometimes'; }""")
    submit(page, page.locator(f"main form[action='{PAGE}']"))
    assert page.locator(".error-summary").count() == 1
    assert page.locator("#f-match_paused-error").is_visible()
    assert_accessible(page)
    assert horizontal_overflow(page) is None, horizontal_overflow(page)
