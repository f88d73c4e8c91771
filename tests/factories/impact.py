"""``ImpactWorld`` holds the objects the route tests (tests/test_isolation_routes.py) put in URLs;
each part of the package adds its own through one line in :func:`create_impact_world`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask

from saas.auth.models import User
from saas.tenancy.models import Tenant
from tests.factories.instruments import add_instrument
from tests.factories.measurements import add_measurement
from tests.factories.reports import add_report


@dataclass
class ImpactWorld:
    instrument: Any = None
    measurement: Any = None
    report: Any = None


def create_impact_world(app: Flask, tenant: Tenant, family: Any, coordinator: User) -> ImpactWorld:
    """Objects of ``tenant`` for the route tests (``family`` is the world's matched family)."""
    world = ImpactWorld()
    add_instrument(app, tenant, world)  # instruments (tests/factories/instruments.py)
    add_measurement(app, tenant, world, family, coordinator)  # measurements (tests/factories/measurements.py)
    add_report(app, tenant, world)  # reports (tests/factories/reports.py): a submitted report
    return world
