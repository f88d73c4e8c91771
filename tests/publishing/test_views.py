"""The tenant's "Shared with the foundation" page, and the names registered for the foundation."""

from __future__ import annotations

import pytest
from flask import Flask

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
from tests.publishing.test_job import publications, supported_family
from tests.support.sessions import SignIn


@pytest.fixture
def manager(app: Flask, tenant_a: Tenant) -> User:
    """A manager who reads English."""
    return create_user(app, "manager-en@alpha.example", tenant=tenant_a, role=Role.MANAGER, locale="en")


def test_the_page_lists_publications_and_cells_per_period(
        app: Flask, tenant_a: Tenant, manager: User, signed_in: SignIn, monkeypatch: pytest.MonkeyPatch) -> None:
    supported_family(app, tenant_a)
    with app.app_context():
        cells = job.publish_tenant(tenant_a.id, PublicationTrigger.NIGHTLY).cells
        monkeypatch.setattr(job, "compute_cells", lambda periods: (_ for _ in ()).throw(RuntimeError("broken")))
        job.publish_tenant(tenant_a.id, PublicationTrigger.ON_DEMAND)
    page = signed_in(manager).get(f"/t/{tenant_a.slug}/statistics/")
    assert page.status_code == 200
    html = page.text
    assert "Shared with the foundation" in html and "never" in html.lower()
    assert "RuntimeError: broken" in html and "Failed" in html and "Published" in html
    assert f">{cells}<" in html  # the run's cells
    assert "Publish now" in html and "Q1 2025" in html


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
    assert "The statistics have been published." in page.text


def test_the_codes_are_named_without_a_tenant(app: Flask) -> None:
    create_instrument(app)
    with app.app_context():
        assert labels("track", "en") == {"regular": "Family track", "first_1000_days": "First 1000 days"}
        assert labels("domain", "en") == {"finances": "Finances", "housing": "Housing"}
        assert labels("domain", "nl")["finances"] == "Financiën"
        assert labels("domain", "ar")["housing"] == "Wonen"  # no Arabic name: the Dutch one
        assert labels("closure_reason", "en")["goals_reached"] == "Goals reached"
        assert labels("closure_reason", "nl")["goals_reached"] != "Goals reached"
