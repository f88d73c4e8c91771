"""Giving a tenant a licence in a given state, for the billing tests.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from saas.billing.models import Licence
from saas.billing.status import LicenceStatus
from saas.tenancy.models import Tenant
from tests.factories.platform import database


def give_licence(app: Flask, tenant: Tenant, status: LicenceStatus | None, **fields: Any) -> Licence:
    """Set ``tenant``'s licence to ``status`` and ``fields`` (creating it when there is none) and
    commit, so later requests of the test see it."""
    with database(app) as session:
        licence = session.scalars(select(Licence).where(Licence.tenant_id == tenant.id)).first()
        if licence is None:
            licence = Licence(tenant_id=tenant.id)
            session.add(licence)
        licence.status = status
        for name, value in fields.items():
            if not hasattr(Licence, name):
                raise AttributeError(f"Licence has no field {name!r}")
            setattr(licence, name, value)
        session.flush()
    return licence
