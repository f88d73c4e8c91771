"""What the coordinator sees of the volunteer's answer (issue 17): the match page, the list, the start
form (with its planned end), and a volunteer without an account who is invited from the match."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from saas.auth.models import Invitation, User
from saas.auth.roles import Role
from saas.tenancy.models import Tenant
from tenants.matching.matches import answers
from tenants.matching.models import Match
from tenants.matching.states import MatchState
from tenants.volunteers.models import Volunteer
from tenants.volunteers.readiness import add_months
from tests.factories.contacts import form_fields
from tests.factories.matching import create_match, load_match, ready_volunteer, waiting_family
from tests.factories.platform import create_user, in_tenant, today
from tests.support.sessions import sign_in

MATCHES = "/t/alpha/matches"
REASON = "Ik werk op doordeweekse ochtenden"


@pytest.fixture
def staff(app: Flask, coordinator_a: User) -> FlaskClient:
    client = app.test_client()
    sign_in(client, coordinator_a)
    return client


@pytest.fixture
def linked(app: Flask, tenant_a: Tenant) -> Volunteer:
    """A volunteer with an account."""
    person = create_user(app, "lisa@alpha.example", tenant=tenant_a, role=Role.VOLUNTEER, name="Lisa")
    return ready_volunteer(app, tenant_a, "Lisa Linked", email=person.email, user_id=person.id)


def propose(app: Flask, tenant: Tenant, coordinator: User, volunteer: Volunteer, name: str = "Familie Voorstel"
            ) -> Match:
    return create_match(app, tenant, actor=coordinator, volunteer=volunteer, state=MatchState.PROPOSED,
                        family=waiting_family(app, tenant, family_name=name))


def answer(app: Flask, tenant: Tenant, match: Match, actor: User, reason: str | None = None) -> None:
    with in_tenant(app, tenant) as session:
        stored = session.get(Match, (tenant.id, match.id))
        answers.decline(actor, stored, reason) if reason else answers.accept(actor, stored)
        session.commit()


def test_the_match_page_and_list_show_waiting_accepted_and_declined_with_the_reason(
        app: Flask, tenant_a: Tenant, staff: FlaskClient, coordinator_a: User, linked: Volunteer) -> None:
    waiting = propose(app, tenant_a, coordinator_a, linked, "Familie Wacht")
    page = staff.get(f"{MATCHES}/{waiting.id}").text
    assert "Waiting for the volunteer" in page and "no account" not in page
    accepted = propose(app, tenant_a, coordinator_a, ready_volunteer(app, tenant_a, "Ans"),
                       "Familie Ja")
    answer(app, tenant_a, accepted, coordinator_a)
    declined = propose(app, tenant_a, coordinator_a, ready_volunteer(app, tenant_a, "Dirk"),
                       "Familie Nee")
    answer(app, tenant_a, declined, coordinator_a, REASON)

    assert "Accepted on" in staff.get(f"{MATCHES}/{accepted.id}").text
    page = staff.get(f"{MATCHES}/{declined.id}").text
    assert "Declined on" in page and REASON in page
    # The next step after a decline: end the proposal (the family waits again), or ask again.
    assert f'href="{MATCHES}/{declined.id}/end"' in page and f"{MATCHES}/{declined.id}/ask-again" in page
    listing = staff.get(f"{MATCHES}/").text
    assert "Waiting for the volunteer" in listing and "Accepted on" in listing and REASON in listing


def test_the_start_form_warns_until_the_volunteer_accepted_and_fills_in_the_planned_end(
        app: Flask, tenant_a: Tenant, staff: FlaskClient, coordinator_a: User, linked: Volunteer) -> None:
    match = propose(app, tenant_a, coordinator_a, linked)
    page = staff.get(f"{MATCHES}/{match.id}/start").text
    assert 'id="not-accepted"' in page and "has not accepted this proposal" in page
    start = today(app)
    fields = form_fields(page, f"/matches/{match.id}/start")
    assert fields["started_on"] == start.isoformat()
    assert fields["planned_end_on"] == add_months(start, 12).isoformat()
    answer(app, tenant_a, match, coordinator_a)
    assert 'id="not-accepted"' not in staff.get(f"{MATCHES}/{match.id}/start").text


def test_starting_without_an_answer_is_allowed_and_an_empty_planned_end_is_twelve_months(
        app: Flask, tenant_a: Tenant, staff: FlaskClient, coordinator_a: User, linked: Volunteer) -> None:
    match = propose(app, tenant_a, coordinator_a, linked)
    start = load_match(app, tenant_a, match.id).proposed_on
    response = staff.post(f"{MATCHES}/{match.id}/start", data={
        "started_on": start.isoformat(), "frequency": "weekly", "planned_end_on": ""})
    assert response.status_code == 302
    stored = load_match(app, tenant_a, match.id)
    assert stored.state == MatchState.ACTIVE and stored.planned_end_on == add_months(start, 12)
    assert stored.volunteer_response is None
    page = staff.get(f"{MATCHES}/{match.id}").text
    planned_end = page.split(">Planned end</dt><dd>", 1)[1].split("</dd>", 1)[0]
    assert str(add_months(start, 12).year) in planned_end and "—" not in planned_end.split("(")[0]
    answer_row = page.split('id="volunteer-answer">', 1)[1]
    assert answer_row.split("</dd>", 1)[0].count("—") == 1, "started without an answer on the platform"


# A volunteer without an account -----------------------------------------------------------------

def test_a_volunteer_without_an_account_is_flagged_and_invited_from_the_match(
        app: Flask, tenant_a: Tenant, staff: FlaskClient, coordinator_a: User) -> None:
    volunteer = ready_volunteer(app, tenant_a, "Nina Zonder", email="nina@example.org")
    family = waiting_family(app, tenant_a, family_name="Familie Uitnodiging")
    suggestions = staff.get(f"/t/alpha/families/{family.id}/suggestions").text
    assert "No account: Nina Zonder cannot see or answer a proposal" in suggestions
    match = create_match(app, tenant_a, actor=coordinator_a, volunteer=volunteer, family=family,
                         state=MatchState.PROPOSED)
    page = staff.get(f"{MATCHES}/{match.id}").text
    assert 'id="no-account"' in page and "cannot see or answer this proposal" in page
    assert f"{MATCHES}/{match.id}/invite-volunteer" in page

    response = staff.post(f"{MATCHES}/{match.id}/invite-volunteer")
    assert response.status_code == 302 and response.location.endswith(f"{MATCHES}/{match.id}")
    with in_tenant(app, tenant_a) as session:
        [invitation] = session.scalars(select(Invitation).where(Invitation.email == "nina@example.org"))
        assert invitation.role == Role.VOLUNTEER and invitation.invited_by_id == coordinator_a.id
    assert "An invitation has been sent to nina@example.org" in staff.get(f"{MATCHES}/{match.id}").text


def test_without_an_e_mail_address_the_match_page_says_to_record_it_first(
        app: Flask, tenant_a: Tenant, staff: FlaskClient, coordinator_a: User) -> None:
    volunteer = ready_volunteer(app, tenant_a, "Olaf Onbekend")
    match = propose(app, tenant_a, coordinator_a, volunteer)
    page = staff.get(f"{MATCHES}/{match.id}").text
    assert "Record the volunteer’s e-mail address first" in page
    assert f"{MATCHES}/{match.id}/invite-volunteer" not in page
    response = staff.post(f"{MATCHES}/{match.id}/invite-volunteer", follow_redirects=True)
    assert "e-mail address first" in response.text
    with in_tenant(app, tenant_a) as session:
        assert list(session.scalars(select(Invitation))) == []


def test_a_volunteer_with_an_account_is_not_invited_again(
        app: Flask, tenant_a: Tenant, staff: FlaskClient, coordinator_a: User, linked: Volunteer) -> None:
    match = propose(app, tenant_a, coordinator_a, linked)
    response = staff.post(f"{MATCHES}/{match.id}/invite-volunteer", follow_redirects=True)
    assert "already has an account" in response.text
    with in_tenant(app, tenant_a) as session:
        assert list(session.scalars(select(Invitation))) == []
