"""What trainings adds to volunteers, which never imports trainings: the readiness rule "the
required courses before a first match", the volunteer list's "Course completed" filter and the
trainings panel on the volunteer page. Called once by saas.packages.contribute_all while the app is
built (the package's front door names it)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from flask import render_template
from sqlalchemy import ColumnElement

from saas.db import db
from saas.forms import String
from saas.i18n import L_
from tenants.panels import add_panel
from tenants.trainings import queries
from tenants.trainings.models import Course
from tenants.volunteers.list_filters import ListFilter, add_list_filter
from tenants.volunteers.models import Volunteer
from tenants.volunteers.readiness import required_course_reason
from tenants.volunteers.readiness_rules import ReadinessRule, add_readiness_rule


def required_course_reasons(volunteer_ids: list[uuid.UUID], today: date) -> dict[uuid.UUID, list[str]]:
    """Per volunteer, one reason for each required course without a valid completion (one statement)."""
    return {volunteer_id: [required_course_reason(name) for name in names]
            for volunteer_id, names in queries.missing_required_courses(volunteer_ids, today).items()}


#: The foundation's active courses marked "required before a first match" need a valid completion.
REQUIRED_COURSES = ReadinessRule(reasons=required_course_reasons,
                                 unmet_condition=queries.missing_required_course_condition)


def course_options() -> list[tuple[Any, Any]]:
    """The course filter's options: any course, or one of the active courses the tenant sees."""
    courses = db.session.execute(queries.visible_courses(Course.id, Course.name).where(Course.is_active)
                                 .order_by(Course.name))
    return [("", L_("Any or none")), *((course_id, name) for course_id, name in courses)]


def completed_course(value: str, today: date) -> ColumnElement[bool] | None:
    """SQL for the course filter: a valid completion of the chosen course. A malformed id filters
    nothing away (the form offers only the visible courses; a hand-edited link still shows a list)."""
    try:
        course_id = uuid.UUID(value)
    except ValueError:
        return None
    return queries.completed_course_condition(course_id, today)


COURSE_COMPLETED = ListFilter(name="course", label=L_("Course completed"), field=String(max_length=36, allow_none=True),
                              options=course_options, condition=completed_course)


def trainings_panel(volunteer: Volunteer) -> str:
    """Learning hours, completed courses (with certificates) and sessions of ``volunteer``."""
    return render_template("trainings/_volunteer_panel.html", training=queries.volunteer_summary(volunteer.id))


def contribute() -> None:
    add_readiness_rule(REQUIRED_COURSES)
    add_list_filter(COURSE_COMPLETED)
    add_panel("volunteer-qualifications", trainings_panel)
