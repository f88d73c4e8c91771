"""Contact moments for coordinators and managers: the contact log of a family and logging their own contacts."""

from __future__ import annotations

from saas.tenancy.context import tenant_blueprint

bp = tenant_blueprint("contacts", __name__, template_folder="templates")
