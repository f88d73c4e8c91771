"""The volunteer pages send a fixed number of SQL statements however much there is to show (no N+1).

Rows referenced from a page (who checked a VOG, who acted on the timeline, the linked account) are
distinct people who are not signed in, so a lazy load cannot hide in the session's identity map.
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from itertools import cycle

from flask import Flask

from saas.auth.models import User
from saas.db import utcnow
from saas.tenancy.models import Tenant
from tenants.volunteers.models import Screening, Volunteer, VolunteerEvent
from tenants.volunteers.readiness import add_months
from tenants.volunteers.states import PIPELINE, VolunteerState
from tests.factories.platform import database, in_tenant, today
from tests.factories.volunteers import BASE, VOLUNTEERS, create_volunteer, set_policy
from tests.support.queries import page_statements
from tests.support.sessions import SignIn

MANY = 200
MANY_ON_ONE_PAGE = 50


def bulk_people(app: Flask, count: int, prefix: str = "bulk") -> list[User]:
    """``count`` distinct people at once (they need not be members to be referenced)."""
    with database(app) as session:
        people = [User(email=f"{prefix}{n:03d}@example.org", name=f"{prefix.title()} {n:03d}") for n in range(count)]
        session.add_all(people)
    return people


def add_volunteers(app: Flask, tenant: Tenant, count: int, states: list[VolunteerState], people: list[User], *,
                   vog_days_ago: tuple[int, ...] | list[int] = (30,)) -> None:
    """``count`` volunteers at once (one commit), cycling through ``states``, each with a VOG per
    entry of ``vog_days_ago``, checked by varied people, and linked to varied accounts."""
    day = today(app)
    checkers, accounts = cycle(people), iter(people)
    with in_tenant(app, tenant) as session:
        rows: list[object] = []
        for n, state in zip(range(count), cycle(states), strict=False):
            volunteer = Volunteer(id=uuid.uuid4(), name=f"Bulk Vrijwilliger {n:03d}", state=state,
                                  applied_on=day - timedelta(days=n % 120), approved_on=day - timedelta(days=20),
                                  languages=["Nederlands", "Arabisch"], day_parts=["weekend"],
                                  municipality="Alpha", user_id=next(accounts).id if n % 2 else None)
            rows.append(volunteer)
            rows += [Screening(volunteer_id=volunteer.id, issued_on=day - timedelta(days=days), screening_profile="45",
                               checked_on=day - timedelta(days=days), checked_by_id=next(checkers).id)
                     for days in vog_days_ago]
        session.add_all(rows)
        session.commit()


def test_the_volunteer_list_sends_the_same_statements_for_1_or_200_volunteers(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant) -> None:
    set_policy(app, tenant_a)
    create_volunteer(app, tenant_a, state=VolunteerState.TRAINING, vogs=[today(app) - timedelta(days=30)],
                     languages=["Arabisch"], municipality="Alpha")
    client = signed_in(coordinator_a)
    # Each URL shows the one volunteer at first (an empty page would skip the eager loads).
    urls = [f"{VOLUNTEERS}/", f"{VOLUNTEERS}/?readiness=not_ready&language=arabisch&municipality=Alpha&sort=-applied",
            f"{VOLUNTEERS}/?state=training&q=vr&sort=name"]
    few = [page_statements(app, client, url) for url in urls]
    add_volunteers(app, tenant_a, MANY - 1, list(VolunteerState), bulk_people(app, MANY), vog_days_ago=[30, 400])
    page = client.get(f"{VOLUNTEERS}/").text
    assert "200 volunteers found." in page
    counts = dict(re.findall(r'state--([a-z]+)">[^<]*</span></a> <strong class="numeric">(\d+)</strong>', page))
    assert counts == {**{state.value: "25" for state in VolunteerState}, "training": "26", "stopped": "24"}
    assert [page_statements(app, client, url) for url in urls] == few


def test_the_applicant_list_sends_the_same_statements_for_1_or_200_applicants(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant) -> None:
    set_policy(app, tenant_a)
    create_volunteer(app, tenant_a)
    client = signed_in(coordinator_a)
    url = f"{VOLUNTEERS}/applicants"
    few = page_statements(app, client, url)
    add_volunteers(app, tenant_a, MANY - 1, [s for s in VolunteerState if s in PIPELINE], bulk_people(app, MANY))
    assert "200 applicants" in client.get(url).text
    assert page_statements(app, client, url) == few


def test_the_screening_page_sends_the_same_statements_for_1_or_200_expiring_and_expired_vogs(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant) -> None:
    set_policy(app, tenant_a)
    day = today(app)
    expiring_days = (day - add_months(day, -36)).days - 20  # expires in about 20 days
    expired_days = (day - add_months(day, -36)).days + 20
    people = bulk_people(app, 2 * MANY)
    add_volunteers(app, tenant_a, 1, [VolunteerState.AVAILABLE], people[:1], vog_days_ago=[expiring_days])
    add_volunteers(app, tenant_a, 1, [VolunteerState.MATCHED], people[1:2], vog_days_ago=[expired_days])
    client = signed_in(coordinator_a)
    url = f"{VOLUNTEERS}/screening"
    few = page_statements(app, client, url)
    active = [VolunteerState.AVAILABLE, VolunteerState.MATCHED, VolunteerState.PAUSED]
    add_volunteers(app, tenant_a, MANY - 1, active, people[2:MANY + 1],
                   vog_days_ago=[expiring_days, expired_days + 400])
    add_volunteers(app, tenant_a, MANY - 1, active, people[MANY + 1:], vog_days_ago=[expired_days])
    page = client.get(url).text
    assert "200 VOGs expiring soon" in page and "200 VOGs expired" in page
    assert page_statements(app, client, url) == few
    assert page_statements(app, client, url + "?expiring_page=3&expired_page=8") == few


def fill_file(app: Flask, tenant: Tenant, volunteer: Volunteer, count: int, people: list[User]) -> None:
    """``count`` more VOGs and timeline events on the record, at once (one commit); VOGs and events
    by different people, so neither's eager load fills the identity map for the other."""
    checkers, actors = people[:count], people[count:]
    now, day = utcnow(), today(app)
    with in_tenant(app, tenant) as session:
        rows: list[object] = []
        for n in range(count):
            issued = day - timedelta(days=40 + 30 * n)
            rows.append(Screening(volunteer_id=volunteer.id, issued_on=issued, screening_profile=str(40 + n % 10),
                                  checked_on=issued + timedelta(days=2), checked_by_id=checkers[n].id))
            rows.append(VolunteerEvent(volunteer_id=volunteer.id, actor_id=actors[n].id, kind="updated",
                                       details={"fields": ["phone", "languages"]}, at=now - timedelta(minutes=n)))
        session.add_all(rows)
        session.commit()


