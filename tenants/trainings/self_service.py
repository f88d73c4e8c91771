"""A volunteer's own trainings (phone-first): certificates, learning hours, their enrolments and
the open upcoming sessions with an "Enrol" button.

Like tenants.volunteers.self_service, no volunteer id is in any URL: the record is the one linked
to ``current_user``; session and enrolment ids come in the form as RowIds (the tenant's sessions of
an active course, the volunteer's own enrolments).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import partial
from typing import Any

from flask import abort, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from saas.auth.roles import Role
from saas.clock import local_today
from saas.db import db
from saas.errors import or_404
from saas.forms import submitted_data
from saas.i18n import _
from saas.web import Done, Errors, back_with_refusal, run_form, tenant_route
from saas.web.tenant import tenant_blueprint
from tenants.trainings import operations, queries
from tenants.trainings.models import Enrolment
from tenants.trainings.schemas import OwnEnrolForm, own_cancel_form
from tenants.trainings.states import EnrolmentStatus
from tenants.volunteers.self_service import my_record

bp = tenant_blueprint("my_trainings", __name__, template_folder="templates")
#: Every page here is the volunteer's own.
volunteer_route = partial(tenant_route, bp, roles=(Role.VOLUNTEER,))


@volunteer_route("/me/trainings/")
def index() -> str:
    volunteer = my_record()
    if volunteer is None:
        return render_template("self_service/not_linked.html")
    return render_template(
        "my_trainings/index.html", volunteer=volunteer, today=local_today(),
        enrolments=[e for e in queries.enrolments_of_volunteer(volunteer.id) if e.status != EnrolmentStatus.CANCELLED],
        completions=queries.completions_of(volunteer.id), open_sessions=queries.open_sessions_for(volunteer.id),
        hours=queries.learning_hours([volunteer.id]).get(volunteer.id, 0.0),
        missing=queries.missing_required_courses([volunteer.id]).get(volunteer.id, []))


def _is_an_id(value: Any) -> bool:
    """Whether ``value`` is written as an id (a UUID), whatever row it names."""
    try:
        uuid.UUID(value)
    except (TypeError, ValueError, AttributeError):
        return False
    return True


def _refused(field: str, prompt: str) -> Callable[[Errors], ResponseReturnValue]:
    """Back to the page with the refusal flashed. An id that names none of the volunteer's options
    answers 404, as another tenant's row does everywhere; a missing or malformed one (the page only
    sends real ids) asks them to choose."""
    def refused(errors: Errors) -> ResponseReturnValue:
        if field in errors:
            if _is_an_id(submitted_data().get(field)):
                abort(404)
            errors = {field: [prompt]}
        return back_with_refusal(url_for(".index"))(errors)
    return refused


@volunteer_route("/me/trainings/enrol", methods=["POST"])
def enrol() -> ResponseReturnValue:
    volunteer = my_record()
    if volunteer is None:
        return redirect(url_for(".index"))

    def enrol_myself(data: dict[str, Any]) -> Enrolment:
        return operations.enrol(current_user, or_404(queries.session_detail(data["session_id"])), volunteer)

    def enrolled(enrolment: Enrolment) -> Done:
        if enrolment.status == EnrolmentStatus.WAITING:
            return _("The session is full: you are on the waiting list."), url_for(".index"), "warning"
        return _("You are enrolled. See you there!"), url_for(".index")

    return run_form(OwnEnrolForm(), enrol_myself, _refused("session_id", _("Choose a session.")), enrolled)


@volunteer_route("/me/trainings/cancel", methods=["POST"])
def cancel() -> ResponseReturnValue:
    volunteer = my_record()
    if volunteer is None:
        return redirect(url_for(".index"))

    def cancel_own(data: dict[str, Any]) -> None:
        enrolment = db.session.scalars(select(Enrolment).where(Enrolment.id == data["enrolment_id"])
                                       .options(joinedload(Enrolment.session))).one()
        operations.cancel(current_user, enrolment)

    return run_form(own_cancel_form(volunteer), cancel_own, _refused("enrolment_id", _("Choose an enrolment.")),
                    lambda _promoted: (_("Your enrolment has been cancelled."), url_for(".index")))
