"""Match pages for coordinators and managers: the match list, one match, its steps and
agreements, the end, and the tenant's matching policy."""

from __future__ import annotations

from saas.tenancy.context import tenant_blueprint

bp = tenant_blueprint("matches", __name__, template_folder="templates")
import tenants.matching.hooks  # noqa: F401,E402 - connects the families and volunteers signals
