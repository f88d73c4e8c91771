"""The demo's groups follow the rules the forms enforce, and a demo volunteer account facilitates one;
the groups seeder runs right after matching's, where it always ran (the seeders share one rng)."""

from __future__ import annotations

from importlib import import_module

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from saas import packages
from saas.db import db, tenant_context
from saas.forms import validate_input
from saas.tenancy.models import Tenant
from tenants.groups.models import Group, GroupSession
from tenants.groups.operations import in_group_on, within_period
from tenants.groups.schemas import ParticipantEditForm
from tenants.groups.vocabulary import GroupKind
from tenants.volunteers.models import Volunteer
from tenants.volunteers.readiness import MATCHABLE

SEEDER = "tenants.groups.demo:seed"


def test_the_groups_seeder_runs_right_after_matchings() -> None:
    """Each tenant's seeders draw from one random generator in this order: run anywhere else, the
    groups seeder would change every later demo datum (and it reads the families matching left)."""
    seeders = [target for package in packages.installed() for target in package.demo]
    assert seeders[seeders.index("tenants.matching.demo:seed") + 1] == SEEDER


def test_the_demo_groups_have_participants_sessions_attendance_and_facilitators(app: Flask) -> None:
    assert SEEDER in import_module("tenants.groups").package.demo
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        for tenant in db.session.scalars(select(Tenant)).all():
            with tenant_context(db.session, tenant.id):
                groups = list(db.session.scalars(select(Group).order_by(Group.starts_on).options(
                    selectinload(Group.participants), selectinload(Group.facilitators),
                    selectinload(Group.sessions).selectinload(GroupSession.attendance))))
                assert 2 <= len(groups) <= 3, tenant.slug
                assert {GroupKind.PREGNANCY_ONLINE, GroupKind.MOTHERS} <= {g.kind for g in groups}
                for group in groups:
                    _check(group)
                assert any(p.family_id for g in groups for p in g.participants), tenant.slug
                for group in groups:  # an attendance list names each participant once
                    names = [p.first_name for p in group.participants]
                    assert len(names) == len(set(names)), (tenant.slug, group.name, names)
                facilitators = {f.volunteer_id for g in groups for f in g.facilitators}
                volunteers = db.session.scalars(select(Volunteer).where(Volunteer.id.in_(facilitators))).all()
                assert volunteers and all(v.state in MATCHABLE for v in volunteers)
                assert any(v.user_id for v in volunteers), f"{tenant.slug}: no demo account facilitates a group"


def _check(group: Group) -> None:
    """The group's rows as its forms would have accepted them, and attendance for past sessions only."""
    assert group.participants and group.sessions and group.facilitators, group.name
    for participant in group.participants:
        values = {key: getattr(participant, key) for key in ParticipantEditForm._declared_fields}
        values = {key: "" if value is None else str(value) for key, value in values.items()}
        form = ParticipantEditForm(group=group, participant=participant)
        assert validate_input(form, values)[1] == {}, (group.name, values)
    recorded = []
    for session in group.sessions:
        assert within_period(group.starts_on, group.ends_on, session.held_on)
        marked = {a.participant_id for a in session.attendance}
        if marked:
            recorded.append(session)
            expected = {p.id for p in group.participants if in_group_on(p, session.held_on)}
            assert marked == expected, (group.name, session.held_on)
    assert recorded, group.name
    assert sum(a.present for s in recorded for a in s.attendance) > len(recorded), group.name
