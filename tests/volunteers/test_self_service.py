"""Self-service: a volunteer sees and edits only their own record, and only what is theirs to change;
the staff pages are closed to volunteers and report viewers, the self-service pages to everyone but
volunteers."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from saas.auth.models import User
from saas.auth.roles import Role
from saas.db import db, tenant_context
from saas.errors import OperationError
from saas.search import fold
from saas.tenancy.models import Tenant
from tenants.volunteers import operations
from tenants.volunteers.models import Volunteer
from tenants.volunteers.states import VolunteerState
from tests.factories.platform import create_user, days_ago, today
from tests.factories.volunteers import (
    BASE,
    VOLUNTEERS,
    audit_of,
    create_volunteer,
    errors_of,
    events_of,
    load_volunteer,
    send,
    snapshot,
)
from tests.support.sessions import SignIn, sign_in

HOW = ["form", "json"]
BODY = {"form": "data", "json": "json"}  # the test client's argument for each
ME = f"{BASE}/me/"
ME_EDIT = f"{BASE}/me/edit"


def client_for(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    sign_in(client, user)
    return client


@pytest.fixture
def own(app: Flask, tenant_a: Tenant, volunteer_a: User) -> Volunteer:
    """Vera's record, linked to her account, with a VOG and a full profile."""
    return create_volunteer(app, tenant_a, "Vera de Vries", state=VolunteerState.AVAILABLE, email=volunteer_a.email,
                            phone="06-11111111", languages=["Nederlands"], day_parts=["weekend"], max_families=1,
                            interests="Wandelen", municipality="Alpha", neighbourhood="Centrum",
                            approved_on=days_ago(app, 20), vogs=[days_ago(app, 30)], user_id=volunteer_a.id)


@pytest.fixture
def other_volunteer(app: Flask, tenant_a: Tenant) -> User:
    return create_user(app, "otto@alpha.example", tenant=tenant_a, role=Role.VOLUNTEER, name="Otto")


@pytest.fixture
def other(app: Flask, tenant_a: Tenant, other_volunteer: User) -> Volunteer:
    """Another volunteer's record in the same organisation."""
    return create_volunteer(app, tenant_a, "Otto Anders", state=VolunteerState.MATCHED, email=other_volunteer.email,
                            phone="06-99999999", interests="Schaken", languages=["Turks"],
                            approved_on=days_ago(app, 100), vogs=[days_ago(app, 110)], user_id=other_volunteer.id)


def test_a_volunteer_sees_only_their_own_record(app: Flask, signed_in: SignIn, volunteer_a: User, own: Volunteer,
                                                other: Volunteer) -> None:
    client = signed_in(volunteer_a)
    for url in (ME, ME_EDIT, f"{ME}?volunteer_id={other.id}", f"{ME_EDIT}?volunteer_id={other.id}"):
        page = client.get(url)
        assert page.status_code == 200, url
        assert "06-11111111" in page.text, url
        assert "Otto" not in page.text and "06-99999999" not in page.text and "Schaken" not in page.text, url
        assert f"/volunteers/{other.id}" not in page.text
    assert "Vera de Vries" in client.get(ME).text


def test_the_other_volunteer_sees_theirs(app: Flask, own: Volunteer, other: Volunteer,
                                         other_volunteer: User) -> None:
    page = client_for(app, other_volunteer).get(ME).text
    assert "Otto Anders" in page and "Vera de Vries" not in page and "06-11111111" not in page


#: Everything a volunteer may not change about themselves, posted anyway.
FORBIDDEN: dict[str, Any] = {
    "name": "Hacked Name", "kind": "family", "email": "hacked@example.org", "state": "available",
    "applied_on": "2001-01-01", "approved_on": "2001-01-01", "interviewed_on": "2001-01-01",
    "stopped_on": "2001-01-01", "exit_reason": "moved", "municipality": "Beta", "neighbourhood": "Elders",
    "to_state": "stopped", "issued_on": "2001-01-01", "screening_profile": "99", "checked_on": "2001-01-01",
    "user_id": str(uuid.uuid4()), "tenant_id": str(uuid.uuid4()), "created_at": "2001-01-01T00:00",
    "state_changed_at": "2001-01-01T00:00",
}


