"""The case state machine through the generic "change state" form, and the timeline it writes."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from saas.auth.models import User
from saas.i18n import force_locale
from saas.tenancy.models import Tenant
from tenants.families.models import Family
from tenants.families.states import NEEDS_REASON, TRANSITIONS, CaseState, generic_moves, is_dedicated
from tests.factories.families import create_family, load_family, state_events
from tests.support.sessions import SignIn

GENERIC_MOVES = [(source, target) for source in CaseState for target in generic_moves(source)]
#: Back from closing to matched needs a running match (tests/matching/test_matches.py covers it).
WITHOUT_MATCH = [move for move in GENERIC_MOVES if move != (CaseState.CLOSING, CaseState.MATCHED)]
REASONED_MOVES = [(source, target) for source, target in GENERIC_MOVES if target in NEEDS_REASON]
DEDICATED_MOVES = [(source, target) for source in CaseState for target in TRANSITIONS[source]
                   if is_dedicated(source, target)]


def move_id(move: tuple[CaseState, CaseState]) -> str:
    return f"{move[0].value}->{move[1].value}"


def state_url(family: Family) -> str:
    return f"/t/alpha/families/{family.id}/state"


def test_the_generic_form_offers_moves_from_every_open_state() -> None:
    """Guards the parametrisation below: it must not silently shrink to nothing."""
    sources = {source for source, _target in GENERIC_MOVES}
    assert sources == {CaseState.REFERRED, CaseState.INTAKE_PLANNED, CaseState.INTAKE_DONE, CaseState.WAITING,
                       CaseState.MATCHED, CaseState.CLOSING}
    assert len(GENERIC_MOVES) == 13  # matched -> waiting goes through ending the match


@pytest.mark.parametrize(("source", "target"), WITHOUT_MATCH, ids=[move_id(m) for m in WITHOUT_MATCH])
def test_every_generic_move_of_the_state_machine_works(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, source: CaseState,
        target: CaseState) -> None:
    family = create_family(app, tenant_a, state=source)
    client: FlaskClient = signed_in(coordinator_a)
    response = client.post(state_url(family), data={"to_state": target.value, "reason": "Afgestemd met het gezin"})
    assert response.status_code == 302, response.text[:300]
    assert response.location == f"/t/alpha/families/{family.id}"
    assert load_family(app, tenant_a, family.id).state == target


@pytest.mark.parametrize(("source", "target"), WITHOUT_MATCH, ids=[move_id(m) for m in WITHOUT_MATCH])
def test_every_move_adds_a_timeline_event_with_both_states_the_reason_and_the_actor(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, source: CaseState,
        target: CaseState) -> None:
    family = create_family(app, tenant_a, state=source)
    client: FlaskClient = signed_in(coordinator_a)
    client.post(state_url(family), data={"to_state": target.value, "reason": "Afgestemd met het gezin"})
    [event] = state_events(app, tenant_a, family)
    assert (event.from_state, event.to_state, event.reason, event.actor_id) == (
        source, target, "Afgestemd met het gezin", coordinator_a.id)


def test_a_move_updates_when_the_state_last_changed(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant) -> None:
    from datetime import UTC, datetime, timedelta

    long_ago = datetime.now(UTC) - timedelta(days=40)
    family = create_family(app, tenant_a, state=CaseState.INTAKE_DONE, state_changed_at=long_ago)
    signed_in(coordinator_a).post(state_url(family), data={"to_state": "waiting"})
    assert load_family(app, tenant_a, family.id).state_changed_at > long_ago + timedelta(days=39)


def test_moves_outside_the_state_machine_are_refused_and_change_nothing(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant) -> None:
    client: FlaskClient = signed_in(coordinator_a)
    failures = []
    for source in CaseState:
        family = create_family(app, tenant_a, state=source)
        for target in CaseState:
            if target in TRANSITIONS[source]:
                continue
            response = client.post(state_url(family), json={"to_state": target.value, "reason": "Omdat het moet"})
            if response.status_code != 422 or "to_state" not in response.json["errors"]:
                failures.append(f"{move_id((source, target))} -> {response.status_code}")
            if load_family(app, tenant_a, family.id).state != source:
                failures.append(f"{move_id((source, target))} changed the state")
        if state_events(app, tenant_a, family):
            failures.append(f"a refused move from {source.value} wrote a timeline event")
    assert not failures, failures


@pytest.mark.parametrize(("source", "target"), DEDICATED_MOVES, ids=[move_id(m) for m in DEDICATED_MOVES])
def test_moves_that_have_their_own_form_are_refused_on_the_generic_form(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, source: CaseState,
        target: CaseState) -> None:
    family = create_family(app, tenant_a, state=source)
    response = signed_in(coordinator_a).post(state_url(family), json={"to_state": target.value, "reason": "x"})
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["to_state"]
    assert load_family(app, tenant_a, family.id).state == source
    assert state_events(app, tenant_a, family) == []


def test_matched_cannot_be_set_through_the_generic_form(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant) -> None:
    family = create_family(app, tenant_a, state=CaseState.WAITING)
    response = signed_in(coordinator_a).post(state_url(family), data={"to_state": "matched", "reason": "Koppeling"})
    assert response.status_code == 422
    assert load_family(app, tenant_a, family.id).state == CaseState.WAITING


@pytest.mark.parametrize("reason", [None, "", "   "], ids=["missing", "empty", "blank"])
@pytest.mark.parametrize(("source", "target"), REASONED_MOVES, ids=[move_id(m) for m in REASONED_MOVES])
def test_moves_that_need_a_reason_are_refused_without_one(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, source: CaseState,
        target: CaseState, reason: str | None) -> None:
    family = create_family(app, tenant_a, state=source)
    payload = {"to_state": target.value} if reason is None else {"to_state": target.value, "reason": reason}
    response = signed_in(coordinator_a).post(state_url(family), json=payload)
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["reason"]
    assert load_family(app, tenant_a, family.id).state == source
    assert state_events(app, tenant_a, family) == []


def test_moves_without_a_required_reason_need_none(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant) -> None:
    family = create_family(app, tenant_a, state=CaseState.INTAKE_DONE)
    assert signed_in(coordinator_a).post(state_url(family), data={"to_state": "waiting"}).status_code == 302
    assert load_family(app, tenant_a, family.id).state == CaseState.WAITING


def test_an_unknown_state_is_refused(app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant) -> None:
    family = create_family(app, tenant_a)
    response = signed_in(coordinator_a).post(state_url(family), json={"to_state": "teleported", "reason": "x"})
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["to_state"]
    assert load_family(app, tenant_a, family.id).state == CaseState.REFERRED


def test_a_refused_move_shows_the_file_again_with_the_error(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant) -> None:
    family = create_family(app, tenant_a, family_name="Familie Yilmaz")
    response = signed_in(coordinator_a).post(state_url(family), data={"to_state": "withdrawn"})
    assert response.status_code == 422
    assert "Familie Yilmaz" in response.text
    assert "Give a reason for this step." in response.text
    assert load_family(app, tenant_a, family.id).state == CaseState.REFERRED


def english_label(app: Flask, state: CaseState) -> str:
    with app.test_request_context(), force_locale("en"):
        return state.label


@pytest.mark.parametrize(("source", "target"), WITHOUT_MATCH, ids=[move_id(m) for m in WITHOUT_MATCH])
def test_every_move_appears_on_the_files_timeline(app: Flask, signed_in: SignIn, coordinator_a: User,
                                                  tenant_a: Tenant, source: CaseState, target: CaseState) -> None:
    family = create_family(app, tenant_a, state=source)
    client: FlaskClient = signed_in(coordinator_a)
    client.post(state_url(family), data={"to_state": target.value, "reason": "Gezin wil geen hulp meer"})
    page = client.get(f"/t/alpha/families/{family.id}")
    assert page.status_code == 200
    line = f"State changed from “{english_label(app, source)}” to “{english_label(app, target)}”."
    assert line in page.text
    assert "Reason: Gezin wil geen hulp meer" in page.text
