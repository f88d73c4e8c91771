"""Contact moments for coordinators and managers: the family's contact log, their own contacts
(restricted, encrypted, linked to the open match), handling "I need my coordinator", and the
queries the home-page signals use."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from saas.audit.models import AuditEvent
from saas.auth.models import User
from saas.auth.roles import Role
from saas.tenancy.models import Tenant
from tenants.families.models import CaseEvent, Family
from tenants.matching.contacts import queries as contact_queries
from tenants.matching.models import ContactDraft, ContactMoment, Match
from tenants.matching.vocabulary import ContactKind, ContactMode
from tests.factories.contacts import form_fields, log_staff_contact, log_visit
from tests.factories.matching import create_match, ready_volunteer, waiting_family
from tests.factories.platform import create_user, in_tenant, today
from tests.matching import contact_fixtures
from tests.support.queries import count_queries
from tests.support.sessions import SignIn

# The shared fixtures (tests/matching/contact_fixtures.py).
vera, vera_record, family, match = (contact_fixtures.vera, contact_fixtures.vera_record, contact_fixtures.family,
                                    contact_fixtures.match)


def log_url(family: Family) -> str:
    return f"/t/alpha/families/{family.id}/contacts"


@pytest.fixture
def coordinator(signed_in: SignIn, coordinator_a: User) -> FlaskClient:
    return signed_in(coordinator_a)


def stored(app: Flask, tenant: Tenant, contact_id: object) -> ContactMoment:
    with in_tenant(app, tenant) as session:
        return session.get(ContactMoment, (tenant.id, contact_id), populate_existing=True)


def rows(app: Flask, tenant: Tenant) -> dict[str, int]:
    with in_tenant(app, tenant) as session:
        return {model.__name__: len(list(session.scalars(select(model))))
                for model in (ContactMoment, AuditEvent, CaseEvent)}


# The family's contact log ----------------------------------------------------------------------

def test_the_log_shows_every_contact_newest_first_with_notes_and_highlights_open_flags(
        app: Flask, tenant_a: Tenant, coordinator: FlaskClient, coordinator_a: User, vera: User, match: Match,
        family: Family) -> None:
    old = log_visit(app, tenant_a, match, author=vera, happened_on=today(app) - timedelta(days=10),
                    note="Eerste bezoek, kennismaken")
    flagged = log_visit(app, tenant_a, match, author=vera, happened_on=today(app) - timedelta(days=3),
                        note="Moeder is erg moe", needs_coordinator=True, domains=["wellbeing"])
    own = log_staff_contact(app, tenant_a, family, author=coordinator_a, happened_on=today(app) - timedelta(days=1),
                            kind=ContactKind.COORDINATOR_PROFESSIONAL, mode=ContactMode.PHONE,
                            note="Afgestemd met de huisarts")
    page = coordinator.get(log_url(family))
    assert page.status_code == 200
    text = page.text
    positions = [text.index(f'id="contact-{contact.id}"') for contact in (own, flagged, old)]
    assert positions == sorted(positions)
    for expected in ("Eerste bezoek, kennismaken", "Moeder is erg moe", "Afgestemd met de huisarts",
                     "Psychological well-being", "Coordinator with a professional or referrer", "Vera de Vries",
                     "Walking alongside: Vera de Vries"):
        assert expected in text, expected
    assert f'contact contact--flagged" id="contact-{flagged.id}"' in text
    assert text.count("contact--flagged") == 1
    assert f"/contacts/{flagged.id}/handled" in text and f"/contacts/{old.id}/handled" not in text
    with in_tenant(app, tenant_a) as session:  # the log is part of the file: viewing it is audited
        assert session.scalars(select(AuditEvent).where(AuditEvent.action == "family.viewed",
                                                        AuditEvent.object_id == str(family.id))).all()


def test_a_manager_reads_the_log_and_volunteers_and_report_viewers_may_not(
        app: Flask, tenant_a: Tenant, signed_in: SignIn, manager_a: User, vera: User, match: Match,
        family: Family) -> None:
    log_visit(app, tenant_a, match, author=vera, note="Gezellig")
    assert "Gezellig" in signed_in(manager_a).get(log_url(family)).text
    viewer = create_user(app, "rapport@alpha.example", tenant=tenant_a, role=Role.REPORT_VIEWER)
    for person in (vera, viewer):
        client = app.test_client()
        from tests.support.sessions import sign_in

        sign_in(client, person)
        assert client.get(log_url(family)).status_code == 403
        assert client.post(log_url(family), data={"kind": "coordinator_family"}).status_code == 403


def test_the_log_pages_through_long_histories(app: Flask, tenant_a: Tenant, coordinator: FlaskClient,
                                              coordinator_a: User, family: Family) -> None:
    for days in range(30):
        log_staff_contact(app, tenant_a, family, author=coordinator_a, happened_on=today(app) - timedelta(days=days),
                          note=f"Gesprek {days:02d}")
    first, second = coordinator.get(log_url(family)).text, coordinator.get(f"{log_url(family)}?page=2").text
    assert "Gesprek 00" in first and "Gesprek 24" in first and "Gesprek 25" not in first
    assert "Gesprek 25" in second and "Gesprek 29" in second and "Page 2 of 2" in second


@pytest.mark.parametrize("page", ["99999999999999999999", "-1", "0", "abc", "100001", "", "1.5"])
def test_a_bad_or_huge_page_number_shows_the_first_page(
        app: Flask, tenant_a: Tenant, coordinator: FlaskClient, coordinator_a: User, family: Family,
        page: str) -> None:
    log_staff_contact(app, tenant_a, family, author=coordinator_a, note="Het enige gesprek")
    response = coordinator.get(f"{log_url(family)}?page={page}")
    assert response.status_code == 200 and "Het enige gesprek" in response.text


def test_a_page_past_the_end_is_empty_not_an_error(
        app: Flask, tenant_a: Tenant, coordinator: FlaskClient, coordinator_a: User, family: Family) -> None:
    log_staff_contact(app, tenant_a, family, author=coordinator_a, note="Het enige gesprek")
    response = coordinator.get(f"{log_url(family)}?page=100000")
    assert response.status_code == 200 and "Het enige gesprek" not in response.text


# The coordinator's own contacts ----------------------------------------------------------------

@pytest.mark.parametrize(("kind", "linked"), [
    ("coordinator_family", True), ("coordinator_volunteer", True), ("coordinator_professional", False)])
def test_a_coordinator_logs_a_contact_encrypted_and_linked_to_the_open_match(
        app: Flask, tenant_a: Tenant, coordinator: FlaskClient, coordinator_a: User, match: Match, family: Family,
        kind: str, linked: bool) -> None:
    fields = form_fields(coordinator.get(log_url(family)).text, f"/families/{family.id}/contacts")
    assert fields["kind"] == "coordinator_family" and fields["mode"] == "phone"
    assert fields["happened_on"] == today(app).isoformat() and fields["duration_minutes"] == "30"
    fields["kind"], fields["note"] = kind, "Vertrouwelijk: zorgen over de huisvesting"
    fields.setlist("domains", ["housing"])
    response = coordinator.post(log_url(family), data=fields)
    assert response.status_code == 302
    with in_tenant(app, tenant_a) as session:
        contact = session.scalars(select(ContactMoment)).one()
        assert contact.kind == ContactKind(kind) and contact.author_id == coordinator_a.id
        assert contact.match_id == (match.id if linked else None) and contact.domains == ["housing"]
        assert contact.note_sealed and b"Vertrouwelijk" not in contact.note_sealed
        audit = session.scalars(select(AuditEvent).where(AuditEvent.object_id == str(contact.id))).one()
        assert audit.action == "contact.logged" and audit.details["kind"] == kind
    assert "Vertrouwelijk: zorgen over de huisvesting" in coordinator.get(response.location).text


def test_without_an_open_match_a_contact_with_the_family_stands_alone(
        app: Flask, tenant_a: Tenant, coordinator: FlaskClient, coordinator_a: User) -> None:
    waiting = waiting_family(app, tenant_a, coordinator_id=coordinator_a.id)
    response = coordinator.post(log_url(waiting), data={
        "kind": "coordinator_family", "mode": "home", "happened_on": today(app).isoformat(), "duration_minutes": "45"})
    assert response.status_code == 302
    with in_tenant(app, tenant_a) as session:
        contact = session.scalars(select(ContactMoment)).one()
        assert contact.match_id is None and contact.note_sealed is None


@pytest.mark.parametrize(("field", "value", "message"), [
    ("kind", "visit", "Choose one of the options"),
    ("happened_on", "future", "cannot be in the future"),
    ("happened_on", "before", "cannot be before the referral"),
    ("duration_minutes", "721", "Enter a number from 1 to 720"),
    ("domains", "gossip", "Choose one of the options"),
])
def test_bad_input_from_staff_is_refused_and_kept_as_their_draft(
        app: Flask, tenant_a: Tenant, coordinator: FlaskClient, coordinator_a: User, family: Family, field: str,
        value: str, message: str) -> None:
    special = {"future": (today(app) + timedelta(days=1)).isoformat(),
               "before": (family.referred_on - timedelta(days=1)).isoformat()}
    data = {"kind": "coordinator_volunteer", "mode": "video", "happened_on": today(app).isoformat(),
            "duration_minutes": "30", "note": "Begeleidingsgesprek, half af", field: special.get(value, value)}
    before = rows(app, tenant_a)
    response = coordinator.post(log_url(family), data=data)
    assert response.status_code == 422 and message in response.text
    assert rows(app, tenant_a) == before
    page = coordinator.get(log_url(family)).text
    assert "Draft restored" in page
    assert form_fields(page, f"/families/{family.id}/contacts")["note"] == "Begeleidingsgesprek, half af"


def test_staff_drafts_are_autosaved_per_author(
        app: Flask, tenant_a: Tenant, signed_in: SignIn, coordinator_a: User, manager_a: User,
        family: Family) -> None:
    coordinator = signed_in(coordinator_a)
    assert coordinator.post(f"{log_url(family)}/draft", data={"note": "Van Cor"}).status_code == 204
    assert "Van Cor" in coordinator.get(log_url(family)).text
    manager = app.test_client()
    from tests.support.sessions import sign_in

    sign_in(manager, manager_a)
    page = manager.get(log_url(family)).text
    assert "Van Cor" not in page  # the coordinator's draft is theirs alone
    assert coordinator.post(f"{log_url(family)}/draft/discard").status_code == 302
    with in_tenant(app, tenant_a) as session:
        assert session.scalars(select(ContactDraft)).all() == []


def test_a_late_autosave_of_the_logged_contact_does_not_come_back_as_a_draft(
        app: Flask, tenant_a: Tenant, coordinator: FlaskClient, manager_a: User, family: Family) -> None:
    """An autosave still under way when the form was sent arrives after the contact was saved."""
    fields = form_fields(coordinator.get(log_url(family)).text, f"/families/{family.id}/contacts")
    fields["note"] = "Gebeld over de school\r\nVolgende week weer"
    fields.setlist("domains", ["housing", "finances"])
    assert coordinator.post(log_url(family), data=fields).status_code == 302
    late = fields.copy()
    late["duration_minutes"] = " 030 "
    late.setlist("domains", ["finances", "housing"])
    assert coordinator.post(f"{log_url(family)}/draft", data=late).status_code == 204
    page = coordinator.get(log_url(family)).text
    assert "Draft restored" not in page
    assert form_fields(page, f"/families/{family.id}/contacts")["note"] == ""
    with in_tenant(app, tenant_a) as session:
        assert session.scalars(select(ContactDraft)).all() == []
    # A draft that differs from the logged contact is new work: it is restored.
    fields["note"] = "Een tweede gesprek"
    assert coordinator.post(f"{log_url(family)}/draft", data=fields).status_code == 204
    page = coordinator.get(log_url(family)).text
    assert "Draft restored" in page and "Een tweede gesprek" in page
    # Only the author's own latest contact counts: another author's draft of the same is kept.
    from tests.support.sessions import sign_in

    manager = app.test_client()
    sign_in(manager, manager_a)
    fields["note"] = "Gebeld over de school\r\nVolgende week weer"
    assert manager.post(f"{log_url(family)}/draft", data=fields).status_code == 204
    restored = form_fields(manager.get(log_url(family)).text, f"/families/{family.id}/contacts")["note"]
    assert "Volgende week weer" in restored


# "I need my coordinator" -----------------------------------------------------------------------

def test_handling_a_flag_records_who_and_when_and_only_once(
        app: Flask, tenant_a: Tenant, coordinator: FlaskClient, coordinator_a: User, vera: User, match: Match,
        family: Family) -> None:
    flagged = log_visit(app, tenant_a, match, author=vera, needs_coordinator=True)
    plain = log_visit(app, tenant_a, match, author=vera)
    with in_tenant(app, tenant_a):
        assert [c.id for c in contact_queries.unhandled_flags()] == [flagged.id]
    response = coordinator.post(f"{log_url(family)}/{flagged.id}/handled")
    assert response.status_code == 302 and response.location.endswith(f"#contact-{flagged.id}")
    contact = stored(app, tenant_a, flagged.id)
    assert contact.handled_by_id == coordinator_a.id and contact.handled_at is not None
    with in_tenant(app, tenant_a) as session:
        assert contact_queries.unhandled_flags() == []
        audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "contact.handled")).one()
        assert audit.object_id == str(flagged.id) and audit.actor_id == coordinator_a.id
        kinds = [e.kind for e in session.scalars(select(CaseEvent).where(CaseEvent.family_id == family.id))]
        assert kinds.count("contact_flagged") == 1 and kinds.count("contact_flag_handled") == 1
    page = coordinator.get(log_url(family)).text
    assert "handled by Cor Coördinator" in page and "contact--flagged" not in page
    # Again, or on a contact without the flag: refused with a message, nothing changes.
    before = rows(app, tenant_a)
    for contact_id in (flagged.id, plain.id):
        assert coordinator.post(f"{log_url(family)}/{contact_id}/handled").status_code == 302
    assert rows(app, tenant_a) == before and stored(app, tenant_a, plain.id).handled_at is None
    page = coordinator.get(log_url(family)).text
    assert "already been handled" in page and "does not ask for the coordinator" in page


def test_a_contact_is_only_reachable_through_its_own_family(
        app: Flask, tenant_a: Tenant, coordinator: FlaskClient, coordinator_a: User, vera: User,
        match: Match) -> None:
    flagged = log_visit(app, tenant_a, match, author=vera, needs_coordinator=True)
    other = waiting_family(app, tenant_a, family_name="Familie Elders")
    assert coordinator.post(f"{log_url(other)}/{flagged.id}/handled").status_code == 404
    assert stored(app, tenant_a, flagged.id).handled_at is None


# Queries for the signals -----------------------------------------------------------------------

def test_last_contact_dates_takes_visits_and_coordinator_contacts_per_match_in_one_statement(
        app: Flask, tenant_a: Tenant, coordinator_a: User, vera: User, vera_record: object, match: Match,
        family: Family) -> None:
    second = create_match(app, tenant_a, actor=coordinator_a, volunteer=vera_record,
                          started_on=today(app) - timedelta(days=40),
                          family=waiting_family(app, tenant_a, family_name="Familie Twee"))
    silent = create_match(app, tenant_a, actor=coordinator_a,
                          volunteer=ready_volunteer(app, tenant_a, "Stil"), family=waiting_family(app, tenant_a))
    log_visit(app, tenant_a, match, author=vera, happened_on=today(app) - timedelta(days=20))
    log_visit(app, tenant_a, match, author=vera, happened_on=today(app) - timedelta(days=5))
    log_staff_contact(app, tenant_a, second.family, author=coordinator_a, kind=ContactKind.COORDINATOR_VOLUNTEER,
                      happened_on=today(app) - timedelta(days=2))
    # A contact with a professional is not contact in the match.
    log_staff_contact(app, tenant_a, family, author=coordinator_a, kind=ContactKind.COORDINATOR_PROFESSIONAL)
    with in_tenant(app, tenant_a) as session:
        session.scalar(select(Match.id))  # the test's savepoint opens here, not in the count
        with count_queries(app) as statements:
            dates = contact_queries.last_contact_dates([match.id, second.id, silent.id])
        assert len(statements) == 1
        assert contact_queries.last_contact_dates([]) == {}
    assert dates == {match.id: today(app) - timedelta(days=5), second.id: today(app) - timedelta(days=2)}


def test_unhandled_flags_for_a_coordinators_own_caseload(
        app: Flask, tenant_a: Tenant, coordinator_a: User, manager_a: User, vera: User, vera_record: object,
        match: Match) -> None:
    """Flags in matches the coordinator guides, or on their families when the match names no one."""
    theirs = log_visit(app, tenant_a, match, author=vera, needs_coordinator=True,
                       happened_on=today(app) - timedelta(days=1))
    elsewhere = create_match(app, tenant_a, actor=manager_a, volunteer=vera_record,
                             started_on=today(app) - timedelta(days=9),
                             family=waiting_family(app, tenant_a, family_name="Familie Manager",
                                                   coordinator_id=manager_a.id))
    other = log_visit(app, tenant_a, elsewhere, author=vera, needs_coordinator=True,
                      happened_on=today(app) - timedelta(days=2))
    with in_tenant(app, tenant_a) as session:
        assert [c.id for c in contact_queries.unhandled_flags()] == [other.id, theirs.id]  # oldest first
        assert [c.id for c in contact_queries.unhandled_flags(coordinator_a.id)] == [theirs.id]
        assert [c.id for c in contact_queries.unhandled_flags(manager_a.id)] == [other.id]
        session.get(Match, (tenant_a.id, elsewhere.id)).coordinator_id = None
        session.flush()
        assert [c.id for c in contact_queries.unhandled_flags(manager_a.id)] == [other.id]
        with count_queries(app) as statements:
            flags = contact_queries.unhandled_flags()
            assert [flag.family.family_name for flag in flags] == ["Familie Manager", "Familie Bakker"]
            assert {flag.author.name for flag in flags} == {"Vera de Vries"}
        assert len(statements) == 5  # the flags, then their families, authors, matches and volunteers
