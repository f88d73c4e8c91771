"""One-time submissions (saas.submissions): a double click or a retry of the same form, or of a JSON
request with the same ``Idempotency-Key``, answers the first result and writes nothing twice."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from saas.auth.models import User
from saas.db import utcnow
from saas.submissions import once
from saas.submissions.jobs import forget_old_submissions
from saas.submissions.models import SUBMISSION_DAYS, Submission
from saas.tenancy.models import Tenant
from tenants.families.models import Family
from tenants.matching.models import ContactMoment, Match
from tests.factories.contacts import form_fields
from tests.factories.platform import count_rows, in_tenant, today
from tests.matching import contact_fixtures
from tests.support.sessions import SignIn

MY = "/t/alpha/my/families"
KEY = "phone-app-3f2c9a1e-0b7d-4c55-9e1a-2d6f8b0c4e11"

# The shared fixtures (tests/matching/contact_fixtures.py).
vera, vera_record, family, match = (contact_fixtures.vera, contact_fixtures.vera_record, contact_fixtures.family,
                                    contact_fixtures.match)


def visit_form(client: FlaskClient, match: Match) -> dict[str, str]:
    """The visit form as the page renders it, submission token included."""
    fields = form_fields(client.get(f"{MY}/{match.id}").text, f"/my/families/{match.id}/contacts")
    assert fields.get("submission_token")
    return fields.to_dict()


def contacts(app: Flask, tenant: Tenant) -> int:
    return count_rows(app, tenant, ContactMoment)


def test_a_double_clicked_visit_is_logged_once_and_both_clicks_get_the_same_answer(
        app: Flask, tenant_a: Tenant, signed_in: SignIn, vera: User, match: Match) -> None:
    client = signed_in(vera)
    fields = visit_form(client, match)

    first, second = client.post(f"{MY}/{match.id}/contacts", data=fields), client.post(f"{MY}/{match.id}/contacts",
                                                                                       data=fields)

    assert first.status_code == second.status_code == 302
    assert first.location == second.location
    assert contacts(app, tenant_a) == 1
    assert "already been sent" in client.get(second.location).text


def test_a_double_clicked_contact_of_a_coordinator_is_logged_once(
        app: Flask, tenant_a: Tenant, signed_in: SignIn, coordinator_a: User, family: Family) -> None:
    client = signed_in(coordinator_a)
    url = f"/t/alpha/families/{family.id}/contacts"
    fields = form_fields(client.get(url).text, f"/families/{family.id}/contacts")

    answers = [client.post(url, data=fields) for _click in range(3)]

    assert {answer.status_code for answer in answers} == {302}
    assert len({answer.location for answer in answers}) == 1
    assert contacts(app, tenant_a) == 1


def test_every_rendered_form_carries_a_fresh_token(signed_in: SignIn, vera: User, match: Match) -> None:
    client = signed_in(vera)
    assert visit_form(client, match)["submission_token"] != visit_form(client, match)["submission_token"]


def test_a_new_visit_sent_with_a_used_token_is_saved_not_silently_dropped(
        app: Flask, tenant_a: Tenant, signed_in: SignIn, vera: User, match: Match) -> None:
    """A stale page (the back button) sent again with other contents is a new visit the person means."""
    client = signed_in(vera)
    fields = visit_form(client, match)
    client.post(f"{MY}/{match.id}/contacts", data=fields)

    response = client.post(f"{MY}/{match.id}/contacts", data={**fields, "note": "Een tweede bezoek"})

    assert response.status_code == 302
    assert contacts(app, tenant_a) == 2


def test_a_refused_form_leaves_its_token_unused(
        app: Flask, tenant_a: Tenant, signed_in: SignIn, vera: User, match: Match) -> None:
    client = signed_in(vera)
    fields = visit_form(client, match)

    refused = client.post(f"{MY}/{match.id}/contacts", data={**fields, "duration_minutes": "-5"})
    assert refused.status_code == 422 and "Enter a number from 1 to 720" in refused.text
    assert contacts(app, tenant_a) == 0
    with in_tenant(app, tenant_a) as session:
        assert session.scalars(select(Submission)).all() == []  # the draft was committed, the token not

    corrected = client.post(f"{MY}/{match.id}/contacts", data=fields)
    assert corrected.status_code == 302
    assert contacts(app, tenant_a) == 1


def test_a_json_retry_with_the_same_idempotency_key_writes_once(
        app: Flask, tenant_a: Tenant, signed_in: SignIn, vera: User, match: Match) -> None:
    client = signed_in(vera)
    visit = {"happened_on": today(app).isoformat(), "duration_minutes": 45, "mode": "home", "kind": "visit"}

    first = client.post(f"{MY}/{match.id}/contacts", json=visit, headers={"Idempotency-Key": KEY})
    retry = client.post(f"{MY}/{match.id}/contacts", json=visit, headers={"Idempotency-Key": KEY})
    other = client.post(f"{MY}/{match.id}/contacts", json=visit, headers={"Idempotency-Key": KEY[::-1]})

    assert first.status_code == retry.status_code == other.status_code == 302
    assert retry.location == first.location
    assert contacts(app, tenant_a) == 2
    with in_tenant(app, tenant_a) as session:
        stored = session.scalars(select(Submission).where(Submission.token == KEY)).one()
        assert stored.author_id == vera.id and stored.location == first.location


def test_a_malformed_key_is_ignored_like_no_key(
        app: Flask, tenant_a: Tenant, signed_in: SignIn, vera: User, match: Match) -> None:
    client = signed_in(vera)
    visit = {"happened_on": today(app).isoformat(), "duration_minutes": 45, "mode": "home", "kind": "visit"}
    for _retry in range(2):
        assert client.post(f"{MY}/{match.id}/contacts", json=visit,
                           headers={"Idempotency-Key": "bad key\x01"}).status_code == 302
    assert contacts(app, tenant_a) == 2


def test_used_tokens_are_forgotten_after_a_few_days(
        app: Flask, tenant_a: Tenant, signed_in: SignIn, vera: User, match: Match) -> None:
    client = signed_in(vera)
    client.post(f"{MY}/{match.id}/contacts", data=visit_form(client, match))
    with app.app_context():
        with time_machine.travel(utcnow() + timedelta(days=SUBMISSION_DAYS - 1), tick=False):
            assert forget_old_submissions() == {"deleted": 0}
        with time_machine.travel(utcnow() + timedelta(days=SUBMISSION_DAYS + 1), tick=False):
            assert forget_old_submissions() == {"deleted": 1}


def test_a_repeat_of_a_send_that_has_no_answer_yet_gets_a_409_and_writes_nothing(
        app: Flask, tenant_a: Tenant, signed_in: SignIn, vera: User, match: Match) -> None:
    """A token whose first send left no answer (not to be expected: the answer is saved with it)."""
    client = signed_in(vera)
    visit = {"happened_on": today(app).isoformat(), "duration_minutes": 45, "mode": "home", "kind": "visit"}
    with app.test_request_context(json=visit):
        sent = once.fingerprint()
    with in_tenant(app, tenant_a) as session:
        session.add(Submission(author_id=vera.id, token=KEY, fingerprint=sent, location=None))
        session.commit()

    response = client.post(f"{MY}/{match.id}/contacts", json=visit, headers={"Idempotency-Key": KEY})

    assert response.status_code == 409
    assert "still being saved" in response.get_json()["errors"]["_request"][0]
    assert contacts(app, tenant_a) == 0