@pytest.mark.parametrize("how", HOW)
def test_editing_changes_only_contact_availability_and_preferences(
        app: Flask, signed_in: SignIn, volunteer_a: User, tenant_a: Tenant, own: Volunteer, other: Volunteer,
        how: str) -> None:
    client = signed_in(volunteer_a)
    before = snapshot(app, tenant_a)
    allowed = {"phone": "06-22222222", "languages": "Nederlands\nArabisch", "day_parts": ["weekday_evening", "weekend"],
               "max_families": "2", "experience_domains": ["finances"], "interests": "Koken",
               "preferred_tracks": ["regular"], "preferred_child_age_min": "4", "preferred_child_age_max": "12"}
    forbidden = {**FORBIDDEN, "id": str(other.id), "volunteer_id": str(other.id)}
    if how == "json":
        forbidden["screenings"] = [{"issued_on": "2001-01-01", "screening_profile": "99", "checked_on": "2001-01-01"}]
    response = send(client, ME_EDIT, {**forbidden, **allowed}, how)
    assert response.status_code == 302, response.text[:500]
    assert response.location.endswith("/me/")

    after = snapshot(app, tenant_a)
    changed = {"phone": "06-22222222", "languages": ["Nederlands", "Arabisch"],
               "day_parts": ["weekday_evening", "weekend"], "max_families": 2, "experience_domains": ["finances"],
               "interests": "Koken", "preferred_tracks": ["regular"], "preferred_child_age_min": 4,
               "preferred_child_age_max": 12}
    [own_before] = [row for row in before["volunteers"] if row["id"] == own.id]
    [own_after] = [row for row in after["volunteers"] if row["id"] == own.id]
    key = {"search_text": f"{fold(own.name)} +31622222222"}  # the search key follows the phone number
    assert own_after == {**own_before, **changed, **key}
    assert [row for row in after["volunteers"] if row["id"] != own.id] == \
        [row for row in before["volunteers"] if row["id"] != own.id]
    assert after["screenings"] == before["screenings"] and after["policies"] == before["policies"]

    [event] = events_of(app, tenant_a, own.id, "updated_by_self")
    assert event.actor_id == volunteer_a.id and event.details == {"fields": sorted(changed)}
    [audit] = audit_of(app, tenant_a, "volunteer.updated_by_self", own.id)
    assert audit.actor_id == volunteer_a.id and audit.details == {"fields": sorted(changed)}
    assert events_of(app, tenant_a, other.id, "updated_by_self") == []


@pytest.mark.parametrize("how", HOW)
def test_clearing_availability_and_saving_unchanged_details(
        app: Flask, signed_in: SignIn, volunteer_a: User, tenant_a: Tenant, own: Volunteer, how: str) -> None:
    """Unticking every box clears the list; saving without a change writes nothing to the timeline."""
    client = signed_in(volunteer_a)
    data: dict[str, Any] = {"phone": "06-11111111", "languages": "Nederlands", "max_families": "1",
                            "interests": "Wandelen"}
    if how == "json":
        data["day_parts"] = []
    assert send(client, ME_EDIT, data, how).status_code == 302
    assert load_volunteer(app, tenant_a, own.id).day_parts == []
    assert [e.details["fields"] for e in events_of(app, tenant_a, own.id, "updated_by_self")] == [["day_parts"]]
    assert send(client, ME_EDIT, data, how).status_code == 302
    assert len(events_of(app, tenant_a, own.id, "updated_by_self")) == 1


@pytest.mark.parametrize("how", HOW)
def test_invalid_self_service_input_is_refused_and_writes_nothing(
        app: Flask, signed_in: SignIn, volunteer_a: User, tenant_a: Tenant, own: Volunteer, how: str) -> None:
    client = signed_in(volunteer_a)
    before = snapshot(app, tenant_a)
    valid = {"max_families": "2", "phone": "06-3"}
    for bad, field in (({"max_families": "0"}, "max_families"), ({"max_families": "6"}, "max_families"),
                       ({"max_families": ""}, "max_families"), ({"day_parts": ["midnight"]}, "day_parts"),
                       ({"preferred_child_age_min": "12", "preferred_child_age_max": "3"}, "preferred_child_age_max"),
                       ({"preferred_child_age_max": "24"}, "preferred_child_age_max"),
                       ({"phone": "0" * 41}, "phone"), ({"languages": "\n".join(["Nl"] * 11)}, "languages")):
        response = send(client, ME_EDIT, {**valid, **bad}, how)
        assert response.status_code == 422, bad
        errors = errors_of(response, how)
        if how == "json":
            assert set(errors) == {field}, bad
        else:
            assert 'class="error-summary"' in errors and "Vera de Vries" not in errors
    assert snapshot(app, tenant_a) == before


