"""The volunteer's own families: what they see (and never see), logging a visit in two taps,
correcting their own contacts, and that everything else is a 404."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from saas.audit.models import AuditEvent
from saas.auth.models import User
from saas.auth.roles import Role
from saas.tenancy.models import Tenant
from tenants.families.models import CaseEvent, Family
from tenants.matching.models import ContactMoment, Match
from tenants.matching.states import EndReason, MatchState
from tenants.matching.vocabulary import ContactKind, ContactMode
from tenants.volunteers.models import Volunteer
from tests.factories.contacts import form_fields, log_staff_contact, log_visit
from tests.factories.matching import create_match, ready_volunteer, waiting_family
from tests.factories.platform import create_user, in_tenant, today
from tests.matching import contact_fixtures
from tests.matching.contact_fixtures import SECRETS
from tests.support.sessions import SignIn, sign_in

MY = "/t/alpha/my/families"

# The shared fixtures (tests/matching/contact_fixtures.py).
vera, vera_record, family, match = (contact_fixtures.vera, contact_fixtures.vera_record, contact_fixtures.family,
                                    contact_fixtures.match)

@pytest.fixture
def vera_client(signed_in: SignIn, vera: User) -> FlaskClient:
    return signed_in(vera)


def contacts_of(app: Flask, tenant: Tenant) -> list[ContactMoment]:
    with in_tenant(app, tenant) as session:
        return list(session.scalars(select(ContactMoment).order_by(ContactMoment.created_at)))


def rows(app: Flask, tenant: Tenant) -> dict[str, int]:
    """How many contacts, audit events and timeline lines there are: to show nothing was written."""
    with in_tenant(app, tenant) as session:
        return {model.__name__: len(list(session.scalars(select(model))))
                for model in (ContactMoment, AuditEvent, CaseEvent)}


# What the volunteer sees ---------------------------------------------------------------------

def test_the_list_shows_first_names_agreements_coordinator_and_own_recent_contacts(
        app: Flask, tenant_a: Tenant, vera_client: FlaskClient, vera: User, match: Match, coordinator_a: User) -> None:
    log_visit(app, tenant_a, match, author=vera, note="We gingen naar de speeltuin")
    page = vera_client.get(f"{MY}/")
    assert page.status_code == 200
    text = page.text
    for expected in ("Familie Bakker", "Sara", "Omar", "Oost", "WhatsApp", "Every week",
                     "Meer mensen kennen in de buurt", "Cor Coördinator", "coordinator@alpha.example"):
        assert expected in text, expected
    assert "Visit or activity with the family" in text and f"{MY}/{match.id}#log-visit" in text
    # Recent contacts are listed by date and kind; notes stay on the family's own page.
    assert "speeltuin" not in text


def test_the_volunteer_never_sees_the_intake_notes_help_question_or_referral(
        app: Flask, tenant_a: Tenant, vera_client: FlaskClient, vera: User, match: Match, coordinator_a: User,
        family: Family) -> None:
    log_staff_contact(app, tenant_a, family, author=coordinator_a, kind=ContactKind.COORDINATOR_VOLUNTEER,
                      note=SECRETS["staff_contact"])
    own = log_visit(app, tenant_a, match, author=vera, note="Samen boodschappen gedaan")
    pages = [vera_client.get(f"{MY}/"), vera_client.get(f"{MY}/{match.id}"),
             vera_client.get(f"{MY}/{match.id}/contacts/{own.id}/edit"),
             vera_client.post(f"{MY}/{match.id}/contacts", data={"happened_on": "not a date"})]
    assert [page.status_code for page in pages] == [200, 200, 200, 422]
    for page in pages:
        for secret in SECRETS.values():
            assert secret not in page.text
    assert "Samen boodschappen gedaan" in pages[1].text  # their own note, on the family's page
    # The texts are there to be found: staff see them.
    staff = app.test_client()
    sign_in(staff, coordinator_a)
    staff_pages = staff.get(f"/t/alpha/families/{family.id}").text + staff.get(
        f"/t/alpha/families/{family.id}/contacts").text
    assert all(secret in staff_pages for secret in SECRETS.values())


def test_an_account_without_a_volunteer_record_gets_a_friendly_page(
        app: Flask, tenant_a: Tenant, signed_in: SignIn, match: Match) -> None:
    newcomer = create_user(app, "nieuw@alpha.example", tenant=tenant_a, role=Role.VOLUNTEER, locale="en")
    client = signed_in(newcomer)
    page = client.get(f"{MY}/")
    assert page.status_code == 200 and "not linked to a volunteer profile" in page.text
    assert client.get(f"{MY}/{match.id}").status_code == 404


def test_a_volunteer_without_open_matches_is_told_so(app: Flask, vera_client: FlaskClient,
                                                     vera_record: Volunteer) -> None:
    page = vera_client.get(f"{MY}/")
    assert page.status_code == 200 and "not walking alongside a family" in page.text


# Logging a visit -------------------------------------------------------------------------------

def test_save_alone_logs_a_visit_at_home_today_for_an_hour(
        app: Flask, tenant_a: Tenant, vera_client: FlaskClient, vera: User, match: Match) -> None:
    page = vera_client.get(f"{MY}/{match.id}")
    fields = form_fields(page.text, f"/my/families/{match.id}/contacts")
    response = vera_client.post(f"{MY}/{match.id}/contacts", data=fields)
    assert response.status_code == 302 and response.location.endswith(f"{MY}/{match.id}#my-log")
    [contact] = contacts_of(app, tenant_a)
    assert (contact.kind, contact.mode, contact.happened_on, contact.duration_minutes) == (
        ContactKind.VISIT, ContactMode.HOME, today(app), 60)
    assert (contact.match_id, contact.family_id, contact.author_id) == (match.id, match.family_id, vera.id)
    assert contact.note_sealed is None and contact.domains == [] and not contact.needs_coordinator
    with in_tenant(app, tenant_a) as session:
        audit = session.scalars(select(AuditEvent).where(AuditEvent.object_id == str(contact.id))).one()
        assert audit.action == "contact.logged" and audit.actor_id == vera.id
        assert not session.scalars(select(CaseEvent).where(CaseEvent.kind == "contact_flagged")).all()
    assert "Your visit has been logged" in vera_client.get(response.location).text


def test_a_visit_with_everything_and_the_coordinator_flag_goes_on_the_timeline(
        app: Flask, tenant_a: Tenant, vera_client: FlaskClient, vera: User, match: Match) -> None:
    day = today(app) - timedelta(days=2)
    response = vera_client.post(f"{MY}/{match.id}/contacts", data={
        "happened_on": day.isoformat(), "duration_minutes": "90", "mode": "outside", "kind": "visit",
        "domains": ["social_network", "parenting"], "note": "Naar de bibliotheek; moeder maakt zich zorgen",
        "needs_coordinator": "1"})
    assert response.status_code == 302
    [contact] = contacts_of(app, tenant_a)
    assert (contact.happened_on, contact.duration_minutes, contact.mode) == (day, 90, ContactMode.OUTSIDE)
    assert contact.domains == ["social_network", "parenting"] and contact.needs_coordinator
    assert contact.handled_at is None
    # The note is stored encrypted: the raw column is not the text.
    assert b"bibliotheek" not in contact.note_sealed
    with in_tenant(app, tenant_a) as session:
        [event] = session.scalars(select(CaseEvent).where(CaseEvent.kind == "contact_flagged")).all()
        assert event.family_id == match.family_id and event.actor_id == vera.id
    assert "Naar de bibliotheek" in vera_client.get(f"{MY}/{match.id}").text


@pytest.mark.parametrize(("field", "value", "message"), [
    ("happened_on", "future", "cannot be in the future"),
    ("happened_on", "before", "cannot be before the match was proposed"),
    ("happened_on", "2024-02-30", "Enter a valid date"),
    ("duration_minutes", "-5", "Enter a number from 1 to 720"),
    ("duration_minutes", "", "This field is required"),
    ("mode", "teleport", "Choose one of the options"),
    ("domains", ["social_network", "astrology"], "Choose one of the options"),
    ("note", "x" * 1001, "Use at most 1000 characters"),
    ("kind", "coordinator_family", "Choose one of the options"),
])
def test_bad_input_is_refused_with_422_kept_as_a_draft_and_nothing_else_is_written(
        app: Flask, tenant_a: Tenant, vera_client: FlaskClient, match: Match, field: str, value: Any,
        message: str) -> None:
    special = {"future": (today(app) + timedelta(days=1)).isoformat(),
               "before": (today(app) - timedelta(days=31)).isoformat()}
    data: dict[str, Any] = {"happened_on": today(app).isoformat(), "duration_minutes": "60", "mode": "home",
                            "kind": "visit", "note": "Half geschreven verslag", "domains": ["housing"]}
    data[field] = special.get(value, value) if isinstance(value, str) else value
    before = rows(app, tenant_a)
    response = vera_client.post(f"{MY}/{match.id}/contacts", data=data)
    assert response.status_code == 422
    assert message in response.text and "kept as a draft" in response.text
    assert rows(app, tenant_a) == before
    # The draft holds what was typed; the form shows it when the page is opened again.
    page = vera_client.get(f"{MY}/{match.id}")
    assert "Draft restored" in page.text
    typed = data["note"] if field == "note" else "Half geschreven verslag"
    assert form_fields(page.text, f"/my/families/{match.id}/contacts")["note"] == typed


def test_json_clients_get_the_errors_and_the_draft_is_kept_too(
        app: Flask, tenant_a: Tenant, vera_client: FlaskClient, match: Match) -> None:
    before = rows(app, tenant_a)
    response = vera_client.post(f"{MY}/{match.id}/contacts", json={
        "happened_on": today(app).isoformat(), "duration_minutes": -1, "mode": "home", "note": "Bijna klaar"})
    assert response.status_code == 422 and "duration_minutes" in response.get_json()["errors"]
    assert rows(app, tenant_a) == before
    assert "Bijna klaar" in vera_client.get(f"{MY}/{match.id}").text


def test_a_refusal_by_the_operation_rolls_back_its_writes_and_keeps_the_draft(
        app: Flask, tenant_a: Tenant, vera_client: FlaskClient, vera: User, match: Match,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever an operation flushed before refusing is undone; only the draft is committed."""
    from saas.errors import OperationError
    from tenants.matching.contacts import operations as contact_operations

    real = contact_operations.log_visit

    def log_then_refuse(actor: User, match: Match, data: dict[str, Any]) -> None:
        real(actor, match, data)
        raise OperationError("Refused after writing")

    monkeypatch.setattr(contact_operations, "log_visit", log_then_refuse)
    before = rows(app, tenant_a)
    response = vera_client.post(f"{MY}/{match.id}/contacts", data={
        "happened_on": today(app).isoformat(), "duration_minutes": "60", "mode": "home", "note": "Toch bewaard"})
    assert response.status_code == 422 and "Refused after writing" in response.text
    assert rows(app, tenant_a) == before
    assert "Toch bewaard" in vera_client.get(f"{MY}/{match.id}").text


