"""The pipeline's rules over HTTP, as a browser form and as JSON: each allowed move works and is
written to the timeline and the audit log; anything else is refused with 422 and writes nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from saas.auth.models import User
from saas.tenancy.models import Tenant
from tenants.volunteers.readiness import add_months
from tenants.volunteers.states import SET_BY_MATCHING, TRANSITIONS, ExitReason, VolunteerState, manual_moves
from tests.factories.platform import days_ago, today
from tests.factories.volunteers import (
    DEFAULT_POLICY,
    VOLUNTEERS,
    audit_of,
    create_volunteer,
    errors_of,
    events_of,
    load_volunteer,
    send,
    set_policy,
    snapshot,
)
from tests.support.sessions import SignIn

HOW = ["form", "json"]
S = VolunteerState
MANUAL = [(current, target) for current in VolunteerState for target in manual_moves(current)]


def test_the_manual_moves_are_the_transitions_without_those_of_matching() -> None:
    """What the parametrised tests below walk through, spelled out."""
    assert {(c, t) for c, t in MANUAL} == {(c, t) for c, targets in TRANSITIONS.items() for t in targets
                                          if t not in SET_BY_MATCHING}
    assert len(MANUAL) == 15
    assert all(S.STOPPED in manual_moves(state) for state in VolunteerState if state != S.STOPPED)
    assert manual_moves(S.STOPPED) == []


@pytest.fixture
def coordinator(app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant) -> FlaskClient:
    set_policy(app, tenant_a)
    return signed_in(coordinator_a)


def ready_to_move(app: Flask, tenant: Tenant, state: VolunteerState, **fields: Any) -> Any:
    """A volunteer in ``state`` with a VOG issued ten days ago (so becoming available is allowed)."""
    if state in (S.AVAILABLE, S.MATCHED, S.PAUSED):
        fields.setdefault("approved_on", days_ago(app, 5))
    return create_volunteer(app, tenant, f"Vera {state.value}", state=state, vogs=[days_ago(app, 10)], **fields)


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize(("current", "target"), MANUAL, ids=[f"{c.value}-{t.value}" for c, t in MANUAL])
def test_each_manual_move_works_and_is_written_to_the_timeline_and_the_audit_log(
        app: Flask, coordinator: FlaskClient, coordinator_a: User, tenant_a: Tenant, current: VolunteerState,
        target: VolunteerState, how: str) -> None:
    volunteer = ready_to_move(app, tenant_a, current)
    before = load_volunteer(app, tenant_a, volunteer.id)
    data = {"to_state": target.value}
    if target == S.STOPPED:
        data["exit_reason"] = "no_time"
    response = send(coordinator, f"{VOLUNTEERS}/{volunteer.id}/state", data, how)
    assert response.status_code == 302, response.text[:500]
    assert response.location.endswith(f"/volunteers/{volunteer.id}")

    after = load_volunteer(app, tenant_a, volunteer.id)
    assert after.state == target
    assert after.state_changed_at >= before.state_changed_at
    day = today(app)
    if target == S.SCREENING:
        assert after.interviewed_on == day
    if target == S.AVAILABLE:  # a first approval is today; coming back from a pause keeps the earlier one
        assert after.approved_on == (before.approved_on or day)
    if target == S.STOPPED:
        assert (after.stopped_on, after.exit_reason) == (day, ExitReason.NO_TIME)
    else:
        assert (after.stopped_on, after.exit_reason) == (None, None)

    [event] = events_of(app, tenant_a, volunteer.id, "state_changed")
    assert (event.from_state, event.to_state, event.actor_id) == (current, target, coordinator_a.id)
    expected_details = {S.SCREENING: {"interviewed_on": day.isoformat()},
                        S.AVAILABLE: {"approved_on": after.approved_on.isoformat() if after.approved_on else None},
                        S.STOPPED: {"exit_reason": "no_time"}}.get(target, {})
    assert event.details == expected_details
    [audit] = audit_of(app, tenant_a, "volunteer.state_changed", volunteer.id)
    assert (audit.actor_id, audit.object_type) == (coordinator_a.id, "Volunteer")
    assert audit.details == {"old": current.value, "new": target.value}


def refused_targets(current: VolunteerState) -> list[VolunteerState]:
    return [target for target in VolunteerState if target not in manual_moves(current)]


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize("current", list(VolunteerState), ids=lambda s: s.value)
def test_moves_outside_the_transitions_and_to_matched_are_refused_and_write_nothing(
        app: Flask, coordinator: FlaskClient, tenant_a: Tenant, current: VolunteerState, how: str) -> None:
    volunteer = ready_to_move(app, tenant_a, current)
    assert S.MATCHED in refused_targets(current) and current in refused_targets(current)
    before = snapshot(app, tenant_a)
    for target in refused_targets(current):
        # Everything a move could need is there: only the step itself is wrong.
        data = {"to_state": target.value, "exit_reason": "moved", "approved_on": days_ago(app, 1).isoformat(),
                "interviewed_on": days_ago(app, 1).isoformat()}
        response = send(coordinator, f"{VOLUNTEERS}/{volunteer.id}/state", data, how)
        assert response.status_code == 422, f"{current} -> {target}: {response.status_code}"
        errors = errors_of(response, how)
        if how == "json":
            assert errors == {"to_state": ["This step is not possible from the current state."]}, target
        elif current == S.STOPPED:  # the page has no move form then, and says why
            assert "This volunteer has stopped; the state can no longer change." in errors
        else:
            assert "This step is not possible from the current state." in errors
    assert snapshot(app, tenant_a) == before


@pytest.mark.parametrize("how", HOW)
def test_an_unknown_state_is_refused(app: Flask, coordinator: FlaskClient, tenant_a: Tenant, how: str) -> None:
    volunteer = ready_to_move(app, tenant_a, S.APPLICANT)
    before = snapshot(app, tenant_a)
    for data in ({"to_state": "bogus"}, {}, {"to_state": ""}):
        response = send(coordinator, f"{VOLUNTEERS}/{volunteer.id}/state", data, how)
        assert response.status_code == 422
        if how == "json":
            assert set(errors_of(response, how)) == {"to_state"}
    assert snapshot(app, tenant_a) == before


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize("current", [S.APPLICANT, S.TRAINING, S.AVAILABLE, S.MATCHED, S.PAUSED], ids=lambda s: s.value)
def test_stopping_needs_a_valid_exit_reason(app: Flask, coordinator: FlaskClient, tenant_a: Tenant,
                                            current: VolunteerState, how: str) -> None:
    volunteer = ready_to_move(app, tenant_a, current)
    before = snapshot(app, tenant_a)
    for data in ({"to_state": "stopped"}, {"to_state": "stopped", "exit_reason": ""},
                 {"to_state": "stopped", "exit_reason": "bored"}):
        response = send(coordinator, f"{VOLUNTEERS}/{volunteer.id}/state", data, how)
        assert response.status_code == 422, data
        if how == "json":
            assert set(errors_of(response, how)) == {"exit_reason"}, data
    assert snapshot(app, tenant_a) == before
    assert load_volunteer(app, tenant_a, volunteer.id).state == current


def expired_issue_date(app: Flask) -> Any:
    """An issue date whose VOG expired yesterday under the default policy."""
    return add_months(today(app), -DEFAULT_POLICY["renewal_months"]) - timedelta(days=1)


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize(("vogs", "reason"), [
    ((), "No certificate of conduct (VOG) recorded."),
    (("expired",), "The certificate of conduct (VOG) has expired."),
    ((91,), "The certificate of conduct (VOG) was too old when the volunteer started."),
    ((400, 200), "The certificate of conduct (VOG) was too old when the volunteer started."),
], ids=["no-vog", "expired", "91-days-old", "two-old-ones"])
def test_becoming_available_without_a_valid_vog_is_refused_with_the_reason(
        app: Flask, coordinator: FlaskClient, tenant_a: Tenant, vogs: tuple[Any, ...], reason: str, how: str) -> None:
    issued = [expired_issue_date(app) if days == "expired" else days_ago(app, days) for days in vogs]
    volunteer = create_volunteer(app, tenant_a, state=S.TRAINING, vogs=issued)
    before = snapshot(app, tenant_a)
    response = send(coordinator, f"{VOLUNTEERS}/{volunteer.id}/state", {"to_state": "available"}, how)
    assert response.status_code == 422
    errors = errors_of(response, how)
    if how == "json":
        assert errors == {"_form": [f"The volunteer cannot become available: {reason}"]}
    else:
        assert reason in errors
        assert 'class="state state--training"' in errors
    assert snapshot(app, tenant_a) == before
    assert load_volunteer(app, tenant_a, volunteer.id).approved_on is None


@pytest.mark.parametrize("how", HOW)
def test_a_refused_move_leaves_no_policy_behind(app: Flask, signed_in: SignIn, coordinator_a: User,
                                                tenant_a: Tenant, how: str) -> None:
    """The move creates the tenant's policy to check the VOG; refused, the request rolls that back too."""
    volunteer = create_volunteer(app, tenant_a, state=S.TRAINING)
    client = signed_in(coordinator_a)
    before = snapshot(app, tenant_a)
    assert before["counts"]["ScreeningPolicy"] == 0
    assert send(client, f"{VOLUNTEERS}/{volunteer.id}/state", {"to_state": "available"}, how).status_code == 422
    assert snapshot(app, tenant_a) == before


