"""Registering a referral: the form, case numbers per tenant and year, and what is refused."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from saas.auth.models import User
from saas.auth.roles import Role
from saas.tenancy.models import Tenant
from tenants.families.models import CaseCounter, Family
from tenants.families.states import CaseState
from tenants.families.vocabulary import Channel, Composition, ReferrerType, Track, YesNoUnknown
from tests.factories.families import create_family, referral_form, written_rows
from tests.factories.platform import create_user, in_tenant, today
from tests.support.sessions import SignIn, sign_in

NEW = "/t/alpha/families/new"


def families_of(app: Flask, tenant: Tenant) -> list[Family]:
    with in_tenant(app, tenant) as session:
        return list(session.scalars(select(Family).order_by(Family.case_year, Family.case_seq)))


def rows_written(app: Flask, tenant: Tenant) -> dict[str, int]:
    rows = written_rows(app, tenant)
    with in_tenant(app, tenant) as session:
        rows["CaseCounter"] = sum(session.scalars(select(CaseCounter.last)))
    return rows


def test_a_coordinator_registers_a_referral_with_the_full_form(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant) -> None:
    client: FlaskClient = signed_in(coordinator_a)
    day = today(app)
    response = client.post(NEW, data=referral_form(coordinator_a, day))
    assert response.status_code == 302, response.text[:500]
    [family] = families_of(app, tenant_a)
    assert response.location == f"/t/alpha/families/{family.id}"
    assert family.state == CaseState.REFERRED
    assert family.case_number == f"{day.year}-0001"
    assert (family.family_name, family.coordinator_id, family.track, family.composition) == (
        "Familie Bakker", coordinator_a.id, Track.REGULAR, Composition.TWO_PARENTS)
    assert family.help_domains == ["finances", "social_network"]
    assert family.consent_purposes == ["support", "impact_measurement"]
    assert family.languages == ["Nederlands", "Arabisch"]
    assert (family.professional_agencies, family.professional_agency_count) == (["Wijkteam", "Schuldhulp"], 2)
    assert (family.channel, family.referrer_type, family.would_otherwise_be_referred) == (
        Channel.PHONE, ReferrerType.CJG, YesNoUnknown.YES)
    assert (family.municipality, family.municipality_code, family.referred_on) == ("Alpha", "GM0363", day)
    assert family.interpreter_needed and family.consent_given and family.consent_by_legal_representative
    assert not family.handover_from_professional_care


def test_case_numbers_count_up_within_a_tenant(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant) -> None:
    client: FlaskClient = signed_in(coordinator_a)
    day = today(app)
    for name in ("Familie Bakker", "Familie de Vries"):
        assert client.post(NEW, data=referral_form(coordinator_a, day, family_name=name)).status_code == 302
    assert [(f.family_name, f.case_number) for f in families_of(app, tenant_a)] == [
        ("Familie Bakker", f"{day.year}-0001"), ("Familie de Vries", f"{day.year}-0002")]


def test_case_numbers_start_at_one_in_each_tenant(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, tenant_b: Tenant,
        manager_b: User) -> None:
    day = today(app)
    client: FlaskClient = signed_in(coordinator_a)
    for _ in range(2):
        assert client.post(NEW, data=referral_form(coordinator_a, day)).status_code == 302
    other = app.test_client()
    sign_in(other, manager_b)
    form = referral_form(manager_b, day, municipality="Beta")
    assert other.post("/t/beta/families/new", data=form).status_code == 302
    assert [f.case_number for f in families_of(app, tenant_b)] == [f"{day.year}-0001"]
    assert [f.case_number for f in families_of(app, tenant_a)] == [f"{day.year}-0001", f"{day.year}-0002"]


def test_case_numbers_start_at_one_in_each_year_of_referral(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant) -> None:
    client: FlaskClient = signed_in(coordinator_a)
    day = today(app)
    last_year = date(day.year - 1, 12, 30)
    for referred in (day, last_year, day, last_year):
        form = referral_form(coordinator_a, day, referred_on=referred.isoformat(), consent_on=referred.isoformat())
        assert client.post(NEW, data=form).status_code == 302
    assert [f.case_number for f in families_of(app, tenant_a)] == [
        f"{day.year - 1}-0001", f"{day.year - 1}-0002", f"{day.year}-0001", f"{day.year}-0002"]


# Refused referrals --------------------------------------------------------------------------------

#: (id, overrides of the referral form given the test's people and today, the field with the error)
INVALID_REFERRALS = [
    ("referral-in-the-future", lambda w: {"referred_on": (w.today + timedelta(days=1)).isoformat()}, "referred_on"),
    ("consent-in-the-future", lambda w: {"consent_on": (w.today + timedelta(days=1)).isoformat()}, "consent_on"),
    ("consent-without-date", lambda w: {"consent_on": ""}, "consent_on"),
    ("consent-without-by-whom", lambda w: {"consent_by": ""}, "consent_by"),
    ("consent-without-purpose", lambda w: {"consent_purposes": []}, "consent_purposes"),
    ("first-1000-days-without-due-date", lambda w: {"track": "first_1000_days", "expected_due_date": ""},
     "expected_due_date"),
    ("municipality-of-another-tenant", lambda w: {"municipality": "Beta"}, "municipality"),
    ("coordinator-is-a-manager-of-another-tenant", lambda w: {"coordinator_id": str(w.manager_b.id)},
     "coordinator_id"),
    ("coordinator-is-a-volunteer", lambda w: {"coordinator_id": str(w.volunteer_a.id)}, "coordinator_id"),
    ("coordinator-is-not-an-id", lambda w: {"coordinator_id": "not-a-uuid"}, "coordinator_id"),
]


@pytest.fixture
def people(app: Flask, manager_b: User, volunteer_a: User) -> SimpleNamespace:
    return SimpleNamespace(today=today(app), manager_b=manager_b, volunteer_a=volunteer_a)


@pytest.mark.parametrize(("overrides", "field"), [case[1:] for case in INVALID_REFERRALS],
                         ids=[case[0] for case in INVALID_REFERRALS])
def test_an_invalid_referral_gives_json_clients_the_field_error_and_writes_nothing(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, people: SimpleNamespace,
        overrides: Any, field: str) -> None:
    client: FlaskClient = signed_in(coordinator_a)
    before = rows_written(app, tenant_a)
    response = client.post(NEW, json=referral_form(coordinator_a, people.today, **overrides(people)))
    assert response.status_code == 422
    assert field in response.json["errors"], response.json
    assert rows_written(app, tenant_a) == before


@pytest.mark.parametrize(("overrides", "field"), [case[1:] for case in INVALID_REFERRALS],
                         ids=[case[0] for case in INVALID_REFERRALS])
def test_an_invalid_referral_shows_the_form_again_with_the_field_error_and_writes_nothing(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, people: SimpleNamespace,
        overrides: Any, field: str) -> None:
    client: FlaskClient = signed_in(coordinator_a)
    before = rows_written(app, tenant_a)
    response = client.post(NEW, data=referral_form(coordinator_a, people.today, **overrides(people)))
    assert response.status_code == 422
    assert f'id="f-{field}-error"' in response.text
    assert 'name="family_name" ' in response.text and "Familie Bakker" in response.text  # input kept
    assert rows_written(app, tenant_a) == before


def test_a_valid_referral_with_a_due_date_is_accepted_on_the_first_1000_days_track(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant) -> None:
    """The counterpart of the refusal above: the same form with a due date goes through."""
    client: FlaskClient = signed_in(coordinator_a)
    day = today(app)
    due = day + timedelta(days=90)
    form = referral_form(coordinator_a, day, track="first_1000_days", expected_due_date=due.isoformat())
    assert client.post(NEW, data=form).status_code == 302
    [family] = families_of(app, tenant_a)
    assert (family.track, family.expected_due_date) == (Track.FIRST_1000_DAYS, due)


def test_a_manager_of_the_tenant_can_be_the_coordinator_of_a_file(
        app: Flask, signed_in: SignIn, coordinator_a: User, manager_a: User, tenant_a: Tenant) -> None:
    client: FlaskClient = signed_in(coordinator_a)
    form = referral_form(coordinator_a, today(app), coordinator_id=str(manager_a.id))
    assert client.post(NEW, data=form).status_code == 302
    assert [f.coordinator_id for f in families_of(app, tenant_a)] == [manager_a.id]


def test_a_deactivated_coordinator_cannot_be_given_a_file(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant) -> None:
    former = create_user(app, "former@alpha.example", tenant=tenant_a, role=Role.COORDINATOR)
    from saas.auth.models import Membership

    with in_tenant(app, tenant_a) as session:
        session.scalars(select(Membership).where(Membership.user_id == former.id)).one().is_active = False
        session.commit()
    client: FlaskClient = signed_in(coordinator_a)
    response = client.post(NEW, json=referral_form(coordinator_a, today(app), coordinator_id=str(former.id)))
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["coordinator_id"]


def test_a_non_object_json_body_is_a_bad_request(app: Flask, signed_in: SignIn, coordinator_a: User,
                                                 tenant_a: Tenant) -> None:
    client: FlaskClient = signed_in(coordinator_a)
    assert client.post(NEW, json=["Familie", "Bakker"]).status_code == 400
    assert families_of(app, tenant_a) == []


def test_the_factory_registers_through_the_operation(app: Flask, tenant_a: Tenant) -> None:
    """Guards the test factory itself: it must hand out case numbers like the real path."""
    first, second = create_family(app, tenant_a), create_family(app, tenant_a)
    assert (first.case_seq, second.case_seq) == (1, 2)


def test_the_referral_form_starts_with_today_and_the_coordinator_chosen(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant) -> None:
    page = signed_in(coordinator_a).get(NEW)
    assert page.status_code == 200
    assert f'value="{today(app).isoformat()}"' in page.text
    assert f'<option value="{coordinator_a.id}" selected>' in page.text
