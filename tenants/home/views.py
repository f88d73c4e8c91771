"""The tenant's start page: who you are here and where to go next."""

from __future__ import annotations

from flask import render_template
from flask_login import login_required

from saas.tenancy.context import ALL_ROLES, require_role, tenant_blueprint

bp = tenant_blueprint("home", __name__, template_folder="templates")


@bp.route("/")
@login_required
@require_role(*ALL_ROLES)
def index() -> str:
    return render_template("home/index.html")
