"""Factories for matching: ready volunteers, waiting families, and matches made through
:mod:`tenants.matching.matches.operations` (so the family, volunteer, timeline and audit move with them,
as in the app).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import Flask

from saas.auth.models import User
from saas.tenancy.models import Tenant
from tenants.families.models import Family, Intake
from tenants.families.states import CaseState
from tenants.matching.matches import operations
from tenants.matching.models import Match
from tenants.matching.states import MatchState
from tenants.matching.vocabulary import Frequency
from tenants.volunteers.models import Volunteer
from tenants.volunteers.states import VolunteerState
from tests.factories.contacts import add_contact
from tests.factories.families import create_family
from tests.factories.platform import in_tenant, today
from tests.factories.volunteers import create_volunteer


def ready_volunteer(app: Flask, tenant: Tenant, name: str = "Vera de Vries", **fields: Any) -> Volunteer:
    """An available volunteer with a recent VOG (approved ten days ago), ready to be matched."""
    day = today(app)
    fields.setdefault("approved_on", day - timedelta(days=10))
    state = fields.pop("state", VolunteerState.AVAILABLE)
    return create_volunteer(app, tenant, name, state=state, vogs=[day - timedelta(days=20)], **fields)


def waiting_family(app: Flask, tenant: Tenant, *, wishes: dict[str, Any] | None = None, **fields: Any) -> Family:
    """A family whose intake is done and who waits for a match, with the intake's ``wishes``."""
    fields.setdefault("referred_on", today(app) - timedelta(days=40))
    family = create_family(app, tenant, state=CaseState.WAITING, **fields)
    with in_tenant(app, tenant) as session:
        session.add(Intake(family_id=family.id, done_on=family.referred_on + timedelta(days=7), **(wishes or {})))
        session.commit()
    return family


def create_match(app: Flask, tenant: Tenant, *, actor: User, family: Family | None = None,
                 volunteer: Volunteer | None = None, state: MatchState = MatchState.ACTIVE,
                 started_on: date | None = None) -> Match:
    """A match proposed through the operations and taken to ``state`` (active by default)."""
    family = family or waiting_family(app, tenant)
    volunteer = volunteer or ready_volunteer(app, tenant)
    with in_tenant(app, tenant) as session:
        family = session.get(Family, (tenant.id, family.id))
        volunteer = session.get(Volunteer, (tenant.id, volunteer.id))
        match = operations.propose(actor, family, volunteer)
        if state in (MatchState.ACTIVE, MatchState.PAUSED):
            started = started_on or match.proposed_on
            match.proposed_on = min(match.proposed_on, started)
            operations.start(actor, match, {"started_on": started, "frequency": Frequency.WEEKLY,
                                            "goals": {"social_network": "Meer mensen kennen in de buurt"},
                                            "contact_agreement": "WhatsApp"})
        if state == MatchState.INTRODUCTION:
            operations.plan_introduction(actor, match, match.proposed_on)
        if state == MatchState.PAUSED:
            operations.pause(actor, match)
        session.commit()
        return match


def load_match(app: Flask, tenant: Tenant, match_id: Any) -> Match:
    with in_tenant(app, tenant) as session:
        match = session.get(Match, (tenant.id, match_id), populate_existing=True)
        assert match is not None
        return match


@dataclass
class MatchingWorld:
    """Objects for the route tests: the world's volunteer (who has an account) matched with a
    family, and a second family waiting. Later packages add their objects here."""

    match: Match
    matched_family: Family
    waiting_family: Family
    contact: Any = None


def create_matching_world(app: Flask, tenant: Tenant, volunteer: Volunteer, coordinator: User) -> MatchingWorld:
    """Make ``volunteer`` ready and match them; the route tests use the result."""
    day = today(app)
    with in_tenant(app, tenant) as session:
        from tenants.volunteers.models import Screening

        record = session.get(Volunteer, (tenant.id, volunteer.id))
        record.state, record.approved_on = VolunteerState.AVAILABLE, day - timedelta(days=10)
        session.add(Screening(volunteer_id=record.id, issued_on=day - timedelta(days=20), screening_profile="45",
                              checked_on=day - timedelta(days=20)))
        session.commit()
    matched = waiting_family(app, tenant, family_name="Familie Gekoppeld")
    match = create_match(app, tenant, actor=coordinator, family=matched, volunteer=volunteer)
    waiting = waiting_family(app, tenant, family_name="Familie Wachtend")
    world = MatchingWorld(match=match, matched_family=matched, waiting_family=waiting)
    add_contact(app, tenant, world, volunteer)  # contacts: tests/factories/contacts.py
    return world
