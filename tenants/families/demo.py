"""Demo families for one tenant (called by saas.demo through saas.app.DEMO_SEEDERS)."""

from __future__ import annotations

import random

from saas.auth.models import User
from saas.auth.roles import Role
from saas.tenancy.models import Tenant


def seed(tenant: Tenant, people: dict[Role, list[User]], rng: random.Random) -> None:
    """Fill ``tenant`` (bound to the session) with fictional families in every state."""
