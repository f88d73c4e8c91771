"""Training pages for coordinators and managers: sessions with enrolments, the waiting list and
attendance, the tenant's own courses, and the certificate download (also for the volunteer it
belongs to). Volunteers enrol themselves on tenants.trainings.self_service."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from saas.auth.roles import Role
from saas.clock import to_local_input
from saas.db import utcnow
from saas.errors import OperationError, invalid_input, or_404
from saas.forms import validate_input
from saas.i18n import L_, _
from saas.tenancy.context import current_membership, current_tenant, require_role, tenant_blueprint
from tenants.trainings import operations, queries
from tenants.trainings.certificate import certificate_pdf
from tenants.trainings.models import Course, TrainingSession
from tenants.trainings.schemas import (
    CourseActiveForm,
    CourseForm,
    EnrolForm,
    SessionForm,
    attendance_form,
    course_values,
)
from tenants.trainings.states import SEATED, EnrolmentStatus
from tenants.volunteers import queries as volunteer_queries

bp = tenant_blueprint("trainings", __name__, template_folder="templates")

#: Names of this module's audit actions, declared in the package's front door (saas.audit.labels).
AUDIT_LABELS = {
    "training.course_created": L_("Own course added"),
    "training.course_updated": L_("Own course edited"),
    "training.course_deactivated": L_("Own course deactivated"),
    "training.course_reactivated": L_("Own course reactivated"),
    "training.session_planned": L_("Training session planned"),
    "training.enrolled": L_("Volunteer enrolled in a training session"),
    "training.cancelled": L_("Training enrolment cancelled"),
    "training.promoted": L_("Volunteer moved up from the training waiting list"),
    "training.attendance_recorded": L_("Training attendance recorded"),
    "training.course_completed": L_("Course completed"),
}

STAFF = (Role.COORDINATOR, Role.MANAGER)


@bp.app_context_processor
def _vocabulary() -> dict[str, Any]:
    return {"EnrolmentStatus": EnrolmentStatus}


def _session_or_404(session_id: uuid.UUID) -> TrainingSession:
    return or_404(queries.session_detail(session_id))


@bp.route("/trainings/")
@login_required
@require_role(*STAFF)
def index() -> str:
    upcoming = queries.paginate(queries.session_list(upcoming=True), request.args.get("page", type=int))
    past = queries.paginate(queries.session_list(upcoming=False), request.args.get("past_page", type=int))
    counts = queries.counts_for([s.id for s in (*upcoming.items, *past.items)])
    return render_template("trainings/index.html", upcoming=upcoming, past=past, counts=counts)


def _render_session_form(courses: list[Any], values: Any, errors: dict[str, Any], status: int = 200) -> Any:
    return render_template("trainings/session_form.html", courses=courses, values=values, errors=errors), status


@bp.route("/trainings/sessions/new", methods=["GET", "POST"])
@login_required
@require_role(*STAFF)
def new_session() -> ResponseReturnValue:
    courses = queries.course_choices()
    if request.method == "GET":
        values = {"capacity": 12, "module_index": 0, "course_id": request.args.get("course_id", "")}
        return _render_session_form(courses, values, {})
    data, errors = validate_input(SessionForm(courses=courses))
    if not errors:
        try:
            session = operations.plan_session(current_user, data)
        except OperationError as exc:
            errors = {"_form": [str(exc)]}
    if errors:
        return invalid_input(errors, lambda: _render_session_form(courses, request.form, errors, 422))
    flash(_("The session has been planned."), "success")
    return redirect(url_for(".show_session", session_id=session.id))


def _render_session(session: TrainingSession, status: int = 200, **errors: Any) -> Any:
    enrolments = queries.enrolments_of(session)
    started = session.starts_at <= utcnow()
    context = {"enrol_errors": {}, "attendance_errors": {}, **errors}
    return render_template(
        "trainings/session.html", session=session, started=started,
        seated=[e for e in enrolments if e.status in SEATED],
        waiting=[e for e in enrolments if e.status == EnrolmentStatus.WAITING],
        cancelled=[e for e in enrolments if e.status == EnrolmentStatus.CANCELLED],
        volunteers=queries.enrolable_volunteers(session),
        starts_local=to_local_input(session.starts_at), **context), status


@bp.route("/trainings/sessions/<uuid:session_id>")
@login_required
@require_role(*STAFF)
def show_session(session_id: uuid.UUID) -> Any:
    return _render_session(_session_or_404(session_id))


@bp.route("/trainings/sessions/<uuid:session_id>/enrol", methods=["POST"])
@login_required
@require_role(*STAFF)
def enrol(session_id: uuid.UUID) -> ResponseReturnValue:
    session = _session_or_404(session_id)
    volunteers = {str(v.id): v for v in queries.enrolable_volunteers(session)}
    data, errors = validate_input(EnrolForm(volunteer_ids=list(volunteers)))
    if not errors:
        try:
            # Staff may register a session afterwards (retroactive), so its attendance can be recorded.
            enrolment = operations.enrol(current_user, session, volunteers[data["volunteer_id"]], retroactive=True)
        except OperationError as exc:
            errors = {"_form": [str(exc)]}
    if errors:
        return invalid_input(errors, lambda: _render_session(session, 422, enrol_errors=errors))
    name = volunteers[data["volunteer_id"]].name
    if enrolment.status == EnrolmentStatus.WAITING:
        flash(_("The session is full: %(name)s is on the waiting list.", name=name), "warning")
    else:
        flash(_("%(name)s has been enrolled.", name=name), "success")
    return redirect(url_for(".show_session", session_id=session.id))


@bp.route("/trainings/sessions/<uuid:session_id>/enrolments/<uuid:enrolment_id>/cancel", methods=["POST"])
@login_required
@require_role(*STAFF)
def cancel(session_id: uuid.UUID, enrolment_id: uuid.UUID) -> ResponseReturnValue:
    session = _session_or_404(session_id)
    enrolment = next((e for e in queries.enrolments_of(session) if e.id == enrolment_id), None)
    if enrolment is None:
        abort(404)
    try:
        promoted = operations.cancel(current_user, enrolment)
    except OperationError as exc:
        flash(str(exc), "error")
    else:
        flash(_("The enrolment of %(name)s has been cancelled.", name=enrolment.volunteer.name), "success")
        if promoted is not None:
            flash(_("%(name)s moved up from the waiting list.", name=promoted.volunteer.name), "success")
    return redirect(url_for(".show_session", session_id=session.id))


@bp.route("/trainings/sessions/<uuid:session_id>/attendance", methods=["POST"])
@login_required
@require_role(*STAFF)
def attendance(session_id: uuid.UUID) -> ResponseReturnValue:
    session = _session_or_404(session_id)
    seated = [e for e in queries.enrolments_of(session) if e.status in SEATED]
    data, errors = validate_input(attendance_form([str(e.id) for e in seated]))
    marks = {uuid.UUID(key[2:]): EnrolmentStatus(value) for key, value in data.items() if value}
    if not errors and not marks:
        errors = {"_form": [_("Mark at least one volunteer as attended or absent.")]}
    if not errors:
        try:
            completions = operations.record_attendance(current_user, session, marks)
        except OperationError as exc:
            errors = {"_form": [str(exc)]}
    if errors:
        return invalid_input(errors, lambda: _render_session(session, 422, attendance_errors=errors))
    flash(_("The attendance has been saved."), "success")
    for completion in completions:
        flash(_("%(name)s has completed %(course)s.", name=completion.volunteer.name, course=session.course.name),
              "success")
    return redirect(url_for(".show_session", session_id=session.id))


def _render_courses(values: Any, errors: dict[str, Any], status: int = 200) -> Any:
    return render_template("trainings/courses.html", courses=queries.course_choices(active_only=False),
                           values=values, errors=errors), status


@bp.route("/trainings/courses", methods=["GET", "POST"])
@login_required
@require_role(*STAFF)
def courses() -> ResponseReturnValue:
    if request.method == "GET":
        return _render_courses({}, {})
    data, errors = validate_input(CourseForm())
    if errors:
        return invalid_input(errors, lambda: _render_courses(request.form, errors, 422))
    course = operations.create_own_course(current_user, data)
    flash(_("The course %(name)s has been added.", name=course.name), "success")
    return redirect(url_for(".courses"))


def _own_course_or_404(course_id: uuid.UUID) -> Course:
    course = queries.own_course(course_id)
    if course is None:  # a catalogue course (edited at /foundation/courses) or another tenant's
        abort(404)
    return course


def _render_course(course: Course, values: Any, errors: dict[str, Any], status: int = 200) -> Any:
    return render_template("trainings/course_form.html", course=course, values=values, errors=errors), status


@bp.route("/trainings/courses/<uuid:course_id>", methods=["GET", "POST"])
@login_required
@require_role(*STAFF)
def edit_course(course_id: uuid.UUID) -> ResponseReturnValue:
    """Edit one of the tenant's own courses."""
    course = _own_course_or_404(course_id)
    if request.method == "GET":
        return _render_course(course, course_values(course), {})
    data, errors = validate_input(CourseForm())
    if not errors:
        try:
            operations.update_own_course(current_user, course, data)
        except OperationError as exc:
            errors = {"_form": [str(exc)]}
    if errors:
        return invalid_input(errors, lambda: _render_course(course, request.form, errors, 422))
    flash(_("The course %(name)s has been saved.", name=course.name), "success")
    return redirect(url_for(".courses"))


