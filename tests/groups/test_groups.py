"""The group track over HTTP: groups, facilitators, participants, sessions and attendance; bad input
answers 422 and writes nothing; ids of another tenant are refused; a facilitating volunteer sees
only her own group, by first names, and records its attendance."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import format_date
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from saas.audit.models import AuditEvent
from saas.auth.models import User
from saas.auth.roles import Role
from saas.i18n import force_locale
from saas.tenancy.models import Tenant
from tenants.families.vocabulary import Track
from tenants.groups import operations
from tenants.groups.models import Group, GroupAttendance, GroupFacilitator, GroupParticipant, GroupSession
from tenants.volunteers.models import Volunteer
from tenants.volunteers.states import VolunteerState
from tests.factories.families import create_family
from tests.factories.groups import add_facilitator, add_participant, add_session, create_group
from tests.factories.matching import ready_volunteer
from tests.factories.platform import create_user, in_tenant, today
from tests.support.sessions import sign_in

A = "/t/alpha/groups"


def client_for(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    sign_in(client, user)
    return client


@pytest.fixture
def coordinator(app: Flask, coordinator_a: User) -> FlaskClient:
    return client_for(app, coordinator_a)


def rows(app: Flask, tenant: Tenant) -> dict[str, int]:
    """How many group rows and audit events ``tenant`` has: to show that nothing was written."""
    with in_tenant(app, tenant) as session:
        return {model.__name__: session.scalar(select(func.count()).select_from(model)) for model in (
            Group, GroupFacilitator, GroupParticipant, GroupSession, GroupAttendance, AuditEvent)}


def actions(app: Flask, tenant: Tenant) -> list[str]:
    with in_tenant(app, tenant) as session:
        return list(session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("group.%"))
                                    .order_by(AuditEvent.at, AuditEvent.id)))


def load(app: Flask, tenant: Tenant, model: type, row_id: Any) -> Any:
    with in_tenant(app, tenant) as session:
        return session.get(model, (tenant.id, row_id), populate_existing=True)


#: A mistyped year at either end of what a date input sends: the form answers with a field error,
#: the date arithmetic behind the rules never runs on it (year 1 minus a year is an OverflowError).
EXTREME_DATES = ("0001-01-01", "9999-12-30")


def assert_refused_both_ways(client: FlaskClient, url: str, data: dict[str, str], field: str) -> None:
    """``data`` posted as a form and as JSON: 422 with an error at ``field`` each time."""
    response = client.post(url, data=data)
    assert response.status_code == 422, (field, data)
    assert f'id="f-{field}-error"' in response.text, (field, data)
    response = client.post(url, json=data)
    assert response.status_code == 422, (field, data)
    assert field in response.json["errors"], (field, response.json)


def group_form(app: Flask, coordinator: User, **overrides: str) -> dict[str, str]:
    day = today(app)
    return {"name": "Moedergroep Noord", "kind": "mothers", "municipality": "Alpha",
            "partner_organisation": "Welzijn Alpha", "coordinator_id": str(coordinator.id),
            "starts_on": (day - timedelta(days=30)).isoformat(), "ends_on": (day + timedelta(days=200)).isoformat(),
            "meeting_frequency": "Elke maand, dinsdagochtend", **overrides}


# Groups ---------------------------------------------------------------------------------------


def test_staff_create_a_group_edit_it_and_find_it_in_the_list(
        app: Flask, tenant_a: Tenant, coordinator: FlaskClient, coordinator_a: User) -> None:
    assert coordinator.get(A + "/new").status_code == 200
    response = coordinator.post(A + "/new", data=group_form(app, coordinator_a))
    assert response.status_code == 302
    with in_tenant(app, tenant_a) as session:
        group = session.scalars(select(Group)).one()
    assert (group.name, group.kind.value, group.municipality, group.coordinator_id) == (
        "Moedergroep Noord", "mothers", "Alpha", coordinator_a.id)
    assert response.location.endswith(f"/groups/{group.id}")
    page = coordinator.get(response.location).text
    assert "Moedergroep Noord" in page and "Welzijn Alpha" in page

    edited = group_form(app, coordinator_a, name="Moedergroep Noord-Oost", ends_on="", coordinator_id="")
    assert coordinator.post(f"{A}/{group.id}/edit", data=edited).status_code == 302
    group = load(app, tenant_a, Group, group.id)
    assert group.name == "Moedergroep Noord-Oost" and group.ends_on is None and group.coordinator_id is None
    assert actions(app, tenant_a) == ["group.created", "group.updated"]

    assert "Moedergroep Noord-Oost" in coordinator.get(A + "/?period=running").text
    assert "Moedergroep Noord-Oost" not in coordinator.get(A + "/?period=ended").text
    assert "Moedergroep Noord-Oost" not in coordinator.get(A + "/?period=upcoming").text
    assert "1 group found." in coordinator.get(A + "/?period=nonsense").text  # a bad filter is ignored


@pytest.mark.parametrize("overrides", [
    {"name": ""}, {"kind": "choir"}, {"municipality": "Beta"}, {"starts_on": ""}, {"starts_on": "31-12-2026"},
    {"starts_on": "1999-01-01"}, {"ends_on": "2000-01-01"}, {"name": "x" * 121}, {"name": "Groep\x00"},
], ids=lambda o: next(iter(o)) + "=" + next(iter(o.values()))[:12])
def test_bad_group_input_is_refused_field_by_field_and_nothing_is_written(
        app: Flask, tenant_a: Tenant, coordinator: FlaskClient, coordinator_a: User, overrides: dict[str, str]) -> None:
    before = rows(app, tenant_a)
    response = coordinator.post(A + "/new", data=group_form(app, coordinator_a, **overrides))
    assert response.status_code == 422
    assert f'id="f-{next(iter(overrides))}-error"' in response.text
    assert rows(app, tenant_a) == before


@pytest.mark.parametrize("field", ["starts_on", "ends_on"])
@pytest.mark.parametrize("editing", [False, True], ids=["new", "edit"])
def test_a_groups_dates_in_year_1_or_9999_are_refused(
        app: Flask, tenant_a: Tenant, coordinator: FlaskClient, coordinator_a: User, field: str, editing: bool) -> None:
    group = create_group(app, tenant_a, actor=coordinator_a) if editing else None
    if group is not None:
        add_session(app, tenant_a, group, today(app) - timedelta(days=7))
    url = f"{A}/{group.id}/edit" if group else A + "/new"
    before = rows(app, tenant_a)
    for value in EXTREME_DATES:
        assert_refused_both_ways(coordinator, url, group_form(app, coordinator_a, **{field: value}), field)
    assert rows(app, tenant_a) == before
    if group is not None:
        stored = load(app, tenant_a, Group, group.id)
        assert (stored.starts_on, stored.ends_on) == (group.starts_on, group.ends_on)


def test_the_coordinator_must_be_staff_of_this_tenant(
        app: Flask, tenant_a: Tenant, tenant_b: Tenant, coordinator: FlaskClient, coordinator_a: User,
        manager_b: User, volunteer_a: User) -> None:
    before = rows(app, tenant_a)
    for user in (manager_b, volunteer_a):
        response = coordinator.post(A + "/new", data=group_form(app, coordinator_a, coordinator_id=str(user.id)))
        assert response.status_code == 422 and 'id="f-coordinator_id-error"' in response.text
    assert rows(app, tenant_a) == before


def test_a_groups_period_keeps_its_sessions_and_participants_inside(
        app: Flask, tenant_a: Tenant, coordinator: FlaskClient, coordinator_a: User) -> None:
    group = create_group(app, tenant_a, actor=coordinator_a)
    add_session(app, tenant_a, group, group.starts_on + timedelta(days=14))
    form = group_form(app, coordinator_a, starts_on=(group.starts_on + timedelta(days=20)).isoformat(),
                      ends_on=group.ends_on.isoformat())
    response = coordinator.post(f"{A}/{group.id}/edit", data=form)
    assert response.status_code == 422 and 'id="f-starts_on-error"' in response.text
    form.update(starts_on=group.starts_on.isoformat(), ends_on=(group.starts_on + timedelta(days=10)).isoformat())
    response = coordinator.post(f"{A}/{group.id}/edit", data=form)
    assert response.status_code == 422 and 'id="f-ends_on-error"' in response.text
    assert load(app, tenant_a, Group, group.id).ends_on == group.ends_on


# Facilitators ---------------------------------------------------------------------------------


def test_facilitators_are_available_or_matched_volunteers_of_this_tenant(
        app: Flask, tenant_a: Tenant, tenant_b: Tenant, coordinator: FlaskClient, coordinator_a: User) -> None:
    group = create_group(app, tenant_a, actor=coordinator_a)
    ready = ready_volunteer(app, tenant_a, "Rana Klaar")
    applicant = ready_volunteer(app, tenant_a, "Anna Aanmelder", state=VolunteerState.APPLICANT)
    foreign = ready_volunteer(app, tenant_b, "Bea Beta")
    url = f"{A}/{group.id}/facilitators"
    page = coordinator.get(f"{A}/{group.id}").text
    assert "Rana Klaar" in page and "Anna Aanmelder" not in page and "Bea Beta" not in page
    before = rows(app, tenant_a)
    for volunteer_id in (applicant.id, foreign.id, "not-an-id", ""):
        response = coordinator.post(url, data={"volunteer_id": str(volunteer_id)})
        assert response.status_code == 422 and 'id="f-volunteer_id-error"' in response.text
    assert rows(app, tenant_a) == before

    assert coordinator.post(url, data={"volunteer_id": str(ready.id)}).status_code == 302
    assert coordinator.post(url, data={"volunteer_id": str(ready.id)}).status_code == 422  # once is enough
    with in_tenant(app, tenant_a) as session:
        assert session.scalars(select(GroupFacilitator.volunteer_id)).all() == [ready.id]
    assert coordinator.post(f"{url}/{foreign.id}/delete").status_code == 404
    assert coordinator.post(f"{url}/{ready.id}/delete").status_code == 302
    assert rows(app, tenant_a)["GroupFacilitator"] == 0
    assert actions(app, tenant_a) == ["group.created", "group.facilitator_added", "group.facilitator_removed"]


# Participants ---------------------------------------------------------------------------------


def participant_form(app: Flask, group: Group, **overrides: str) -> dict[str, str]:
    day = today(app)
    return {"first_name": "Samira", "due_date": (day + timedelta(days=60)).isoformat(), "child_birth_date": "",
            "intake_on": (group.starts_on - timedelta(days=5)).isoformat(), "joined_on": group.starts_on.isoformat(),
            "family_id": "", **overrides}


def test_a_participant_joins_linked_to_a_first_1000_days_family_and_leaves_later(
        app: Flask, tenant_a: Tenant, coordinator: FlaskClient, coordinator_a: User) -> None:
    group = create_group(app, tenant_a, actor=coordinator_a)
    family = create_family(app, tenant_a, family_name="Familie Eerste", track=Track.FIRST_1000_DAYS,
                           expected_due_date=today(app) + timedelta(days=60))
    regular = create_family(app, tenant_a, family_name="Familie Gewoon")
    page = coordinator.get(f"{A}/{group.id}").text
    assert "Familie Eerste" in page and "Familie Gewoon" not in page
    url = f"{A}/{group.id}/participants"
    response = coordinator.post(url, data=participant_form(app, group, family_id=str(family.id)))
    assert response.status_code == 302
    with in_tenant(app, tenant_a) as session:
        participant = session.scalars(select(GroupParticipant)).one()
    assert (participant.first_name, participant.family_id, participant.left_on) == ("Samira", family.id, None)
    page = coordinator.get(f"{A}/{group.id}").text
    assert "Familie Eerste" in page and f'<option value="{family.id}"' not in page  # linked, so no longer offered

    # Her family can be linked once per group; a regular-track family not at all.
    for family_id in (family.id, regular.id):
        response = coordinator.post(url, data=participant_form(app, group, first_name="Noor", family_id=str(family_id)))
        assert response.status_code == 422 and 'id="f-family_id-error"' in response.text

    edit = f"{A}/{group.id}/participants/{participant.id}"
    assert 'value="Samira"' in coordinator.get(edit).text
    left = participant_form(app, group, family_id=str(family.id),
                            left_on=(group.starts_on - timedelta(days=1)).isoformat())
    response = coordinator.post(edit, data=left)
    assert response.status_code == 422 and 'id="f-left_on-error"' in response.text
    left["left_on"] = today(app).isoformat()
    assert coordinator.post(edit, data=left).status_code == 302
    assert load(app, tenant_a, GroupParticipant, participant.id).left_on == today(app)
    assert actions(app, tenant_a) == ["group.created", "group.participant_added", "group.participant_left"]


@pytest.mark.parametrize("overrides", [
    {"first_name": ""}, {"due_date": "", "child_birth_date": ""}, {"joined_on": ""}, {"joined_on": "2001-01-01"},
    {"due_date": "2001-01-01"}, {"child_birth_date": "2001-01-01"}, {"intake_on": "2999-01-01"},
    {"family_id": "3f0c5a8e-0000-4000-8000-000000000000"},
], ids=lambda o: "+".join(o))
def test_bad_participant_input_is_refused_and_nothing_is_written(
        app: Flask, tenant_a: Tenant, coordinator: FlaskClient, coordinator_a: User, overrides: dict[str, str]) -> None:
    group = create_group(app, tenant_a, actor=coordinator_a)
    before = rows(app, tenant_a)
    response = coordinator.post(f"{A}/{group.id}/participants", data=participant_form(app, group, **overrides))
    assert response.status_code == 422
    assert f'id="f-{next(iter(overrides))}-error"' in response.text
    assert rows(app, tenant_a) == before


@pytest.mark.parametrize("field,with_birth_date", [
    ("due_date", False), ("child_birth_date", False), ("child_birth_date", True), ("intake_on", False),
    ("joined_on", False), ("joined_on", True),
], ids=lambda value: value if isinstance(value, str) else ("child born" if value else "due"))
def test_a_new_participants_dates_in_year_1_or_9999_are_refused(
        app: Flask, tenant_a: Tenant, coordinator: FlaskClient, coordinator_a: User, field: str,
        with_birth_date: bool) -> None:
    group = create_group(app, tenant_a, actor=coordinator_a)
    born = {"due_date": "", "child_birth_date": (today(app) - timedelta(days=100)).isoformat()} \
        if with_birth_date else {}
    before = rows(app, tenant_a)
    for value in EXTREME_DATES:
        data = participant_form(app, group, **{**born, field: value})
        assert_refused_both_ways(coordinator, f"{A}/{group.id}/participants", data, field)
    assert rows(app, tenant_a) == before


@pytest.mark.parametrize("field,with_birth_date", [
    ("due_date", False), ("child_birth_date", True), ("intake_on", False), ("joined_on", False),
    ("joined_on", True), ("left_on", False),
], ids=lambda value: value if isinstance(value, str) else ("child born" if value else "due"))
def test_a_participants_corrected_dates_in_year_1_or_9999_are_refused(
        app: Flask, tenant_a: Tenant, coordinator: FlaskClient, coordinator_a: User, field: str,
        with_birth_date: bool) -> None:
    group = create_group(app, tenant_a, actor=coordinator_a)
    participant = add_participant(app, tenant_a, group)
    born = {"due_date": "", "child_birth_date": (today(app) - timedelta(days=100)).isoformat()} \
        if with_birth_date else {}
    before, stored = rows(app, tenant_a), load(app, tenant_a, GroupParticipant, participant.id)
    for value in EXTREME_DATES:
        data = participant_form(app, group, **{"left_on": "", **born, field: value})
        assert_refused_both_ways(coordinator, f"{A}/{group.id}/participants/{participant.id}", data, field)
    assert rows(app, tenant_a) == before
    after = load(app, tenant_a, GroupParticipant, participant.id)
    assert [getattr(after, key) for key in operations.PARTICIPANT_FIELDS] == [
        getattr(stored, key) for key in operations.PARTICIPANT_FIELDS]


def test_a_family_of_another_tenant_cannot_be_linked(
        app: Flask, tenant_a: Tenant, tenant_b: Tenant, coordinator: FlaskClient, coordinator_a: User) -> None:
    group = create_group(app, tenant_a, actor=coordinator_a)
    participant = add_participant(app, tenant_a, group)
    foreign = create_family(app, tenant_b, family_name="Familie Beta", track=Track.FIRST_1000_DAYS,
                            expected_due_date=today(app) + timedelta(days=60))
    assert "Familie Beta" not in coordinator.get(f"{A}/{group.id}").text
    before = rows(app, tenant_a)
    for url in (f"{A}/{group.id}/participants", f"{A}/{group.id}/participants/{participant.id}"):
        response = coordinator.post(url, data=participant_form(app, group, family_id=str(foreign.id)))
        assert response.status_code == 422 and 'id="f-family_id-error"' in response.text
    assert rows(app, tenant_a) == before
    assert load(app, tenant_a, GroupParticipant, participant.id).family_id is None


# Sessions and attendance ------------------------------------------------------------------------


def test_sessions_lie_in_the_period_and_attendance_is_saved_all_at_once(
        app: Flask, tenant_a: Tenant, coordinator: FlaskClient, coordinator_a: User) -> None:
    group = create_group(app, tenant_a, actor=coordinator_a)
    day = today(app)
    url = f"{A}/{group.id}/sessions"
    for held_on in ("", (group.starts_on - timedelta(days=1)).isoformat(), "2999-01-01"):
        response = coordinator.post(url, data={"held_on": held_on, "theme": "Slapen"})
        assert response.status_code == 422 and 'id="f-held_on-error"' in response.text
    held_on = day - timedelta(days=7)
    response = coordinator.post(url, data={"held_on": held_on.isoformat(), "theme": "Slapen en huilen"})
    assert response.status_code == 302
    with in_tenant(app, tenant_a) as session:
        session_id = session.scalars(select(GroupSession.id)).one()
    assert response.location.endswith(f"/sessions/{session_id}")
    assert coordinator.post(url, data={"held_on": held_on.isoformat()}).status_code == 422  # one per day

    amal = add_participant(app, tenant_a, group, first_name="Amal")
    bo = add_participant(app, tenant_a, group, first_name="Bo")
    later = add_participant(app, tenant_a, group, first_name="Later", joined_on=day - timedelta(days=3))
    gone = add_participant(app, tenant_a, group, first_name="Vertrokken", left_on=held_on - timedelta(days=1))
    page_url = f"{url}/{session_id}"
    page = coordinator.get(page_url).text
    assert "Amal" in page and "Bo" in page and "Later" not in page and "Vertrokken" not in page

    assert coordinator.post(page_url, data={"present": [str(amal.id)]}).status_code == 302
    assert coordinator.post(page_url, data={"present": [str(bo.id)]}).status_code == 302  # changed her mind
    with in_tenant(app, tenant_a) as session:
        attendance = dict(session.execute(select(GroupAttendance.participant_id, GroupAttendance.present)).all())
    assert attendance == {amal.id: False, bo.id: True}
    assert 'checked' in coordinator.get(page_url).text

    before = rows(app, tenant_a)
    for ticked in ([str(later.id)], [str(gone.id)], ["nonsense"]):
        response = coordinator.post(page_url, data={"present": ticked})
        assert response.status_code == 422 and 'id="f-present"' in response.text
    assert rows(app, tenant_a) == before
    assert actions(app, tenant_a)[-2:] == ["group.attendance_recorded", "group.attendance_recorded"]


@pytest.mark.parametrize("open_ended", [False, True], ids=["with end", "open-ended"])
def test_a_session_in_year_1_or_9999_is_refused(
        app: Flask, tenant_a: Tenant, coordinator: FlaskClient, coordinator_a: User, open_ended: bool) -> None:
    group = create_group(app, tenant_a, actor=coordinator_a, **({"ends_on": None} if open_ended else {}))
    before = rows(app, tenant_a)
    for value in EXTREME_DATES:
        assert_refused_both_ways(coordinator, f"{A}/{group.id}/sessions", {"held_on": value, "theme": "Slapen"},
                                 "held_on")
    assert rows(app, tenant_a) == before


def test_the_database_keeps_one_session_a_day_even_when_two_requests_race(
        app: Flask, tenant_a: Tenant, coordinator_a: User, monkeypatch: pytest.MonkeyPatch) -> None:
    group = create_group(app, tenant_a, actor=coordinator_a)
    held_on = today(app) - timedelta(days=7)
    add_session(app, tenant_a, group, held_on)
    with in_tenant(app, tenant_a) as session:  # a duplicate inserted directly: the constraint refuses it
        with pytest.raises(IntegrityError):
            session.execute(insert(GroupSession).values(tenant_id=tenant_a.id, group_id=group.id, held_on=held_on))
        session.rollback()

    # The other request stored that day's session after this one looked: the friendly check finds
    # nothing, the insert fails, and only its savepoint rolls back.
    monkeypatch.setattr(operations, "_has_session_on", lambda group, held_on: False)
    with in_tenant(app, tenant_a) as session:
        stored = session.get(Group, (tenant_a.id, group.id))
        with pytest.raises(operations.SessionTaken):
            operations.add_session(coordinator_a, stored, {"held_on": held_on, "theme": "Nog eens"})
        assert session.scalar(select(func.count()).select_from(GroupSession)) == 1  # the transaction still works
        session.commit()
    assert rows(app, tenant_a)["GroupSession"] == 1
    assert actions(app, tenant_a) == ["group.created", "group.session_added"]


def test_a_session_stored_by_a_racing_request_is_a_field_error_not_a_500(
        app: Flask, tenant_a: Tenant, coordinator: FlaskClient, coordinator_a: User,
        monkeypatch: pytest.MonkeyPatch) -> None:
    group = create_group(app, tenant_a, actor=coordinator_a)
    held_on = today(app) - timedelta(days=7)

    def racing_request_stores_it_first(group: Group, day: Any) -> bool:
        """Between this request's checks and its insert, another one inserts the same day's session."""
        operations.db.session.execute(
            insert(GroupSession).values(tenant_id=tenant_a.id, group_id=group.id, held_on=day))
        return False

    monkeypatch.setattr(operations, "_has_session_on", racing_request_stores_it_first)
    before = rows(app, tenant_a)
    assert_refused_both_ways(coordinator, f"{A}/{group.id}/sessions", {"held_on": held_on.isoformat()}, "held_on")
    assert rows(app, tenant_a) == before  # the refused request rolled back (here: the racing row with it)


def test_her_dates_keep_the_sessions_she_was_present_at(
        app: Flask, tenant_a: Tenant, coordinator: FlaskClient, coordinator_a: User) -> None:
    group = create_group(app, tenant_a, actor=coordinator_a)
    amal = add_participant(app, tenant_a, group, first_name="Amal")
    bo = add_participant(app, tenant_a, group, first_name="Bo")
    session = add_session(app, tenant_a, group, today(app) - timedelta(days=7))
    response = coordinator.post(f"{A}/{group.id}/sessions/{session.id}", data={"present": [str(amal.id)]})
    assert response.status_code == 302
    left = (today(app) - timedelta(days=10)).isoformat()
    response = coordinator.post(f"{A}/{group.id}/participants/{amal.id}",
                                data=participant_form(app, group, first_name="Amal", left_on=left))
    assert response.status_code == 422 and "correct that session" in response.text.lower()
    assert load(app, tenant_a, GroupParticipant, amal.id).left_on is None
    # Bo was only on the list as absent: her leaving earlier takes her off it.
    assert coordinator.post(f"{A}/{group.id}/participants/{bo.id}",
                            data=participant_form(app, group, first_name="Bo", left_on=left)).status_code == 302
    with in_tenant(app, tenant_a) as db_session:
        assert db_session.scalars(select(GroupAttendance.participant_id)).all() == [amal.id]


def test_attendance_waits_until_the_session_took_place(
        app: Flask, tenant_a: Tenant, coordinator: FlaskClient, coordinator_a: User) -> None:
    group = create_group(app, tenant_a, actor=coordinator_a)
    add_participant(app, tenant_a, group)
    upcoming = add_session(app, tenant_a, group, today(app) + timedelta(days=7))
    url = f"{A}/{group.id}/sessions/{upcoming.id}"
    assert "still to come" in coordinator.get(url).text
    assert coordinator.post(url, data={}).status_code == 422
    assert rows(app, tenant_a)["GroupAttendance"] == 0


def test_a_session_or_participant_of_another_group_is_404(
        app: Flask, tenant_a: Tenant, coordinator: FlaskClient, coordinator_a: User) -> None:
    group, other = create_group(app, tenant_a), create_group(app, tenant_a, name="Andere groep")
    session = add_session(app, tenant_a, other, today(app) - timedelta(days=1))
    participant = add_participant(app, tenant_a, other)
    assert coordinator.get(f"{A}/{group.id}/sessions/{session.id}").status_code == 404
    assert coordinator.post(f"{A}/{group.id}/sessions/{session.id}", data={}).status_code == 404
    assert coordinator.get(f"{A}/{group.id}/participants/{participant.id}").status_code == 404


# The facilitating volunteer -------------------------------------------------------------------


def test_a_facilitator_sees_her_own_group_by_first_names_and_records_attendance(
        app: Flask, tenant_a: Tenant, coordinator_a: User) -> None:
    volunteer_a = create_user(app, "vera@alpha.example", tenant=tenant_a, role=Role.VOLUNTEER, locale="en")
    mine = create_group(app, tenant_a, name="Zwangerengroep Oost", partner_organisation="Kraamzorg Oost")
    other = create_group(app, tenant_a, name="Moedergroep West")
    volunteer = ready_volunteer(app, tenant_a, "Vera Vrijwilliger", user_id=volunteer_a.id)
    add_facilitator(app, tenant_a, mine, volunteer)
    family = create_family(app, tenant_a, family_name="Familie Geheim", track=Track.FIRST_1000_DAYS,
                           expected_due_date=today(app) + timedelta(days=60))
    amal = add_participant(app, tenant_a, mine, first_name="Amal", family_id=family.id,
                           due_date=today(app) + timedelta(days=61))
    session = add_session(app, tenant_a, mine, today(app) - timedelta(days=2), theme="Voeding")
    other_session = add_session(app, tenant_a, other, today(app) - timedelta(days=2))
    client = client_for(app, volunteer_a)
    index = client.get(A + "/").text
    assert "Zwangerengroep Oost" in index and "Moedergroep West" not in index
    page = client.get(f"{A}/{mine.id}")
    assert page.status_code == 200
    assert "Amal" in page.text and "Kraamzorg Oost" in page.text and "Voeding" in page.text
    assert "Familie Geheim" not in page.text and family.case_number not in page.text
    with app.test_request_context(), force_locale("en"):
        due = format_date(today(app) + timedelta(days=61))
    assert due in client_for(app, coordinator_a).get(f"{A}/{mine.id}").text
    assert due not in page.text  # no due dates: pregnancy is health data
    assert client.get(f"{A}/{other.id}").status_code == 404
    assert client.get(f"{A}/{other.id}/sessions/{other_session.id}").status_code == 404

    url = f"{A}/{mine.id}/sessions/{session.id}"
    assert "Familie Geheim" not in client.get(url).text
    assert client.post(url, data={"present": [str(amal.id)]}).status_code == 302
    assert load(app, tenant_a, Group, mine.id) is not None
    with in_tenant(app, tenant_a) as db_session:
        assert db_session.scalars(select(GroupAttendance.present)).all() == [True]
        event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "group.attendance_recorded")).one()
    assert event.actor_id == volunteer_a.id

    for path in (f"{A}/new", f"{A}/{mine.id}/edit", f"{A}/{mine.id}/participants/{amal.id}"):
        assert client.get(path).status_code == 403, path
    for path in ("participants", "sessions", "facilitators"):
        assert client.post(f"{A}/{mine.id}/{path}", data={}).status_code == 403, path

    with in_tenant(app, tenant_a) as db_session:  # once she stops, the group is closed to her
        db_session.get(Volunteer, (tenant_a.id, volunteer.id)).state = VolunteerState.STOPPED
        db_session.commit()
    assert client.get(f"{A}/{mine.id}").status_code == 404
    assert "Zwangerengroep Oost" not in client.get(A + "/").text


def test_a_volunteer_without_a_group_sees_an_empty_list_and_report_viewers_nothing(
        app: Flask, tenant_a: Tenant, volunteer_a: User) -> None:
    create_group(app, tenant_a, name="Zwangerengroep Oost")
    response = client_for(app, volunteer_a).get(A + "/")
    assert response.status_code == 200 and "Zwangerengroep Oost" not in response.text
    viewer = create_user(app, "reports@alpha.example", tenant=tenant_a, role=Role.REPORT_VIEWER)
    assert client_for(app, viewer).get(A + "/").status_code == 403


def test_another_tenants_manager_finds_no_group(
        app: Flask, tenant_a: Tenant, tenant_b: Tenant, manager_b: User) -> None:
    group = create_group(app, tenant_a)
    client = client_for(app, manager_b)
    for prefix in ("/t/alpha/groups", "/t/beta/groups"):
        assert client.get(f"{prefix}/{group.id}").status_code == 404
        assert client.post(f"{prefix}/{group.id}/sessions", data={"held_on": today(app).isoformat()}).status_code == 404
    assert "Zwangerengroep" not in client.get("/t/beta/groups/").text
    assert rows(app, tenant_a)["GroupSession"] == 0
