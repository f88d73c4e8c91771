"""Drafts of long forms (saas.drafts): autosaved, restored on any device, discarded once sent, and a
form sent after the idle sign-out kept and found again after signing in."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from saas.auth.models import User
from saas.db import utcnow
from saas.drafts.models import FormDraft
from saas.tenancy.models import Tenant
from tenants.families.models import Family
from tenants.families.states import CaseState
from tenants.matching.models import ContactMoment, Match
from tests.factories.families import create_family, load_family
from tests.factories.platform import count_rows, in_tenant, today
from tests.families.test_intake import intake_form, planned  # noqa: F401 - the fixture
from tests.matching import contact_fixtures
from tests.support.sessions import SignIn, sign_in

vera, vera_record, family, match = (contact_fixtures.vera, contact_fixtures.vera_record, contact_fixtures.family,
                                   contact_fixtures.match)
STORY = "Sara voelt zich alleen sinds de verhuizing — Aydın helpt soms."


def intake_page(family: Family) -> str:
    return f"/t/alpha/families/{family.id}/intake"


def typed(coordinator: User, app: Flask) -> dict[str, Any]:
    # Half-written: the judgement is not chosen yet, so the form would not validate.
    return intake_form(coordinator, today(app), story=STORY, judgement="")


def drafts_of(app: Flask, tenant: Tenant) -> list[FormDraft]:
    with in_tenant(app, tenant) as session:
        return list(session.scalars(select(FormDraft)))


def autosave(client: FlaskClient, page: str, form: dict[str, Any], **headers: str) -> Any:
    return client.post(page, data=form, headers=headers or {"X-Draft": "save"})


def test_an_autosave_keeps_the_form_sealed_and_changes_nothing_else(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, planned: Family) -> None:  # noqa: F811
    client = signed_in(coordinator_a)
    assert autosave(client, intake_page(planned), typed(coordinator_a, app)).status_code == 204
    [draft] = drafts_of(app, tenant_a)
    assert draft.author_id == coordinator_a.id and draft.page == intake_page(planned)
    assert STORY.encode() not in draft.data_sealed
    assert load_family(app, tenant_a, planned.id).state == CaseState.INTAKE_PLANNED

    page = client.get(intake_page(planned)).text
    assert "Draft restored" in page and STORY in page.replace("&#39;", "'")
    assert "data-draft-page" in page and "drafts.js" in page


def test_a_beacon_says_it_is_a_draft_in_its_body(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, planned: Family) -> None:  # noqa: F811
    # A beacon (the tab is hidden) cannot send headers: a complete, valid form marked as a draft
    # must still be kept as a draft, never recorded as the intake.
    client = signed_in(coordinator_a)
    form = {**intake_form(coordinator_a, today(app)), "_draft": "save"}
    assert client.post(intake_page(planned), data=form).status_code == 204
    assert load_family(app, tenant_a, planned.id).state == CaseState.INTAKE_PLANNED
    assert len(drafts_of(app, tenant_a)) == 1


def test_the_draft_is_the_authors_alone(
        app: Flask, signed_in: SignIn, coordinator_a: User, manager_a: User, planned: Family) -> None:  # noqa: F811
    autosave(signed_in(coordinator_a), intake_page(planned), typed(coordinator_a, app))
    other = app.test_client()
    sign_in(other, manager_a)
    page = other.get(intake_page(planned)).text
    assert "Draft restored" not in page and STORY not in page


def test_sending_the_form_discards_the_draft(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, planned: Family) -> None:  # noqa: F811
    client = signed_in(coordinator_a)
    autosave(client, intake_page(planned), typed(coordinator_a, app))
    refused = client.post(intake_page(planned), data=typed(coordinator_a, app))
    assert refused.status_code == 422 and len(drafts_of(app, tenant_a)) == 1  # a refusal keeps it
    assert client.post(intake_page(planned), data=intake_form(coordinator_a, today(app))).status_code == 302
    assert load_family(app, tenant_a, planned.id).state == CaseState.INTAKE_DONE
    assert drafts_of(app, tenant_a) == []


def test_the_notice_discards_the_draft(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, planned: Family) -> None:  # noqa: F811
    client = signed_in(coordinator_a)
    autosave(client, intake_page(planned), typed(coordinator_a, app))
    response = client.post(intake_page(planned), data={"_draft": "discard"})
    assert response.status_code == 303 and response.location == intake_page(planned)
    assert drafts_of(app, tenant_a) == []
    assert "Draft restored" not in client.get(intake_page(planned)).text


def idle_past_the_limit(app: Flask) -> Any:
    return time_machine.travel(utcnow() + timedelta(minutes=app.config["IDLE_MINUTES"] + 1), tick=False)


def test_a_form_sent_after_the_idle_sign_out_is_found_again_after_signing_in(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, planned: Family) -> None:  # noqa: F811
    client = signed_in(coordinator_a)
    assert client.get(intake_page(planned)).status_code == 200
    with idle_past_the_limit(app):
        response = client.post(intake_page(planned), data=typed(coordinator_a, app))
        assert response.status_code == 302
        assert response.location.startswith("/login?next=") and "intake" in response.location
        assert load_family(app, tenant_a, planned.id).state == CaseState.INTAKE_PLANNED
        assert client.get("/account/").status_code == 302  # signed out indeed
        assert len(drafts_of(app, tenant_a)) == 1
        login = client.get(response.location).text
        assert "Wat je typte is bewaard" in login  # signed out: the default language
        sign_in(client, coordinator_a)  # password, then the authenticator code
        back = client.get(response.location.split("next=")[1].replace("%2F", "/"))
        assert "Draft restored" in back.text and STORY in back.text.replace("&#39;", "'")


def test_an_autosave_after_the_idle_sign_out_is_kept_and_answers_where_to_sign_in(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, planned: Family) -> None:  # noqa: F811
    client = signed_in(coordinator_a)
    with idle_past_the_limit(app):
        response = autosave(client, intake_page(planned), typed(coordinator_a, app))
    assert response.status_code == 401
    assert response.json is not None and response.json["sign_in"].startswith("/login?next=")
    assert len(drafts_of(app, tenant_a)) == 1


def test_a_late_form_of_a_page_the_person_may_not_use_is_not_kept(
        app: Flask, signed_in: SignIn, volunteer_a: User, tenant_a: Tenant, planned: Family) -> None:  # noqa: F811
    client = signed_in(volunteer_a)
    with idle_past_the_limit(app):
        response = client.post(intake_page(planned), data={"story": STORY})
    assert response.status_code == 302
    assert count_rows(app, tenant_a, FormDraft) == 0


@pytest.mark.parametrize("page", ["/t/alpha/families/new", "/t/alpha/volunteers/new"])
def test_the_referral_and_registration_forms_keep_drafts(
        app: Flask, signed_in: SignIn, coordinator_a: User, page: str) -> None:
    client = signed_in(coordinator_a)
    assert autosave(client, page, {"family_name": "Familie Dràft", "name": "Dràft"}).status_code == 204
    assert "Dràft" in client.get(page).text


def test_a_match_form_keeps_drafts(app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant) -> None:
    from tests.factories.home import running_match

    match = running_match(app, tenant_a, actor=coordinator_a, started_on=today(app) - timedelta(days=20))
    client = signed_in(coordinator_a)
    page = f"/t/alpha/matches/{match.id}/agreements"
    assert autosave(client, page, {"contact_agreement": "Via WhatsApp, dinsdags"}).status_code == 204
    assert "Via WhatsApp, dinsdags" in client.get(page).text


def test_no_draft_from_another_tenant(
        app: Flask, signed_in: SignIn, coordinator_a: User, manager_b: User, tenant_b: Tenant) -> None:
    family_b = create_family(app, tenant_b, family_name="Familie Beta")
    response = signed_in(manager_b).post(f"/t/alpha/families/{family_b.id}/intake", data={"story": STORY},
                                         headers={"X-Draft": "save"})
    assert response.status_code == 404
    assert count_rows(app, tenant_b, FormDraft) == 0


def test_a_visit_log_sent_after_the_idle_sign_out_comes_back_on_the_familys_page(
        app: Flask, tenant_a: Tenant, vera: User, match: Match) -> None:
    # The contact logs keep their drafts their own way (tenants.matching.contacts): the sign-out
    # parks the visit there, and the volunteer's family page restores it.
    client = app.test_client()
    sign_in(client, vera)
    with idle_past_the_limit(app):
        response = client.post(f"/t/alpha/my/families/{match.id}/contacts", data={
            "happened_on": today(app).isoformat(), "duration_minutes": "60", "mode": "home",
            "note": "Samen naar de bibliotheek", "needs_coordinator": "1"})
        assert response.status_code == 302 and response.location.startswith("/login?next=")
        sign_in(client, vera)
        page = client.get(f"/t/alpha/my/families/{match.id}").text
    assert "Draft restored" in page and "Samen naar de bibliotheek" in page
    assert count_rows(app, tenant_a, ContactMoment) == 0


def test_drafts_nobody_came_back_to_are_forgotten(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, planned: Family) -> None:  # noqa: F811
    from saas.drafts.jobs import forget_old_drafts
    from saas.drafts.models import DRAFT_DAYS

    autosave(signed_in(coordinator_a), intake_page(planned), typed(coordinator_a, app))
    with app.app_context():
        with time_machine.travel(utcnow() + timedelta(days=DRAFT_DAYS - 1), tick=False):
            assert forget_old_drafts() == {"deleted": 0}
        with time_machine.travel(utcnow() + timedelta(days=DRAFT_DAYS + 1), tick=False):
            assert forget_old_drafts() == {"deleted": 1}
    assert drafts_of(app, tenant_a) == []
