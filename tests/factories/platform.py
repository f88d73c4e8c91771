"""Factories for the platform: tenants, people and memberships, and the helpers every domain's
factories share (a session bound to a tenant, the app's today, counting rows). Each commits in its
own app context so the rows are visible to later requests of the test (the test's outer
transaction rolls back).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import scoped_session

from saas.auth.models import Membership, User
from saas.auth.roles import FoundationRole, Role
from saas.auth.secrets import hash_password, new_totp_secret, store_totp_secret
from saas.clock import local_today
from saas.db import db, tenant_context
from saas.tenancy.models import Tenant
from tenants.volunteers.readiness import add_months

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


@contextmanager
def database(app: Flask) -> Iterator[scoped_session]:
    """An app context with the session; commits on success."""
    with app.app_context():
        yield db.session
        db.session.commit()


def create_tenant(app: Flask, slug: str | None = None, **fields: object) -> Tenant:
    slug = slug or f"tenant-{next(_counter)}"
    with database(app) as session:
        tenant = Tenant(slug=slug, name=fields.pop("name", f"Samen Oplopen {slug.title()}"),
                        municipalities=fields.pop("municipalities", [slug.title()]), **fields)
        session.add(tenant)
    return tenant


def create_user(app: Flask, email: str | None = None, *, tenant: Tenant | None = None, role: Role | None = None,
                foundation_role: FoundationRole | None = None, two_factor: bool | None = None,
                password: str | None = PASSWORD, **fields: object) -> User:
    """A person; with ``tenant`` and ``role`` also a membership. Staff get an authenticator unless
    ``two_factor=False``; the secret is kept on the returned object as ``totp_secret``."""
    email = email or f"person{next(_counter)}@example.org"
    needs_totp = two_factor if two_factor is not None else (
        foundation_role is not None or (role is not None and role.requires_two_factor))
    with database(app) as session:
        user = User(email=email, name=fields.pop("name", email.split("@")[0].title()),
                    password_hash=hash_password(password) if password else None,
                    foundation_role=foundation_role, **fields)
        session.add(user)
        session.flush()
        user.totp_secret = None  # type: ignore[attr-defined]
        if needs_totp:
            secret = new_totp_secret()
            store_totp_secret(user, secret)
            user.totp_secret = secret  # type: ignore[attr-defined]
        if tenant is not None and role is not None:
            with tenant_context(session, tenant.id):
                session.add(Membership(user_id=user.id, role=role))
                session.flush()
    return user


def add_membership(app: Flask, tenant: Tenant, user: User, role: Role, *, active: bool = True) -> Membership:
    with database(app) as session, tenant_context(session, tenant.id):
        membership = Membership(user_id=user.id, role=role, is_active=active)
        session.add(membership)
        session.flush()
    return membership


@contextmanager
def in_tenant(app: Flask, tenant: Tenant) -> Iterator[scoped_session]:
    """An app context with ``tenant`` bound to the session (reads; commit yourself to write)."""
    with app.app_context(), tenant_context(db.session, tenant.id):
        yield db.session


def today(app: Flask) -> date:
    with app.app_context():
        return local_today()


def count_rows(app: Flask, tenant: Tenant, model: type) -> int:
    with in_tenant(app, tenant) as session:
        return session.scalar(select(func.count()).select_from(model))


def days_ago(app: Flask, days: int) -> date:
    return today(app) - timedelta(days=days)


def months_ago(app: Flask, months: int) -> date:
    return add_months(today(app), -months)


def hours_ago(hours: float) -> datetime:
    return datetime.now(UTC) - timedelta(hours=hours)
