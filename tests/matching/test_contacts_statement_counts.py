"""The contact pages send the same number of SQL statements for one row or many: the family's
contact log (staff), the volunteer's list of families and one family's page with their log."""

from __future__ import annotations

import uuid
from datetime import timedelta

from flask import Flask

from saas.auth.models import User
from saas.crypto import seal_text
from saas.db import utcnow
from saas.tenancy.models import Tenant
from tenants.families.models import Family, FamilyMember
from tenants.families.states import CaseState
from tenants.families.vocabulary import Channel, MemberRole, ReferrerType
from tenants.matching.contacts import operations as contact_operations
from tenants.matching.models import ContactMoment, Match
from tenants.matching.states import MatchState
from tenants.matching.vocabulary import ContactKind, ContactMode, Frequency
from tenants.volunteers.models import Volunteer
from tests.factories.contacts import log_visit
from tests.factories.platform import in_tenant, today
from tests.families.test_statement_counts import bulk_people
from tests.matching import contact_fixtures
from tests.support.queries import page_statements
from tests.support.sessions import SignIn

vera, vera_record, family, match = (contact_fixtures.vera, contact_fixtures.vera_record, contact_fixtures.family,
                                    contact_fixtures.match)


def contacts(match: Match, count: int, *, authors: list[uuid.UUID], handlers: list[uuid.UUID]) -> list[ContactMoment]:
    """``count`` visits in ``match`` (call inside the tenant): by ``authors`` (ids) in turn, each
    with a note, every other one asking for the coordinator, every fourth one handled by ``handlers``."""
    now, day = utcnow(), match.proposed_on
    rows = []
    for n in range(count):
        contact = ContactMoment(id=uuid.uuid4(), family_id=match.family_id, match_id=match.id,
                                author_id=authors[n % len(authors)], kind=ContactKind.VISIT,
                                mode=ContactMode.HOME, happened_on=day + timedelta(days=n % 28), duration_minutes=60,
                                domains=["housing"], needs_coordinator=n % 2 == 0,
                                handled_at=now if n % 4 == 0 else None,
                                handled_by_id=handlers[n % len(handlers)] if n % 4 == 0 else None)
        contact.note_sealed = seal_text(f"Verslag {n:03d}", contact_operations.NOTE, contact.id)
        rows.append(contact)
    return rows


def test_the_family_contact_log_sends_the_same_statements_for_1_or_60_contacts(
        app: Flask, tenant_a: Tenant, signed_in: SignIn, coordinator_a: User, vera: User, match: Match,
        family: Family) -> None:
    handled_visit(app, tenant_a, match, vera, coordinator_a)
    client = signed_in(coordinator_a)
    url = f"/t/alpha/families/{family.id}/contacts"
    few = page_statements(app, client, url)
    people = bulk_people(app, 120)
    with in_tenant(app, tenant_a) as session:
        session.add_all(contacts(session.get(Match, (tenant_a.id, match.id)), 59,
                                 authors=[person.id for person in people[:60]],
                                 handlers=[person.id for person in people[60:]]))
        session.commit()
    page = client.get(url).text
    assert "60 contacts, newest first." in page and "Bulk 0" in page
    assert page_statements(app, client, url) == few


def add_matches(app: Flask, tenant: Tenant, volunteer: Volunteer, count: int, people: list[User]) -> None:
    """``count`` more active matches of ``volunteer``, each with its own family (two members),
    family coordinator and match coordinator, and five of the volunteer's visits."""
    day = today(app)
    with in_tenant(app, tenant) as session:
        for n in range(count):
            family = Family(id=uuid.uuid4(), case_year=day.year, case_seq=6000 + n,
                            family_name=f"Familie Bulk {n:02d}", state=CaseState.MATCHED,
                            coordinator_id=people[2 * n].id, referred_on=day - timedelta(days=90),
                            channel=Channel.PHONE, referrer_type=ReferrerType.SCHOOL, municipality="Alpha")
            match = Match(id=uuid.uuid4(), family_id=family.id, volunteer_id=volunteer.id, state=MatchState.ACTIVE,
                          proposed_on=day - timedelta(days=60), started_on=day - timedelta(days=50),
                          coordinator_id=people[2 * n + 1].id, frequency=Frequency.WEEKLY,
                          goals={"housing": f"Doel {n:02d}"}, contact_agreement=f"Bellen {n:02d}")
            session.add_all([family, match,
                             FamilyMember(family_id=family.id, role=MemberRole.PARENT, first_name=f"Ouder {n:02d}"),
                             FamilyMember(family_id=family.id, role=MemberRole.CHILD, first_name=f"Kind {n:02d}")])
            session.flush()
            session.add_all(contacts(match, 5, authors=[volunteer.user_id], handlers=[people[2 * count + n].id]))
        session.commit()


def handled_visit(app: Flask, tenant: Tenant, match: Match, author: User, handler: User) -> None:
    """A visit asking for the coordinator, handled: so the pages load a handler with one row too."""
    contact = log_visit(app, tenant, match, author=author, note="Eerste", needs_coordinator=True)
    with in_tenant(app, tenant) as session:
        contact_operations.mark_handled(handler, session.get(ContactMoment, (tenant.id, contact.id)))
        session.commit()


def test_my_families_sends_the_same_statements_for_1_or_20_families(
        app: Flask, tenant_a: Tenant, signed_in: SignIn, vera: User, vera_record: Volunteer, match: Match,
        coordinator_a: User) -> None:
    handled_visit(app, tenant_a, match, vera, coordinator_a)
    client = signed_in(vera)
    url = "/t/alpha/my/families/"
    few = page_statements(app, client, url)
    add_matches(app, tenant_a, vera_record, 19, bulk_people(app, 60))
    page = client.get(url).text
    assert page.count('<li class="panel">') == 20
    assert "Familie Bulk 18" in page and "Kind 18" in page and "Doel 18" in page and "Bellen 18" in page
    assert page_statements(app, client, url) == few


def test_a_familys_page_sends_the_same_statements_for_1_or_40_own_contacts(
        app: Flask, tenant_a: Tenant, signed_in: SignIn, vera: User, match: Match, coordinator_a: User) -> None:
    handled_visit(app, tenant_a, match, vera, coordinator_a)
    client = signed_in(vera)
    url = f"/t/alpha/my/families/{match.id}"
    few = page_statements(app, client, url)
    handlers = [person.id for person in bulk_people(app, 40)]
    with in_tenant(app, tenant_a) as session:
        session.add_all(contacts(session.get(Match, (tenant_a.id, match.id)), 39, authors=[vera.id],
                                 handlers=handlers))
        session.commit()
    page = client.get(url).text
    assert "Verslag 027" in page and page.count("/edit\">") == 10
    assert "Page 1 of 4" in page
    assert page_statements(app, client, url) == few
