"""The volunteer's home page is their day: their own families with the last and next contact and
a link to log a visit, their open questions to the coordinator, their next training session, their
VOG and their coordinator — the most urgent card first, in a fixed number of statements.

The clock is pinned (a Monday), so the dates on the page can be written out; the reader reads
English, the messages' source language (the Dutch of new messages may not be compiled yet)."""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient

from saas.auth.models import User
from saas.auth.roles import Role
from saas.tenancy.models import Tenant
from tenants.matching.models import ContactMoment, Match
from tenants.matching.states import MatchState
from tenants.matching.vocabulary import ContactKind, ContactMode
from tenants.trainings.models import Enrolment
from tenants.trainings.states import EnrolmentStatus
from tenants.volunteers.models import Volunteer
from tests.factories.home import set_vog
from tests.factories.matching import create_match, ready_volunteer, waiting_family
from tests.factories.platform import create_user, in_tenant
from tests.factories.trainings import create_course, create_session
from tests.support.queries import count_queries
from tests.support.sessions import sign_in

TODAY = date(2026, 12, 7)
HOME = "/t/alpha/"


@pytest.fixture
def clock() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 12, 7, 10, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def me(clock: None, app: Flask, tenant_a: Tenant) -> User:
    return create_user(app, "walker@alpha.example", tenant=tenant_a, role=Role.VOLUNTEER, name="Wil Walker",
                       locale="en")


@pytest.fixture
def my_record(app: Flask, tenant_a: Tenant, me: User) -> Volunteer:
    return ready_volunteer(app, tenant_a, "Wil Walker", user_id=me.id, max_families=5)


def page(client: FlaskClient) -> str:
    response = client.get(HOME)
    assert response.status_code == 200, response.text[:300]
    return html.unescape(response.text)


