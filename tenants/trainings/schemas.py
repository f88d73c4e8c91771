"""Input for trainings: a course with its modules, a session, an enrolment and the attendance list.
Ids in a form are RowIds: each names the select of the rows that may be chosen (the courses the tenant
sees, the volunteers a session can take …), so another tenant's id fails like any typo."""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

import marshmallow as ma
from flask_babel import format_decimal
from marshmallow import ValidationError, validates_schema
from sqlalchemy import Select, select

from saas.forms import REQUIRED, Boolean, Choice, Form, Integer, LocalDateTime, RowId, String
from saas.i18n import L_
from tenants.trainings.models import Course, Enrolment, TrainingSession
from tenants.trainings.queries import visible_courses
from tenants.trainings.states import EnrolmentStatus
from tenants.volunteers.models import Volunteer
from tenants.volunteers.states import VolunteerState

MAX_MODULES = 30
MAX_MODULE_HOURS = 100


class ModuleLines(ma.fields.Field):
    """The modules of a course: one "name | hours" per line of a text area (or a JSON list of
    ``{"name", "hours"}``); at least one, hours more than 0 and at most 100."""

    default_error_messages = {
        "required": REQUIRED,
        "null": REQUIRED,
        "empty": L_("Enter at least one module."),
        "too_many": L_("Enter at most {max} modules."),
        "line": L_('Line {line}: write the module name, a | and the hours, for example "Listening | 2".'),
        "hours": L_("Line {line}: the hours must be more than 0 and at most {max}."),
        "name": L_("Line {line}: the module name can have at most 120 characters."),
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[dict[str, Any]]:
        if isinstance(value, list):
            lines = [
                f"{item.get('name', '')} | {item.get('hours', '')}" if isinstance(item, dict) else str(item)
                for item in value
            ]
        elif isinstance(value, str):
            lines = value.splitlines()
        else:
            raise self.make_error("empty")
        modules: list[dict[str, Any]] = []
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            name, bar, hours_text = line.rpartition("|")
            name = name.strip()
            if not bar or not name or any(ord(ch) < 32 for ch in name):
                raise self.make_error("line", line=number)
            if len(name) > 120:
                raise self.make_error("name", line=number)
            try:
                hours = Decimal(hours_text.strip().replace(",", "."))
            except InvalidOperation:
                raise self.make_error("hours", line=number, max=MAX_MODULE_HOURS) from None
            if not hours.is_finite() or hours <= 0 or hours > MAX_MODULE_HOURS:
                raise self.make_error("hours", line=number, max=MAX_MODULE_HOURS)
            modules.append({"name": name, "hours": int(hours) if hours == hours.to_integral() else float(hours)})
        if not modules:
            raise self.make_error("empty")
        if len(modules) > MAX_MODULES:
            raise self.make_error("too_many", max=MAX_MODULES)
        return modules

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str:
        # One "name | hours" line per module, as _deserialize reads them back: a decimal comma in
        # Dutch, and every decimal kept (no grouping, no rounding) so saving unchanged changes nothing.
        return "\n".join(f"{module['name']} | {format_decimal(module['hours'], '0.##########')}"
                         for module in value or [])


class CourseForm(Form):
    """A tenant's own course (the foundation form adds the catalogue's fields)."""

    name = String(required=True, max_length=120)
    description = String(max_length=2000, allow_none=True)
    modules = ModuleLines(required=True)
    validity_months = Integer(minimum=1, maximum=240, allow_none=True)


class CatalogueCourseForm(CourseForm):
    """A course of the foundation's catalogue."""

    required_before_first_match = Boolean()
    is_active = Boolean()


class CourseActiveForm(Form):
    """Deactivate ("0") or reactivate ("1") a tenant's own course."""

    is_active = Choice(["0", "1"], required=True)


def active_course_ids() -> Select[uuid.UUID]:
    """Ids of the active courses the bound tenant sees: the ones a session can be planned for."""
    return visible_courses(Course.id).where(Course.is_active)


def active_course_session_ids() -> Select[uuid.UUID]:
    """Ids of the tenant's sessions of an active course: the ones a volunteer may ask to enrol in
    (whether it has started, or they are in it already, is the operation's refusal)."""
    return (
        visible_courses(TrainingSession.id)
        .join_from(TrainingSession, Course, TrainingSession.course_id == Course.id)
        .where(Course.is_active)
    )


def enrolable_volunteer_ids(session: TrainingSession) -> Select[uuid.UUID]:
    """Ids of the volunteers who have not stopped and are not (still) enrolled in ``session``: the
    ones the enrolment form offers (queries.enrolable_volunteers lists them)."""
    taken = select(Enrolment.volunteer_id).where(
        Enrolment.session_id == session.id, Enrolment.status != EnrolmentStatus.CANCELLED
    )
    return select(Volunteer.id).where(Volunteer.state != VolunteerState.STOPPED, Volunteer.id.not_in(taken))


def own_enrolment_ids(volunteer: Volunteer) -> Select[uuid.UUID]:
    """Ids of ``volunteer``'s own enrolments: the ones they may cancel."""
    return select(Enrolment.id).where(Enrolment.volunteer_id == volunteer.id)


class SessionForm(Form):
    """A planned session of one module of an active course; ``courses`` are those courses, for the
    check of the module."""

    course_id = RowId(active_course_ids, required=True)
    module_index = Integer(required=True, minimum=0, maximum=MAX_MODULES - 1)
    starts_at = LocalDateTime(required=True)
    location = String(max_length=200, allow_none=True)
    online = Boolean()
    trainer = String(max_length=120, allow_none=True)
    capacity = Integer(required=True, minimum=1, maximum=500)

    def __init__(self, *, courses: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(**kwargs)
        self.courses = {course.id: course for course in courses}

    @validates_schema
    def _check(self, data: dict[str, Any], **_kwargs: Any) -> None:
        errors: dict[str, list[Any]] = {}
        course = self.courses.get(data.get("course_id"))
        if (
            course is not None
            and data.get("module_index") is not None
            and data["module_index"] >= len(course.modules or [])
        ):
            errors["module_index"] = [L_("Choose one of the course's modules.")]
        if not data.get("online") and not data.get("location"):
            errors["location"] = [L_("Enter the place, or tick that the session is online.")]
        if errors:
            raise ValidationError(errors)


def enrol_form(session: TrainingSession) -> ma.Schema:
    """A coordinator enrols one of the volunteers ``session`` can take."""
    return Form.from_dict(
        {"volunteer_id": RowId(partial(enrolable_volunteer_ids, session), required=True)}, name="EnrolForm"
    )()


class OwnEnrolForm(Form):
    """A volunteer enrols themselves (self-service) in a session of an active course."""

    session_id = RowId(active_course_session_ids, required=True)


def own_cancel_form(volunteer: Volunteer) -> ma.Schema:
    """A volunteer cancels one of their own enrolments (self-service)."""
    return Form.from_dict(
        {"enrolment_id": RowId(partial(own_enrolment_ids, volunteer), required=True)}, name="OwnCancelForm"
    )()


ATTENDANCE_CHOICES = ["attended", "absent"]


def attendance_form(enrolment_ids: list[str]) -> Form:
    """One optional attended/absent choice per seated enrolment, named ``a-<enrolment id>``."""
    fields = {f"a-{eid}": Choice(ATTENDANCE_CHOICES, allow_none=True) for eid in enrolment_ids}
    return Form.from_dict(fields)()  # type: ignore[no-any-return]