@pytest.mark.parametrize("page", ["99999999999999999999", "-1", "0", "abc", "100001"])
def test_a_bad_or_huge_page_number_shows_the_first_page_of_the_own_log(
        app: Flask, tenant_a: Tenant, vera_client: FlaskClient, vera: User, match: Match, page: str) -> None:
    log_visit(app, tenant_a, match, author=vera, note="Naar het park")
    response = vera_client.get(f"{MY}/{match.id}?page={page}")
    assert response.status_code == 200 and "Naar het park" in response.text


# Drafts ----------------------------------------------------------------------------------------

def test_the_autosaved_draft_is_restored_and_saving_the_log_discards_it(
        app: Flask, tenant_a: Tenant, vera_client: FlaskClient, match: Match) -> None:
    response = vera_client.post(f"{MY}/{match.id}/contacts/draft", data={
        "happened_on": today(app).isoformat(), "duration_minutes": "45", "mode": "phone",
        "domains": ["finances"], "note": "Belde over de brief van de gemeente", "needs_coordinator": "1"})
    assert response.status_code == 204
    page = vera_client.get(f"{MY}/{match.id}")
    assert "Draft restored" in page.text
    fields = form_fields(page.text, f"/my/families/{match.id}/contacts")
    assert fields["note"] == "Belde over de brief van de gemeente" and fields["duration_minutes"] == "45"
    assert fields["mode"] == "phone" and fields.getlist("domains") == ["finances"]
    assert fields["needs_coordinator"] == "1"
    assert vera_client.post(f"{MY}/{match.id}/contacts", data=fields).status_code == 302
    page = vera_client.get(f"{MY}/{match.id}")
    assert "Draft restored" not in page.text
    assert form_fields(page.text, f"/my/families/{match.id}/contacts")["note"] == ""


