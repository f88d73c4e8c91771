"""Fixtures for the signals, the home page and the digests; the factories are in tests/factories/home.py."""

from __future__ import annotations

import pytest
from flask import Flask

from saas.auth.models import User
from saas.auth.roles import Role
from saas.tenancy.models import Tenant
from tests.factories.platform import create_user


@pytest.fixture
def other_coordinator_a(app: Flask, tenant_a: Tenant) -> User:
    return create_user(app, "colleague@alpha.example", tenant=tenant_a, role=Role.COORDINATOR, name="Carla Collega",
                       locale="en")