@pytest.mark.parametrize("how", HOW)
def test_becoming_available_with_a_recent_vog_works(app: Flask, coordinator: FlaskClient, tenant_a: Tenant,
                                                    how: str) -> None:
    """The VOG may be at most 90 days old at the start; the start is today unless a date is given."""
    volunteer = create_volunteer(app, tenant_a, state=S.TRAINING, vogs=[days_ago(app, 400), days_ago(app, 90)])
    response = send(coordinator, f"{VOLUNTEERS}/{volunteer.id}/state", {"to_state": "available"}, how)
    assert response.status_code == 302, response.text[:500]
    stored = load_volunteer(app, tenant_a, volunteer.id)
    assert (stored.state, stored.approved_on) == (S.AVAILABLE, today(app))
    page = coordinator.get(f"{VOLUNTEERS}/{volunteer.id}").text
    assert "Yes: this volunteer can be matched." in page


@pytest.mark.parametrize("how", HOW)
def test_the_approval_date_is_the_start_the_vog_is_measured_against(
        app: Flask, coordinator: FlaskClient, tenant_a: Tenant, how: str) -> None:
    volunteer = create_volunteer(app, tenant_a, state=S.TRAINING, vogs=[days_ago(app, 150)])
    url = f"{VOLUNTEERS}/{volunteer.id}/state"
    before = snapshot(app, tenant_a)
    for approved in (days_ago(app, 59), today(app) + timedelta(days=1)):  # VOG 91 days old then; in the future
        response = send(coordinator, url, {"to_state": "available", "approved_on": approved.isoformat()}, how)
        assert response.status_code == 422, approved
    assert snapshot(app, tenant_a) == before
    response = send(coordinator, url, {"to_state": "available", "approved_on": days_ago(app, 60).isoformat()}, how)
    assert response.status_code == 302, response.text[:500]
    assert load_volunteer(app, tenant_a, volunteer.id).approved_on == days_ago(app, 60)
    [event] = events_of(app, tenant_a, volunteer.id, "state_changed")
    assert event.details == {"approved_on": days_ago(app, 60).isoformat()}


