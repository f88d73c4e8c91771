"""A volunteer's own pages: their profile, availability and VOG status, and what they may edit.

Only ever loads the record linked to ``current_user``: no volunteer id in any URL, so a volunteer
cannot reach another volunteer's record. Staff use the volunteer pages instead (403 here).
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from saas.auth.roles import Role
from saas.clock import local_today
from saas.errors import invalid_input
from saas.forms import validate_input
from saas.i18n import _
from saas.tenancy.context import require_role, tenant_blueprint
from tenants.families.vocabulary import DayPart, Track
from tenants.life_domains import LIFE_DOMAINS, life_domain_choices
from tenants.volunteers import operations, queries
from tenants.volunteers.models import Volunteer
from tenants.volunteers.readiness import vog_status
from tenants.volunteers.readiness_rules import reasons_per_volunteer
from tenants.volunteers.schemas import SelfServiceForm

bp = tenant_blueprint("self_service", __name__, template_folder="templates")


@bp.context_processor
def _vocabulary() -> dict[str, Any]:
    return {"DayPart": DayPart, "Track": Track, "LIFE_DOMAINS": LIFE_DOMAINS, "life_domains": life_domain_choices()}


def _my_record() -> Volunteer | None:
    """The volunteer record of the signed-in person; linked on first visit by e-mail address."""
    volunteer = queries.own_record(current_user.id)
    if volunteer is None and operations.link_own_record(current_user) is not None:
        volunteer = queries.own_record(current_user.id)
    return volunteer


@bp.route("/me/")
@login_required
@require_role(Role.VOLUNTEER)
def index() -> str:
    volunteer = _my_record()
    if volunteer is None:
        return render_template("self_service/not_linked.html")
    policy = operations.policy_for_tenant()
    today = local_today()
    return render_template("self_service/index.html", volunteer=volunteer, today=today,
                           vog=vog_status(volunteer, policy, today),
                           reasons=reasons_per_volunteer([volunteer], policy, today)[volunteer.id])


def _values(volunteer: Volunteer) -> dict[str, Any]:
    values = {key: getattr(volunteer, key) for key in operations.SELF_SERVICE_FIELDS}
    values["languages"] = "\n".join(volunteer.languages or [])
    return values


def _render_form(values: Any, errors: dict[str, Any], status: int = 200) -> Any:
    return render_template("self_service/edit.html", values=values, errors=errors), status


@bp.route("/me/edit", methods=["GET", "POST"])
@login_required
@require_role(Role.VOLUNTEER)
def edit() -> ResponseReturnValue:
    volunteer = _my_record()
    if volunteer is None:
        return redirect(url_for(".index"))
    if request.method == "GET":
        return _render_form(_values(volunteer), {})
    data, errors = validate_input(SelfServiceForm())
    if errors:
        return invalid_input(errors, lambda: _render_form(request.form, errors, 422))
    operations.update_own_profile(current_user, volunteer, data)
    flash(_("Your details have been saved."), "success")
    return redirect(url_for(".index"))
