"""Issue 17: the intake never blocks. Missing consent is explained on the intake page and fixed
there, with everything typed kept; consent from a household member recorded as legal
representative counts; after the intake the next step is the waiting list."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import select

from saas.auth.models import User
from saas.tenancy.models import Tenant
from tenants.families.models import CaseEvent, Family, FamilyMember
from tenants.families.states import CaseState
from tenants.families.vocabulary import MemberRole
from tests.factories.families import (
    add_member,
    audit_actions,
    create_family,
    load_family,
    plan_intake,
    written_rows,
)
from tests.factories.platform import in_tenant, today
from tests.families.test_intake import NOT_RECORDED, intake_form, intake_of, under_16
from tests.support.sessions import SignIn

NO_CONSENT = {"consent_given": False, "consent_purposes": [], "consent_on": None, "consent_by": None,
              "consent_by_legal_representative": False}


def intake_url(family: Family) -> str:
    return f"/t/alpha/families/{family.id}/intake"


def household(app: Flask, tenant: Tenant, family: Family, *, sara_represents: bool = True) -> FamilyMember:
    """Sara (a parent, legal representative unless told otherwise) and Noor, ten years old; returns Sara."""
    sara = add_member(app, tenant, family, first_name="Sara", legal_representative=sara_represents)
    add_member(app, tenant, family, role=MemberRole.CHILD, first_name="Noor",
               birth_date=today(app) - timedelta(days=10 * 365), legal_representative=False)
    return sara


def planned_family(app: Flask, tenant: Tenant, coordinator: User, **fields: Any) -> Family:
    family = create_family(app, tenant, family_name="Familie El Amrani", referred_on=today(app) - timedelta(days=10),
                           **fields)
    plan_intake(app, tenant, family, actor=coordinator)
    return family


def consent_fields(day: date, **overrides: Any) -> dict[str, Any]:
    """The consent fields of the intake page, filled in."""
    return {"consent_fix": "1", "consent_given": "1", "consent_purposes": ["support", "impact_measurement"],
            "consent_on": day.isoformat(), "consent_member_id": "", "consent_by": "",
            "consent_by_legal_representative": "", **overrides}


def events_of(app: Flask, tenant: Tenant, family: Family, kind: str) -> list[CaseEvent]:
    with in_tenant(app, tenant) as session:
        return list(session.scalars(select(CaseEvent).where(CaseEvent.family_id == family.id,
                                                            CaseEvent.kind == kind)))


# Explained and fixed in place ----------------------------------------------------------------------


def test_the_intake_page_explains_missing_consent_and_offers_the_fields_to_fix_it(
    app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant
) -> None:
    family = planned_family(app, tenant_a, coordinator_a, **NO_CONSENT)
    sara = household(app, tenant_a, family)
    page = signed_in(coordinator_a).get(intake_url(family)).text
    assert escape(NOT_RECORDED) in page
    assert 'name="consent_fix" value="1"' in page
    assert f'value="{sara.id}"' in page  # Sara, a legal representative, can be chosen as who gave consent
    assert "Sara (parent or carer, legal representative)" in page


def test_refused_consent_is_fixed_in_place_without_losing_what_was_typed(
    app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant
) -> None:
    day = today(app)
    family = planned_family(app, tenant_a, coordinator_a, **NO_CONSENT)
    sara = household(app, tenant_a, family)
    client: FlaskClient = signed_in(coordinator_a)
    before = written_rows(app, tenant_a)

    # First the whole intake, without saying who gave consent: refused, explained, everything kept.
    typed = {**intake_form(coordinator_a, day), **consent_fields(day, consent_given="")}
    refused = client.post(intake_url(family), data=typed)
    assert refused.status_code == 422
    assert escape(NOT_RECORDED) in refused.text
    assert "Sara voelt zich alleen sinds de verhuizing" in refused.text
    assert 'value="Sara (moeder), Noor"' in refused.text
    assert 'value="female" checked' in refused.text
    assert 'value="weekday_morning" checked' in refused.text and 'value="weekend" checked' in refused.text
    assert 'value="impact_measurement" checked' in refused.text
    assert written_rows(app, tenant_a) == before  # nothing half-written
    assert load_family(app, tenant_a, family.id).consent_given is False
    assert intake_of(app, tenant_a, family).done_on is None

    # Then the same form once more, with the consent filled in on the same page: both are saved.
    fixed = client.post(intake_url(family), data={**typed, "consent_given": "1", "consent_member_id": str(sara.id)})
    assert fixed.status_code == 302, fixed.text[:500]
    stored = load_family(app, tenant_a, family.id)
    assert stored.state == CaseState.INTAKE_DONE
    assert (stored.consent_given, stored.consent_by, stored.consent_by_legal_representative) == (True, "Sara", True)
    assert (stored.consent_on, stored.consent_purposes) == (day, ["support", "impact_measurement"])
    assert intake_of(app, tenant_a, family).done_on == day
    [updated] = events_of(app, tenant_a, family, "updated")
    assert updated.details["fields"] == ["consent_by", "consent_by_legal_representative", "consent_given",
                                         "consent_on", "consent_purposes"]
    assert "family.updated" in [event.action for event in audit_actions(app, tenant_a, family.id)]


def test_consent_of_someone_outside_the_household_recorded_as_legal_representative_is_accepted(
    app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant
) -> None:
    day = today(app)
    family = planned_family(app, tenant_a, coordinator_a, consent_by="Oom Karim", consent_by_legal_representative=False)
    household(app, tenant_a, family, sara_represents=False)
    form = {**intake_form(coordinator_a, day),
            **consent_fields(day, consent_by="Oom Karim (voogd)", consent_by_legal_representative="1")}
    response = signed_in(coordinator_a).post(intake_url(family), data=form)
    assert response.status_code == 302, response.text[:500]
    stored = load_family(app, tenant_a, family.id)
    assert (stored.state, stored.consent_by, stored.consent_by_legal_representative) == (
        CaseState.INTAKE_DONE, "Oom Karim (voogd)", True)


def test_consent_still_not_from_a_legal_representative_is_refused_with_the_children_named(
    app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant
) -> None:
    day = today(app)
    family = planned_family(app, tenant_a, coordinator_a, consent_by="Oom Karim", consent_by_legal_representative=False)
    household(app, tenant_a, family, sara_represents=False)
    before = written_rows(app, tenant_a)
    form = {**intake_form(coordinator_a, day), **consent_fields(day, consent_by="Oom Karim")}
    response = signed_in(coordinator_a).post(intake_url(family), json=form)
    assert response.status_code == 422
    assert response.json["errors"] == {"consent": [under_16("Noor")]}
    assert written_rows(app, tenant_a) == before
    assert load_family(app, tenant_a, family.id).consent_by == "Oom Karim"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"consent_on": ""}, "consent_on"), ({"consent_purposes": []}, "consent_purposes"),
     ({"consent_by": "", "consent_member_id": ""}, "consent_by"), ({"consent_member_id": "not-an-id"},
                                                                  "consent_member_id")],
    ids=["no-date", "no-purpose", "nobody", "bad-member"],
)
def test_consent_fixed_in_place_needs_when_by_whom_and_what(
    app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, overrides: dict[str, Any], field: str
) -> None:
    day = today(app)
    family = planned_family(app, tenant_a, coordinator_a, **NO_CONSENT)
    form = {**intake_form(coordinator_a, day), **consent_fields(day, **{"consent_by": "Sara", **overrides})}
    response = signed_in(coordinator_a).post(intake_url(family), json=form)
    assert response.status_code == 422
    assert list(response.json["errors"]) == [field]
    assert load_family(app, tenant_a, family.id).state == CaseState.INTAKE_PLANNED


def test_a_legal_representative_of_another_family_cannot_give_consent(
    app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant
) -> None:
    day = today(app)
    family = planned_family(app, tenant_a, coordinator_a, **NO_CONSENT)
    household(app, tenant_a, family)
    stranger = add_member(app, tenant_a, create_family(app, tenant_a), first_name="Piet")
    form = {**intake_form(coordinator_a, day), **consent_fields(day, consent_member_id=str(stranger.id))}
    response = signed_in(coordinator_a).post(intake_url(family), json=form)
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["consent_member_id"]


def test_consent_fixed_in_place_must_be_recent(
    app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant
) -> None:
    day = today(app)
    family = planned_family(app, tenant_a, coordinator_a, **NO_CONSENT)
    too_old = consent_fields(day - timedelta(days=400), consent_by="Sara (moeder)", consent_by_legal_representative="1")
    form = {**intake_form(coordinator_a, day), **too_old}
    response = signed_in(coordinator_a).post(intake_url(family), json=form)
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["consent_on"]


# The household's legal-representative flags ------------------------------------------------------


def test_consent_from_a_member_recorded_as_legal_representative_is_accepted(
    app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant
) -> None:
    """The file says consent came from "Sara Bakker (moeder)" without ticking the file's own box;
    Sara is in the household as legal representative, so that is consent from a legal representative."""
    family = planned_family(app, tenant_a, coordinator_a, consent_by="Sara Bakker (moeder)",
                            consent_by_legal_representative=False)
    household(app, tenant_a, family)
    client: FlaskClient = signed_in(coordinator_a)
    assert 'name="consent_fix"' not in client.get(intake_url(family)).text  # nothing to fix: no consent fields
    response = client.post(intake_url(family), data=intake_form(coordinator_a, today(app)))
    assert response.status_code == 302, response.text[:500]
    assert load_family(app, tenant_a, family.id).state == CaseState.INTAKE_DONE


def test_a_member_not_recorded_as_legal_representative_does_not_count(
    app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant
) -> None:
    family = planned_family(app, tenant_a, coordinator_a, consent_by="Sara", consent_by_legal_representative=False)
    household(app, tenant_a, family, sara_represents=False)
    response = signed_in(coordinator_a).post(intake_url(family), json=intake_form(coordinator_a, today(app)))
    assert response.status_code == 422
    assert response.json["errors"] == {"consent": [under_16("Noor")]}


# The next step ------------------------------------------------------------------------------------


def test_after_the_intake_the_file_offers_the_waiting_list(
    app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant
) -> None:
    family = planned_family(app, tenant_a, coordinator_a)
    client: FlaskClient = signed_in(coordinator_a)
    done = client.post(intake_url(family), data=intake_form(coordinator_a, today(app)))
    assert done.status_code == 302
    page = client.get(done.location).text
    form = f'<form id="step-form-0" method="post" action="/t/alpha/families/{family.id}/state" hidden>'
    assert form in page
    assert 'name="to_state" value="waiting"' in page
    assert page.count('form="step-form-0"') == 2  # its button in the bar and first in the next steps
    assert "Put on the waiting list" in page
    moved = client.post(f"/t/alpha/families/{family.id}/state", data={"to_state": "waiting"})
    assert moved.status_code == 302
    assert load_family(app, tenant_a, family.id).state == CaseState.WAITING
