"""The agreements page starts from what was agreed (AgreementsForm.form_values), and saving it
unchanged changes nothing."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from saas.audit.models import AuditEvent
from saas.auth.models import User
from saas.tenancy.models import Tenant
from tests.factories.contacts import form_fields
from tests.factories.matching import create_match, load_match
from tests.factories.platform import in_tenant
from tests.support.sessions import SignIn


def test_the_agreements_page_shows_what_was_agreed_and_an_unchanged_save_changes_nothing(
    app: Flask, tenant_a: Tenant, coordinator_a: User, signed_in: SignIn
) -> None:
    coordinator: FlaskClient = signed_in(coordinator_a)
    match = create_match(app, tenant_a, actor=coordinator_a)
    url = f"/t/{tenant_a.slug}/matches/{match.id}/agreements"
    page = coordinator.get(url)
    assert page.status_code == 200 and '<option value="weekly" selected>' in page.text
    shown = form_fields(page.text, f"/matches/{match.id}/agreements")
    assert (shown["contact_agreement"], shown["goal_social_network"], shown["goal_finances"]) == (
        "WhatsApp",
        "Meer mensen kennen in de buurt",
        "",
    )
    assert shown["planned_end_on"] == load_match(app, tenant_a, match.id).planned_end_on.isoformat()
    # form_fields reads inputs and text areas; the one select is sent as it was shown
    assert coordinator.post(url, data={**shown.to_dict(), "frequency": "weekly"}).status_code == 302
    with in_tenant(app, tenant_a) as session:
        assert session.scalars(select(AuditEvent).where(AuditEvent.action == "match.agreements_changed")).all() == []
