"""The demo's matches agree with its families and volunteers, and give the home page signals."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from saas.auth.models import User
from saas.db import db, tenant_context
from saas.tenancy.models import Tenant
from tenants.families.models import Family
from tenants.families.states import CaseState
from tenants.matching.models import ContactMoment, Match
from tenants.matching.states import OPEN, MatchState
from tenants.volunteers.models import Volunteer
from tenants.volunteers.states import VolunteerState


def test_the_demo_matches_agree_with_families_and_volunteers(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        tenants = list(db.session.scalars(select(Tenant)))
        for tenant in tenants:
            with tenant_context(db.session, tenant.id):
                open_matches = list(db.session.scalars(select(Match).where(Match.state.in_(OPEN))))
                matched = set(db.session.scalars(select(Family.id).where(Family.state == CaseState.MATCHED)))
                assert {match.family_id for match in open_matches} == matched, tenant.slug
                load: dict[object, int] = {}
                for match in open_matches:
                    load[match.volunteer_id] = load.get(match.volunteer_id, 0) + 1
                for volunteer in db.session.scalars(select(Volunteer)):
                    has_open = load.get(volunteer.id, 0) > 0
                    assert load.get(volunteer.id, 0) <= volunteer.max_families, volunteer.name
                    if volunteer.state in (VolunteerState.MATCHED, VolunteerState.AVAILABLE):
                        assert has_open == (volunteer.state == VolunteerState.MATCHED), volunteer.name
                states = set(db.session.scalars(select(Match.state)))
                assert {MatchState.ACTIVE, MatchState.ENDED} <= states, tenant.slug
                # Every demo volunteer account walks with a family and has visits to show.
                accounts = db.session.scalars(select(Volunteer).where(Volunteer.user_id.is_not(None))).all()
                for volunteer in accounts:
                    if volunteer.state == VolunteerState.MATCHED:
                        active = [m for m in open_matches if m.volunteer_id == volunteer.id]
                        assert any(m.state == MatchState.ACTIVE for m in active), volunteer.name
                assert db.session.scalar(select(func.count()).select_from(ContactMoment)) > 50
        assert db.session.scalar(select(func.count()).select_from(User)) > 0
