"""The family pages send a fixed number of SQL statements however much there is to show (no N+1)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from saas.auth.models import User
from saas.crypto import seal_text
from saas.db import utcnow
from saas.tenancy.models import Tenant
from tenants.families.models import NOTE, CaseEvent, Family, FamilyMember, FamilyNote
from tenants.families.states import CaseState
from tenants.families.vocabulary import Channel, MemberRole, ReferrerType
from tests.factories.families import add_member, add_note, create_family, plan_intake
from tests.factories.platform import database, in_tenant, today
from tests.support.queries import page_statements
from tests.support.sessions import SignIn

MANY = 200


def bulk_people(app: Flask, count: int) -> list[User]:
    """``count`` distinct people at once, so lazy loads of authors and coordinators cannot hide in
    the session's identity map (they need not be members to be referenced)."""
    with database(app) as session:
        people = [User(email=f"bulk{n:03d}@example.org", name=f"Bulk {n:03d}") for n in range(count)]
        session.add_all(people)
    return people


def add_families(app: Flask, tenant: Tenant, count: int, coordinators: list[User], state: CaseState) -> None:
    """``count`` families at once (one commit), with numbers clear of the counter's and varied coordinators."""
    day = today(app)
    with in_tenant(app, tenant) as session:
        session.add_all(
            [
                Family(
                    case_year=day.year,
                    case_seq=5000 + n,
                    family_name=f"Familie Bulk {n:03d}",
                    state=state,
                    coordinator_id=coordinators[n % len(coordinators)].id if n % 3 else None,
                    referred_on=day - timedelta(days=n % 90),
                    channel=Channel.PHONE,
                    referrer_type=ReferrerType.SCHOOL,
                    municipality="Alpha",
                )
                for n in range(count)
            ]
        )
        session.commit()


def test_the_family_list_sends_the_same_statements_for_1_or_200_families(
    app: Flask, signed_in: SignIn, coordinator_a: User, manager_a: User, tenant_a: Tenant
) -> None:
    create_family(app, tenant_a, coordinator_id=coordinator_a.id)
    client: FlaskClient = signed_in(coordinator_a)
    url = "/t/alpha/families/?state=open"
    few = page_statements(app, client, url)
    add_families(app, tenant_a, MANY - 1, bulk_people(app, MANY), CaseState.WAITING)
    assert "200 families found." in client.get(url).text
    assert page_statements(app, client, url) == few


def test_the_waiting_list_sends_the_same_statements_for_1_or_200_families(
    app: Flask, signed_in: SignIn, coordinator_a: User, manager_a: User, tenant_a: Tenant
) -> None:
    create_family(app, tenant_a, coordinator_id=coordinator_a.id, state=CaseState.WAITING)
    client: FlaskClient = signed_in(coordinator_a)
    url = "/t/alpha/families/waiting"
    few = page_statements(app, client, url)
    add_families(app, tenant_a, MANY - 1, bulk_people(app, MANY), CaseState.WAITING)
    assert "200 families waiting" in client.get(url).text
    assert page_statements(app, client, url) == few


def fill_file(app: Flask, tenant: Tenant, family: Family, count: int, people: list[User]) -> None:
    """``count`` more members, notes and timeline events on the file, at once (one commit); notes
    and events by different people, so neither's eager load fills the identity map for the other."""
    authors, actors = people[:count], people[count:]
    now = utcnow()
    with in_tenant(app, tenant) as session:
        rows: list[object] = []
        for n in range(count):
            rows.append(
                FamilyMember(
                    family_id=family.id,
                    role=MemberRole.CHILD,
                    first_name=f"Kind {n:03d}",
                    birth_date=today(app) - timedelta(days=365 + n),
                )
            )
            note = FamilyNote(
                id=uuid.uuid4(), family_id=family.id, author_id=authors[n].id, created_at=now - timedelta(minutes=n)
            )
            note.body_sealed = seal_text(f"Notitie {n:03d}", NOTE, note.id)
            rows.append(note)
            rows.append(
                CaseEvent(family_id=family.id, actor_id=actors[n].id, kind="note_added", at=now - timedelta(minutes=n))
            )
        session.add_all(rows)
        session.commit()


def test_the_family_file_sends_the_same_statements_for_1_or_200_members_notes_and_events(
    app: Flask, signed_in: SignIn, coordinator_a: User, manager_a: User, tenant_a: Tenant
) -> None:
    family = create_family(
        app, tenant_a, actor=coordinator_a, coordinator_id=coordinator_a.id, help_question="Hulp bij opvoeding"
    )
    add_member(app, tenant_a, family, actor=coordinator_a)
    add_note(app, tenant_a, family, "Eerste notitie", actor=coordinator_a)
    plan_intake(app, tenant_a, family, actor=coordinator_a, coordinator=manager_a)
    client: FlaskClient = signed_in(coordinator_a)
    url = f"/t/alpha/families/{family.id}"
    few = page_statements(app, client, url)
    fill_file(app, tenant_a, family, MANY - 1, bulk_people(app, 2 * MANY))
    page = client.get(url).text
    assert "Kind 198" in page and "Notitie 198" in page
    assert page_statements(app, client, url) == few
