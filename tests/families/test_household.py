"""Household members: adding parents and children, removing them, and what is refused."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from saas.auth.models import User
from saas.tenancy.models import Tenant
from tenants.families.models import CaseEvent, Family, FamilyMember
from tenants.families.vocabulary import MemberRole
from tests.factories.families import add_member, audit_actions, create_family, written_rows
from tests.factories.platform import in_tenant, today
from tests.support.confirm import CONFIRMED
from tests.support.sessions import SignIn


def members_url(family: Family) -> str:
    return f"/t/alpha/families/{family.id}/members"


def members_of(app: Flask, tenant: Tenant, family: Family) -> list[FamilyMember]:
    with in_tenant(app, tenant) as session:
        return list(session.scalars(select(FamilyMember).where(FamilyMember.family_id == family.id)
                                    .order_by(FamilyMember.first_name)))


def events_of(app: Flask, tenant: Tenant, family: Family, kind: str) -> list[CaseEvent]:
    with in_tenant(app, tenant) as session:
        return list(session.scalars(select(CaseEvent).where(CaseEvent.family_id == family.id,
                                                            CaseEvent.kind == kind)))


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def test_a_coordinator_adds_a_parent(app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant,
                                     family_a: Family) -> None:
    client: FlaskClient = signed_in(coordinator_a)
    response = client.post(members_url(family_a), data={"role": "parent", "first_name": " Sara ",
                                                          "birth_date": "1990-05-17", "legal_representative": "1"})
    assert response.status_code == 302
    assert response.location == f"/t/alpha/families/{family_a.id}#household"
    [member] = members_of(app, tenant_a, family_a)
    assert (member.role, member.first_name, member.birth_date, member.legal_representative) == (
        MemberRole.PARENT, "Sara", date(1990, 5, 17), True)


def test_a_coordinator_adds_a_child(app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant,
                                    family_a: Family) -> None:
    client: FlaskClient = signed_in(coordinator_a)
    birth = today(app) - timedelta(days=3 * 365)
    response = client.post(members_url(family_a), data={"role": "child", "first_name": "Noor",
                                                          "birth_date": birth.isoformat()})
    assert response.status_code == 302
    [member] = members_of(app, tenant_a, family_a)
    assert (member.role, member.first_name, member.birth_date, member.legal_representative) == (
        MemberRole.CHILD, "Noor", birth, False)


def test_adding_a_member_is_on_the_timeline_and_in_the_audit_log(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, family_a: Family) -> None:
    signed_in(coordinator_a).post(members_url(family_a), data={"role": "parent", "first_name": "Sara"})
    [member] = members_of(app, tenant_a, family_a)
    [event] = events_of(app, tenant_a, family_a, "member_added")
    assert (event.actor_id, event.details) == (coordinator_a.id, {"role": "parent"})
    audit = [a for a in audit_actions(app, tenant_a, family_a.id) if a.action == "family.member_added"]
    assert [(a.actor_id, a.details) for a in audit] == [(coordinator_a.id, {"member": str(member.id)})]


def test_a_child_of_twenty_three_still_takes_part(app: Flask, signed_in: SignIn, coordinator_a: User,
                                                  tenant_a: Tenant, family_a: Family) -> None:
    birth = years_before(today(app), 23)
    response = signed_in(coordinator_a).post(members_url(family_a), data={
        "role": "child", "first_name": "Daan", "birth_date": birth.isoformat()})
    assert response.status_code == 302
    assert [m.first_name for m in members_of(app, tenant_a, family_a)] == ["Daan"]


INVALID_MEMBERS = [
    ("child-born-in-the-future", lambda day: {"role": "child", "birth_date": (day + timedelta(days=1)).isoformat()},
     "birth_date"),
    ("child-older-than-23", lambda day: {"role": "child", "birth_date": (years_before(day, 24)).isoformat()},
     "birth_date"),
    ("child-without-birth-date", lambda day: {"role": "child", "birth_date": ""}, "birth_date"),
    ("parent-born-in-the-future", lambda day: {"role": "parent", "birth_date": (day + timedelta(days=1)).isoformat()},
     "birth_date"),
    ("birth-year-typo", lambda day: {"role": "parent", "birth_date": "1890-01-01"}, "birth_date"),
    ("no-first-name", lambda day: {"role": "parent", "first_name": "  "}, "first_name"),
    ("unknown-role", lambda day: {"role": "uncle"}, "role"),
]


@pytest.mark.parametrize(("overrides", "field"), [c[1:] for c in INVALID_MEMBERS], ids=[c[0] for c in INVALID_MEMBERS])
def test_an_invalid_member_gives_json_clients_the_field_error_and_writes_nothing(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, family_a: Family, overrides: Any,
        field: str) -> None:
    before = written_rows(app, tenant_a)
    payload = {"role": "child", "first_name": "Noor", **overrides(today(app))}
    response = signed_in(coordinator_a).post(members_url(family_a), json=payload)
    assert response.status_code == 422
    assert list(response.json["errors"]) == [field]
    assert written_rows(app, tenant_a) == before


def test_an_invalid_member_shows_the_file_again_with_the_error_and_the_input(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, family_a: Family) -> None:
    before = written_rows(app, tenant_a)
    future = (today(app) + timedelta(days=1)).isoformat()
    response = signed_in(coordinator_a).post(members_url(family_a), data={
        "role": "child", "first_name": "Noor", "birth_date": future})
    assert response.status_code == 422
    assert 'id="f-birth_date-error"' in response.text
    assert 'value="Noor"' in response.text
    assert written_rows(app, tenant_a) == before


def remove_url(family: Family, member: FamilyMember) -> str:
    return f"/t/alpha/families/{family.id}/members/{member.id}/delete"


def test_a_coordinator_removes_a_member(app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant,
                                        family_a: Family) -> None:
    sara = add_member(app, tenant_a, family_a, first_name="Sara")
    add_member(app, tenant_a, family_a, first_name="Ahmed")
    response = signed_in(coordinator_a).post(remove_url(family_a, sara), data=CONFIRMED)
    assert response.status_code == 302
    assert response.location == f"/t/alpha/families/{family_a.id}#household"
    assert [m.first_name for m in members_of(app, tenant_a, family_a)] == ["Ahmed"]
    [event] = events_of(app, tenant_a, family_a, "member_removed")
    assert event.actor_id == coordinator_a.id
    assert "family.member_removed" in [a.action for a in audit_actions(app, tenant_a, family_a.id)]


def test_removing_a_member_of_another_family_is_404(app: Flask, signed_in: SignIn, coordinator_a: User,
                                                    tenant_a: Tenant, family_a: Family) -> None:
    other = create_family(app, tenant_a, family_name="Familie Visser")
    stranger = add_member(app, tenant_a, other, first_name="Piet")
    response = signed_in(coordinator_a).post(remove_url(family_a, stranger), data=CONFIRMED)
    assert response.status_code == 404
    assert [m.first_name for m in members_of(app, tenant_a, other)] == ["Piet"]


def test_removing_a_member_of_another_tenant_is_404(app: Flask, signed_in: SignIn, coordinator_a: User,
                                                    tenant_a: Tenant, tenant_b: Tenant, family_a: Family) -> None:
    elsewhere = create_family(app, tenant_b, family_name="Familie Visser")
    stranger = add_member(app, tenant_b, elsewhere, first_name="Piet")
    response = signed_in(coordinator_a).post(remove_url(family_a, stranger), data=CONFIRMED)
    assert response.status_code == 404
    assert [m.first_name for m in members_of(app, tenant_b, elsewhere)] == ["Piet"]


def test_adding_a_member_to_a_family_of_another_tenant_is_404(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, tenant_b: Tenant) -> None:
    elsewhere = create_family(app, tenant_b, family_name="Familie Visser")
    response = signed_in(coordinator_a).post(members_url(elsewhere), data={"role": "parent", "first_name": "Eva"})
    assert response.status_code == 404
    assert members_of(app, tenant_b, elsewhere) == []