@bp.route("/trainings/courses/<uuid:course_id>/active", methods=["POST"])
@login_required
@require_role(*STAFF)
def course_active(course_id: uuid.UUID) -> ResponseReturnValue:
    """Deactivate or reactivate one of the tenant's own courses."""
    course = _own_course_or_404(course_id)
    data, errors = validate_input(CourseActiveForm())
    if not errors:
        try:
            operations.set_own_course_active(current_user, course, data["is_active"] == "1")
        except OperationError as exc:
            errors = {"_form": [str(exc)]}
    if errors:
        return invalid_input(errors, lambda: _render_course(course, course_values(course), errors, 422))
    if course.is_active:
        flash(_("The course %(name)s is active again.", name=course.name), "success")
    else:
        flash(_("The course %(name)s has been deactivated.", name=course.name), "success")
    return redirect(url_for(".courses"))


@bp.route("/trainings/completions/<uuid:completion_id>/certificate.pdf")
@login_required
@require_role(Role.COORDINATOR, Role.MANAGER, Role.VOLUNTEER)
def certificate(completion_id: uuid.UUID) -> Response:
    """Staff of the tenant, and the volunteer the certificate belongs to (others: 404)."""
    completion = queries.completion(completion_id)
    if completion is None:
        abort(404)
    if current_membership.role == Role.VOLUNTEER:
        own = volunteer_queries.own_record(current_user.id)
        if own is None or own.id != completion.volunteer_id:
            abort(404)
    pdf = certificate_pdf(completion, current_tenant.name)
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="certificate-{completion.certificate_number}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
