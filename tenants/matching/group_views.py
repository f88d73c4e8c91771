"""The group track: pregnancy and mothers' groups, participants, sessions and attendance."""

from __future__ import annotations

from saas.tenancy.context import tenant_blueprint

bp = tenant_blueprint("groups", __name__, template_folder="templates")
