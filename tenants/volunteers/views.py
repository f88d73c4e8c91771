"""Volunteer pages for coordinators and managers (volunteers and report viewers get 403).

Volunteers see their own record on the self-service pages (tenants.volunteers.self_service).
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from saas.auth.roles import Role
from saas.clock import local_today
from saas.errors import OperationError, invalid_input, or_404
from saas.forms import validate_input, validate_query
from saas.i18n import L_, _
from saas.tenancy.context import current_tenant, require_role, tenant_blueprint
from tenants.families.vocabulary import DayPart, Track
from tenants.life_domains import LIFE_DOMAINS, life_domain_choices
from tenants.panels import panels
from tenants.volunteers import operations, queries
from tenants.volunteers.list_filters import list_filters
from tenants.volunteers.models import Volunteer
from tenants.volunteers.readiness import vog_status
from tenants.volunteers.readiness_rules import reasons_per_volunteer
from tenants.volunteers.schemas import PolicyForm, ScreeningForm, TransitionForm, VolunteerForm, list_query
from tenants.volunteers.states import PIPELINE, ExitReason, VolunteerKind, VolunteerState, manual_moves

bp = tenant_blueprint("volunteers", __name__, template_folder="templates")

#: Names of this module's audit actions, declared in the package's front door (saas.audit.labels).
AUDIT_LABELS = {
    "volunteer.registered": L_("Volunteer registered"),
    "volunteer.updated": L_("Volunteer profile changed"),
    "volunteer.updated_by_self": L_("Volunteer changed their own profile"),
    "volunteer.state_changed": L_("Volunteer state changed"),
    "volunteer.screening_added": L_("Certificate of conduct (VOG) recorded"),
    "volunteer.policy_updated": L_("Screening policy changed"),
    "volunteer.account_invited": L_("Volunteer invited to an account"),
    "volunteer.account_linked": L_("Volunteer record linked to their account"),
}

STAFF = (Role.COORDINATOR, Role.MANAGER)


@bp.context_processor
def _vocabulary() -> dict[str, Any]:
    """The fixed lists the volunteer templates offer as choices and show as labels."""
    return {"VolunteerState": VolunteerState, "VolunteerKind": VolunteerKind, "ExitReason": ExitReason,
            "DayPart": DayPart, "Track": Track, "LIFE_DOMAINS": LIFE_DOMAINS, "life_domains": life_domain_choices(),
            "panels": panels}


def _volunteer_or_404(volunteer_id: uuid.UUID) -> Volunteer:
    return or_404(queries.volunteer_file(volunteer_id))



@bp.route("/volunteers/")
@login_required
@require_role(*STAFF)
def index() -> str:
    more_filters = list_filters()
    filters = validate_query(list_query({more.name: more.field for more in more_filters}))
    policy = operations.policy_for_tenant()
    today = local_today()
    page = queries.paginate(queries.volunteer_list(filters, policy), filters.get("page"))
    reasons = reasons_per_volunteer(page.items, policy, today)
    rows = [(volunteer, reasons[volunteer.id], vog_status(volunteer, policy, today)) for volunteer in page.items]
    return render_template("volunteers/index.html", page=page, rows=rows, filters=filters,
                           counts=queries.counts_per_state(), municipalities=current_tenant.municipalities,
                           more_filters=[(more, more.options()) for more in more_filters])


@bp.route("/volunteers/applicants")
@login_required
@require_role(*STAFF)
def applicants() -> str:
    policy = operations.policy_for_tenant()
    page = queries.paginate(queries.applicants(), request.args.get("page", type=int))
    return render_template("volunteers/applicants.html", page=page, policy=policy, today=local_today(),
                           cutoff=queries.waiting_cutoff(policy), pipeline=[s for s in VolunteerState if s in PIPELINE])


@bp.route("/volunteers/screening")
@login_required
@require_role(*STAFF)
def screening() -> str:
    policy = operations.policy_for_tenant()
    today = local_today()
    expiring = queries.paginate(queries.vog_expiring(policy), request.args.get("expiring_page", type=int))
    expired = queries.paginate(queries.vog_expired(policy), request.args.get("expired_page", type=int))
    return render_template("volunteers/screening.html", policy=policy, today=today,
                           expiring=expiring, expired=expired,
                           expiring_rows=[(v, vog_status(v, policy, today)) for v in expiring.items],
                           expired_rows=[(v, vog_status(v, policy, today)) for v in expired.items])


def _volunteer_form() -> VolunteerForm:
    return VolunteerForm(municipalities=current_tenant.municipalities)


def _render_form(volunteer: Volunteer | None, values: Any, errors: dict[str, Any], status: int = 200) -> Any:
    return render_template("volunteers/form.html", volunteer=volunteer, values=values, errors=errors,
                           municipalities=current_tenant.municipalities), status


@bp.route("/volunteers/new", methods=["GET", "POST"])
@login_required
@require_role(*STAFF)
def new() -> ResponseReturnValue:
    if request.method == "GET":
        return _render_form(None, {"applied_on": local_today().isoformat(), "kind": "individual",
                                   "max_families": 1}, {})
    data, errors = validate_input(_volunteer_form())
    if errors:
        return invalid_input(errors, lambda: _render_form(None, request.form, errors, 422))
    volunteer = operations.register_volunteer(current_user, data)
    flash(_("%(name)s has been registered as an applicant.", name=volunteer.name), "success")
    return redirect(url_for(".show", volunteer_id=volunteer.id))


def _render_profile(volunteer: Volunteer, status: int = 200, **errors: Any) -> Any:
    """The profile page; with the errors (and status 422) of one of its inline forms."""
    policy = operations.policy_for_tenant()
    today = local_today()
    context = {"move_errors": {}, "screening_errors": {}, **errors}
    return render_template("volunteers/show.html", volunteer=volunteer, policy=policy, today=today,
                           vog=vog_status(volunteer, policy, today),
                           reasons=reasons_per_volunteer([volunteer], policy, today)[volunteer.id],
                           moves=manual_moves(volunteer.state), timeline=queries.timeline_of(volunteer),
                           **context), status


@bp.route("/volunteers/<uuid:volunteer_id>")
@login_required
@require_role(*STAFF)
def show(volunteer_id: uuid.UUID) -> Any:
    return _render_profile(_volunteer_or_404(volunteer_id))


def _volunteer_values(volunteer: Volunteer) -> dict[str, Any]:
    """The form's values for an existing volunteer (lists and dates as the form shows them)."""
    values: dict[str, Any] = {}
    for key in operations.VOLUNTEER_FIELDS:
        value = getattr(volunteer, key)
        if key == "languages":
            value = "\n".join(value or [])
        values[key] = value.isoformat() if hasattr(value, "isoformat") else value
    return values


