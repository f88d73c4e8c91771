"""Fixtures for the family file; the factories are in tests/factories/families.py."""

from __future__ import annotations

import pytest
from flask import Flask

from saas.auth.models import User
from saas.tenancy.models import Tenant
from tenants.families.models import Family
from tests.factories.families import create_family


@pytest.fixture
def family_a(app: Flask, tenant_a: Tenant, coordinator_a: User) -> Family:
    """A referred family in tenant A with coordinator A responsible."""
    return create_family(app, tenant_a, actor=coordinator_a, family_name="Familie Bakker",
                         coordinator_id=coordinator_a.id, help_question="Hulp bij de administratie")
