"""The volunteer's answer to a proposed match (issue 17): accepting or declining on their own pages,
what the coordinator sees and does with it, and a volunteer without an account."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from saas.audit.models import AuditEvent
from saas.auth.models import User
from saas.auth.roles import Role
from saas.tenancy.models import Tenant
from tenants.families.models import CaseEvent, Family
from tenants.matching.matches import answers
from tenants.matching.models import Match
from tenants.matching.states import MatchState, VolunteerResponse
from tenants.volunteers.models import Volunteer
from tests.factories.matching import create_match, load_match, ready_volunteer, waiting_family
from tests.factories.platform import create_user, in_tenant
from tests.matching import contact_fixtures
from tests.support.mailbox import Mailbox
from tests.support.sessions import SignIn, sign_in

MY = "/t/alpha/my/families"
MATCHES = "/t/alpha/matches"
REASON = "Ik werk op doordeweekse ochtenden"

# The shared fixtures (tests/matching/contact_fixtures.py): Vera, her record, the Bakker family.
vera, vera_record, family = contact_fixtures.vera, contact_fixtures.vera_record, contact_fixtures.family


@pytest.fixture
def proposal(app: Flask, tenant_a: Tenant, coordinator_a: User, family: Family, vera_record: Volunteer) -> Match:
    return create_match(app, tenant_a, actor=coordinator_a, family=family, volunteer=vera_record,
                        state=MatchState.PROPOSED)


@pytest.fixture
def vera_client(signed_in: SignIn, vera: User) -> FlaskClient:
    return signed_in(vera)


@pytest.fixture
def staff_client(app: Flask, coordinator_a: User) -> FlaskClient:
    client = app.test_client()
    sign_in(client, coordinator_a)
    return client


def written(app: Flask, tenant: Tenant) -> dict[str, object]:
    """The answer on the matches and the counts of match audit events and timeline lines: what an answer
    writes (viewing a page may audit other things, such as shown contact details)."""
    with in_tenant(app, tenant) as session:
        matches = {m.id: (m.volunteer_response, m.responded_at, m.decline_reason_sealed)
                   for m in session.scalars(select(Match))}
        audit = select(AuditEvent).where(AuditEvent.action.startswith("match."))
        return {"matches": matches, "audit": len(list(session.scalars(audit))),
                "timeline": len(list(session.scalars(select(CaseEvent))))}


def timeline_kinds(app: Flask, tenant: Tenant, family_id: object) -> list[str]:
    with in_tenant(app, tenant) as session:
        return [e.kind for e in session.scalars(select(CaseEvent).where(CaseEvent.family_id == family_id))]


def answered_events(app: Flask, tenant: Tenant, match: Match) -> list[AuditEvent]:
    with in_tenant(app, tenant) as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.object_id == str(match.id),
                                                             AuditEvent.action == "match.volunteer_answered")))


# The volunteer answers ---------------------------------------------------------------------------

def test_a_proposal_asks_for_an_answer_on_the_home_page_the_list_and_the_familys_page(
        vera_client: FlaskClient, proposal: Match) -> None:
    for url in ("/t/alpha/", f"{MY}/"):
        page = vera_client.get(url)
        assert page.status_code == 200 and "New proposal" in page.text
        assert f"{MY}/{proposal.id}#proposal" in page.text
    page = vera_client.get(f"{MY}/{proposal.id}").text
    assert 'id="proposal"' in page and "Familie Bakker" in page and "Oost" in page
    assert f"{MY}/{proposal.id}/accept" in page and f"{MY}/{proposal.id}/decline" in page


def test_the_volunteer_accepts_once_and_a_double_submit_changes_nothing(
        app: Flask, tenant_a: Tenant, vera_client: FlaskClient, vera: User, proposal: Match) -> None:
    response = vera_client.post(f"{MY}/{proposal.id}/accept")
    assert response.status_code == 302 and response.location.endswith(f"{MY}/{proposal.id}#proposal")
    stored = load_match(app, tenant_a, proposal.id)
    assert stored.volunteer_response == VolunteerResponse.ACCEPTED and stored.responded_at is not None
    assert stored.state == MatchState.PROPOSED, "the coordinator still starts the match"
    after_first = written(app, tenant_a)
    again = vera_client.post(f"{MY}/{proposal.id}/accept")
    assert again.status_code == 302
    assert written(app, tenant_a) == after_first
    [event] = answered_events(app, tenant_a, proposal)
    assert event.actor_id == vera.id and event.details == {"response": "accepted"}
    assert timeline_kinds(app, tenant_a, proposal.family_id).count("match_volunteer_accepted") == 1
    page = vera_client.get(f"{MY}/{proposal.id}").text
    assert "You accepted this proposal" in page and f"{MY}/{proposal.id}/accept" not in page


def test_the_volunteer_declines_with_a_reason_that_is_sealed(
        app: Flask, tenant_a: Tenant, vera_client: FlaskClient, proposal: Match) -> None:
    response = vera_client.post(f"{MY}/{proposal.id}/decline", data={"reason": f"  {REASON} "})
    assert response.status_code == 302
    stored = load_match(app, tenant_a, proposal.id)
    assert stored.volunteer_response == VolunteerResponse.DECLINED
    assert REASON.encode() not in stored.decline_reason_sealed
    with in_tenant(app, tenant_a):
        assert answers.decline_reason(stored) == REASON
    [event] = answered_events(app, tenant_a, proposal)
    assert REASON not in str(event.details)
    assert "match_volunteer_declined" in timeline_kinds(app, tenant_a, proposal.family_id)
    # A second decline (another reason) keeps the first answer.
    assert vera_client.post(f"{MY}/{proposal.id}/decline", data={"reason": "iets anders"}).status_code == 302
    with in_tenant(app, tenant_a):
        assert answers.decline_reason(load_match(app, tenant_a, proposal.id)) == REASON
    assert "You declined this proposal" in vera_client.get(f"{MY}/").text


@pytest.mark.parametrize("reason", ["", "   ", "x" * 501])
def test_a_decline_without_a_usable_reason_is_refused_in_the_readers_language(
        app: Flask, tenant_a: Tenant, signed_in: SignIn, vera: User, proposal: Match, reason: str) -> None:
    with in_tenant(app, tenant_a) as session:
        session.get(User, vera.id).locale = "nl"
        session.commit()
    client = signed_in(vera)
    before = written(app, tenant_a)
    response = client.post(f"{MY}/{proposal.id}/decline", data={"reason": reason})
    assert response.status_code == 422
    assert "Dit veld is verplicht." in response.text or "Gebruik maximaal 500 tekens." in response.text
    assert 'id="f-reason-error"' in response.text
    assert written(app, tenant_a) == before


def test_a_different_second_answer_is_refused_until_the_coordinator_asks_again(
        app: Flask, tenant_a: Tenant, vera_client: FlaskClient, staff_client: FlaskClient, proposal: Match) -> None:
    assert vera_client.post(f"{MY}/{proposal.id}/accept").status_code == 302
    before = written(app, tenant_a)
    refused = vera_client.post(f"{MY}/{proposal.id}/decline", data={"reason": REASON})
    assert refused.status_code == 422 and "already answered this proposal" in refused.text
    assert written(app, tenant_a) == before
    asked = staff_client.post(f"{MATCHES}/{proposal.id}/ask-again")
    assert asked.status_code == 302 and asked.location.endswith(f"{MATCHES}/{proposal.id}")
    assert load_match(app, tenant_a, proposal.id).volunteer_response is None
    assert "match_volunteer_asked_again" in timeline_kinds(app, tenant_a, proposal.family_id)
    assert vera_client.post(f"{MY}/{proposal.id}/decline", data={"reason": REASON}).status_code == 302
    assert load_match(app, tenant_a, proposal.id).volunteer_response == VolunteerResponse.DECLINED


def test_asking_again_before_an_answer_is_refused_and_changes_nothing(
        app: Flask, tenant_a: Tenant, staff_client: FlaskClient, proposal: Match) -> None:
    before = written(app, tenant_a)
    response = staff_client.post(f"{MATCHES}/{proposal.id}/ask-again", follow_redirects=True)
    assert "has not answered yet" in response.text
    assert written(app, tenant_a) == before


def test_a_started_match_can_no_longer_be_answered(
        app: Flask, tenant_a: Tenant, vera_client: FlaskClient, coordinator_a: User, vera_record: Volunteer) -> None:
    active = create_match(app, tenant_a, actor=coordinator_a, volunteer=vera_record,
                          family=waiting_family(app, tenant_a, family_name="Familie Actief"))
    before = written(app, tenant_a)
    response = vera_client.post(f"{MY}/{active.id}/accept")
    assert response.status_code == 422 and "can no longer be answered" in response.text
    assert written(app, tenant_a) == before


# Only one's own ---------------------------------------------------------------------------------

def test_another_volunteers_proposal_is_404(
        app: Flask, tenant_a: Tenant, signed_in: SignIn, coordinator_a: User, proposal: Match) -> None:
    otto = create_user(app, "otto@alpha.example", tenant=tenant_a, role=Role.VOLUNTEER, name="Otto")
    ready_volunteer(app, tenant_a, "Otto Anders", email=otto.email, user_id=otto.id)
    client = signed_in(otto)
    before = written(app, tenant_a)
    assert client.post(f"{MY}/{proposal.id}/accept").status_code == 404
    assert client.post(f"{MY}/{proposal.id}/decline", data={"reason": REASON}).status_code == 404
    assert written(app, tenant_a) == before


def test_a_volunteer_of_another_tenant_gets_404(
        app: Flask, tenant_a: Tenant, tenant_b: Tenant, vera: User, proposal: Match) -> None:
    bram = create_user(app, "bram@beta.example", tenant=tenant_b, role=Role.VOLUNTEER)
    ready_volunteer(app, tenant_b, "Bram", email=bram.email, user_id=bram.id)
    before = written(app, tenant_a)
    for person, slug in ((bram, "beta"), (bram, "alpha"), (vera, "beta")):
        client = app.test_client()
        sign_in(client, person)
        for action, data in (("accept", {}), ("decline", {"reason": REASON})):
            assert client.post(f"/t/{slug}/my/families/{proposal.id}/{action}", data=data).status_code == 404
    assert written(app, tenant_a) == before


def test_staff_do_not_answer_for_the_volunteer(
        app: Flask, tenant_a: Tenant, staff_client: FlaskClient, manager_a: User, proposal: Match) -> None:
    manager = app.test_client()
    sign_in(manager, manager_a)
    before = written(app, tenant_a)
    for client in (staff_client, manager):
        assert client.post(f"{MY}/{proposal.id}/accept").status_code == 403
        assert client.post(f"{MY}/{proposal.id}/decline", data={"reason": REASON}).status_code == 403
    assert written(app, tenant_a) == before


def test_the_coordinators_pages_are_closed_to_volunteers_and_other_tenants(
        app: Flask, tenant_a: Tenant, vera_client: FlaskClient, manager_b: User, proposal: Match) -> None:
    outsider = app.test_client()
    sign_in(outsider, manager_b)
    for action in ("ask-again", "invite-volunteer"):
        assert vera_client.post(f"{MATCHES}/{proposal.id}/{action}").status_code == 403
        assert outsider.post(f"{MATCHES}/{proposal.id}/{action}").status_code == 404
        assert outsider.post(f"/t/beta/matches/{proposal.id}/{action}").status_code == 404


@pytest.mark.parametrize(("answer", "data", "says"), [
    ("accept", {}, "accepted the proposal"), ("decline", {"reason": REASON}, "declined the proposal")])
def test_the_coordinator_hears_of_the_answer_at_once_without_the_reason(
        app: Flask, tenant_a: Tenant, coordinator_a: User, vera_client: FlaskClient, family: Family,
        proposal: Match, mailbox: Mailbox, answer: str, data: dict[str, str], says: str) -> None:
    assert vera_client.post(f"{MY}/{proposal.id}/{answer}", data=data).status_code == 302
    assert vera_client.post(f"{MY}/{proposal.id}/{answer}", data=data).status_code == 302  # a double click
    [mail] = mailbox.to(coordinator_a.email)
    assert says in mail["Subject"] and family.case_number in mail["Subject"]
    body = mail.get_content()
    assert f"http://localhost{MATCHES}/{proposal.id}#volunteer-answer" in body
    assert REASON not in body and "Bakker" not in body