def test_drafts_are_sealed_per_author_and_family_and_take_json(
        app: Flask, tenant_a: Tenant, vera_client: FlaskClient, vera: User, match: Match, coordinator_a: User,
        vera_record: Volunteer) -> None:
    from tenants.matching.models import ContactDraft

    assert vera_client.post(f"{MY}/{match.id}/contacts/draft", json={
        "duration_minutes": 30, "note": "Via JSON getypt", "needs_coordinator": True}).status_code == 204
    assert vera_client.post(f"{MY}/{match.id}/contacts/draft", json={"note": "Tweede versie"}).status_code == 204
    with in_tenant(app, tenant_a) as session:
        [draft] = session.scalars(select(ContactDraft)).all()
        assert (draft.author_id, draft.family_id) == (vera.id, match.family_id)
        assert b"Tweede versie" not in draft.data_sealed
    # Another family of the same volunteer starts clean.
    second = create_match(app, tenant_a, actor=coordinator_a, volunteer=vera_record,
                          family=waiting_family(app, tenant_a, family_name="Familie Yilmaz"))
    assert "Draft restored" not in vera_client.get(f"{MY}/{second.id}").text
    assert "Tweede versie" in vera_client.get(f"{MY}/{match.id}").text
    # A draft that is not even plausible is refused, and an empty one changes nothing.
    assert vera_client.post(f"{MY}/{match.id}/contacts/draft", json={"note": "x" * 9000}).status_code == 422
    assert vera_client.post(f"{MY}/{match.id}/contacts/draft", data={}).status_code == 204
    assert "Tweede versie" in vera_client.get(f"{MY}/{match.id}").text