@pytest.mark.parametrize("how", HOW)
def test_coming_back_from_a_pause_keeps_the_approval_and_needs_a_vog_that_has_not_expired(
        app: Flask, coordinator: FlaskClient, tenant_a: Tenant, how: str) -> None:
    approved = days_ago(app, 700)
    long_serving = create_volunteer(app, tenant_a, "Lang Actief", state=S.PAUSED, approved_on=approved,
                                    vogs=[approved - timedelta(days=30)])
    response = send(coordinator, f"{VOLUNTEERS}/{long_serving.id}/state", {"to_state": "available"}, how)
    assert response.status_code == 302, response.text[:500]
    assert load_volunteer(app, tenant_a, long_serving.id).approved_on == approved

    lapsed = create_volunteer(app, tenant_a, "Verlopen", state=S.PAUSED, approved_on=days_ago(app, 1200),
                              vogs=[days_ago(app, 1210)])
    before = snapshot(app, tenant_a)
    response = send(coordinator, f"{VOLUNTEERS}/{lapsed.id}/state", {"to_state": "available"}, how)
    assert response.status_code == 422
    assert "has expired" in str(errors_of(response, how))
    assert snapshot(app, tenant_a) == before


# The screening policy ------------------------------------------------------------------------------

VALID_POLICY = {"max_age_at_start_days": "120", "renewal_months": "24", "warning_days": "30",
                "applicant_waiting_days": "7"}


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize(("field", "value"), [
    ("renewal_months", "0"), ("renewal_months", "-6"), ("renewal_months", "241"), ("renewal_months", "1.5"),
    ("renewal_months", "twelve"), ("renewal_months", ""), ("max_age_at_start_days", "0"),
    ("max_age_at_start_days", "-1"), ("max_age_at_start_days", "3651"), ("warning_days", "-1"),
    ("warning_days", "366"), ("applicant_waiting_days", "0"), ("applicant_waiting_days", "-14"),
])
def test_policy_values_out_of_range_are_refused_and_nothing_is_written(
        app: Flask, signed_in: SignIn, policy_manager_a: User, tenant_a: Tenant, field: str, value: str,
        how: str) -> None:
    client = signed_in(policy_manager_a)
    set_policy(app, tenant_a)
    before = snapshot(app, tenant_a)
    data: dict[str, Any] = {**VALID_POLICY, field: value}
    if how == "json" and value.lstrip("-").isdigit():
        data = {key: int(number) for key, number in data.items()}
    response = send(client, f"{VOLUNTEERS}/policy", data, how)
    assert response.status_code == 422
    if how == "json":
        assert set(errors_of(response, how)) == {field}
    assert snapshot(app, tenant_a) == before


