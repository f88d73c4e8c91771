"""The tenant's impact dashboard for managers."""

from __future__ import annotations

from saas.tenancy.context import tenant_blueprint

bp = tenant_blueprint("impact", __name__, template_folder="templates")