def test_a_late_autosave_of_the_logged_visit_does_not_come_back_as_a_draft(
        vera_client: FlaskClient, match: Match) -> None:
    """An autosave still under way when the form was sent arrives after the visit was saved."""
    action = f"/my/families/{match.id}/contacts"
    fields = form_fields(vera_client.get(f"{MY}/{match.id}").text, action)
    fields.update({"note": "Samen naar de bibliotheek", "needs_coordinator": "1"})
    assert vera_client.post(f"{MY}/{match.id}/contacts", data=fields).status_code == 302
    assert vera_client.post(f"{MY}/{match.id}/contacts/draft", data=fields).status_code == 204
    page = vera_client.get(f"{MY}/{match.id}").text
    assert "Draft restored" not in page and form_fields(page, action)["note"] == ""


def test_a_draft_can_be_discarded(app: Flask, tenant_a: Tenant, vera_client: FlaskClient, match: Match) -> None:
    vera_client.post(f"{MY}/{match.id}/contacts/draft", data={"note": "Weg ermee"})
    response = vera_client.post(f"{MY}/{match.id}/contacts/draft/discard")
    assert response.status_code == 302
    page = vera_client.get(f"{MY}/{match.id}")
    assert "Draft restored" not in page.text and "Weg ermee" not in page.text


# Correcting one's own contacts -----------------------------------------------------------------

def test_a_volunteer_corrects_their_own_visit_and_can_ask_for_the_coordinator_later(
        app: Flask, tenant_a: Tenant, vera_client: FlaskClient, vera: User, match: Match) -> None:
    contact = log_visit(app, tenant_a, match, author=vera, note="Eerste versie")
    url = f"{MY}/{match.id}/contacts/{contact.id}/edit"
    fields = form_fields(vera_client.get(url).text, f"/contacts/{contact.id}/edit")
    assert fields["note"] == "Eerste versie" and fields["duration_minutes"] == "60"
    fields["note"], fields["duration_minutes"], fields["needs_coordinator"] = "Verbeterd", "75", "1"
    assert vera_client.post(url, data=fields).status_code == 302
    [stored] = contacts_of(app, tenant_a)
    assert stored.duration_minutes == 75 and stored.needs_coordinator and stored.handled_at is None
    with in_tenant(app, tenant_a) as session:
        audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "contact.updated")).one()
        assert sorted(audit.details["fields"]) == ["duration_minutes", "needs_coordinator", "note"]
        assert len(session.scalars(select(CaseEvent).where(CaseEvent.kind == "contact_flagged")).all()) == 1
    assert "Verbeterd" in vera_client.get(f"{MY}/{match.id}").text
    # A refused correction changes nothing and is not kept as a draft of a new log.
    before = rows(app, tenant_a)
    fields["duration_minutes"] = "0"
    assert vera_client.post(url, data=fields).status_code == 422
    assert rows(app, tenant_a) == before and contacts_of(app, tenant_a)[0].duration_minutes == 75
    assert "Draft restored" not in vera_client.get(f"{MY}/{match.id}").text


# Only one's own --------------------------------------------------------------------------------

@pytest.fixture
def otto_match(app: Flask, tenant_a: Tenant, coordinator_a: User) -> tuple[User, Match]:
    """Another volunteer of the same organisation with their own family and a logged visit."""
    otto = create_user(app, "otto@alpha.example", tenant=tenant_a, role=Role.VOLUNTEER, name="Otto")
    record = ready_volunteer(app, tenant_a, "Otto Anders", email=otto.email, user_id=otto.id)
    theirs = create_match(app, tenant_a, actor=coordinator_a, volunteer=record,
                          family=waiting_family(app, tenant_a, family_name="Familie Anders"))
    return otto, theirs


