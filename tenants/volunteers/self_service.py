"""A volunteer's own pages: their profile, availability and VOG status, and what they may edit.

Only ever loads the record linked to ``current_user``: no volunteer id in any URL, so a volunteer
cannot reach another volunteer's record. Staff use the volunteer pages instead (403 here).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from flask import redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from saas.auth.roles import Role
from saas.clock import local_today
from saas.i18n import _
from saas.web import Errors, FormPage, tenant_route
from saas.web.tenant import tenant_blueprint
from tenants.families.vocabulary import DayPart, Track
from tenants.life_domains import LIFE_DOMAINS, life_domain_choices
from tenants.volunteers import operations, queries
from tenants.volunteers.models import Volunteer
from tenants.volunteers.readiness import vog_status
from tenants.volunteers.readiness_rules import reasons_per_volunteer
from tenants.volunteers.schemas import SelfServiceForm

bp = tenant_blueprint("self_service", __name__, template_folder="templates")
#: Every self-service page is for volunteers.
volunteer_route = partial(tenant_route, bp, roles=(Role.VOLUNTEER,))


@bp.context_processor
def _vocabulary() -> dict[str, Any]:
    return {"DayPart": DayPart, "Track": Track, "LIFE_DOMAINS": LIFE_DOMAINS, "life_domains": life_domain_choices()}


def my_record() -> Volunteer | None:
    """The volunteer record of the signed-in person; linked on first visit by e-mail address
    (also for the volunteer's own trainings, tenants.trainings.self_service)."""
    volunteer = queries.own_record(current_user.id)
    if volunteer is None and operations.link_own_record(current_user) is not None:
        volunteer = queries.own_record(current_user.id)
    return volunteer


@volunteer_route("/me/")
def index() -> str:
    volunteer = my_record()
    if volunteer is None:
        return render_template("self_service/not_linked.html")
    policy = operations.policy_for_tenant()
    today = local_today()
    return render_template(
        "self_service/index.html",
        volunteer=volunteer,
        today=today,
        vog=vog_status(volunteer, policy, today),
        reasons=reasons_per_volunteer([volunteer], policy, today)[volunteer.id],
    )


def _render_form(values: Any, errors: Errors) -> str:
    return render_template("self_service/edit.html", values=values, errors=errors)


@volunteer_route("/me/edit", methods=["GET", "POST"])
def edit() -> ResponseReturnValue:
    volunteer = my_record()
    if volunteer is None:
        return redirect(url_for(".index"))
    return FormPage(
        SelfServiceForm,
        _render_form,
        partial(operations.update_own_profile, current_user, volunteer),
        lambda _none: (_("Your details have been saved."), url_for(".index")),
        values=lambda: SelfServiceForm().form_values(volunteer),
    ).respond()
