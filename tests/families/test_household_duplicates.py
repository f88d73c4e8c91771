"""Issue 17: the same household member added twice (same first name and birth date in one family)
is a warning to confirm, not a silent duplicate."""

from __future__ import annotations

from datetime import date

from flask import Flask
from flask.testing import FlaskClient

from saas.auth.models import User
from saas.tenancy.models import Tenant
from tenants.families.models import Family
from tests.factories.families import add_member, create_family, written_rows
from tests.families.test_household import members_of, members_url
from tests.support.confirm import CONFIRMED
from tests.support.sessions import SignIn

SARA = {"role": "parent", "first_name": "sara ", "birth_date": "1990-05-17", "legal_representative": "1"}


def test_the_same_member_twice_asks_to_confirm_and_keeps_the_input(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, family_a: Family) -> None:
    add_member(app, tenant_a, family_a, first_name="Sara", birth_date=date(1990, 5, 17))
    before = written_rows(app, tenant_a)
    response = signed_in(coordinator_a).post(members_url(family_a), data=SARA)
    assert response.status_code == 422
    assert "Sara, born on 17 May 1990, is already in the household." in response.text
    assert 'id="f-confirmed"' in response.text and 'href="#f-confirmed"' in response.text
    assert 'name="confirmed" type="checkbox"' in response.text  # the confirm pattern: tick box without JavaScript
    assert 'data-confirm-yes' in response.text
    assert 'value="sara "' in response.text  # what was typed is kept
    assert written_rows(app, tenant_a) == before
    assert len(members_of(app, tenant_a, family_a)) == 1


def test_a_json_client_is_told_which_field_to_confirm(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, family_a: Family) -> None:
    add_member(app, tenant_a, family_a, first_name="Sara", birth_date=None)
    response = signed_in(coordinator_a).post(members_url(family_a), json={"role": "parent", "first_name": "Sara"})
    assert response.status_code == 422
    assert response.json["errors"] == {"confirmed": [
        "Sara is already in the household. Is this someone else? Then confirm that you want to add them."]}


def test_a_confirmed_second_member_with_the_same_name_and_birth_date_is_added(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, family_a: Family) -> None:
    add_member(app, tenant_a, family_a, first_name="Sara", birth_date=date(1990, 5, 17))
    client: FlaskClient = signed_in(coordinator_a)
    response = client.post(members_url(family_a), data={**SARA, **CONFIRMED})
    assert response.status_code == 302
    assert [m.first_name for m in members_of(app, tenant_a, family_a)] == ["Sara", "sara"]


def test_another_birth_date_or_another_family_is_no_duplicate(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, family_a: Family) -> None:
    add_member(app, tenant_a, family_a, first_name="Sara", birth_date=date(1991, 5, 17))
    other = create_family(app, tenant_a)
    add_member(app, tenant_a, other, first_name="Sara", birth_date=date(1990, 5, 17))
    response = signed_in(coordinator_a).post(members_url(family_a), data=SARA)
    assert response.status_code == 302
    assert len(members_of(app, tenant_a, family_a)) == 2
