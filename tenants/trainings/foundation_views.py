"""Foundation pages for the course catalogue (/foundation/courses): staff may look, admins change.

Listed in the front door tenants/trainings/__init__.py. No tenant is bound
here, so reads and writes only ever reach catalogue courses (owner_tenant_id NULL); on PostgreSQL
the course_visibility policy enforces the same.
"""

from __future__ import annotations

import uuid
from functools import partial
from typing import Any

from flask import abort, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from saas.db import db
from saas.foundation.access import foundation_blueprint, require_foundation_admin
from saas.i18n import _
from saas.web import Errors, FormPage
from tenants.trainings import operations
from tenants.trainings.models import Course
from tenants.trainings.schemas import CatalogueCourseForm

bp = foundation_blueprint("courses", __name__, template_folder="templates")
PAGE_SIZE = 25


def _catalogue() -> select:  # type: ignore[valid-type]
    return select(Course).where(Course.owner_tenant_id.is_(None))


def _course_or_404(course_id: uuid.UUID) -> Course:
    course = db.session.scalars(_catalogue().where(Course.id == course_id)).first()
    if course is None:
        abort(404)
    return course


@bp.route("/courses/")
def index() -> str:
    page = db.paginate(
        _catalogue().order_by(Course.is_active.desc(), Course.name, Course.id), per_page=PAGE_SIZE, error_out=False
    )
    return render_template("foundation_courses/index.html", page=page)


def _course_page(course: Course | None) -> FormPage[Any]:
    """The catalogue course form: a new course, or one of the catalogue's."""

    def render(values: Any, errors: Errors) -> str:
        return render_template("foundation_courses/form.html", course=course, values=values, errors=errors)

    if course is None:
        return FormPage(
            CatalogueCourseForm,
            render,
            partial(operations.create_catalogue_course, current_user),
            lambda new: (_("The course %(name)s has been added to the catalogue.", name=new.name), url_for(".index")),
            values=lambda: {"is_active": True},
        )
    return FormPage(
        CatalogueCourseForm,
        render,
        partial(operations.update_catalogue_course, current_user, course),
        lambda _changed: (_("The course %(name)s has been saved.", name=course.name), url_for(".index")),
        values=lambda: CatalogueCourseForm().form_values(course),
    )


@bp.route("/courses/new", methods=["GET", "POST"])
@require_foundation_admin
def create() -> ResponseReturnValue:
    return _course_page(None).respond()


@bp.route("/courses/<uuid:course_id>", methods=["GET", "POST"])
def edit(course_id: uuid.UUID) -> ResponseReturnValue:
    page = _course_page(_course_or_404(course_id))
    if request.method == "GET":
        return page.respond()
    return _save(page)


@require_foundation_admin
def _save(page: FormPage[Any]) -> ResponseReturnValue:
    """Foundation staff may look at a course; only admins change it (staff get 403)."""
    return page.respond()
