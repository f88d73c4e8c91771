"""Irreversible actions ask first (issue #15): the server refuses them unless ``confirmed=1`` came
along (saas.forms.Confirmed), says why, and changes nothing. The confirmed posts are in each
action's own tests; the dialog itself is in tests/browser/test_confirmations.py."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from saas.auth.models import Invitation, User
from saas.db import db, tenant_context
from saas.forms import NOT_CONFIRMED, Confirmed, Date, validate_input
from saas.tenancy.models import Tenant
from tenants.families.models import FamilyMember
from tenants.matching.states import MatchState
from tests.factories.families import add_member, create_family
from tests.factories.matching import create_match, load_match
from tests.factories.platform import in_tenant, today
from tests.support.confirm import CONFIRMED
from tests.support.sessions import SignIn

REFUSAL = "Nothing has changed: this cannot be undone, so confirm first that you want to do it."


def flashed(client: FlaskClient) -> list[tuple[str, str]]:
    with client.session_transaction() as session:
        return [tuple(pair) for pair in session.get("_flashes", [])]  # type: ignore[misc]


class DayConfirmed(Confirmed):
    day = Date(required=True)


@pytest.mark.parametrize(("data", "refused"), [
    ({"day": "2026-12-01"}, True),
    ({"day": "2026-12-01", "confirmed": ""}, True),
    ({"day": "2026-12-01", "confirmed": "0"}, True),
    ({"day": "2026-12-01", "confirmed": "1"}, False),
    ({"day": "2026-12-01", "confirmed": True}, False),  # JSON
])
def test_the_schema_refuses_what_is_not_confirmed_as_a_whole_form(app: Flask, data: dict, refused: bool) -> None:
    with app.test_request_context():
        clean, errors = validate_input(DayConfirmed(), data)
        assert errors == ({"_form": [str(NOT_CONFIRMED)]} if refused else {})
        if not refused:
            assert set(clean) == {"day"}  # the operation sees its own data, not the confirmation


def test_field_errors_come_first(app: Flask) -> None:
    with app.test_request_context():
        assert set(validate_input(DayConfirmed(), {})[1]) == {"day"}


def members(app: Flask, tenant: Tenant) -> list[str]:
    with in_tenant(app, tenant) as session:
        return list(session.scalars(select(FamilyMember.first_name).order_by(FamilyMember.first_name)))


def test_an_unconfirmed_removal_keeps_the_member_and_says_why(app: Flask, signed_in: SignIn, tenant_a: Tenant,
                                                              coordinator_a: User) -> None:
    family = create_family(app, tenant_a)
    sara = add_member(app, tenant_a, family, first_name="Sara")
    client = signed_in(coordinator_a)
    url = f"/t/alpha/families/{family.id}/members/{sara.id}/delete"

    response = client.post(url)

    assert response.status_code == 302 and response.location.endswith("#household")
    assert flashed(client) == [("error", REFUSAL)]
    assert members(app, tenant_a) == ["Sara"]
    assert client.post(url, data=CONFIRMED).status_code == 302
    assert members(app, tenant_a) == []


def test_an_unconfirmed_pause_changes_nothing(app: Flask, tenant_a: Tenant, coordinator_a: User,
                                              signed_in: SignIn) -> None:
    match = create_match(app, tenant_a, actor=coordinator_a)
    client = signed_in(coordinator_a)
    url = f"/t/alpha/matches/{match.id}/pause"

    refused = client.post(url, json={"paused_on": today(app).isoformat()})
    page = client.post(url, data={"paused_on": today(app).isoformat()})

    assert refused.status_code == 422 and refused.json == {"errors": {"_form": [REFUSAL]}}
    assert page.status_code == 422 and REFUSAL in page.text
    assert load_match(app, tenant_a, match.id).state == MatchState.ACTIVE
    assert client.post(url, data={"paused_on": today(app).isoformat(), **CONFIRMED}).status_code == 302
    assert load_match(app, tenant_a, match.id).state == MatchState.PAUSED


def test_the_pause_is_a_step_of_its_own_without_a_date_filled_in(app: Flask, tenant_a: Tenant,
                                                                  coordinator_a: User, signed_in: SignIn) -> None:
    match = create_match(app, tenant_a, actor=coordinator_a)
    html = signed_in(coordinator_a).get(f"/t/alpha/matches/{match.id}").text
    assert 'aria-labelledby="pause-heading"' in html
    assert 'name="paused_on" type="date" value=""' in html
    assert html.count('name="confirmed" value="1"') == 2  # the evaluation's dialog and the pause's


def test_an_unconfirmed_withdrawal_keeps_the_invitation(app: Flask, signed_in: SignIn, tenant_a: Tenant,
                                                        manager_a: User) -> None:
    client = signed_in(manager_a)
    client.post("/t/alpha/members/invite", data={"email": "new@example.org", "role": "volunteer"})

    def revoked() -> list[bool]:
        with app.app_context(), tenant_context(db.session, tenant_a.id):
            return [row.revoked_at is not None for row in db.session.scalars(select(Invitation))]

    [invitation_id] = _invitation_ids(app, tenant_a)
    url = f"/t/alpha/invitations/{invitation_id}/revoke"

    response = client.post(url)

    assert response.status_code == 422 and "error-summary" in response.text
    assert revoked() == [False]
    assert client.post(url, data=CONFIRMED).status_code == 302
    assert revoked() == [True]


def _invitation_ids(app: Flask, tenant: Tenant) -> list[object]:
    with app.app_context(), tenant_context(db.session, tenant.id):
        return list(db.session.scalars(select(Invitation.id)))