@pytest.mark.parametrize("how", HOW)
def test_a_refused_policy_is_not_created_either(app: Flask, signed_in: SignIn, policy_manager_a: User,
                                               tenant_a: Tenant, how: str) -> None:
    client = signed_in(policy_manager_a)
    before = snapshot(app, tenant_a)
    assert before["counts"]["ScreeningPolicy"] == 0
    response = send(client, f"{VOLUNTEERS}/policy", {**VALID_POLICY, "renewal_months": "0"}, how)
    assert response.status_code == 422
    assert snapshot(app, tenant_a) == before


@pytest.mark.parametrize("how", HOW)
def test_a_valid_policy_is_saved_and_audited(app: Flask, signed_in: SignIn, policy_manager_a: User,
                                             tenant_a: Tenant, how: str) -> None:
    client = signed_in(policy_manager_a)
    set_policy(app, tenant_a)
    data = {"max_age_at_start_days": 120, "renewal_months": 24, "warning_days": 0, "applicant_waiting_days": 14}
    response = send(client, f"{VOLUNTEERS}/policy", data, how)
    assert response.status_code == 302, response.text[:500]
    [policy] = snapshot(app, tenant_a)["policies"]
    assert {key: policy[key] for key in data} == data
    [audit] = audit_of(app, tenant_a, "volunteer.policy_updated")
    assert audit.actor_id == policy_manager_a.id
    assert audit.details == {"max_age_at_start_days": 120, "renewal_months": 24, "warning_days": 0}
    # Saving the same values again changes nothing and is not audited.
    assert send(client, f"{VOLUNTEERS}/policy", data, how).status_code == 302
    assert len(audit_of(app, tenant_a, "volunteer.policy_updated")) == 1


# Recording a VOG ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize(("issued", "checked", "fields"), [
    (1, 0, {"issued_on", "checked_on"}),  # issued tomorrow (so also checked before it was issued)
    (1, 1, {"issued_on", "checked_on"}),  # issued and checked tomorrow
    (-10, -11, {"checked_on"}),  # checked the day before it was issued
    (-10, 1, {"checked_on"}),  # checked tomorrow
    (None, 0, {"issued_on"}),
    (-10, None, {"checked_on"}),
], ids=["issued-in-the-future", "both-in-the-future", "checked-before-issued", "checked-in-the-future",
       "no-issue-date", "no-check-date"])
