"""Demo data: the demo tenant publishes its statistics, so the foundation's dashboard has figures
right after ``make run`` (the last demo seeder of the last package in tenants.PACKAGES: it
publishes what the others made)."""

from __future__ import annotations

import random

from saas.auth.models import User
from saas.auth.roles import Role
from saas.foundation.models import PublicationTrigger
from saas.tenancy.models import Tenant
from tenants.publishing.job import replace_statistics


def seed(tenant: Tenant, people: dict[Role, list[User]], rng: random.Random) -> None:
    """Publish ``tenant``'s statistics in the demo's transaction (the demo command commits), its
    past years included: the demo's history is made up today, and the foundation's dashboard shows
    only released years (saas.foundation.release)."""
    replace_statistics(PublicationTrigger.COMMAND, history=True)  # the demo seeds inside the tenant's context
