"""Issue 17: the intake's wish about the volunteer's gender is used. A volunteer's gender is an
optional field of their profile, and the suggestions rank a volunteer of the wished gender higher."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from saas.auth.models import User
from saas.db import db, tenant_context
from saas.tenancy.models import Tenant
from tenants.families.models import Intake
from tenants.families.states import CaseState
from tenants.families.vocabulary import Gender
from tenants.volunteers.models import Volunteer
from tenants.volunteers.states import VolunteerState
from tests.factories.families import create_family
from tests.factories.platform import in_tenant, today
from tests.factories.volunteers import create_volunteer
from tests.support.sessions import SignIn

VOLUNTEERS = "/t/alpha/volunteers"


def application(app: Flask, **overrides: Any) -> dict[str, Any]:
    return {"name": "Vera de Vries", "kind": "individual", "applied_on": today(app).isoformat(), "max_families": "1",
            **overrides}


def volunteer_named(app: Flask, tenant: Tenant, name: str) -> Volunteer:
    with app.app_context(), tenant_context(db.session, tenant.id):
        return db.session.scalars(select(Volunteer).where(Volunteer.name == name)).one()


def test_a_volunteers_gender_is_optional_on_the_profile(
    app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant
) -> None:
    client: FlaskClient = signed_in(coordinator_a)
    form = client.get(f"{VOLUNTEERS}/new").text
    assert 'name="gender" type="radio" value="female"' in form
    assert "Only used to meet a family’s wish about the volunteer’s gender" in form
    assert client.post(f"{VOLUNTEERS}/new", data=application(app)).status_code == 302
    assert volunteer_named(app, tenant_a, "Vera de Vries").gender is None
    assert client.post(f"{VOLUNTEERS}/new", data=application(app, name="Fleur", gender="female")).status_code == 302
    fleur = volunteer_named(app, tenant_a, "Fleur")
    assert fleur.gender == Gender.FEMALE
    assert 'value="female" checked' in client.get(f"{VOLUNTEERS}/{fleur.id}/edit").text
    assert "Woman" in client.get(f"{VOLUNTEERS}/{fleur.id}").text


@pytest.mark.parametrize("value", ["any", "other"])
def test_no_preference_is_no_gender(
    app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, value: str
) -> None:
    response = signed_in(coordinator_a).post(f"{VOLUNTEERS}/new", json=application(app, gender=value))
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["gender"]


def test_the_suggestions_rank_the_wished_gender_first_and_explain_it(
    app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant
) -> None:
    day = today(app)
    family = create_family(app, tenant_a, family_name="Familie Yilmaz", state=CaseState.WAITING)
    with in_tenant(app, tenant_a) as session:
        session.add(Intake(family_id=family.id, done_on=day - timedelta(days=1), wish_gender=Gender.MALE))
        session.commit()
    vogs = [day - timedelta(days=10)]
    for name, gender in (("Anna", Gender.FEMALE), ("Bram", Gender.MALE)):
        create_volunteer(app, tenant_a, name, state=VolunteerState.AVAILABLE, vogs=vogs, gender=gender,
                         approved_on=day - timedelta(days=5), municipality=tenant_a.municipalities[0])
    page = signed_in(coordinator_a).get(f"/t/alpha/families/{family.id}/suggestions").text
    assert page.index("Bram") < page.index("Anna")
    assert "Man, as the family wished." in page
    assert "Woman; the family wished: Man." in page
