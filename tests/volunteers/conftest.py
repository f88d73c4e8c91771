"""Fixtures for the volunteer tests; the factories and helpers are in tests/factories/volunteers.py."""

from __future__ import annotations

import pytest
from flask import Flask

from saas.auth.models import User
from saas.auth.roles import Role
from saas.tenancy.models import Tenant
from tests.factories.platform import create_user


@pytest.fixture
def policy_manager_a(app: Flask, tenant_a: Tenant) -> User:
    """A manager of tenant A (the screening policy is theirs), in English."""
    return create_user(app, "policy.manager@alpha.example", tenant=tenant_a, role=Role.MANAGER,
                       name="Mia Manager", locale="en")
