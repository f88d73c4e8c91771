"""Licences in a real browser: a manager opens "Licence" (the demo's licence is invoiced outside
Stripe: no keys in the demo), at desktop and phone width; then the organisation's licence is
cancelled and every page shows the read-only banner. axe checks each page.

The live server's data is shared by all browser tests: the licence is put back afterwards, so the
tests after this one find Papendrecht fully usable again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Page
from sqlalchemy import select

from saas.billing.models import Licence
from saas.billing.status import LicenceStatus
from saas.db import db
from saas.demo import DEMO_PASSWORD, demo_email, demo_totp_secret
from saas.tenancy.models import Tenant
from tests.browser import VIEWPORTS, LiveServer, NewPage, assert_accessible, follow, path_of, sign_in

#: Wendy Kok signs in twice elsewhere (the crawl, the volunteers flow); this is her third sign-in,
#: so fresh_totp_code may wait for the next 30-second step.
MANAGER = ("manager.papendrecht", "papendrecht")


@contextmanager
def licence_status(live_server: LiveServer, slug: str, status: LicenceStatus) -> Iterator[None]:
    """The tenant's licence in ``status`` while the block runs, through the app's own database."""
    with live_server.app.app_context():
        licence = db.session.scalars(select(Licence).join(Tenant, Tenant.id == Licence.tenant_id)
                                     .where(Tenant.slug == slug)).one()
        previous, licence.status = licence.status, status
        db.session.commit()
        try:
            yield
        finally:
            licence.status = previous
            db.session.commit()
            db.session.remove()


def open_licence_page(page: Page, slug: str) -> None:
    follow(page, f".site-nav a[href='/t/{slug}/licence/']")
    assert path_of(page) == f"/t/{slug}/licence/"


def test_manager_sees_the_licence_and_then_the_read_only_banner(new_page: NewPage, live_server: LiveServer) -> None:
    account, slug = MANAGER
    page = new_page("desktop")
    email = demo_email(account)
    sign_in(page, email, DEMO_PASSWORD, demo_totp_secret(email))
    assert path_of(page) == f"/t/{slug}/"

    # The licence as the demo has it: the yearly licence, arranged with the foundation ---------------
    open_licence_page(page, slug)
    main = page.locator("main")
    assert page.locator(".site-nav a[aria-current='page']").get_attribute("href") == f"/t/{slug}/licence/"
    assert main.locator("h1").count() == 1
    assert "Jaarlicentie" in main.locator("#current-heading + dl, #current-heading ~ dl").first.inner_text()
    assert main.locator("#arranged-heading").is_visible(), "no Stripe keys in the demo: arranged by hand"
    assert main.locator("form[action$='/licence/checkout']").count() == 0
    assert page.locator(".billing-banner").count() == 0
    assert_accessible(page)
    page.set_viewport_size(VIEWPORTS["phone"])
    page.reload()
    assert main.locator("#arranged-heading").is_visible()
    assert_accessible(page)

    # Cancelled: every page says the organisation is read-only ------------------------------------------
    with licence_status(live_server, slug, LicenceStatus.CANCELED):
        page.goto(f"/t/{slug}/")
        banner = page.locator(".billing-banner")
        assert banner.is_visible(), page.locator("main").inner_text()[:500]
        assert banner.locator(f"a[href='/t/{slug}/licence/']").count() == 1, "managers are shown where to renew"
        assert_accessible(page)
        open_licence_page(page, slug)
        assert main.locator(".notice--warning").is_visible(), "the licence page explains read-only itself"
        assert_accessible(page)
    page.reload()
    assert page.locator(".notice--warning").count() == 0 and page.locator(".billing-banner").count() == 0

    # Back from Checkout: "processing" until the webhook has confirmed; the page updates itself -------
    page.goto(f"/t/{slug}/licence/done?session_id=cs_test_demo")
    status = page.locator("#licence-status")
    assert status.locator("[data-state='waiting']").is_visible()
    assert_accessible(page)
    with licence_status(live_server, slug, LicenceStatus.ACTIVE):
        confirmed = status.locator("[data-state='confirmed']")
        confirmed.wait_for(state="visible", timeout=10_000)  # asked again within a few seconds, no reload
        assert not status.locator("[data-state='waiting']").is_visible()
        assert_accessible(page)
