"""Foundation pages for the course catalogue (/foundation/courses): staff may look, admins change.

Listed in the front door tenants/trainings/__init__.py. No tenant is bound
here, so reads and writes only ever reach catalogue courses (owner_tenant_id NULL); on PostgreSQL
the course_visibility policy enforces the same.
"""

from __future__ import annotations

import uuid

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from saas.db import db
from saas.errors import invalid_input
from saas.forms import validate_input
from saas.foundation.access import foundation_blueprint, require_foundation_admin
from saas.i18n import _
from tenants.trainings import operations
from tenants.trainings.models import Course
from tenants.trainings.schemas import CatalogueCourseForm, course_values

bp = foundation_blueprint("courses", __name__, template_folder="templates")
PAGE_SIZE = 25


def _catalogue() -> select:  # type: ignore[valid-type]
    return select(Course).where(Course.owner_tenant_id.is_(None))


def _course_or_404(course_id: uuid.UUID) -> Course:
    course = db.session.scalars(_catalogue().where(Course.id == course_id)).first()
    if course is None:
        abort(404)
    return course


def _values(course: Course) -> dict[str, object]:
    return {**course_values(course), "required_before_first_match": course.required_before_first_match,
            "is_active": course.is_active}


@bp.route("/courses/")
def index() -> str:
    page = db.paginate(_catalogue().order_by(Course.is_active.desc(), Course.name, Course.id), per_page=PAGE_SIZE,
                       error_out=False)
    return render_template("foundation_courses/index.html", page=page)


def _render_form(course: Course | None, values: object, errors: dict[str, object], status: int = 200) -> object:
    return render_template("foundation_courses/form.html", course=course, values=values, errors=errors), status


@bp.route("/courses/new", methods=["GET", "POST"])
@require_foundation_admin
def create() -> ResponseReturnValue:
    if request.method == "GET":
        return _render_form(None, {"is_active": True}, {})
    data, errors = validate_input(CatalogueCourseForm())
    if errors:
        return invalid_input(errors, lambda: _render_form(None, request.form, errors, 422))
    course = operations.create_catalogue_course(current_user, data)
    flash(_("The course %(name)s has been added to the catalogue.", name=course.name), "success")
    return redirect(url_for(".index"))


@bp.route("/courses/<uuid:course_id>", methods=["GET", "POST"])
def edit(course_id: uuid.UUID) -> ResponseReturnValue:
    course = _course_or_404(course_id)
    if request.method == "GET":
        return _render_form(course, _values(course), {})
    return _update(course)


@require_foundation_admin
def _update(course: Course) -> ResponseReturnValue:
    data, errors = validate_input(CatalogueCourseForm())
    if errors:
        return invalid_input(errors, lambda: _render_form(course, request.form, errors, 422))
    operations.update_catalogue_course(current_user, course, data)
    flash(_("The course %(name)s has been saved.", name=course.name), "success")
    return redirect(url_for(".index"))
