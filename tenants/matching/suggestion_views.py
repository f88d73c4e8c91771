"""Suggested volunteers for a waiting family, with the score explained, and making the match."""

from __future__ import annotations

from saas.tenancy.context import tenant_blueprint

bp = tenant_blueprint("suggestions", __name__, template_folder="templates")
