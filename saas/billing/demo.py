"""Demo data: the embedded demo has no Stripe keys, so its licences are invoiced outside Stripe —
a yearly licence for every demo tenant, running until the end of next year, so the demo stays
fully usable (and the foundation's licence overview has revenue to show)."""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import select

from saas.auth.models import User
from saas.auth.roles import Role
from saas.billing.models import Interval, Licence, Plan
from saas.billing.status import LicenceStatus
from saas.clock import local_today
from saas.db import db, get_or_create
from saas.tenancy.models import Tenant

YEARLY_PLAN_CODE = "jaarlicentie"


def yearly_plan() -> Plan:
    """The demo's one plan (a platform table, shared by the demo tenants): made by the first."""
    return get_or_create(db.session, select(Plan).where(Plan.code == YEARLY_PLAN_CODE), lambda: Plan(
        code=YEARLY_PLAN_CODE, name="Jaarlicentie", amount_cents=4_800_00, currency="eur", interval=Interval.YEAR,
        description="Eén licentie per organisatie, voor alle coördinatoren, vrijwilligers en rapportages.",
        trial_days=0, is_active=True))


def seed(tenant: Tenant, people: dict[Role, list[User]], rng: random.Random) -> None:
    """A licence invoiced outside Stripe for ``tenant`` until the last day of next year."""
    plan = yearly_plan()
    db.session.add(Licence(tenant_id=tenant.id, plan_id=plan.id, status=LicenceStatus.MANUAL,
                           manual_until=date(local_today().year + 1, 12, 31)))
    db.session.flush()
