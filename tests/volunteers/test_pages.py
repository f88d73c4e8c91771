"""The volunteer pages end to end: the staff flow, the VOG rule, self-service, and every page renders."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from saas.audit.models import AuditEvent
from saas.auth.models import User
from saas.auth.roles import Role
from saas.clock import local_today
from saas.db import db, tenant_context
from saas.tenancy.models import Tenant
from tenants.volunteers.models import Volunteer, VolunteerEvent
from tenants.volunteers.states import VolunteerState
from tests.factories.platform import create_user
from tests.support.sessions import sign_in

BASE = "/t/alpha"


def today(app: Flask) -> date:
    with app.app_context():
        return local_today()


def application(day: date, **overrides: Any) -> dict[str, Any]:
    form = {"name": "Vera de Vries", "kind": "individual", "email": "vera@example.org", "phone": "06-12345678",
            "applied_on": day.isoformat(), "languages": "Nederlands\r\nTürks", "municipality": "Alpha",
            "neighbourhood": "Centrum", "day_parts": ["weekday_evening", "weekend"], "max_families": "2",
            "experience_domains": ["finances"], "interests": "Wandelen", "preferred_tracks": ["regular"],
            "preferred_child_age_min": "0", "preferred_child_age_max": "12"}
    form.update(overrides)
    return form


def load(app: Flask, tenant: Tenant) -> Volunteer:
    with app.app_context(), tenant_context(db.session, tenant.id):
        return db.session.scalars(select(Volunteer)).one()


def staff(app: Flask, client: FlaskClient, tenant: Tenant, role: Role = Role.COORDINATOR) -> User:
    user = create_user(app, f"{role.value}@alpha.example", tenant=tenant, role=role, name="Cor", locale="en")
    sign_in(client, user)
    return user


def test_the_staff_flow_from_application_to_available(app: Flask, client: FlaskClient, tenant_a: Tenant) -> None:
    staff(app, client, tenant_a)
    day = today(app)
    for path in ("/volunteers/", "/volunteers/applicants", "/volunteers/screening", "/volunteers/new"):
        assert client.get(BASE + path).status_code == 200, path
    assert client.post(BASE + "/volunteers/new", data=application(day, name="", max_families="9",
                                                                  preferred_child_age_min="15")).status_code == 422
    assert client.post(BASE + "/volunteers/new", data=application(day + timedelta(days=3))).status_code == 422
    response = client.post(BASE + "/volunteers/new", data=application(day))
    assert response.status_code == 302
    volunteer = load(app, tenant_a)
    assert volunteer.languages == ["Nederlands", "Türks"] and volunteer.day_parts == ["weekday_evening", "weekend"]
    url = f"{BASE}/volunteers/{volunteer.id}"
    assert client.get(url).status_code == 200
    assert client.get(url + "/edit").status_code == 200
    assert client.post(url + "/edit", data=application(day, municipality="Elsewhere")).status_code == 422
    assert client.post(url + "/edit", data=application(day, interests="Koken")).status_code == 302
    # Lists and filters
    for query in ("?q=vera", "?state=applicant", "?readiness=ready", "?readiness=not_ready", "?language=türks",
                  "?municipality=Alpha", "?sort=-applied", "?state=bogus"):
        response = client.get(BASE + "/volunteers/" + query)
        assert response.status_code == 200, query
    assert b"Vera de Vries" in client.get(BASE + "/volunteers/?language=t%C3%BCrks").data
    assert b"Vera de Vries" not in client.get(BASE + "/volunteers/?language=arab").data
    assert b"Vera de Vries" in client.get(BASE + "/volunteers/applicants").data
    # Pipeline moves; a move that skips a step or goes to MATCHED by hand is refused.
    assert client.post(url + "/state", data={"to_state": "available"}).status_code == 422
    assert client.post(url + "/state", data={"to_state": "stopped"}).status_code == 422  # no exit reason
    for state in ("intake", "screening", "training"):
        assert client.post(url + "/state", data={"to_state": state}).status_code == 302, state
    assert load(app, tenant_a).interviewed_on == day
    # No VOG yet: AVAILABLE is refused with the reason.
    response = client.post(url + "/state", data={"to_state": "available"})
    assert response.status_code == 422 and b"VOG" in response.data
    assert client.post(url + "/screenings", data={"issued_on": (day + timedelta(days=1)).isoformat(),
                                                  "screening_profile": "4a5", "checked_on": ""}).status_code == 422
    assert client.post(url + "/screenings", data={"issued_on": (day - timedelta(days=200)).isoformat(),
                                                  "screening_profile": "45",
                                                  "checked_on": day.isoformat()}).status_code == 302
    assert client.post(url + "/state", data={"to_state": "available"}).status_code == 422  # too old at start
    assert client.post(url + "/screenings", data={"issued_on": (day - timedelta(days=10)).isoformat(),
                                                  "screening_profile": "45",
                                                  "checked_on": day.isoformat()}).status_code == 302
    assert client.post(url + "/state", data={"to_state": "available"}).status_code == 302
    volunteer = load(app, tenant_a)
    assert volunteer.state == VolunteerState.AVAILABLE and volunteer.approved_on == day
    assert b"Vera de Vries" in client.get(BASE + "/volunteers/?readiness=ready").data
    assert b"Vera de Vries" not in client.get(BASE + "/volunteers/?readiness=not_ready").data
    assert client.post(url + "/state", data={"to_state": "matched"}).status_code == 422
    assert client.post(url + "/invite").status_code == 302
    assert client.post(url + "/state", data={"to_state": "stopped", "exit_reason": "moved"}).status_code == 302
    assert client.get(url).status_code == 200
    with app.app_context(), tenant_context(db.session, tenant_a.id):
        actions = set(db.session.scalars(select(AuditEvent.action)))
        kinds = set(db.session.scalars(select(VolunteerEvent.kind)))
    assert {"volunteer.registered", "volunteer.updated", "volunteer.state_changed", "volunteer.screening_added",
            "volunteer.account_invited"} <= actions
    assert {"registered", "updated", "state_changed", "screening_added", "account_invited"} <= kinds


def test_the_policy_is_for_managers(app: Flask, client: FlaskClient, tenant_a: Tenant) -> None:
    staff(app, client, tenant_a, Role.MANAGER)
    assert client.get(BASE + "/volunteers/policy").status_code == 200
    assert client.post(BASE + "/volunteers/policy", data={"renewal_months": "0"}).status_code == 422
    data = {"max_age_at_start_days": "120", "renewal_months": "24", "warning_days": "30",
            "applicant_waiting_days": "7"}
    assert client.post(BASE + "/volunteers/policy", data=data).status_code == 302
    assert b'value="24"' in client.get(BASE + "/volunteers/policy").data


def test_vog_lists(app: Flask, client: FlaskClient, tenant_a: Tenant) -> None:
    staff(app, client, tenant_a)
    day = today(app)
    for name, issued in (("Expiring Eva", day - timedelta(days=3 * 365 - 20)),
                         ("Expired Erik", day - timedelta(days=4 * 365))):
        client.post(BASE + "/volunteers/new", data=application(day, name=name, email=""))
        with app.app_context(), tenant_context(db.session, tenant_a.id):
            volunteer = db.session.scalars(select(Volunteer).where(Volunteer.name == name)).one()
        client.post(f"{BASE}/volunteers/{volunteer.id}/screenings",
                    data={"issued_on": issued.isoformat(), "screening_profile": "45", "checked_on": day.isoformat()})
    page = client.get(BASE + "/volunteers/screening").get_data(as_text=True)
    expiring, expired = page.split('id="expiring"')[1].split('id="expired"')
    assert "Expiring Eva" in expiring and "Expired Erik" not in expiring
    assert "Expired Erik" in expired and "Expiring Eva" not in expired


def test_self_service(app: Flask, client: FlaskClient, tenant_a: Tenant) -> None:
    coordinator = staff(app, client, tenant_a)
    day = today(app)
    client.post(BASE + "/volunteers/new", data=application(day, email="vera@alpha.example"))
    client.post(BASE + "/volunteers/new", data=application(day, name="Other Otto", email="otto@alpha.example"))
    assert coordinator
    person = create_user(app, "vera@alpha.example", tenant=tenant_a, role=Role.VOLUNTEER, name="Vera", locale="en")
    volunteer_client = app.test_client()
    sign_in(volunteer_client, person)
    response = volunteer_client.get(BASE + "/me/")
    assert response.status_code == 200 and b"Vera de Vries" in response.data and b"Other Otto" not in response.data
    assert b"coordinator" in response.data  # no VOG: ask your coordinator
    assert volunteer_client.get(BASE + "/me/edit").status_code == 200
    assert volunteer_client.post(BASE + "/me/edit", data={"max_families": "7"}).status_code == 422
    response = volunteer_client.post(BASE + "/me/edit", data={"max_families": "3", "phone": "0612",
                                                              "name": "Hacked", "languages": "Arabisch"})
    assert response.status_code == 302
    with app.app_context(), tenant_context(db.session, tenant_a.id):
        vera = db.session.scalars(select(Volunteer).where(Volunteer.user_id == person.id)).one()
    assert vera.name == "Vera de Vries" and vera.max_families == 3 and vera.languages == ["Arabisch"]
    assert volunteer_client.get(f"{BASE}/volunteers/{vera.id}").status_code == 403
    # A volunteer without a record sees an explanation.
    loner = create_user(app, "loner@alpha.example", tenant=tenant_a, role=Role.VOLUNTEER, name="Lo", locale="en")
    loner_client = app.test_client()
    sign_in(loner_client, loner)
    assert loner_client.get(BASE + "/me/").status_code == 200
    assert loner_client.get(BASE + "/me/edit").status_code == 302
    assert loner_client.get(BASE + "/").status_code == 200
