"""The preferences page (/t/<slug>/account/notifications): what concerns the member's role, safety
shown but fixed, saved choices, and bad input refused with nothing saved."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from saas.audit.models import AuditEvent
from saas.auth.models import User
from saas.auth.roles import Role
from saas.notifications.models import NotificationPreference
from saas.notifications.registry import Choice
from saas.tenancy.models import Tenant
from tests.factories.platform import count_rows, create_user, in_tenant
from tests.support.sessions import SignIn

PAGE = "/t/alpha/account/notifications"
VOLUNTEER_CHOICES = {"match_proposed": "at_once", "match_started": "at_once", "match_paused": "off",
                     "match_ended": "digest", "training_place_freed": "at_once", "training_tomorrow": "off",
                     "vog_expiring": "digest"}


def stored(app: Flask, tenant: Tenant, user: User) -> dict[str, Choice]:
    with in_tenant(app, tenant) as session:
        return {row.kind: row.choice for row in session.scalars(select(NotificationPreference).where(
            NotificationPreference.user_id == user.id))}


def test_a_volunteer_sees_her_kinds_with_the_defaults_and_saves_her_choices(
        app: Flask, tenant_a: Tenant, volunteer_a: User, signed_in: SignIn) -> None:
    client = signed_in(volunteer_a)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert 'name="match_started" type="radio" value="at_once" checked' in page.text  # at once by default
    assert "coordinator_needed" not in page.text and "report_submitted" not in page.text

    response = client.post(PAGE, data=VOLUNTEER_CHOICES)
    assert response.status_code == 302 and response.location.endswith(PAGE)
    assert stored(app, tenant_a, volunteer_a) == {kind: Choice(value) for kind, value in VOLUNTEER_CHOICES.items()}  # type: ignore[call-arg]
    with in_tenant(app, tenant_a) as session:
        event = session.scalars(select(AuditEvent).where(
            AuditEvent.action == "notifications.preferences_changed")).one()
        assert event.details["kinds"] == ["match_ended", "match_paused", "training_tomorrow", "vog_expiring"]
    assert 'name="match_paused" type="radio" value="off" checked' in client.get(PAGE).text


def test_a_coordinator_sees_the_safety_event_fixed_and_the_rest_in_the_digest(
        app: Flask, coordinator_a: User, signed_in: SignIn) -> None:
    page = signed_in(coordinator_a).get(PAGE)
    assert page.status_code == 200
    assert "A volunteer asks for their coordinator" in page.text and "always sent at once" in page.text
    assert 'name="coordinator_needed"' not in page.text  # shown, not changeable
    assert 'name="vog_expiring" type="radio" value="digest" checked' in page.text
    assert "match_started" not in page.text


def test_an_unknown_kind_a_safety_kind_or_an_unknown_choice_is_refused_and_nothing_saved(
        app: Flask, tenant_a: Tenant, coordinator_a: User, signed_in: SignIn) -> None:
    client = signed_in(create_user(app, "ahmed@alpha.example", tenant=tenant_a, role=Role.VOLUNTEER, locale="en"))
    refused = [({**VOLUNTEER_CHOICES, "bogus": "off"}, "There is no notification"),
               ({**VOLUNTEER_CHOICES, "match_paused": "sometimes"}, "Choose one of the options."),
               ({key: value for key, value in VOLUNTEER_CHOICES.items() if key != "match_ended"},
                "This field is required"),
               ({**VOLUNTEER_CHOICES, "report_submitted": "off"}, "There is no notification")]
    for data, message in refused:
        response = client.post(PAGE, data=data)
        assert response.status_code == 422, data
        assert message in response.text
    client.post("/logout")
    coordinator = signed_in(coordinator_a)
    response = coordinator.post(PAGE, data={"vog_expiring": "off", "match_answered": "off",
                                            "coordinator_needed": "off"})
    assert response.status_code == 422 and "cannot be changed" in response.text
    assert count_rows(app, tenant_a, NotificationPreference) == 0


def test_the_errors_are_in_the_readers_language(volunteer_a: User, signed_in: SignIn) -> None:
    response = signed_in(volunteer_a).post(PAGE, data={**VOLUNTEER_CHOICES, "match_paused": "soms"})
    assert response.status_code == 422 and "Kies een van de opties." in response.text  # Dutch, her language


def test_another_tenants_member_and_someone_without_a_membership_get_404(
        manager_b: User, foundation_admin: User, signed_in: SignIn) -> None:
    assert signed_in(manager_b).get(PAGE).status_code == 404
    assert signed_in(foundation_admin).get(PAGE).status_code == 404


def test_the_account_page_links_to_the_preferences_of_each_organisation(
        volunteer_a: User, signed_in: SignIn) -> None:
    page = signed_in(volunteer_a).get("/account/")
    assert f'href="{PAGE}"' in page.text