def test_a_volunteers_page_sends_the_same_statements_for_1_or_50_vogs_and_events(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant) -> None:
    set_policy(app, tenant_a)
    checker, actor, account = bulk_people(app, 3, prefix="first")
    volunteer = create_volunteer(app, tenant_a, actor=actor, state=VolunteerState.AVAILABLE,
                                 vogs=[today(app) - timedelta(days=10)], checked_by=checker,
                                 approved_on=today(app), user_id=account.id, email="vera@example.org")
    client = signed_in(coordinator_a)
    url = f"{VOLUNTEERS}/{volunteer.id}"
    few = page_statements(app, client, url)
    fill_file(app, tenant_a, volunteer, MANY_ON_ONE_PAGE - 1, bulk_people(app, 2 * MANY_ON_ONE_PAGE))
    page = client.get(url).text
    assert "Bulk 048" in page and "Bulk 097" in page  # the last checker and the last actor
    assert page.count('class="timeline__event') == MANY_ON_ONE_PAGE
    assert page_statements(app, client, url) == few


def test_the_own_profile_sends_the_same_statements_for_1_or_50_vogs(
        app: Flask, signed_in: SignIn, volunteer_a: User, tenant_a: Tenant) -> None:
    set_policy(app, tenant_a)
    checker = bulk_people(app, 1, prefix="first")[0]
    volunteer = create_volunteer(app, tenant_a, state=VolunteerState.AVAILABLE, vogs=[today(app) - timedelta(days=10)],
                                 checked_by=checker, approved_on=today(app), user_id=volunteer_a.id)
    client = signed_in(volunteer_a)
    urls = [f"{BASE}/me/", f"{BASE}/me/edit"]
    few = [page_statements(app, client, url) for url in urls]
    people = bulk_people(app, MANY + 2 * MANY_ON_ONE_PAGE)
    fill_file(app, tenant_a, volunteer, MANY_ON_ONE_PAGE - 1, people[:2 * MANY_ON_ONE_PAGE])
    add_volunteers(app, tenant_a, MANY, list(VolunteerState), people[2 * MANY_ON_ONE_PAGE:])
    assert [page_statements(app, client, url) for url in urls] == few
