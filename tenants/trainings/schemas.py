"""Input for trainings: a course with its modules, a session, an enrolment and the attendance list.
Tenant-dependent choices (visible courses, the tenant's volunteers) are passed in when the form is built."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import marshmallow as ma
from marshmallow import ValidationError, validates_schema

from saas.forms import REQUIRED, Boolean, Choice, Form, Integer, LocalDateTime, String
from saas.i18n import L_

MAX_MODULES = 30
MAX_MODULE_HOURS = 100


class ModuleLines(ma.fields.Field):
    """The modules of a course: one "name | hours" per line of a text area (or a JSON list of
    ``{"name", "hours"}``); at least one, hours more than 0 and at most 100."""

    default_error_messages = {
        "required": REQUIRED, "null": REQUIRED,
        "empty": L_("Enter at least one module."),
        "too_many": L_("Enter at most {max} modules."),
        "line": L_("Line {line}: write the module name, a | and the hours, for example \"Listening | 2\"."),
        "hours": L_("Line {line}: the hours must be more than 0 and at most {max}."),
        "name": L_("Line {line}: the module name can have at most 120 characters."),
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[dict[str, Any]]:
        if isinstance(value, list):
            lines = [f"{item.get('name', '')} | {item.get('hours', '')}" if isinstance(item, dict) else str(item)
                     for item in value]
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


def modules_text(modules: list[dict[str, Any]]) -> str:
    """The modules as the form's text area shows them."""
    return "\n".join(f"{m['name']} | {m['hours']}" for m in modules or [])


def course_values(course: Any) -> dict[str, Any]:
    """A course's fields as CourseForm shows them (the catalogue form adds its own)."""
    return {"name": course.name, "description": course.description, "modules": modules_text(course.modules),
            "validity_months": course.validity_months}


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


class SessionForm(Form):
    """A planned session of one module of a visible course."""

    course_id = Choice([], required=True)
    module_index = Integer(required=True, minimum=0, maximum=MAX_MODULES - 1)
    starts_at = LocalDateTime(required=True)
    location = String(max_length=200, allow_none=True)
    online = Boolean()
    trainer = String(max_length=120, allow_none=True)
    capacity = Integer(required=True, minimum=1, maximum=500)

    def __init__(self, *, courses: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(**kwargs)
        self.courses = {str(course.id): course for course in courses}
        self.fields["course_id"].choices = list(self.courses)

    @validates_schema
    def _check(self, data: dict[str, Any], **_kwargs: Any) -> None:
        errors: dict[str, list[Any]] = {}
        course = self.courses.get(str(data.get("course_id")))
        if course is not None and data.get("module_index") is not None \
                and data["module_index"] >= len(course.modules or []):
            errors["module_index"] = [L_("Choose one of the course's modules.")]
        if not data.get("online") and not data.get("location"):
            errors["location"] = [L_("Enter the place, or tick that the session is online.")]
        if errors:
            raise ValidationError(errors)


class EnrolForm(Form):
    """A coordinator enrols one of the tenant's volunteers."""

    volunteer_id = Choice([], required=True)

    def __init__(self, *, volunteer_ids: list[str] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(**kwargs)
        self.fields["volunteer_id"].choices = list(volunteer_ids)


class OwnEnrolForm(Form):
    """A volunteer enrols themselves (self-service): the session by id, checked against the tenant."""

    session_id = ma.fields.UUID(required=True, error_messages={"required": REQUIRED, "invalid": REQUIRED})


class OwnCancelForm(Form):
    enrolment_id = ma.fields.UUID(required=True, error_messages={"required": REQUIRED, "invalid": REQUIRED})


ATTENDANCE_CHOICES = ["attended", "absent"]


def attendance_form(enrolment_ids: list[str]) -> Form:
    """One optional attended/absent choice per seated enrolment, named ``a-<enrolment id>``."""
    fields = {f"a-{eid}": Choice(ATTENDANCE_CHOICES, allow_none=True) for eid in enrolment_ids}
    return Form.from_dict(fields)()  # type: ignore[no-any-return]
