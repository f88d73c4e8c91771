"""Factories for the group track, made through tenants.groups.operations (audit as in the app),
and the route tests' GroupWorld.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import Flask

from saas.auth.models import User
from saas.tenancy.models import Tenant
from tenants.groups import operations
from tenants.groups.models import Group, GroupFacilitator, GroupParticipant, GroupSession
from tenants.groups.vocabulary import GroupKind
from tenants.volunteers.models import Volunteer
from tests.factories.platform import in_tenant, today


def create_group(app: Flask, tenant: Tenant, *, actor: User | None = None, **fields: Any) -> Group:
    """A group of ``tenant`` that started 60 days ago and runs for a year (unless ``fields`` say otherwise)."""
    day = today(app)
    data: dict[str, Any] = {"name": "Zwangerengroep Centrum", "kind": GroupKind.PREGNANCY_LIVE,
                            "municipality": tenant.municipalities[0], "starts_on": day - timedelta(days=60),
                            "ends_on": day + timedelta(days=300), **fields}
    with in_tenant(app, tenant) as session:
        group = operations.create_group(actor, data)  # type: ignore[arg-type]
        session.commit()
    return group


def _group(session: Any, tenant: Tenant, group: Group) -> Group:
    return session.get(Group, (tenant.id, group.id))


def add_participant(app: Flask, tenant: Tenant, group: Group, *, actor: User | None = None,
                    **fields: Any) -> GroupParticipant:
    """A participant who joined on the group's first day, due in three months."""
    data: dict[str, Any] = {"first_name": "Amal", "due_date": today(app) + timedelta(days=90),
                            "joined_on": group.starts_on, **fields}
    with in_tenant(app, tenant) as session:
        participant = operations.add_participant(actor, _group(session, tenant, group), data)  # type: ignore[arg-type]
        session.commit()
    return participant


def add_session(app: Flask, tenant: Tenant, group: Group, held_on: date, *, actor: User | None = None,
                theme: str | None = "Kennismaken") -> GroupSession:
    with in_tenant(app, tenant) as session:
        row = operations.add_session(actor, _group(session, tenant, group),  # type: ignore[arg-type]
                                     {"held_on": held_on, "theme": theme})
        session.commit()
    return row


def add_facilitator(app: Flask, tenant: Tenant, group: Group, volunteer: Volunteer, *,
                    actor: User | None = None) -> GroupFacilitator:
    with in_tenant(app, tenant) as session:
        facilitator = operations.add_facilitator(actor, _group(session, tenant, group),  # type: ignore[arg-type]
                                                 session.get(Volunteer, (tenant.id, volunteer.id)))
        session.commit()
    return facilitator


@dataclass
class GroupWorld:
    """Objects for the route tests: a running group that the world's volunteer facilitates, with a
    participant and a session held a week ago."""

    group: Group
    participant: GroupParticipant
    session: GroupSession


def create_group_world(app: Flask, tenant: Tenant, volunteer: Volunteer, coordinator: User) -> GroupWorld:
    """``volunteer`` must be available or matched (tests.factories.matching.create_matching_world makes her so)."""
    group = create_group(app, tenant, actor=coordinator, coordinator_id=coordinator.id)
    add_facilitator(app, tenant, group, volunteer, actor=coordinator)
    return GroupWorld(group=group, participant=add_participant(app, tenant, group, actor=coordinator),
                      session=add_session(app, tenant, group, today(app) - timedelta(days=7), actor=coordinator))
