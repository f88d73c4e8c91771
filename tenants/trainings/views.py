"""Training pages for coordinators and managers: sessions with enrolments, the waiting list and
attendance, the tenant's own courses, and the certificate download (also for the volunteer it
belongs to), written with the request recipe of saas.web. Volunteers enrol themselves on
tenants.trainings.self_service."""

from __future__ import annotations

import uuid
from functools import partial
from typing import Any

from flask import Response, abort, flash, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from saas.auth.roles import Role
from saas.clock import to_local_input
from saas.db import db, utcnow
from saas.errors import OperationError, or_404
from saas.forms import Form
from saas.i18n import L_, _
from saas.web import Done, Errors, FormPage, back_with_refusal, run_form, tenant_route
from saas.web.tenant import current_membership, current_tenant, tenant_blueprint
from tenants.trainings import operations, queries
from tenants.trainings.certificate import certificate_pdf
from tenants.trainings.models import Course, CourseCompletion, Enrolment, TrainingSession
from tenants.trainings.schemas import (
    CourseActiveForm,
    CourseForm,
    SessionForm,
    attendance_form,
    enrol_form,
)
from tenants.trainings.states import SEATED, EnrolmentStatus
from tenants.volunteers import queries as volunteer_queries
from tenants.volunteers.models import Volunteer

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
#: Every training page is for staff; a certificate also for the volunteer it belongs to.
staff_route = partial(tenant_route, bp, roles=STAFF)


@bp.app_context_processor
def _vocabulary() -> dict[str, Any]:
    return {"EnrolmentStatus": EnrolmentStatus}


def _session_or_404(session_id: uuid.UUID) -> TrainingSession:
    return or_404(queries.session_detail(session_id))


def _session_url(session: TrainingSession) -> str:
    return url_for(".show_session", session_id=session.id)


def _flash_all_but_last(messages: list[str]) -> str:
    """For ``done`` of an outcome with several messages: run_form flashes the one ``done`` returns,
    so the others are flashed here first, in their order; returns the last."""
    *earlier, last = messages
    for message in earlier:
        flash(message, "success")
    return last


@staff_route("/trainings/")
def index() -> str:
    upcoming = queries.paginate(queries.session_list(upcoming=True), request.args.get("page", type=int))
    past = queries.paginate(queries.session_list(upcoming=False), request.args.get("past_page", type=int))
    counts = queries.counts_for([s.id for s in (*upcoming.items, *past.items)])
    return render_template("trainings/index.html", upcoming=upcoming, past=past, counts=counts)


@staff_route("/trainings/sessions/new", methods=["GET", "POST"])
def new_session() -> ResponseReturnValue:
    courses = queries.course_choices()

    def render(values: Any, errors: Errors) -> str:
        return render_template("trainings/session_form.html", courses=courses, values=values, errors=errors)

    return FormPage(lambda: SessionForm(courses=courses), render, partial(operations.plan_session, current_user),
                    lambda session: (_("The session has been planned."), _session_url(session)),
                    values=lambda: {"capacity": 12, "module_index": 0,
                                    "course_id": request.args.get("course_id", "")}).respond()


def _render_session(session: TrainingSession, **inline_errors: Any) -> str:
    """The session page, with the errors of one of its inline forms when one was refused."""
    enrolments = queries.enrolments_of(session)
    started = session.starts_at <= utcnow()
    context = {"enrol_errors": {}, "attendance_errors": {}, **inline_errors}
    return render_template(
        "trainings/session.html", session=session, started=started,
        seated=[e for e in enrolments if e.status in SEATED],
        waiting=[e for e in enrolments if e.status == EnrolmentStatus.WAITING],
        cancelled=[e for e in enrolments if e.status == EnrolmentStatus.CANCELLED],
        volunteers=queries.enrolable_volunteers(session),
        starts_local=to_local_input(session.starts_at), **context)


@staff_route("/trainings/sessions/<uuid:session_id>")
def show_session(session_id: uuid.UUID) -> str:
    return _render_session(_session_or_404(session_id))


@staff_route("/trainings/sessions/<uuid:session_id>/enrol", methods=["POST"])
def enrol(session_id: uuid.UUID) -> ResponseReturnValue:
    session = _session_or_404(session_id)

    def enrol_volunteer(data: dict[str, Any]) -> Enrolment:
        volunteer = db.session.scalars(select(Volunteer).where(Volunteer.id == data["volunteer_id"])).one()
        # Staff may register a session afterwards (retroactive), so its attendance can be recorded.
        return operations.enrol(current_user, session, volunteer, retroactive=True)

    def enrolled(enrolment: Enrolment) -> Done:
        if enrolment.status == EnrolmentStatus.WAITING:
            return (_("The session is full: %(name)s is on the waiting list.", name=enrolment.volunteer.name),
                    _session_url(session), "warning")
        return _("%(name)s has been enrolled.", name=enrolment.volunteer.name), _session_url(session)

    return run_form(enrol_form(session), enrol_volunteer,
                    lambda errors: (_render_session(session, enrol_errors=errors), 422), enrolled)


