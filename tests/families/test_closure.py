"""Closing a case: the outcomes recorded, and the closures that are refused."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from saas.auth.models import User
from saas.tenancy.models import Tenant
from tenants.families.models import Family
from tenants.families.states import CaseState
from tenants.families.vocabulary import CareOutcome, ClosureReason, YesNoUnknown
from tests.factories.families import audit_actions, create_family, load_family, state_events
from tests.factories.platform import days_ago, today
from tests.support.confirm import CONFIRMED
from tests.support.sessions import SignIn


def close_url(family: Family) -> str:
    return f"/t/alpha/families/{family.id}/close"


def closure_form(app: Flask, **overrides: Any) -> dict[str, Any]:
    form: dict[str, Any] = {"closed_on": today(app).isoformat(), "closure_reason": "goals_reached",
                            "professional_care_at_end": "reduced", "prevented_referral_confirmed": "yes",
                            "satisfaction": "8", "informal_contact_continues": "1", **CONFIRMED}
    form.update(overrides)
    return form


@pytest.mark.parametrize("source", [CaseState.WAITING, CaseState.MATCHED, CaseState.CLOSING])
def test_a_case_is_closed_with_its_outcomes(app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant,
                                           source: CaseState) -> None:
    family = create_family(app, tenant_a, referred_on=days_ago(app, 200), state=source)
    response = signed_in(coordinator_a).post(close_url(family), data=closure_form(app))
    assert response.status_code == 302, response.text[:300]
    closed = load_family(app, tenant_a, family.id)
    assert closed.state == CaseState.CLOSED
    assert (closed.closed_on, closed.closure_reason, closed.professional_care_at_end) == (
        today(app), ClosureReason.GOALS_REACHED, CareOutcome.REDUCED)
    assert (closed.prevented_referral_confirmed, closed.satisfaction, closed.informal_contact_continues) == (
        YesNoUnknown.YES, 8, True)


def test_closing_is_on_the_timeline_with_its_reason_and_in_the_audit_log(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant) -> None:
    family = create_family(app, tenant_a, referred_on=days_ago(app, 200), state=CaseState.MATCHED)
    signed_in(coordinator_a).post(close_url(family), data=closure_form(app, closure_reason="moved"))
    [event] = state_events(app, tenant_a, family)
    assert (event.from_state, event.to_state, event.details) == (
        CaseState.MATCHED, CaseState.CLOSED, {"closure_reason": "moved"})
    audit = [a for a in audit_actions(app, tenant_a, family.id) if a.action == "family.state_changed"]
    assert [(a.actor_id, a.details) for a in audit] == [(coordinator_a.id, {"old": "matched", "new": "closed"})]


def test_the_grade_and_informal_contact_are_optional(app: Flask, signed_in: SignIn, coordinator_a: User,
                                                     tenant_a: Tenant) -> None:
    family = create_family(app, tenant_a, referred_on=days_ago(app, 30), state=CaseState.WAITING)
    form = closure_form(app, closure_reason="no_suitable_volunteer", satisfaction="")
    del form["informal_contact_continues"]  # an unticked box is not sent
    assert signed_in(coordinator_a).post(close_url(family), data=form).status_code == 302
    closed = load_family(app, tenant_a, family.id)
    assert (closed.state, closed.satisfaction, closed.informal_contact_continues) == (CaseState.CLOSED, None, False)


@pytest.mark.parametrize("grade", ["1", "10"])
def test_grades_from_one_to_ten_are_accepted(app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant,
                                             grade: str) -> None:
    family = create_family(app, tenant_a, state=CaseState.WAITING)
    response = signed_in(coordinator_a).post(close_url(family), data=closure_form(app, satisfaction=grade))
    assert response.status_code == 302
    assert load_family(app, tenant_a, family.id).satisfaction == int(grade)


def assert_refused(app: Flask, client: FlaskClient, tenant: Tenant, family: Family, form: dict[str, Any],
                   errors: list[str]) -> dict[str, list[str]]:
    response = client.post(close_url(family), json=form)
    assert response.status_code == 422
    assert list(response.json["errors"]) == errors
    stored = load_family(app, tenant, family.id)
    assert (stored.state, stored.closed_on, stored.closure_reason, stored.satisfaction) == (
        family.state, None, None, None)
    assert state_events(app, tenant, family) == []
    return response.json["errors"]


@pytest.mark.parametrize("grade", ["0", "11", "-3", "7.5", "acht"])
def test_a_grade_outside_one_to_ten_is_refused(app: Flask, signed_in: SignIn, coordinator_a: User,
                                               tenant_a: Tenant, grade: str) -> None:
    family = create_family(app, tenant_a, state=CaseState.WAITING)
    assert_refused(app, signed_in(coordinator_a), tenant_a, family, closure_form(app, satisfaction=grade),
                   ["satisfaction"])


@pytest.mark.parametrize("field", ["closed_on", "closure_reason", "professional_care_at_end",
                                   "prevented_referral_confirmed"])
def test_each_outcome_is_required(app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant,
                                  field: str) -> None:
    family = create_family(app, tenant_a, state=CaseState.WAITING)
    assert_refused(app, signed_in(coordinator_a), tenant_a, family, closure_form(app, **{field: ""}), [field])


def test_a_closure_before_the_referral_is_refused(app: Flask, signed_in: SignIn, coordinator_a: User,
                                                  tenant_a: Tenant) -> None:
    family = create_family(app, tenant_a, referred_on=days_ago(app, 20), state=CaseState.WAITING)
    errors = assert_refused(app, signed_in(coordinator_a), tenant_a, family,
                            closure_form(app, closed_on=days_ago(app, 21).isoformat()), ["_form"])
    assert errors == {"_form": ["The closure cannot be before the referral."]}


def test_a_closure_in_the_future_is_refused(app: Flask, signed_in: SignIn, coordinator_a: User,
                                            tenant_a: Tenant) -> None:
    family = create_family(app, tenant_a, state=CaseState.WAITING)
    tomorrow = (today(app) + timedelta(days=1)).isoformat()
    assert_refused(app, signed_in(coordinator_a), tenant_a, family, closure_form(app, closed_on=tomorrow),
                   ["closed_on"])


@pytest.mark.parametrize("source", [CaseState.REFERRED, CaseState.INTAKE_PLANNED, CaseState.INTAKE_DONE,
                                    CaseState.CLOSED, CaseState.WITHDRAWN])
def test_a_case_that_is_not_waiting_matched_or_closing_cannot_be_closed(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, source: CaseState) -> None:
    family = create_family(app, tenant_a, state=source)
    client: FlaskClient = signed_in(coordinator_a)
    response = client.post(close_url(family), data=closure_form(app))
    assert response.status_code == 302
    assert response.location == f"/t/alpha/families/{family.id}"
    stored = load_family(app, tenant_a, family.id)
    assert (stored.state, stored.closed_on, stored.closure_reason) == (source, None, None)
    assert state_events(app, tenant_a, family) == []
    assert "This step is not possible from the current state." in client.get(response.location).text


def test_a_refused_closure_shows_the_form_again_with_the_message(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant) -> None:
    family = create_family(app, tenant_a, referred_on=days_ago(app, 20), state=CaseState.WAITING)
    response = signed_in(coordinator_a).post(close_url(family), data=closure_form(
        app, closed_on=days_ago(app, 21).isoformat(), satisfaction="11"))
    assert response.status_code == 422
    assert 'id="f-satisfaction-error"' in response.text
    assert load_family(app, tenant_a, family.id).state == CaseState.WAITING


def test_a_closed_file_shows_its_outcomes(app: Flask, signed_in: SignIn, coordinator_a: User,
                                          tenant_a: Tenant) -> None:
    family = create_family(app, tenant_a, referred_on=days_ago(app, 200), state=CaseState.CLOSING)
    client: FlaskClient = signed_in(coordinator_a)
    client.post(close_url(family), data=closure_form(app, closure_reason="maximum_duration"))
    page = client.get(f"/t/alpha/families/{family.id}")
    assert "Maximum duration reached" in page.text
    assert "This case has ended; its state can no longer change." in page.text


def test_the_closure_form_is_shown_for_a_waiting_family(app: Flask, signed_in: SignIn, coordinator_a: User,
                                                        tenant_a: Tenant) -> None:
    family = create_family(app, tenant_a, family_name="Familie Wacht", state=CaseState.WAITING)
    page = signed_in(coordinator_a).get(close_url(family))
    assert page.status_code == 200
    assert 'name="closure_reason"' in page.text and "Familie Wacht" in page.text
    assert f'value="{today(app).isoformat()}"' in page.text  # closed today unless changed
