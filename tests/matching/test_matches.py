"""The match lifecycle over HTTP and through the operations: who can be matched, each step,
the end (rematch or closing), and what happens when a family or a volunteer moves on."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from sqlalchemy import select

from saas.audit.models import AuditEvent
from saas.auth.models import User
from saas.errors import OperationError
from saas.tenancy.models import Tenant
from tenants.families import operations as family_operations
from tenants.families.models import CaseEvent, Family
from tenants.families.states import CaseState
from tenants.matching import eligibility
from tenants.matching.matches import operations
from tenants.matching.models import Match
from tenants.matching.states import EndReason, MatchState
from tenants.volunteers import operations as volunteer_operations
from tenants.volunteers.models import Volunteer
from tenants.volunteers.readiness import add_months
from tenants.volunteers.states import ExitReason, VolunteerState
from tests.factories.families import create_family
from tests.factories.matching import create_match, load_match, ready_volunteer, waiting_family
from tests.factories.platform import in_tenant, today
from tests.factories.volunteers import create_volunteer
from tests.support.confirm import CONFIRMED
from tests.support.queries import page_statements
from tests.support.sessions import SignIn


@pytest.fixture
def coordinator(signed_in: SignIn, coordinator_a: User) -> FlaskClient:
    return signed_in(coordinator_a)


def states(app: Flask, tenant: Tenant, match: Match) -> tuple[MatchState, CaseState, VolunteerState]:
    with in_tenant(app, tenant) as session:
        m = session.get(Match, (tenant.id, match.id), populate_existing=True)
        f = session.get(Family, (tenant.id, match.family_id), populate_existing=True)
        v = session.get(Volunteer, (tenant.id, match.volunteer_id), populate_existing=True)
        return m.state, f.state, v.state


def propose(app: Flask, tenant: Tenant, actor: User, family: Family, volunteer: Volunteer) -> Match:
    """Propose through the operation, with messages in English (the source language)."""
    with in_tenant(app, tenant) as session, force_locale("en"):
        match = operations.propose(actor, session.get(Family, (tenant.id, family.id)),
                                   session.get(Volunteer, (tenant.id, volunteer.id)))
        session.commit()
        return match


# Who can be matched --------------------------------------------------------------------------

def test_a_proposal_matches_the_family_and_the_volunteer_and_is_written_down(
        app: Flask, tenant_a: Tenant, coordinator_a: User) -> None:
    match = propose(app, tenant_a, coordinator_a, waiting_family(app, tenant_a), ready_volunteer(app, tenant_a))
    assert states(app, tenant_a, match) == (MatchState.PROPOSED, CaseState.MATCHED, VolunteerState.MATCHED)
    with in_tenant(app, tenant_a) as session:
        kinds = session.scalars(select(CaseEvent.to_state).where(CaseEvent.family_id == match.family_id)).all()
        assert CaseState.MATCHED in kinds
        assert session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == str(match.id))).all() \
            == ["match.proposed"]


@pytest.mark.parametrize("problem", ["family_not_waiting", "no_vog", "full", "paused"])
def test_a_match_is_refused_with_the_reason(app: Flask, tenant_a: Tenant, coordinator_a: User, problem: str) -> None:
    family = waiting_family(app, tenant_a)
    volunteer = ready_volunteer(app, tenant_a)
    expected = {"family_not_waiting": "not waiting", "no_vog": "No certificate of conduct",
                "full": "no room", "paused": "State: Paused"}[problem]
    if problem == "family_not_waiting":
        family = create_family(app, tenant_a, state=CaseState.INTAKE_DONE)
    elif problem == "no_vog":
        volunteer = create_volunteer(app, tenant_a, "Zonder VOG", state=VolunteerState.AVAILABLE,
                                     approved_on=today(app))
    elif problem == "full":
        create_match(app, tenant_a, actor=coordinator_a, volunteer=volunteer)
    else:
        volunteer = ready_volunteer(app, tenant_a, "Pauze", state=VolunteerState.PAUSED)
    with pytest.raises(OperationError, match=expected):
        propose(app, tenant_a, coordinator_a, family, volunteer)


def test_a_family_gets_one_open_match_and_the_database_refuses_a_second(
        app: Flask, tenant_a: Tenant, coordinator_a: User) -> None:
    first = create_match(app, tenant_a, actor=coordinator_a)
    other = ready_volunteer(app, tenant_a, "Tweede", max_families=2)
    with in_tenant(app, tenant_a) as session, force_locale("en"):
        family = session.get(Family, (tenant_a.id, first.family_id))
        family.state = CaseState.WAITING  # as if the state had been changed behind the match's back
        with pytest.raises(OperationError, match="already has a match"):
            operations.propose(coordinator_a, family, session.get(Volunteer, (tenant_a.id, other.id)))
        session.rollback()
    with in_tenant(app, tenant_a) as session:
        session.add(Match(family_id=first.family_id, volunteer_id=other.id, proposed_on=today(app),
                          state=MatchState.PROPOSED))
        with pytest.raises(sa.exc.IntegrityError):
            session.flush()
        session.rollback()


def test_a_volunteer_with_room_for_two_families_takes_a_second(
        app: Flask, tenant_a: Tenant, coordinator_a: User) -> None:
    volunteer = ready_volunteer(app, tenant_a, max_families=2)
    first = create_match(app, tenant_a, actor=coordinator_a, volunteer=volunteer)
    second = create_match(app, tenant_a, actor=coordinator_a, volunteer=volunteer)
    with in_tenant(app, tenant_a) as session:
        operations.end(coordinator_a, session.get(Match, (tenant_a.id, first.id)),
                       {"end_reason": EndReason.GOALS_REACHED})
        session.commit()
    # One family left: the volunteer stays matched.
    assert states(app, tenant_a, second)[2] == VolunteerState.MATCHED


# The steps over HTTP --------------------------------------------------------------------------

def test_a_coordinator_walks_a_match_from_proposal_to_rematch(
        app: Flask, tenant_a: Tenant, coordinator_a: User, coordinator: FlaskClient) -> None:
    day = today(app)
    match = create_match(app, tenant_a, actor=coordinator_a, state=MatchState.PROPOSED)
    base = f"/t/{tenant_a.slug}/matches/{match.id}"
    assert coordinator.post(f"{base}/introduction", data={"introduction_on": day.isoformat()}).status_code == 302
    assert states(app, tenant_a, match)[0] == MatchState.INTRODUCTION
    response = coordinator.post(f"{base}/start", data={
        "started_on": day.isoformat(), "frequency": "weekly", "contact_agreement": "Bellen na 18:00",
        "goal_finances": "Post samen openen", "goal_social_network": "Buurthuis bezoeken"})
    assert response.status_code == 302
    started = load_match(app, tenant_a, match.id)
    assert started.state == MatchState.ACTIVE and started.goals == {
        "finances": "Post samen openen", "social_network": "Buurthuis bezoeken"}
    assert started.planned_end_on == add_months(day, 12)  # the default: a year
    page = coordinator.get(base)
    assert "Post samen openen" in page.text and "Bellen na 18:00" in page.text
    evaluation = {"interim_evaluation_on": day.isoformat(), **CONFIRMED}
    assert coordinator.post(f"{base}/evaluation", data=evaluation).status_code == 302
    assert coordinator.post(f"{base}/pause", data={"paused_on": day.isoformat(), **CONFIRMED}).status_code == 302
    assert states(app, tenant_a, match)[0] == MatchState.PAUSED
    assert coordinator.post(f"{base}/start", data={"frequency": "monthly"}).status_code == 302
    assert states(app, tenant_a, match)[0] == MatchState.ACTIVE
    response = coordinator.post(f"{base}/end", data={"ended_on": day.isoformat(), "end_reason": "no_click",
                                                      "rematch": "1", **CONFIRMED})
    assert response.status_code == 302
    assert states(app, tenant_a, match) == (MatchState.REMATCHED, CaseState.WAITING, VolunteerState.AVAILABLE)


def test_ending_without_rematch_moves_the_case_to_closing(app: Flask, tenant_a: Tenant, coordinator_a: User,
                                                          coordinator: FlaskClient) -> None:
    match = create_match(app, tenant_a, actor=coordinator_a)
    response = coordinator.post(f"/t/{tenant_a.slug}/matches/{match.id}/end", data={
        "ended_on": today(app).isoformat(), "end_reason": "goals_reached", "informal_contact_continues": "1",
        **CONFIRMED})
    assert response.status_code == 302
    assert states(app, tenant_a, match) == (MatchState.ENDED, CaseState.CLOSING, VolunteerState.AVAILABLE)
    assert load_match(app, tenant_a, match.id).informal_contact_continues is True


@pytest.mark.parametrize(("step", "data", "field"), [
    ("start", {"started_on": "", "frequency": "weekly"}, "started_on"),
    ("start", {"started_on": "2999-01-01", "frequency": "weekly"}, "started_on"),
    ("start", {"started_on": "today", "frequency": "often"}, "frequency"),
    ("start", {"started_on": "today", "frequency": "weekly", "planned_end_on": "+3m"}, "_form"),
    ("start", {"started_on": "today", "frequency": "weekly", "goal_housing": "x" * 301}, "goal_housing"),
    ("end", {"ended_on": "today", "end_reason": "bored"}, "end_reason"),
    ("end", {"ended_on": "2999-01-01", "end_reason": "other"}, "ended_on"),
    ("introduction", {"introduction_on": "yesterday-year"}, "introduction_on"),
    ("pause", {"paused_on": "2999-01-01"}, "paused_on"),
])
def test_bad_input_is_refused_with_the_field_and_changes_nothing(
        app: Flask, tenant_a: Tenant, coordinator_a: User, coordinator: FlaskClient, step: str,
        data: dict[str, str], field: str) -> None:
    match = create_match(app, tenant_a, actor=coordinator_a, state=MatchState.INTRODUCTION)
    day = today(app)
    replacements = {"today": day.isoformat(), "+3m": (day + timedelta(days=90)).isoformat(),
                    "yesterday-year": "2020-13-01"}
    data = {key: replacements.get(value, value) for key, value in data.items()}
    before = states(app, tenant_a, match)
    response = coordinator.post(f"/t/{tenant_a.slug}/matches/{match.id}/{step}", json=data)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]
    assert states(app, tenant_a, match) == before


def test_a_step_that_does_not_fit_the_state_is_refused(app: Flask, tenant_a: Tenant, coordinator_a: User,
                                                       coordinator: FlaskClient) -> None:
    match = create_match(app, tenant_a, actor=coordinator_a, state=MatchState.PROPOSED)
    response = coordinator.post(f"/t/{tenant_a.slug}/matches/{match.id}/pause",
                                data={"paused_on": today(app).isoformat(), **CONFIRMED})
    assert response.status_code == 422
    assert "not possible" in response.text
    assert states(app, tenant_a, match)[0] == MatchState.PROPOSED


# When the family or the volunteer moves on ------------------------------------------------------

def test_a_volunteer_who_stops_ends_the_match_and_the_family_waits_again(
        app: Flask, tenant_a: Tenant, coordinator_a: User) -> None:
    match = create_match(app, tenant_a, actor=coordinator_a)
    with in_tenant(app, tenant_a) as session:
        volunteer = session.get(Volunteer, (tenant_a.id, match.volunteer_id))
        volunteer_operations.move(coordinator_a, volunteer, VolunteerState.STOPPED, exit_reason=ExitReason.MOVED)
        session.commit()
    assert states(app, tenant_a, match) == (MatchState.REMATCHED, CaseState.WAITING, VolunteerState.STOPPED)
    assert load_match(app, tenant_a, match.id).end_reason == EndReason.VOLUNTEER_STOPPED


def test_closing_the_case_ends_its_match(app: Flask, tenant_a: Tenant, coordinator_a: User) -> None:
    match = create_match(app, tenant_a, actor=coordinator_a)
    with in_tenant(app, tenant_a) as session:
        family = session.get(Family, (tenant_a.id, match.family_id))
        family_operations.move(coordinator_a, family, CaseState.CLOSED)
        session.commit()
    assert states(app, tenant_a, match) == (MatchState.ENDED, CaseState.CLOSED, VolunteerState.AVAILABLE)
    assert load_match(app, tenant_a, match.id).end_reason == EndReason.CASE_CLOSED


def test_a_paused_volunteer_pauses_the_match_and_comes_back_matched(
        app: Flask, tenant_a: Tenant, coordinator_a: User) -> None:
    match = create_match(app, tenant_a, actor=coordinator_a)
    with in_tenant(app, tenant_a) as session:
        volunteer = session.get(Volunteer, (tenant_a.id, match.volunteer_id))
        volunteer_operations.move(coordinator_a, volunteer, VolunteerState.PAUSED)
        session.commit()
    assert states(app, tenant_a, match) == (MatchState.PAUSED, CaseState.MATCHED, VolunteerState.PAUSED)
    with in_tenant(app, tenant_a) as session:
        volunteer = session.get(Volunteer, (tenant_a.id, match.volunteer_id))
        volunteer_operations.move(coordinator_a, volunteer, VolunteerState.AVAILABLE)
        session.commit()
    assert states(app, tenant_a, match) == (MatchState.PAUSED, CaseState.MATCHED, VolunteerState.MATCHED)


def test_a_matched_case_goes_back_to_waiting_only_by_ending_the_match(
        app: Flask, tenant_a: Tenant, coordinator_a: User, coordinator: FlaskClient) -> None:
    match = create_match(app, tenant_a, actor=coordinator_a)
    response = coordinator.post(f"/t/{tenant_a.slug}/families/{match.family_id}/state", data={"to_state": "waiting"})
    assert response.status_code == 422
    assert states(app, tenant_a, match)[:2] == (MatchState.ACTIVE, CaseState.MATCHED)


def test_a_case_in_closing_goes_back_to_matched_only_while_its_match_runs(
        app: Flask, tenant_a: Tenant, coordinator_a: User, coordinator: FlaskClient) -> None:
    running = create_match(app, tenant_a, actor=coordinator_a)
    ended = create_match(app, tenant_a, actor=coordinator_a)
    with in_tenant(app, tenant_a) as session:
        family_operations.move(coordinator_a, session.get(Family, (tenant_a.id, running.family_id)), CaseState.CLOSING)
        operations.end(coordinator_a, session.get(Match, (tenant_a.id, ended.id)),
                       {"end_reason": EndReason.GOALS_REACHED})
        session.commit()
    for match, status, state in ((running, 302, CaseState.MATCHED), (ended, 422, CaseState.CLOSING)):
        response = coordinator.post(f"/t/{tenant_a.slug}/families/{match.family_id}/state",
                                    data={"to_state": "matched"})
        assert response.status_code == status
        assert states(app, tenant_a, match)[1] == state


# Pages -------------------------------------------------------------------------------------------

def test_the_family_file_and_the_volunteer_page_show_the_matches(
        app: Flask, tenant_a: Tenant, coordinator_a: User, coordinator: FlaskClient) -> None:
    match = create_match(app, tenant_a, actor=coordinator_a)
    family_page = coordinator.get(f"/t/{tenant_a.slug}/families/{match.family_id}").text
    volunteer_page = coordinator.get(f"/t/{tenant_a.slug}/volunteers/{match.volunteer_id}").text
    link = f"/t/{tenant_a.slug}/matches/{match.id}"
    assert link in family_page and link in volunteer_page


def test_the_match_list_runs_a_fixed_number_of_statements(app: Flask, tenant_a: Tenant, coordinator_a: User,
                                                          coordinator: FlaskClient) -> None:
    create_match(app, tenant_a, actor=coordinator_a)
    url = f"/t/{tenant_a.slug}/matches/?state="
    coordinator.get(url)
    one = page_statements(app, coordinator, url)
    for _ in range(12):
        create_match(app, tenant_a, actor=coordinator_a)
    assert coordinator.get(url).text.count("/matches/") >= 13
    assert page_statements(app, coordinator, url) == one


def test_the_list_filters_on_state(app: Flask, tenant_a: Tenant, coordinator_a: User,
                                   coordinator: FlaskClient) -> None:
    active = create_match(app, tenant_a, actor=coordinator_a)
    proposed = create_match(app, tenant_a, actor=coordinator_a, state=MatchState.PROPOSED)
    page = coordinator.get(f"/t/{tenant_a.slug}/matches/?state=active").text
    assert str(active.id) in page and str(proposed.id) not in page


def test_a_manager_sets_the_matching_policy_and_nonsense_is_refused(
        app: Flask, tenant_a: Tenant, manager_a: User, signed_in: SignIn) -> None:
    client = signed_in(manager_a)
    url = f"/t/{tenant_a.slug}/matching/policy"
    good = {"neighbourhood_rule": "avoid", "contact_warning_days": "10", "contact_alarm_days": "21",
            "waiting_days": "45", "end_warning_days": "30"}
    assert client.post(url, data=good).status_code == 302
    response = client.post(url, data={**good, "contact_alarm_days": "5"})
    assert response.status_code == 422
    with in_tenant(app, tenant_a):
        policy = eligibility.policy_for_tenant()
        assert (policy.neighbourhood_rule.value, policy.contact_warning_days, policy.contact_alarm_days) == (
            "avoid", 10, 21)


# Refusals found in review -------------------------------------------------------------------------

def test_a_match_does_not_start_while_its_volunteer_is_paused(app: Flask, tenant_a: Tenant,
                                                              coordinator_a: User) -> None:
    match = create_match(app, tenant_a, actor=coordinator_a, state=MatchState.INTRODUCTION)
    with in_tenant(app, tenant_a) as session, force_locale("en"):
        volunteer_operations.move(coordinator_a, session.get(Volunteer, (tenant_a.id, match.volunteer_id)),
                                  VolunteerState.PAUSED)
        with pytest.raises(OperationError, match="resume the volunteer first"):
            operations.start(coordinator_a, session.get(Match, (tenant_a.id, match.id)),
                             {"started_on": today(app), "frequency": None})


def test_a_matched_volunteer_is_not_made_available_by_hand_while_a_match_runs(
        app: Flask, tenant_a: Tenant, coordinator_a: User) -> None:
    match = create_match(app, tenant_a, actor=coordinator_a)
    with in_tenant(app, tenant_a) as session, force_locale("en"):
        volunteer = session.get(Volunteer, (tenant_a.id, match.volunteer_id))
        with pytest.raises(OperationError, match="end the match first"):
            volunteer_operations.move(coordinator_a, volunteer, VolunteerState.AVAILABLE)


def test_a_family_in_closing_cannot_wait_for_a_rematch(app: Flask, tenant_a: Tenant, coordinator_a: User) -> None:
    match = create_match(app, tenant_a, actor=coordinator_a)
    with in_tenant(app, tenant_a) as session, force_locale("en"):
        family_operations.move(coordinator_a, session.get(Family, (tenant_a.id, match.family_id)), CaseState.CLOSING)
        with pytest.raises(OperationError, match="without a rematch"):
            operations.end(coordinator_a, session.get(Match, (tenant_a.id, match.id)),
                           {"end_reason": EndReason.OTHER, "rematch": True})


def test_an_ended_match_takes_no_more_steps_and_ends_once(app: Flask, tenant_a: Tenant, coordinator_a: User,
                                                          coordinator: FlaskClient) -> None:
    match = create_match(app, tenant_a, actor=coordinator_a)
    url = f"/t/{tenant_a.slug}/matches/{match.id}"
    end = {"ended_on": today(app).isoformat(), "end_reason": "goals_reached", "end_note": "Moeder heeft nu werk.",
           **CONFIRMED}
    assert coordinator.post(f"{url}/end", data=end).status_code == 302
    assert coordinator.post(f"{url}/end", data=end).status_code == 302  # the page says it has ended
    for step, field in (("introduction", "introduction_on"), ("evaluation", "interim_evaluation_on"),
                        ("pause", "paused_on")):
        assert coordinator.post(f"{url}/{step}", data={field: today(app).isoformat(), **CONFIRMED}).status_code == 422
    with in_tenant(app, tenant_a) as session:
        ended = session.get(Match, (tenant_a.id, match.id))
        assert b"Moeder heeft nu werk" not in (ended.end_note_sealed or b"")  # sealed at rest
        events = session.scalars(select(CaseEvent.kind).where(CaseEvent.family_id == match.family_id,
                                                              CaseEvent.kind == "match_ended")).all()
        assert len(events) == 1
    assert "Moeder heeft nu werk." in coordinator.get(url).text
    with in_tenant(app, tenant_a) as session, pytest.raises(OperationError):
        operations.end(coordinator_a, session.get(Match, (tenant_a.id, match.id)), {"end_reason": EndReason.OTHER})


@pytest.mark.parametrize("page", ["99999999999999999999", "-1", "abc"])
def test_an_impossible_page_number_shows_the_first_page(coordinator: FlaskClient, tenant_a: Tenant, page: str) -> None:
    assert coordinator.get(f"/t/{tenant_a.slug}/matches/?page={page}").status_code == 200
