"""The group list, the group page and a session's attendance list send the same number of SQL
statements for one row as for many (groups, participants, sessions, facilitators, families)."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from saas.auth.models import User
from saas.tenancy.models import Tenant
from tenants.families.models import Family
from tenants.families.states import CaseState
from tenants.families.vocabulary import Channel, ReferrerType, Track
from tenants.groups.models import Group, GroupAttendance, GroupFacilitator, GroupParticipant, GroupSession
from tenants.groups.vocabulary import GroupKind
from tenants.volunteers.models import Volunteer
from tenants.volunteers.states import VolunteerKind, VolunteerState
from tests.factories.families import create_family
from tests.factories.groups import add_facilitator, add_participant, add_session, create_group
from tests.factories.matching import ready_volunteer
from tests.factories.platform import create_user, in_tenant, today
from tests.support.queries import page_statements
from tests.support.sessions import sign_in

MANY = 60


def client_for(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    sign_in(client, user)
    return client


def fill_group(app: Flask, tenant: Tenant, group: Group, count: int) -> None:
    """``count`` more participants (each linked to her own family file), sessions with attendance and
    volunteer facilitators, all at once (one commit)."""
    day = today(app)
    with in_tenant(app, tenant) as session:
        families = [Family(case_year=day.year, case_seq=7000 + n, family_name=f"Familie Bulk {n:03d}",
                           state=CaseState.WAITING, track=Track.FIRST_1000_DAYS, referred_on=day,
                           channel=Channel.PHONE, referrer_type=ReferrerType.MIDWIFE, municipality="Alpha")
                    for n in range(count)]
        volunteers = [Volunteer(name=f"Vrijwilliger {n:03d}", kind=VolunteerKind.INDIVIDUAL, applied_on=day,
                                state=VolunteerState.AVAILABLE) for n in range(count)]
        session.add_all(families + volunteers)
        session.flush()
        participants = [GroupParticipant(group_id=group.id, family_id=families[n].id, first_name=f"Deelnemer {n:03d}",
                                         due_date=day + timedelta(days=90), joined_on=group.starts_on)
                        for n in range(count)]
        sessions = [GroupSession(group_id=group.id, held_on=group.starts_on + timedelta(days=n + 1), theme=f"Thema {n}")
                    for n in range(count)]
        session.add_all(participants + sessions + [GroupFacilitator(group_id=group.id, volunteer_id=v.id)
                                                   for v in volunteers])
        session.flush()
        session.add_all([GroupAttendance(session_id=s.id, participant_id=p.id, present=n % 2 == 0)
                         for n, (s, p) in enumerate(zip(sessions, participants, strict=True))])
        session.commit()


def test_the_group_page_and_a_session_send_the_same_statements_for_one_or_many_rows(
        app: Flask, tenant_a: Tenant, coordinator_a: User) -> None:
    group = create_group(app, tenant_a, actor=coordinator_a, coordinator_id=coordinator_a.id,
                         starts_on=today(app) - timedelta(days=MANY + 30))
    add_facilitator(app, tenant_a, group, ready_volunteer(app, tenant_a, "Rana"))
    family = create_family(app, tenant_a, track=Track.FIRST_1000_DAYS, expected_due_date=today(app))
    add_participant(app, tenant_a, group, family_id=family.id)  # so the families are loaded in both counts
    session = add_session(app, tenant_a, group, today(app) - timedelta(days=1))
    client = client_for(app, coordinator_a)
    page, session_url = f"/t/alpha/groups/{group.id}", f"/t/alpha/groups/{group.id}/sessions/{session.id}"
    few, few_session = page_statements(app, client, page), page_statements(app, client, session_url)
    fill_group(app, tenant_a, group, MANY)
    text = client.get(page).text
    assert "Familie Bulk 059" in text and "Vrijwilliger 059" in text and "Thema 59" in text
    assert page_statements(app, client, page) == few
    assert page_statements(app, client, session_url) == few_session


def test_the_facilitators_group_page_sends_the_same_statements_for_one_or_many_rows(
        app: Flask, tenant_a: Tenant, volunteer_a: User) -> None:
    group = create_group(app, tenant_a, starts_on=today(app) - timedelta(days=MANY + 30))
    add_facilitator(app, tenant_a, group, ready_volunteer(app, tenant_a, "Vera", user_id=volunteer_a.id))
    add_participant(app, tenant_a, group)
    add_session(app, tenant_a, group, today(app) - timedelta(days=1))
    client = client_for(app, volunteer_a)
    url = f"/t/alpha/groups/{group.id}"
    few = page_statements(app, client, url)
    fill_group(app, tenant_a, group, MANY)
    assert "Deelnemer 059" in client.get(url).text
    assert page_statements(app, client, url) == few


def test_the_group_list_sends_the_same_statements_for_one_or_many_groups(
        app: Flask, tenant_a: Tenant, coordinator_a: User) -> None:
    first = create_group(app, tenant_a, actor=coordinator_a, coordinator_id=coordinator_a.id)
    add_participant(app, tenant_a, first)
    client = client_for(app, coordinator_a)
    url = "/t/alpha/groups/?period=running"
    few = page_statements(app, client, url)
    staff = [create_user(app, f"leider{n}@alpha.example", tenant=tenant_a, name=f"Leider {n}") for n in range(10)]
    with in_tenant(app, tenant_a) as session:
        groups = [Group(name=f"Groep {n:03d}", kind=GroupKind.MOTHERS, starts_on=first.starts_on,
                        coordinator_id=staff[n % len(staff)].id) for n in range(MANY)]
        session.add_all(groups)
        session.commit()
    fill_group(app, tenant_a, groups[0], 3)
    for group in groups[1:5]:
        add_participant(app, tenant_a, group)
    text = client.get(url).text
    assert f"{MANY + 1} groups found." in text
    assert page_statements(app, client, url) == few
