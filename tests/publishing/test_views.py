"""The tenant's "Shared with the foundation" page, and the names registered for the foundation."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from flask import Flask
from time_machine import TimeMachineFixture

from saas.audit.labels import action_label
from saas.auth.models import User
from saas.auth.roles import Role
from saas.foundation.labels import labels
from saas.foundation.models import PublicationStatus, PublicationTrigger
from saas.tenancy.models import Tenant
from tenants.publishing import job
from tenants.publishing.operations import PUBLISH_REQUESTED
from tests.factories.dashboard import create_instrument
from tests.factories.families import audit_actions
from tests.factories.platform import create_user
from tests.foundation.view_support import page_tables
from tests.publishing.test_job import publications, supported_family
from tests.support.clock import AMSTERDAM
from tests.support.sessions import SignIn


@pytest.fixture
def manager(app: Flask, tenant_a: Tenant) -> User:
    """A manager who reads English."""
    return create_user(app, "manager-en@alpha.example", tenant=tenant_a, role=Role.MANAGER, locale="en")


def test_the_page_shows_the_figures_shared_per_year_in_plain_words(
        app: Flask, tenant_a: Tenant, manager: User, signed_in: SignIn, monkeypatch: pytest.MonkeyPatch) -> None:
    supported_family(app, tenant_a)  # supported since March 2025; the clock is in January 2026
    with app.app_context():
        job.publish_tenant(tenant_a.id, PublicationTrigger.NIGHTLY)
        monkeypatch.setattr(job, "compute_cells", lambda periods: (_ for _ in ()).throw(RuntimeError("broken")))
        job.publish_tenant(tenant_a.id, PublicationTrigger.ON_DEMAND)
    page = signed_in(manager).get(f"/t/{tenant_a.slug}/statistics/")
    assert page.status_code == 200
    html = page.text
    assert "Shared with the foundation" in html and "never" in html.lower()
    assert "Not shared: something went wrong (RuntimeError: broken)" in html and "Published" in html
    header, *rows = page_tables(html)["The figures your organisation shared, per year"]
    # Newest year first: 2026 has begun (the family is still supported), 2025 is not released yet.
    assert header[1:] == ["2026", "2025"]
    assert "<strong>2025</strong>: Not seen yet: from 1 February 2026" in html
    assert {row[0]: row[1:] for row in rows}["Families supported"] == ["1", "1"]
    words = re.sub(r"<[^>]+>", " ", html)  # what a reader sees, not the markup's class names
    for jargon in ("cell", "Cell", "command line", "Command line", "Periods"):
        assert jargon not in words, jargon
    assert "Share now" in html


def test_a_released_year_says_since_when_the_foundation_sees_it(
        app: Flask, tenant_a: Tenant, manager: User, signed_in: SignIn, time_machine: TimeMachineFixture) -> None:
    supported_family(app, tenant_a)
    with app.app_context():
        job.publish_tenant(tenant_a.id, PublicationTrigger.NIGHTLY)
    time_machine.move_to(datetime(2026, 2, 3, 12, tzinfo=AMSTERDAM))
    html = signed_in(manager).get(f"/t/{tenant_a.slug}/statistics/").text
    assert "<strong>2025</strong>: Seen by the foundation since 1 February 2026" in html


def test_publish_now_publishes_and_is_audited(app: Flask, tenant_a: Tenant, manager: User,
                                              signed_in: SignIn) -> None:
    supported_family(app, tenant_a)
    client = signed_in(manager)
    response = client.post(f"/t/{tenant_a.slug}/statistics/publish")
    assert response.status_code == 302 and response.location.endswith(f"/t/{tenant_a.slug}/statistics/")
    (publication,) = publications(app, tenant_a)
    assert (publication.trigger, publication.status) == (PublicationTrigger.ON_DEMAND, PublicationStatus.SUCCEEDED)
    assert publication.cells > 0
    assert [event.action for event in audit_actions(app, tenant_a)][-1] == PUBLISH_REQUESTED
    assert action_label(PUBLISH_REQUESTED) != PUBLISH_REQUESTED
    page = client.get(response.location)
    assert "Your figures have been shared." in page.text


def test_the_codes_are_named_without_a_tenant(app: Flask) -> None:
    create_instrument(app)
    with app.app_context():
        assert labels("track", "en") == {"regular": "Family track", "first_1000_days": "First 1000 days"}
        assert labels("domain", "en") == {"finances": "Finances", "housing": "Housing"}
        assert labels("domain", "nl")["finances"] == "Financiën"
        assert labels("domain", "ar")["housing"] == "Wonen"  # no Arabic name: the Dutch one
        assert labels("closure_reason", "en")["goals_reached"] == "Goals reached"
        assert labels("closure_reason", "nl")["goals_reached"] != "Goals reached"
