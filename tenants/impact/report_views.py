"""Municipality reports: generated in the background, downloaded as PDF and XLSX, frozen when submitted."""

from __future__ import annotations

from saas.tenancy.context import tenant_blueprint

bp = tenant_blueprint("reports", __name__, template_folder="templates")