@bp.route("/volunteers/<uuid:volunteer_id>/edit", methods=["GET", "POST"])
@login_required
@require_role(*STAFF)
def edit(volunteer_id: uuid.UUID) -> ResponseReturnValue:
    volunteer = _volunteer_or_404(volunteer_id)
    if request.method == "GET":
        return _render_form(volunteer, _volunteer_values(volunteer), {})
    data, errors = validate_input(_volunteer_form())
    if errors:
        return invalid_input(errors, lambda: _render_form(volunteer, request.form, errors, 422))
    operations.update_volunteer(current_user, volunteer, data)
    flash(_("The profile has been saved."), "success")
    return redirect(url_for(".show", volunteer_id=volunteer.id))


@bp.route("/volunteers/<uuid:volunteer_id>/state", methods=["POST"])
@login_required
@require_role(*STAFF)
def transition(volunteer_id: uuid.UUID) -> ResponseReturnValue:
    volunteer = _volunteer_or_404(volunteer_id)
    data, errors = validate_input(TransitionForm())
    if not errors and data["to_state"] not in manual_moves(volunteer.state):
        errors = {"to_state": [_("This step is not possible from the current state.")]}
    if not errors:
        try:
            operations.move(current_user, volunteer, data["to_state"], exit_reason=data.get("exit_reason"),
                            interviewed_on=data.get("interviewed_on"), approved_on=data.get("approved_on"))
        except OperationError as exc:
            errors = {"_form": [str(exc)]}
    if errors:
        return invalid_input(errors, lambda: _render_profile(volunteer, 422, move_errors=errors))
    flash(_("%(name)s is now: %(state)s.", name=volunteer.name, state=volunteer.state.label), "success")
    return redirect(url_for(".show", volunteer_id=volunteer.id))


@bp.route("/volunteers/<uuid:volunteer_id>/screenings", methods=["POST"])
@login_required
@require_role(*STAFF)
def add_screening(volunteer_id: uuid.UUID) -> ResponseReturnValue:
    volunteer = _volunteer_or_404(volunteer_id)
    data, errors = validate_input(ScreeningForm())
    if errors:
        return invalid_input(errors, lambda: _render_profile(volunteer, 422, screening_errors=errors))
    operations.add_screening(current_user, volunteer, data)
    flash(_("The certificate of conduct (VOG) has been recorded."), "success")
    return redirect(url_for(".show", volunteer_id=volunteer.id) + "#screening")


@bp.route("/volunteers/<uuid:volunteer_id>/invite", methods=["POST"])
@login_required
@require_role(*STAFF)
def invite(volunteer_id: uuid.UUID) -> ResponseReturnValue:
    volunteer = _volunteer_or_404(volunteer_id)
    try:
        operations.invite_volunteer_account(current_user, current_tenant, volunteer)
    except OperationError as exc:
        flash(str(exc), "error")
    else:
        flash(_("An invitation has been sent to %(email)s.", email=volunteer.email), "success")
    return redirect(url_for(".show", volunteer_id=volunteer.id))


def _render_policy(values: Any, errors: dict[str, Any], status: int = 200) -> Any:
    return render_template("volunteers/policy.html", values=values, errors=errors), status


@bp.route("/volunteers/policy", methods=["GET", "POST"])
@login_required
@require_role(Role.MANAGER)
def policy() -> ResponseReturnValue:
    if request.method == "GET":
        current = operations.policy_for_tenant()
        return _render_policy({key: getattr(current, key) for key in operations.POLICY_FIELDS}, {})
    data, errors = validate_input(PolicyForm())
    if errors:
        return invalid_input(errors, lambda: _render_policy(request.form, errors, 422))
    operations.update_policy(current_user, data)
    flash(_("The screening policy has been saved."), "success")
    return redirect(url_for(".policy"))
