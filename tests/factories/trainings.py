"""Helpers for the trainings tests: courses, sessions, enrolments and completions made directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask import Flask

from saas.db import db, tenant_context, utcnow
from saas.tenancy.models import Tenant
from tenants.trainings.models import Course, CourseCompletion, Enrolment, TrainingSession
from tenants.trainings.states import EnrolmentStatus
from tenants.volunteers.models import Volunteer
from tenants.volunteers.states import VolunteerKind

MODULES = [{"name": "Luisteren", "hours": 2}, {"name": "Grenzen", "hours": 3}]


@dataclass
class TrainingWorld:
    course: Course
    session: TrainingSession
    enrolment: Enrolment
    completion: CourseCompletion


def create_course(app: Flask, owner: Tenant | None = None, **fields: Any) -> Course:
    """A course of ``owner`` (None: the foundation's catalogue), written with that tenant bound
    (on PostgreSQL the course_visibility policy refuses a tenant's course otherwise)."""
    with app.app_context(), tenant_context(db.session, owner.id if owner else None):
        course = Course(owner_tenant_id=owner.id if owner else None, name=fields.pop("name", "Basistraining"),
                        modules=fields.pop("modules", MODULES), **fields)
        db.session.add(course)
        db.session.commit()
    return course


def create_session(app: Flask, tenant: Tenant, course: Course, *, module_index: int = 0,
                   starts_at: datetime | None = None, capacity: int = 10) -> TrainingSession:
    with app.app_context(), tenant_context(db.session, tenant.id):
        session = TrainingSession(course_id=course.id, module_index=module_index, location="Buurthuis",
                                  starts_at=starts_at or utcnow() + timedelta(days=7), trainer="Tess",
                                  capacity=capacity)
        db.session.add(session)
        db.session.commit()
    return session


def create_volunteer(app: Flask, tenant: Tenant, name: str = "Vera", **fields: Any) -> Volunteer:
    with app.app_context(), tenant_context(db.session, tenant.id):
        volunteer = Volunteer(name=name, kind=VolunteerKind.INDIVIDUAL, applied_on=utcnow().date(), **fields)
        db.session.add(volunteer)
        db.session.commit()
    return volunteer


def create_training_world(app: Flask, tenant: Tenant, volunteer: Volunteer) -> TrainingWorld:
    """A tenant course with an upcoming session, ``volunteer`` enrolled and a completion of theirs."""
    course = create_course(app, tenant, name="Eigen cursus", modules=[{"name": "Intro", "hours": 2}])
    session = create_session(app, tenant, course)
    with app.app_context(), tenant_context(db.session, tenant.id):
        enrolment = Enrolment(session_id=session.id, volunteer_id=volunteer.id, status=EnrolmentStatus.ENROLLED)
        completion = CourseCompletion(volunteer_id=volunteer.id, course_id=course.id, completed_on=date(2026, 1, 5),
                                      certificate_number="2026-0001")
        db.session.add_all([enrolment, completion])
        db.session.commit()
    return TrainingWorld(course, session, enrolment, completion)