def signed_in_as(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    sign_in(client, user)
    return client


def my_match(app: Flask, tenant: Tenant, coordinator: User, volunteer: Volunteer, family_name: str,
             started_on: date | None = None, state: MatchState = MatchState.ACTIVE) -> Match:
    family = waiting_family(app, tenant, family_name=family_name, coordinator_id=coordinator.id)
    return create_match(app, tenant, actor=coordinator, family=family, volunteer=volunteer, state=state,
                        started_on=started_on)


def contact(app: Flask, tenant: Tenant, match: Match, day: date, author: User | None = None,
            needs_coordinator: bool = False) -> None:
    with in_tenant(app, tenant) as session:
        session.add(ContactMoment(family_id=match.family_id, match_id=match.id, kind=ContactKind.VISIT,
                                  mode=ContactMode.HOME, happened_on=day, duration_minutes=60,
                                  author_id=author.id if author else None, needs_coordinator=needs_coordinator))
        session.commit()


def enrol(app: Flask, tenant: Tenant, volunteer: Volunteer, starts_at: datetime, name: str = "Basis",
          status: EnrolmentStatus = EnrolmentStatus.ENROLLED) -> None:
    session_row = create_session(app, tenant, create_course(app, tenant, name=name), starts_at=starts_at)
    with in_tenant(app, tenant) as session:
        session.add(Enrolment(session_id=session_row.id, volunteer_id=volunteer.id, status=status))
        session.commit()


def test_a_volunteer_sees_their_own_families_with_last_and_next_contact(
        app: Flask, tenant_a: Tenant, coordinator_a: User, me: User, my_record: Volunteer) -> None:
    late = my_match(app, tenant_a, coordinator_a, my_record, "Familie Laat", started_on=date(2026, 10, 1))
    contact(app, tenant_a, late, date(2026, 11, 20), me)  # weekly: due 27 Nov, so overdue today
    on_time = my_match(app, tenant_a, coordinator_a, my_record, "Familie Bijtijds", started_on=date(2026, 11, 1))
    contact(app, tenant_a, on_time, date(2026, 12, 4))
    my_match(app, tenant_a, coordinator_a, my_record, "Familie Nieuw", state=MatchState.PROPOSED)
    my_match(app, tenant_a, coordinator_a, ready_volunteer(app, tenant_a, "Anna Ander"), "Familie Ander")

    text = page(signed_in_as(app, me))

    assert "Familie Ander" not in text
    assert text.index("Familie Laat") < text.index("Familie Bijtijds") < text.index("Familie Nieuw")
    assert "20 Nov 2026" in text and "Due since 27 Nov 2026" in text
    assert "4 Dec 2026" in text and "Due by 11 Dec 2026" in text
    assert "None yet" in text and "Not agreed yet" in text
    for match in (late, on_time):
        assert f'href="/t/alpha/my/families/{match.id}#log-visit"' in text
    assert "Cor Coördinator" in text and "mailto:coordinator@alpha.example" in text


def test_an_open_question_to_the_coordinator_puts_the_family_first(
        app: Flask, tenant_a: Tenant, coordinator_a: User, me: User, my_record: Volunteer) -> None:
    my_match(app, tenant_a, coordinator_a, my_record, "Familie Eerst", started_on=date(2026, 10, 1))
    asking = my_match(app, tenant_a, coordinator_a, my_record, "Familie Vraag", started_on=date(2026, 12, 1))
    contact(app, tenant_a, asking, date(2026, 12, 5), me, needs_coordinator=True)

    text = page(signed_in_as(app, me))

    assert text.index("Familie Vraag") < text.index("Familie Eerst")
    assert "You asked for your coordinator on 5 Dec 2026. Nobody has picked it up yet." in text


def test_the_next_training_session_and_a_valid_vog_come_after_the_families(
        app: Flask, tenant_a: Tenant, me: User, my_record: Volunteer) -> None:
    enrol(app, tenant_a, my_record, datetime(2026, 12, 1, 18, tzinfo=UTC), "Verleden")  # past: not the next one
    enrol(app, tenant_a, my_record, datetime(2027, 1, 20, 18, tzinfo=UTC), "Wachtlijst", EnrolmentStatus.WAITING)
    enrol(app, tenant_a, my_record, datetime(2026, 12, 15, 18, tzinfo=UTC), "Afgemeld", EnrolmentStatus.CANCELLED)

    text = page(signed_in_as(app, me))

    assert "Wachtlijst" in text and "You are on the waiting list for this session." in text
    assert "Verleden" not in text and "Afgemeld" not in text
    # ready_volunteer's VOG was issued 20 days ago; valid for 36 months.
    assert "Valid until 17 Nov 2029." in text
    assert text.index("day-families-heading") < text.index("day-training-heading") < text.index("day-vog-heading")


def test_an_expiring_vog_comes_first(app: Flask, tenant_a: Tenant, me: User, my_record: Volunteer) -> None:
    set_vog(app, tenant_a, my_record.id, date(2023, 12, 20))  # expires 20 Dec 2026: within the 60 days

    text = page(signed_in_as(app, me))

    assert "Your VOG expires on 20 Dec 2026. Apply for a new one in good time." in text
    assert text.index("day-vog-heading") < text.index("day-families-heading")


def test_a_volunteer_without_a_linked_record_is_told_so(app: Flask, tenant_a: Tenant, me: User) -> None:
    text = page(signed_in_as(app, me))
    assert "Your account is not linked to a volunteer profile yet." in text and "day-families-heading" not in text


def test_the_page_takes_the_same_statements_for_one_or_many_families(
        app: Flask, tenant_a: Tenant, coordinator_a: User, other_coordinator_a: User, me: User,
        my_record: Volunteer) -> None:
    first = my_match(app, tenant_a, coordinator_a, my_record, "Familie 0", started_on=date(2026, 11, 1))
    contact(app, tenant_a, first, date(2026, 11, 10), me, needs_coordinator=True)
    enrol(app, tenant_a, my_record, datetime(2027, 1, 20, 18, tzinfo=UTC))
    client = signed_in_as(app, me)
    page(client)  # the policies exist from here on
    with count_queries(app) as one:
        page(client)

    for i in range(1, 4):
        other = my_match(app, tenant_a, other_coordinator_a if i % 2 else coordinator_a, my_record, f"Familie {i}",
                         started_on=date(2026, 11, 1) + timedelta(days=i))
        contact(app, tenant_a, other, date(2026, 11, 20), me, needs_coordinator=True)
    with count_queries(app) as many:
        text = page(client)

    assert text.count('class="card day-family') == 4
    assert len(one) == len(many), many
