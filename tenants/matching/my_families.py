"""The volunteer's own families on the phone: first names, contact details, agreed goals and their own contact log."""

from __future__ import annotations

from saas.tenancy.context import tenant_blueprint

bp = tenant_blueprint("my_families", __name__, template_folder="templates")
