"""A volunteer's own trainings (phone-first): certificates, learning hours, their enrolments and
the open upcoming sessions with an "Enrol" button.

Like tenants.volunteers.self_service, no volunteer id is in any URL: the record is the one linked
to ``current_user``; session and enrolment ids come in the form and are looked up in the tenant.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from saas.auth.roles import Role
from saas.clock import local_today
from saas.errors import OperationError
from saas.forms import validate_input
from saas.i18n import _
from saas.tenancy.context import require_role, tenant_blueprint
from tenants.trainings import operations, queries
from tenants.trainings.schemas import OwnCancelForm, OwnEnrolForm
from tenants.trainings.states import EnrolmentStatus
from tenants.volunteers import operations as volunteer_operations
from tenants.volunteers import queries as volunteer_queries
from tenants.volunteers.models import Volunteer

bp = tenant_blueprint("my_trainings", __name__, template_folder="templates")


def _my_record() -> Volunteer | None:
    volunteer = volunteer_queries.own_record(current_user.id)
    if volunteer is None and volunteer_operations.link_own_record(current_user) is not None:
        volunteer = volunteer_queries.own_record(current_user.id)
    return volunteer


@bp.route("/me/trainings/")
@login_required
@require_role(Role.VOLUNTEER)
def index() -> str:
    volunteer = _my_record()
    if volunteer is None:
        return render_template("self_service/not_linked.html")
    return render_template(
        "my_trainings/index.html", volunteer=volunteer, today=local_today(),
        enrolments=[e for e in queries.enrolments_of_volunteer(volunteer.id) if e.status != EnrolmentStatus.CANCELLED],
        completions=queries.completions_of(volunteer.id), open_sessions=queries.open_sessions_for(volunteer.id),
        hours=queries.learning_hours([volunteer.id]).get(volunteer.id, 0.0),
        missing=queries.missing_required_courses([volunteer.id]).get(volunteer.id, []))


@bp.route("/me/trainings/enrol", methods=["POST"])
@login_required
@require_role(Role.VOLUNTEER)
def enrol() -> ResponseReturnValue:
    volunteer = _my_record()
    if volunteer is None:
        return redirect(url_for(".index"))
    data, errors = validate_input(OwnEnrolForm())
    if errors:
        flash(_("Choose a session."), "error")
        return redirect(url_for(".index"))
    session = queries.session_detail(data["session_id"])
    if session is None or not session.course.is_active:
        abort(404)
    try:
        enrolment = operations.enrol(current_user, session, volunteer)
    except OperationError as exc:
        flash(str(exc), "error")
    else:
        if enrolment.status == EnrolmentStatus.WAITING:
            flash(_("The session is full: you are on the waiting list."), "warning")
        else:
            flash(_("You are enrolled. See you there!"), "success")
    return redirect(url_for(".index"))


@bp.route("/me/trainings/cancel", methods=["POST"])
@login_required
@require_role(Role.VOLUNTEER)
def cancel() -> ResponseReturnValue:
    volunteer = _my_record()
    if volunteer is None:
        return redirect(url_for(".index"))
    data, errors = validate_input(OwnCancelForm())
    if errors:
        flash(_("Choose an enrolment."), "error")
        return redirect(url_for(".index"))
    enrolment = next((e for e in queries.enrolments_of_volunteer(volunteer.id) if e.id == data["enrolment_id"]), None)
    if enrolment is None:
        abort(404)
    try:
        operations.cancel(current_user, enrolment)
    except OperationError as exc:
        flash(str(exc), "error")
    else:
        flash(_("Your enrolment has been cancelled."), "success")
    return redirect(url_for(".index"))