def test_a_record_cannot_be_edited_by_an_account_it_is_not_linked_to(
        app: Flask, tenant_a: Tenant, own: Volunteer, other_volunteer: User) -> None:
    """The operation itself refuses, whatever a view might pass it."""
    with app.app_context(), tenant_context(db.session, tenant_a.id):
        record = db.session.get(Volunteer, (tenant_a.id, own.id))
        with pytest.raises(OperationError):
            operations.update_own_profile(other_volunteer, record, {"phone": "0"})
        db.session.rollback()


# Another volunteer's record and the staff pages -----------------------------------------------------


def staff_urls(app: Flask, volunteer: Volunteer) -> list[tuple[str, str, dict[str, Any]]]:
    """Every staff page and action, with input a manager would have accepted."""
    base = f"{VOLUNTEERS}/{volunteer.id}"
    day = today(app).isoformat()
    application = {"name": "Nieuwe Vrijwilliger", "kind": "individual", "email": "nieuw@alpha.example",
                   "applied_on": day, "max_families": "1", "day_parts": ["weekend"]}
    return [
        ("GET", f"{VOLUNTEERS}/", {}),
        ("GET", f"{VOLUNTEERS}/?readiness=ready&state=available", {}),
        ("GET", f"{VOLUNTEERS}/applicants", {}),
        ("GET", f"{VOLUNTEERS}/screening", {}),
        ("GET", f"{VOLUNTEERS}/new", {}),
        ("POST", f"{VOLUNTEERS}/new", application),
        ("GET", f"{VOLUNTEERS}/policy", {}),
        ("POST", f"{VOLUNTEERS}/policy", {"max_age_at_start_days": "30", "renewal_months": "12",
                                          "warning_days": "10", "applicant_waiting_days": "3"}),
        ("GET", base, {}),
        ("GET", f"{base}/edit", {}),
        ("POST", f"{base}/edit", {**application, "name": "Otto Gewijzigd"}),
        ("POST", f"{base}/state", {"to_state": "paused"}),
        ("POST", f"{base}/screenings", {"issued_on": day, "screening_profile": "45", "checked_on": day}),
        ("POST", f"{base}/invite", {}),
    ]


@pytest.fixture
def unlinked_other(app: Flask, tenant_a: Tenant) -> Volunteer:
    """Another volunteer who has no account yet (so "invite" would work for staff)."""
    return create_volunteer(app, tenant_a, "Otto Anders", state=VolunteerState.AVAILABLE, email="otto@alpha.example",
                            approved_on=days_ago(app, 10), vogs=[days_ago(app, 20)])


