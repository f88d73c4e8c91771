"""Measurements of a family: record T0, T1 and Tend item by item, and the family's progress."""

from __future__ import annotations

from saas.tenancy.context import tenant_blueprint

bp = tenant_blueprint("measurements", __name__, template_folder="templates")