def test_another_volunteers_family_match_and_contacts_are_404(
        app: Flask, tenant_a: Tenant, vera_client: FlaskClient, vera: User, match: Match, coordinator_a: User,
        otto_match: tuple[User, Match]) -> None:
    otto, others = otto_match
    their_visit = log_visit(app, tenant_a, others, author=otto, note="Otto's verslag")
    # A coordinator's contact in Vera's own match is not hers to edit either.
    staff = log_staff_contact(app, tenant_a, match.family, author=coordinator_a,
                              kind=ContactKind.COORDINATOR_VOLUNTEER)
    assert staff.match_id == match.id
    before = rows(app, tenant_a)
    valid = {"happened_on": today(app).isoformat(), "duration_minutes": "60", "mode": "home", "note": "Vera"}
    attempts = [
        ("GET", f"{MY}/{others.id}"), ("POST", f"{MY}/{others.id}/contacts"),
        ("POST", f"{MY}/{others.id}/contacts/draft"), ("POST", f"{MY}/{others.id}/contacts/draft/discard"),
        ("GET", f"{MY}/{others.id}/contacts/{their_visit.id}/edit"),
        ("GET", f"{MY}/{match.id}/contacts/{their_visit.id}/edit"),
        ("POST", f"{MY}/{match.id}/contacts/{their_visit.id}/edit"),
        ("GET", f"{MY}/{match.id}/contacts/{staff.id}/edit"),
        ("POST", f"{MY}/{match.id}/contacts/{staff.id}/edit"),
    ]
    for method, url in attempts:
        response = vera_client.open(url, method=method, data=valid)
        assert response.status_code == 404, (method, url)
        assert "Familie Anders" not in response.text and "Otto" not in response.text
    assert rows(app, tenant_a) == before
    listing = vera_client.get(f"{MY}/").text + vera_client.get(f"{MY}/{match.id}").text
    assert "Familie Anders" not in listing and "Otto" not in listing


def test_an_ended_match_is_no_longer_the_volunteers(
        app: Flask, tenant_a: Tenant, vera_client: FlaskClient, vera: User, match: Match, coordinator_a: User) -> None:
    contact = log_visit(app, tenant_a, match, author=vera)
    from tenants.matching.matches import operations

    with in_tenant(app, tenant_a) as session:
        operations.end(coordinator_a, session.get(Match, (tenant_a.id, match.id)),
                       {"end_reason": EndReason.GOALS_REACHED})
        session.commit()
    assert vera_client.get(f"{MY}/{match.id}").status_code == 404
    assert vera_client.get(f"{MY}/{match.id}/contacts/{contact.id}/edit").status_code == 404
    assert "Familie Bakker" not in vera_client.get(f"{MY}/").text


@pytest.mark.parametrize("state", [MatchState.PROPOSED, MatchState.INTRODUCTION, MatchState.PAUSED])
def test_every_open_match_is_on_the_list(app: Flask, tenant_a: Tenant, vera_client: FlaskClient, coordinator_a: User,
                                         vera_record: Volunteer, state: MatchState) -> None:
    opened = create_match(app, tenant_a, actor=coordinator_a, volunteer=vera_record, state=state,
                          family=waiting_family(app, tenant_a, family_name="Familie Open"))
    assert "Familie Open" in vera_client.get(f"{MY}/").text
    assert vera_client.get(f"{MY}/{opened.id}").status_code == 200


def test_a_volunteer_of_another_tenant_finds_nothing_under_their_own_slug(
        app: Flask, tenant_a: Tenant, tenant_b: Tenant, vera: User, match: Match) -> None:
    contact = log_visit(app, tenant_a, match, author=vera)
    bram = create_user(app, "bram@beta.example", tenant=tenant_b, role=Role.VOLUNTEER)
    ready_volunteer(app, tenant_b, "Bram", email=bram.email, user_id=bram.id)
    client = app.test_client()
    sign_in(client, bram)
    base = f"/t/beta/my/families/{match.id}"
    for method, url in [("GET", base), ("POST", f"{base}/contacts"), ("POST", f"{base}/contacts/draft"),
                        ("POST", f"{base}/contacts/draft/discard"), ("GET", f"{base}/contacts/{contact.id}/edit"),
                        ("POST", f"{base}/contacts/{contact.id}/edit")]:
        assert client.open(url, method=method, data={"note": "x"}).status_code == 404, (method, url)
    # Vera herself under the other tenant's slug: not a member there.
    client = app.test_client()
    sign_in(client, vera)
    assert client.get(base).status_code == 404
