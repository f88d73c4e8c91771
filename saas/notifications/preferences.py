"""Reading and saving what a person chose per kind of notification, inside the bound tenant."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from functools import partial

from sqlalchemy import select

from saas.audit.operations import record
from saas.auth.models import Membership, User
from saas.auth.roles import Role
from saas.db import db, get_or_create
from saas.notifications.models import NotificationPreference
from saas.notifications.registry import Choice, EventKind, kinds_for


def roles_of(user_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Role]:
    """The role of each active member among ``user_ids`` in the bound tenant (one statement)."""
    rows = db.session.execute(select(Membership.user_id, Membership.role).where(
        Membership.user_id.in_(set(user_ids)), Membership.is_active))
    return {user_id: role for user_id, role in rows}


def stored_choices(user_ids: Iterable[uuid.UUID]) -> dict[tuple[uuid.UUID, str], Choice]:
    rows = db.session.execute(select(NotificationPreference.user_id, NotificationPreference.kind,
                                     NotificationPreference.choice).where(
        NotificationPreference.user_id.in_(set(user_ids))))
    return {(user_id, kind): choice for user_id, kind, choice in rows}


def effective_choice(kind: EventKind, role: Role | None, stored: Choice | None) -> Choice:
    """Safety events go at once whatever was stored; otherwise the stored choice, else the default."""
    if kind.safety:
        return Choice.AT_ONCE
    return stored or kind.default_for(role)


def choices_of(user: User, role: Role) -> list[tuple[EventKind, Choice]]:
    """Each kind that concerns ``user`` (as ``role``) with the choice in force."""
    stored = stored_choices([user.id])
    return [(kind, effective_choice(kind, role, stored.get((user.id, kind.key)))) for kind in kinds_for(role)]


def save_choices(actor: User, role: Role, choices: dict[str, Choice]) -> list[str]:
    """Store ``actor``'s choices (kind key → choice; safety kinds are never passed); returns the kinds
    whose choice changed. Flushes and audits, as every operation."""
    before = dict(choices_of(actor, role))
    changed = sorted(kind.key for kind, choice in before.items() if kind.key in choices and choices[kind.key] != choice)
    for key, choice in choices.items():
        row = get_or_create(db.session, select(NotificationPreference).where(
            NotificationPreference.user_id == actor.id, NotificationPreference.kind == key),
            partial(NotificationPreference, user_id=actor.id, kind=key, choice=choice))
        row.choice = choice
    db.session.flush()
    if changed:
        record(actor, "notifications.preferences_changed", None, kinds=changed)
    return changed