def test_impossible_vog_dates_are_refused_and_nothing_is_written(
        app: Flask, coordinator: FlaskClient, tenant_a: Tenant, issued: int | None, checked: int | None,
        fields: set[str], how: str) -> None:
    volunteer = create_volunteer(app, tenant_a, state=S.SCREENING)
    day = today(app)
    data = {"issued_on": (day + timedelta(days=issued)).isoformat() if issued is not None else "",
            "screening_profile": "45",
            "checked_on": (day + timedelta(days=checked)).isoformat() if checked is not None else ""}
    before = snapshot(app, tenant_a)
    response = send(coordinator, f"{VOLUNTEERS}/{volunteer.id}/screenings", data, how)
    assert response.status_code == 422
    errors = errors_of(response, how)
    if how == "json":
        assert set(errors) == fields
    else:
        assert 'id="screening"' in errors and 'class="error-summary' in errors
    assert snapshot(app, tenant_a) == before


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize("profile", ["", "4a5", "45 ", "12345678901", "-45"])
def test_a_screening_profile_must_be_a_number(app: Flask, coordinator: FlaskClient, tenant_a: Tenant,
                                              profile: str, how: str) -> None:
    volunteer = create_volunteer(app, tenant_a, state=S.SCREENING)
    data = {"issued_on": days_ago(app, 3).isoformat(), "screening_profile": profile,
            "checked_on": days_ago(app, 1).isoformat()}
    before = snapshot(app, tenant_a)
    response = send(coordinator, f"{VOLUNTEERS}/{volunteer.id}/screenings", data, how)
    if profile == "45 ":  # surrounding spaces are stripped like everywhere else
        assert response.status_code == 302
        assert load_volunteer(app, tenant_a, volunteer.id).screenings[0].screening_profile == "45"
        return
    assert response.status_code == 422, profile
    assert snapshot(app, tenant_a) == before


@pytest.mark.parametrize("how", HOW)
def test_a_vog_checked_on_its_issue_date_is_recorded_with_who_checked_it(
        app: Flask, coordinator: FlaskClient, coordinator_a: User, tenant_a: Tenant, how: str) -> None:
    volunteer = create_volunteer(app, tenant_a, state=S.SCREENING, vogs=[days_ago(app, 800)])
    day = today(app)
    response = send(coordinator, f"{VOLUNTEERS}/{volunteer.id}/screenings",
                    {"issued_on": day.isoformat(), "screening_profile": "45", "checked_on": day.isoformat(),
                     "checked_by_id": "00000000-0000-0000-0000-000000000000"}, how)
    assert response.status_code == 302, response.text[:500]
    stored = load_volunteer(app, tenant_a, volunteer.id)
    assert [s.issued_on for s in stored.screenings] == [day, days_ago(app, 800)]  # newest first
    assert stored.screenings[0].checked_by_id == coordinator_a.id
    [event] = events_of(app, tenant_a, volunteer.id, "screening_added")
    assert event.details == {"issued_on": day.isoformat(), "screening_profile": "45"}
    [audit] = audit_of(app, tenant_a, "volunteer.screening_added", volunteer.id)
    assert audit.details == {"screening": str(stored.screenings[0].id), "issued_on": day.isoformat()}


# Registering and editing: refused input writes nothing -------------------------------------------------


@pytest.mark.parametrize("how", HOW)
def test_a_refused_registration_or_edit_writes_nothing(app: Flask, coordinator: FlaskClient, tenant_a: Tenant,
                                                       how: str) -> None:
    volunteer = create_volunteer(app, tenant_a, state=S.AVAILABLE, vogs=[days_ago(app, 10)],
                                 approved_on=days_ago(app, 5))
    valid = {"name": "Nieuwe Naam", "kind": "individual", "applied_on": days_ago(app, 3).isoformat(),
             "max_families": 2, "day_parts": ["weekend"], "municipality": "Alpha"}
    before = snapshot(app, tenant_a)
    for bad in ({"name": ""}, {"kind": "robot"}, {"max_families": 0}, {"municipality": "Beta"},
                {"applied_on": (today(app) + timedelta(days=1)).isoformat()}, {"day_parts": ["midnight"]},
                {"preferred_child_age_min": 12, "preferred_child_age_max": 4}, {"email": "not-an-address"}):
        for url in (f"{VOLUNTEERS}/new", f"{VOLUNTEERS}/{volunteer.id}/edit"):
            response = send(coordinator, url, {**valid, **bad}, how)
            assert response.status_code == 422, (url, bad)
            if how == "json":
                assert set(errors_of(response, how)) == set(bad) - {"preferred_child_age_min"}, bad
    assert snapshot(app, tenant_a) == before
