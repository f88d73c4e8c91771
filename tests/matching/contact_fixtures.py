"""Fixtures for the contact tests: the volunteer Vera with her account, a family whose file holds
texts she must never see, and their match. Test modules bind the ones they use
at module level (``vera = contact_fixtures.vera``), so the names are not unused imports."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from saas.auth.models import User
from saas.auth.roles import Role
from saas.crypto import seal_text
from saas.tenancy.models import Tenant
from tenants.families.models import CHILD_SAFETY_NOTES, INTAKE_STORY, Family, Intake
from tenants.families.vocabulary import MemberRole
from tenants.matching.models import Match
from tenants.volunteers.models import Volunteer
from tests.factories.families import add_member, add_note
from tests.factories.matching import create_match, ready_volunteer, waiting_family
from tests.factories.platform import create_user, in_tenant, today

#: Texts of the family file a volunteer must never see (sealed or not).
SECRETS = {
    "help_question": "GEHEIM hulpvraag over schulden",
    "story": "GEHEIM verhaal uit de intake",
    "child_safety_notes": "GEHEIM zorgen over veiligheid",
    "note": "GEHEIM notitie van de coördinator",
    "referrer_contact": "GEHEIM Joke van het wijkteam",
    "staff_contact": "GEHEIM gesprek met de school",
}


@pytest.fixture
def vera(app: Flask, tenant_a: Tenant) -> User:
    """A volunteer's account, reading the pages in English."""
    return create_user(
        app, "vera@alpha.example", tenant=tenant_a, role=Role.VOLUNTEER, name="Vera de Vries", locale="en"
    )


@pytest.fixture
def vera_record(app: Flask, tenant_a: Tenant, vera: User) -> Volunteer:
    return ready_volunteer(app, tenant_a, "Vera de Vries", email=vera.email, user_id=vera.id, max_families=3)


@pytest.fixture
def family(app: Flask, tenant_a: Tenant, coordinator_a: User) -> Family:
    """A waiting family with a household, a help question, an intake story and a coordinator's note."""
    family = waiting_family(
        app,
        tenant_a,
        family_name="Familie Bakker",
        coordinator_id=coordinator_a.id,
        neighbourhood="Oost",
        help_question=SECRETS["help_question"],
        referrer_contact=SECRETS["referrer_contact"],
    )
    add_member(app, tenant_a, family, first_name="Sara")
    add_member(
        app,
        tenant_a,
        family,
        first_name="Omar",
        role=MemberRole.CHILD,
        birth_date=today(app) - timedelta(days=2000),
        legal_representative=False,
    )
    with in_tenant(app, tenant_a) as session:
        intake = session.scalars(select(Intake).where(Intake.family_id == family.id)).one()
        intake.story_sealed = seal_text(SECRETS["story"], INTAKE_STORY, intake.id)
        intake.child_safety_notes_sealed = seal_text(SECRETS["child_safety_notes"], CHILD_SAFETY_NOTES, intake.id)
        session.commit()
    add_note(app, tenant_a, family, SECRETS["note"], actor=coordinator_a)
    return family


@pytest.fixture
def match(app: Flask, tenant_a: Tenant, coordinator_a: User, family: Family, vera_record: Volunteer) -> Match:
    return create_match(
        app,
        tenant_a,
        actor=coordinator_a,
        family=family,
        volunteer=vera_record,
        started_on=today(app) - timedelta(days=30),
    )
