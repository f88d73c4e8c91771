"""The tenant's start page: who you are here, where to go next, and — for staff — the signals
that need attention today, with a way to acknowledge each."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from saas.auth.roles import STAFF_ROLES, Role
from saas.errors import invalid_input, or_404
from saas.forms import validate_input, validate_query
from saas.i18n import L_, _
from saas.tenancy.context import ALL_ROLES, current_membership, current_tenant, require_role, tenant_blueprint
from tenants.home import operations, queries
from tenants.home.schemas import AcknowledgeForm, HomeQuery
from tenants.home.signals import HANDLED_KINDS, MANAGER_KINDS, by_kind, default_scope, visible_to

bp = tenant_blueprint("home", __name__, template_folder="templates")

#: Names of this module's audit actions, declared in the package's front door (saas.audit.labels).
AUDIT_LABELS = {"signal.acknowledged": L_("Signal acknowledged")}


@bp.route("/")
@login_required
@require_role(*ALL_ROLES)
def index() -> ResponseReturnValue:
    if current_membership.role not in STAFF_ROLES:
        return render_template("home/index.html")
    scope = validate_query(HomeQuery()).get("scope") or default_scope(current_membership.role)
    return _render_home(scope)


def _render_home(scope: str, errors: dict[str, Any] | None = None, status: int = 200) -> ResponseReturnValue:
    role = current_membership.role
    signals = queries.compute_signals(current_tenant)
    mine, everything = visible_to(signals, current_user, role, "mine"), visible_to(signals, current_user, role, "all")
    return render_template("home/index.html", scope=scope, groups=by_kind(mine if scope == "mine" else everything),
                           counts={"mine": len(mine), "all": len(everything)}, errors=errors or {}), status


@bp.route("/signals/acknowledge", methods=["POST"])
@login_required
@require_role(Role.COORDINATOR, Role.MANAGER)
def acknowledge() -> ResponseReturnValue:
    data, errors = validate_input(AcknowledgeForm())
    if errors:
        return invalid_input(errors, lambda: _render_home(default_scope(current_membership.role), errors, 422))
    kind = data["kind"]
    if kind in MANAGER_KINDS and current_membership.role != Role.MANAGER:
        abort(403)  # a coordinator does not see it, so may not hide it from the managers either
    subject = or_404(queries.subject_of(kind, data["subject_id"], current_tenant))
    operations.acknowledge(current_user, kind, subject, data["key"])
    if kind in HANDLED_KINDS:
        flash(_("Marked as handled."), "success")
    else:
        flash(_("Signal acknowledged. It comes back when the situation changes."), "success")
    return redirect(url_for(".index", scope=data.get("scope") or None))
