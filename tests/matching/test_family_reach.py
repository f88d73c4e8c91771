"""The volunteer reaches their family (issue 17): the family's contact details on the volunteer's
page of the family only while their own match is active, every view in the audit log; never for a
proposed, introduction, paused or ended match, another volunteer's family or another tenant. And the
coordinator's phone number next to their name and e-mail address."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from saas.audit.models import AuditEvent
from saas.auth.models import User
from saas.auth.roles import Role
from saas.tenancy.models import Tenant
from tenants.families.models import Family
from tenants.matching.models import Match
from tenants.matching.states import EndReason, MatchState
from tenants.volunteers.models import Volunteer
from tests.factories.matching import create_match, ready_volunteer, waiting_family
from tests.factories.platform import create_user, in_tenant
from tests.families.test_contact_details import set_details
from tests.matching import contact_fixtures
from tests.support.sessions import SignIn

MY = "/t/alpha/my/families"
STREET, PHONE, EMAIL = "Kerkstraat 12", "06-1234 5678", "bakker@example.nl"

vera, vera_record, family, match = (contact_fixtures.vera, contact_fixtures.vera_record, contact_fixtures.family,
                                    contact_fixtures.match)


@pytest.fixture
def vera_client(signed_in: SignIn, vera: User) -> FlaskClient:
    return signed_in(vera)


@pytest.fixture
def details(app: Flask, tenant_a: Tenant, coordinator_a: User, family: Family) -> None:
    set_details(app, tenant_a, family, coordinator_a, street=STREET, postcode="3511AB", town="Utrecht",
                phone=PHONE, email=EMAIL, language="Arabisch")


def views_audited(app: Flask, tenant: Tenant) -> list[AuditEvent]:
    with in_tenant(app, tenant) as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == "family.contact_details_viewed")))


def shows_details(page: str) -> bool:
    return STREET in page or "tel:+31612345678" in page or EMAIL in page


def test_the_volunteer_of_an_active_match_sees_them_and_the_view_is_audited(
        app: Flask, tenant_a: Tenant, vera_client: FlaskClient, vera: User, match: Match, family: Family,
        details: None) -> None:
    page = vera_client.get(f"{MY}/{match.id}")
    assert page.status_code == 200
    for expected in (STREET, "3511 AB", "Utrecht", 'href="tel:+31612345678"', PHONE, f"mailto:{EMAIL}", "Arabisch"):
        assert expected in page.text, expected
    [audit] = views_audited(app, tenant_a)
    assert (audit.actor_id, audit.object_type, audit.object_id) == (vera.id, "Family", str(family.id))
    assert audit.details == {"match": str(match.id)}
    vera_client.get(f"{MY}/{match.id}")
    assert len(views_audited(app, tenant_a)) == 2  # every view


def test_the_list_of_families_shows_no_contact_details(
        app: Flask, tenant_a: Tenant, vera_client: FlaskClient, match: Match, details: None) -> None:
    assert not shows_details(vera_client.get(f"{MY}/").text)
    assert views_audited(app, tenant_a) == []


@pytest.mark.parametrize("state", [MatchState.PROPOSED, MatchState.INTRODUCTION, MatchState.PAUSED])
def test_not_while_the_match_is_not_active(
        app: Flask, tenant_a: Tenant, vera_client: FlaskClient, coordinator_a: User, vera_record: Volunteer,
        state: MatchState) -> None:
    other = waiting_family(app, tenant_a, family_name="Familie Open", coordinator_id=coordinator_a.id)
    set_details(app, tenant_a, other, coordinator_a, street=STREET, phone=PHONE, email=EMAIL)
    opened = create_match(app, tenant_a, actor=coordinator_a, family=other, volunteer=vera_record, state=state)
    page = vera_client.get(f"{MY}/{opened.id}")
    assert page.status_code == 200 and "Familie Open" in page.text
    assert not shows_details(page.text)
    assert views_audited(app, tenant_a) == []


def test_not_after_the_match_ended(
        app: Flask, tenant_a: Tenant, vera_client: FlaskClient, coordinator_a: User, match: Match,
        details: None) -> None:
    from tenants.matching.matches import operations

    assert shows_details(vera_client.get(f"{MY}/{match.id}").text)
    with in_tenant(app, tenant_a) as session:
        operations.end(coordinator_a, session.get(Match, (tenant_a.id, match.id)),
                       {"end_reason": EndReason.GOALS_REACHED})
        session.commit()
    page = vera_client.get(f"{MY}/{match.id}")
    assert page.status_code == 404 and not shows_details(page.text)
    assert len(views_audited(app, tenant_a)) == 1


def test_never_for_another_volunteers_family(
        app: Flask, tenant_a: Tenant, signed_in: SignIn, coordinator_a: User, match: Match, details: None) -> None:
    other_user = create_user(app, "otto@alpha.example", tenant=tenant_a, role=Role.VOLUNTEER, name="Otto")
    other_record = ready_volunteer(app, tenant_a, "Otto", email=other_user.email, user_id=other_user.id)
    own = create_match(app, tenant_a, actor=coordinator_a, volunteer=other_record,
                       family=waiting_family(app, tenant_a, family_name="Familie Anders"))
    client = signed_in(other_user)
    assert shows_details(client.get(f"{MY}/{own.id}").text) is False  # their own family has none recorded
    page = client.get(f"{MY}/{match.id}")  # Vera's family
    assert page.status_code == 404 and not shows_details(page.text)
    assert views_audited(app, tenant_a) == []


def test_never_from_another_tenant(
        app: Flask, tenant_a: Tenant, tenant_b: Tenant, signed_in: SignIn, match: Match, details: None) -> None:
    stranger = create_user(app, "volunteer@beta.example", tenant=tenant_b, role=Role.VOLUNTEER, name="Bea")
    ready_volunteer(app, tenant_b, "Bea", email=stranger.email, user_id=stranger.id)
    client = signed_in(stranger)
    for slug in ("alpha", "beta"):
        page = client.get(f"/t/{slug}/my/families/{match.id}")
        assert page.status_code == 404 and not shows_details(page.text)
    assert views_audited(app, tenant_a) == []


def test_staff_see_no_volunteer_page(signed_in: SignIn, coordinator_a: User, match: Match) -> None:
    assert signed_in(coordinator_a).get(f"{MY}/{match.id}").status_code == 403


def test_the_coordinators_phone_is_shown_next_to_their_e_mail_address(
        app: Flask, tenant_a: Tenant, vera_client: FlaskClient, coordinator_a: User, match: Match) -> None:
    assert "tel:" not in vera_client.get(f"{MY}/").text  # no phone recorded: nothing to show
    with in_tenant(app, tenant_a) as session:
        session.get(User, coordinator_a.id).phone = "030 123 4567"
        session.commit()
    for page in (vera_client.get(f"{MY}/").text, vera_client.get(f"{MY}/{match.id}").text):
        assert 'href="tel:+31301234567"' in page and "030 123 4567" in page
        assert "coordinator@alpha.example" in page
