"""The audit trail of the family file (who opened and changed what) and editing the file."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from saas.audit.models import AuditEvent
from saas.auth.models import User
from saas.tenancy.models import Tenant
from tenants.families import queries
from tenants.families.models import CaseEvent, Family
from tests.factories.families import add_note, audit_actions, create_family, load_family, referral_form
from tests.factories.platform import in_tenant, today
from tests.support.sessions import SignIn


def actions(app: Flask, tenant: Tenant, action: str) -> list[AuditEvent]:
    return [event for event in audit_actions(app, tenant) if event.action == action]


def timeline_kinds(app: Flask, tenant: Tenant, family: Family) -> list[str]:
    with in_tenant(app, tenant) as session:
        return list(
            session.scalars(select(CaseEvent.kind).where(CaseEvent.family_id == family.id).order_by(CaseEvent.at))
        )


def test_opening_a_file_is_audited_with_the_actor_and_the_family(
    app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, family_a: Family
) -> None:
    assert signed_in(coordinator_a).get(f"/t/alpha/families/{family_a.id}").status_code == 200
    [viewed] = actions(app, tenant_a, "family.viewed")
    assert (viewed.actor_id, viewed.object_type, viewed.object_id) == (coordinator_a.id, "Family", str(family_a.id))
    assert viewed.ip == "127.0.0.1"


def test_every_opening_of_a_file_is_audited(
    app: Flask, signed_in: SignIn, manager_a: User, tenant_a: Tenant, family_a: Family
) -> None:
    client: FlaskClient = signed_in(manager_a)
    for _ in range(3):
        client.get(f"/t/alpha/families/{family_a.id}")
    assert [e.actor_id for e in actions(app, tenant_a, "family.viewed")] == [manager_a.id] * 3


def test_a_file_that_is_not_found_is_not_audited_as_viewed(
    app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, tenant_b: Tenant
) -> None:
    elsewhere = create_family(app, tenant_b)
    assert signed_in(coordinator_a).get(f"/t/alpha/families/{elsewhere.id}").status_code == 404
    assert actions(app, tenant_a, "family.viewed") == actions(app, tenant_b, "family.viewed") == []


def test_registering_is_audited_with_the_case_number(
    app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant
) -> None:
    day = today(app)
    signed_in(coordinator_a).post("/t/alpha/families/new", data=referral_form(coordinator_a, day))
    [registered] = actions(app, tenant_a, "family.registered")
    assert (registered.actor_id, registered.object_type) == (coordinator_a.id, "Family")
    assert registered.details == {"case_number": f"{day.year}-0001"}


def test_registering_starts_the_timeline(app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant) -> None:
    signed_in(coordinator_a).post("/t/alpha/families/new", data=referral_form(coordinator_a, today(app)))
    with in_tenant(app, tenant_a) as session:
        [event] = session.scalars(select(CaseEvent)).all()
    assert (event.kind, event.from_state, event.to_state.value, event.actor_id) == (
        "registered",
        None,
        "referred",
        coordinator_a.id,
    )


def test_moving_a_case_is_audited_with_the_old_and_new_state(
    app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, family_a: Family
) -> None:
    signed_in(coordinator_a).post(
        f"/t/alpha/families/{family_a.id}/state", data={"to_state": "not_accepted", "reason": "Buiten de doelgroep"}
    )
    [moved] = actions(app, tenant_a, "family.state_changed")
    assert (moved.actor_id, moved.object_id, moved.details) == (
        coordinator_a.id,
        str(family_a.id),
        {"old": "referred", "new": "not_accepted"},
    )


def test_a_note_is_audited_without_its_text(
    app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, family_a: Family
) -> None:
    signed_in(coordinator_a).post(f"/t/alpha/families/{family_a.id}/notes", data={"body": "Vader is ziek."})
    [noted] = actions(app, tenant_a, "family.note_added")
    assert noted.actor_id == coordinator_a.id
    assert "ziek" not in repr(noted.details)


# Editing -----------------------------------------------------------------------------------------


def registered(app: Flask, client: FlaskClient, coordinator: User, tenant: Tenant) -> Family:
    client.post("/t/alpha/families/new", data=referral_form(coordinator, today(app)))
    with in_tenant(app, tenant) as session:
        return session.scalars(select(Family)).one()


def test_editing_saves_the_changes_and_audits_which_fields_changed(
    app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant
) -> None:
    client: FlaskClient = signed_in(coordinator_a)
    family = registered(app, client, coordinator_a, tenant_a)
    form = referral_form(
        coordinator_a,
        today(app),
        family_name="Familie Bakker-Smit",
        neighbourhood="Noord",
        help_question="Nieuwe hulpvraag: opvoeding.",
    )
    response = client.post(f"/t/alpha/families/{family.id}/edit", data=form)
    assert response.status_code == 302
    assert response.location == f"/t/alpha/families/{family.id}"
    stored = load_family(app, tenant_a, family.id)
    assert (stored.family_name, stored.neighbourhood) == ("Familie Bakker-Smit", "Noord")
    with in_tenant(app, tenant_a):
        assert queries.help_question(stored) == "Nieuwe hulpvraag: opvoeding."
    [updated] = actions(app, tenant_a, "family.updated")
    assert (updated.actor_id, updated.object_id) == (coordinator_a.id, str(family.id))
    assert updated.details == {"fields": ["family_name", "neighbourhood", "help_question"]}
    assert timeline_kinds(app, tenant_a, family) == ["registered", "updated"]


def test_saving_the_file_unchanged_records_no_change(
    app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant
) -> None:
    client: FlaskClient = signed_in(coordinator_a)
    family = registered(app, client, coordinator_a, tenant_a)
    response = client.post(f"/t/alpha/families/{family.id}/edit", data=referral_form(coordinator_a, today(app)))
    assert response.status_code == 302
    assert actions(app, tenant_a, "family.updated") == []
    assert timeline_kinds(app, tenant_a, family) == ["registered"]


def test_the_edit_form_shows_the_stored_values(
    app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant
) -> None:
    client: FlaskClient = signed_in(coordinator_a)
    family = registered(app, client, coordinator_a, tenant_a)
    page = client.get(f"/t/alpha/families/{family.id}/edit")
    assert page.status_code == 200
    assert 'value="Familie Bakker"' in page.text
    assert "Moeder wil hulp bij de administratie" in page.text  # the help question, opened
    assert 'value="finances" checked' in page.text and 'value="impact_measurement" checked' in page.text


def test_an_invalid_edit_changes_nothing(app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant) -> None:
    client: FlaskClient = signed_in(coordinator_a)
    family = registered(app, client, coordinator_a, tenant_a)
    form = referral_form(coordinator_a, today(app), family_name="Familie Anders", municipality="Beta")
    response = client.post(f"/t/alpha/families/{family.id}/edit", data=form)
    assert response.status_code == 422
    assert 'id="f-municipality-error"' in response.text
    assert load_family(app, tenant_a, family.id).family_name == "Familie Bakker"
    assert actions(app, tenant_a, "family.updated") == []


def test_the_file_shows_the_referral_and_the_help_question(
    app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant
) -> None:
    client: FlaskClient = signed_in(coordinator_a)
    family = registered(app, client, coordinator_a, tenant_a)
    add_note(app, tenant_a, family, "Eerste kennismaking telefonisch.", actor=coordinator_a)
    page = client.get(f"/t/alpha/families/{family.id}")
    assert page.status_code == 200
    for text in (
        "Familie Bakker",
        family.case_number,
        "Moeder wil hulp bij de administratie",
        "Finances and paperwork",
        "Eerste kennismaking telefonisch.",
        "Referral registered.",
    ):
        assert text in page.text, text