@staff_route("/trainings/sessions/<uuid:session_id>/enrolments/<uuid:enrolment_id>/cancel", methods=["POST"])
def cancel(session_id: uuid.UUID, enrolment_id: uuid.UUID) -> ResponseReturnValue:
    session = _session_or_404(session_id)
    enrolment = or_404(next((e for e in queries.enrolments_of(session) if e.id == enrolment_id), None))

    def cancelled(promoted: Any) -> tuple[str, str]:
        messages = [_("The enrolment of %(name)s has been cancelled.", name=enrolment.volunteer.name)]
        if promoted is not None:
            messages.append(_("%(name)s moved up from the waiting list.", name=promoted.volunteer.name))
        return _flash_all_but_last(messages), _session_url(session)

    return run_form(Form(), lambda _nothing: operations.cancel(current_user, enrolment),
                    back_with_refusal(_session_url(session)), cancelled)


@staff_route("/trainings/sessions/<uuid:session_id>/attendance", methods=["POST"])
def attendance(session_id: uuid.UUID) -> ResponseReturnValue:
    session = _session_or_404(session_id)
    seated = [e for e in queries.enrolments_of(session) if e.status in SEATED]

    def record_marks(data: dict[str, Any]) -> list[CourseCompletion]:
        marks = {uuid.UUID(key[2:]): EnrolmentStatus(value) for key, value in data.items() if value}
        if not marks:
            raise OperationError(_("Mark at least one volunteer as attended or absent."))
        return operations.record_attendance(current_user, session, marks)

    def saved(completions: list[CourseCompletion]) -> tuple[str, str]:
        messages = [_("The attendance has been saved."),
                    *(_("%(name)s has completed %(course)s.", name=completion.volunteer.name,
                        course=session.course.name) for completion in completions)]
        return _flash_all_but_last(messages), _session_url(session)

    return run_form(attendance_form([str(e.id) for e in seated]), record_marks,
                    lambda errors: (_render_session(session, attendance_errors=errors), 422), saved)


@staff_route("/trainings/courses", methods=["GET", "POST"])
def courses() -> ResponseReturnValue:
    def render(values: Any, errors: Errors) -> str:
        return render_template("trainings/courses.html", courses=queries.course_choices(active_only=False),
                               values=values, errors=errors)

    return FormPage(CourseForm, render, partial(operations.create_own_course, current_user),
                    lambda course: (_("The course %(name)s has been added.", name=course.name),
                                    url_for(".courses"))).respond()


def _own_course_or_404(course_id: uuid.UUID) -> Course:
    """404 also for a catalogue course (edited at /foundation/courses) and another tenant's."""
    return or_404(queries.own_course(course_id))


def _render_course(course: Course, values: Any, errors: Errors) -> str:
    return render_template("trainings/course_form.html", course=course, values=values, errors=errors)


@staff_route("/trainings/courses/<uuid:course_id>", methods=["GET", "POST"])
def edit_course(course_id: uuid.UUID) -> ResponseReturnValue:
    """Edit one of the tenant's own courses."""
    course = _own_course_or_404(course_id)
    return FormPage(CourseForm, partial(_render_course, course),
                    partial(operations.update_own_course, current_user, course),
                    lambda _changed: (_("The course %(name)s has been saved.", name=course.name), url_for(".courses")),
                    values=lambda: CourseForm().form_values(course)).respond()


@staff_route("/trainings/courses/<uuid:course_id>/active", methods=["POST"])
def course_active(course_id: uuid.UUID) -> ResponseReturnValue:
    """Deactivate or reactivate one of the tenant's own courses."""
    course = _own_course_or_404(course_id)

    def switched(_changed: bool) -> tuple[str, str]:
        if course.is_active:
            return _("The course %(name)s is active again.", name=course.name), url_for(".courses")
        return _("The course %(name)s has been deactivated.", name=course.name), url_for(".courses")

    return run_form(CourseActiveForm(),
                    lambda data: operations.set_own_course_active(current_user, course, data["is_active"] == "1"),
                    lambda errors: (_render_course(course, CourseForm().form_values(course), errors), 422), switched)


@tenant_route(bp, "/trainings/completions/<uuid:completion_id>/certificate.pdf",
              roles=(Role.COORDINATOR, Role.MANAGER, Role.VOLUNTEER))
def certificate(completion_id: uuid.UUID) -> Response:
    """Staff of the tenant, and the volunteer the certificate belongs to (others: 404)."""
    completion = or_404(queries.completion(completion_id))
    if current_membership.role == Role.VOLUNTEER:
        own = volunteer_queries.own_record(current_user.id)
        if own is None or own.id != completion.volunteer_id:
            abort(404)
    pdf = certificate_pdf(completion, current_tenant.name)
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="certificate-{completion.certificate_number}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