def test_the_url_list_covers_every_staff_endpoint(app: Flask, unlinked_other: Volunteer) -> None:
    adapter = app.url_map.bind("localhost")
    reached = {(adapter.match(url.partition("?")[0], method=method)[0], method)
               for method, url, _data in staff_urls(app, unlinked_other)}
    expected = {(rule.endpoint, method) for rule in app.url_map.iter_rules() if rule.endpoint.startswith("volunteers.")
                for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert reached == expected


@pytest.mark.parametrize("person", ["volunteer_a", "report_viewer_a"])
def test_volunteers_and_report_viewers_get_403_on_every_staff_url_and_change_nothing(
        app: Flask, signed_in: SignIn, tenant_a: Tenant, own: Volunteer, unlinked_other: Volunteer, person: str,
        request: pytest.FixtureRequest) -> None:
    client = signed_in(request.getfixturevalue(person))
    before = snapshot(app, tenant_a)
    for how in HOW:
        for target in (unlinked_other, own):  # someone else's record, and even one's own
            failures = [f"{method} {url} -> {status}" for method, url, data in staff_urls(app, target)
                        if (status := client.open(url, method=method, **{BODY[how]: data}).status_code) != 403]
            assert not failures, failures
    assert snapshot(app, tenant_a) == before


def test_a_manager_reaches_every_staff_url(app: Flask, signed_in: SignIn, policy_manager_a: User,
                                           unlinked_other: Volunteer) -> None:
    """The counterpart of the test above, so it cannot pass because the input is refused."""
    client = signed_in(policy_manager_a)
    failures = [f"{method} {url} -> {status}" for method, url, data in staff_urls(app, unlinked_other)
                if (status := client.open(url, method=method, data=data).status_code) not in (200, 302)]
    assert not failures, failures


@pytest.mark.parametrize("role", [Role.REPORT_VIEWER, Role.COORDINATOR, Role.MANAGER], ids=lambda r: r.value)
@pytest.mark.parametrize("how", HOW)
def test_only_volunteers_reach_the_self_service_pages(app: Flask, tenant_a: Tenant, role: Role, how: str) -> None:
    """Others get 403, even with a volunteer record under their own address (which stays unlinked)."""
    person = create_user(app, f"{role.value}@alpha.example", tenant=tenant_a, role=role)
    record = create_volunteer(app, tenant_a, "Zelfde Adres", email=person.email)
    client = client_for(app, person)
    before = snapshot(app, tenant_a)
    assert client.get(ME).status_code == 403
    assert client.get(ME_EDIT).status_code == 403
    assert send(client, ME_EDIT, {"max_families": "2", "phone": "06"}, how).status_code == 403
    assert snapshot(app, tenant_a) == before
    assert load_volunteer(app, tenant_a, record.id).user_id is None


# Linking the record to the account ---------------------------------------------------------------------


def test_the_first_visit_links_the_oldest_unlinked_record_with_the_same_address(
        app: Flask, signed_in: SignIn, volunteer_a: User, tenant_a: Tenant) -> None:
    first = create_volunteer(app, tenant_a, "Vera Eerste", email=volunteer_a.email)
    second = create_volunteer(app, tenant_a, "Vera Tweede", email=volunteer_a.email)
    client = signed_in(volunteer_a)
    page = client.get(ME).text
    assert "Vera Eerste" in page and "Vera Tweede" not in page
    assert load_volunteer(app, tenant_a, first.id).user_id == volunteer_a.id
    assert load_volunteer(app, tenant_a, second.id).user_id is None
    [event] = events_of(app, tenant_a, first.id, "account_linked")
    assert event.actor_id == volunteer_a.id
    assert len(audit_of(app, tenant_a, "volunteer.account_linked", first.id)) == 1
    client.get(ME)
    client.get(ME_EDIT)
    assert len(events_of(app, tenant_a, first.id, "account_linked")) == 1
    assert load_volunteer(app, tenant_a, second.id).user_id is None


def test_a_record_linked_to_someone_else_or_in_another_organisation_is_not_taken(
        app: Flask, signed_in: SignIn, volunteer_a: User, tenant_a: Tenant, tenant_b: Tenant,
        other_volunteer: User) -> None:
    taken = create_volunteer(app, tenant_a, "Al Gekoppeld", email=volunteer_a.email, user_id=other_volunteer.id)
    elsewhere = create_volunteer(app, tenant_b, "In Beta", email=volunteer_a.email)
    client = signed_in(volunteer_a)
    page = client.get(ME)
    assert page.status_code == 200
    assert "Al Gekoppeld" not in page.text and "In Beta" not in page.text
    assert volunteer_a.email in page.text  # the "not linked yet" explanation names the address
    assert client.get(ME_EDIT).status_code == 302
    assert client.post(ME_EDIT, data={"max_families": "3"}).status_code == 302
    assert load_volunteer(app, tenant_a, taken.id).user_id == other_volunteer.id
    assert load_volunteer(app, tenant_a, taken.id).max_families == 1
    stored = load_volunteer(app, tenant_b, elsewhere.id)
    assert stored.user_id is None and stored.max_families == 1


def test_the_profile_tells_the_volunteer_where_they_stand(app: Flask, tenant_a: Tenant, coordinator_a: User) -> None:
    """No VOG yet and not ready; once the coordinator records one and approves: valid, and ready."""
    person = create_user(app, "vera.en@alpha.example", tenant=tenant_a, role=Role.VOLUNTEER, name="Vera", locale="en")
    record = create_volunteer(app, tenant_a, "Vera de Vries", state=VolunteerState.TRAINING, user_id=person.id)
    me = client_for(app, person)
    page = me.get(ME).text
    assert "No certificate of conduct has been recorded for you yet." in page
    assert "Not yet" in page and "No certificate of conduct (VOG) recorded." in page
    coordinator = client_for(app, coordinator_a)
    day = today(app)
    assert coordinator.post(f"{VOLUNTEERS}/{record.id}/screenings", data={
        "issued_on": (day - timedelta(days=20)).isoformat(), "screening_profile": "45",
        "checked_on": day.isoformat()}).status_code == 302
    assert coordinator.post(f"{VOLUNTEERS}/{record.id}/state", data={"to_state": "available"}).status_code == 302
    page = me.get(ME).text
    assert "Your certificate of conduct is valid until" in page
    assert "<dd><strong>Yes</strong></dd>" in page and "What is still needed" not in page
