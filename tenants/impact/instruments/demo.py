"""Demo: the default instrument, so every demo tenant can take measurements (a demo seeder of the
front door tenants/impact/__init__.py)."""

from __future__ import annotations

import random

from saas.auth.models import User
from saas.auth.roles import Role
from saas.tenancy.models import Tenant
from tenants.impact.instruments.loader import ensure_default_instrument


def seed(tenant: Tenant, people: dict[Role, list[User]], rng: random.Random) -> None:
    """The default instrument (loaded once, for the first tenant; the others find it there)."""
    ensure_default_instrument()
