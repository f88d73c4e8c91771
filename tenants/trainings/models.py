"""Courses, training sessions, enrolments and course completions.

Deviation from the tenant-table recipe (saas.db.tenant): ``courses`` is a PLATFORM table, not
TenantScoped, because the catalogue is shared. ``owner_tenant_id`` NULL is a course of the
foundation's catalogue (edited only at /foundation/courses); otherwise the course belongs to that
tenant and is visible and editable only there. The ORM guard does not cover a platform table, so:

* every tenant-side read goes through :func:`tenants.trainings.queries.visible_courses`, which adds
  ``owner_tenant_id IS NULL OR owner_tenant_id = <bound tenant>`` (the only place that condition is
  written), and writes check the owner in tenants.trainings.operations;
* on PostgreSQL the migration puts ``courses`` under its own row-level-security policy
  (``course_visibility``: the same condition against ``app.tenant_id``, ENABLE + FORCE), so raw SQL
  cannot see or write another tenant's course either. Foundation pages run without a tenant bound
  and therefore see (and can write) only catalogue courses.

The references from tenant rows to a course (``course_id``) are plain foreign keys: the database
cannot enforce that the course is visible to the tenant, so operations validate it.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from saas.db import TenantScoped, db, enum_type, tenant_fk, utcnow
from tenants.trainings.states import EnrolmentStatus
from tenants.volunteers.models import Volunteer


class Course(db.Model):
    """A course (training type) with its modules: the foundation's or one tenant's own."""

    __tablename__ = "courses"
    #: Every organisation's pages read it: a change raises every tenant's data version.
    feeds_every_tenant = True
    __table_args__ = (sa.Index(None, "owner_tenant_id", "name"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    #: None: the foundation's catalogue course; else the tenant that made (and alone sees) it.
    owner_tenant_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("tenants.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str | None] = mapped_column(sa.String(2000))
    #: ``[{"name": str, "hours": number}, ...]``; a session teaches one module (by index).
    modules: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    #: A completion is valid this many months; None: it never expires.
    validity_months: Mapped[int | None]
    #: Only meaningful for foundation courses: volunteers need it before their first match.
    required_before_first_match: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def is_foundation_course(self) -> bool:
        return self.owner_tenant_id is None

    @property
    def total_hours(self) -> float:
        return sum(float(module.get("hours") or 0) for module in self.modules or [])

    def module_name(self, index: int) -> str:
        modules = self.modules or []
        return str(modules[index]["name"]) if 0 <= index < len(modules) else "?"

    def module_hours(self, index: int) -> float:
        modules = self.modules or []
        return float(modules[index].get("hours") or 0) if 0 <= index < len(modules) else 0.0


class TrainingSession(TenantScoped, db.Model):
    """One meeting teaching one module of a course, planned by a tenant."""

    __tablename__ = "training_sessions"
    __table_args__ = (sa.Index(None, "tenant_id", "starts_at"), sa.Index(None, "tenant_id", "course_id"),
                      sa.CheckConstraint("capacity >= 1", name="capacity_positive"),
                      sa.CheckConstraint("module_index >= 0", name="module_index_not_negative"))

    course_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("courses.id", ondelete="RESTRICT"))
    module_index: Mapped[int] = mapped_column(default=0)
    starts_at: Mapped[datetime]
    location: Mapped[str | None] = mapped_column(sa.String(200))
    online: Mapped[bool] = mapped_column(default=False)
    trainer: Mapped[str | None] = mapped_column(sa.String(120))
    capacity: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    course: Mapped[Course] = relationship()

    @property
    def module_name(self) -> str:
        return self.course.module_name(self.module_index)

    @property
    def hours(self) -> float:
        return self.course.module_hours(self.module_index)


class Enrolment(TenantScoped, db.Model):
    """A volunteer's place in a session (or on its waiting list), and later their attendance."""

    __tablename__ = "enrolments"
    __table_args__ = (tenant_fk("session_id", "training_sessions", ondelete="CASCADE"),
                      tenant_fk("volunteer_id", "volunteers", ondelete="CASCADE"),
                      sa.UniqueConstraint("tenant_id", "session_id", "volunteer_id"),
                      sa.Index(None, "tenant_id", "volunteer_id"))

    session_id: Mapped[uuid.UUID]
    volunteer_id: Mapped[uuid.UUID]
    status: Mapped[EnrolmentStatus] = mapped_column(enum_type(EnrolmentStatus, "enrolment_status"),
                                                    default=EnrolmentStatus.ENROLLED)
    #: Also the order of the waiting list.
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # Read-only: both composite keys share tenant_id, so the ids are set, never the objects.
    session: Mapped[TrainingSession] = relationship(viewonly=True)
    volunteer: Mapped[Volunteer] = relationship(viewonly=True)


class CourseCompletion(TenantScoped, db.Model):
    """A volunteer completed every module of a course: the basis of a certificate."""

    __tablename__ = "course_completions"
    __table_args__ = (tenant_fk("volunteer_id", "volunteers", ondelete="CASCADE"),
                      sa.UniqueConstraint("tenant_id", "volunteer_id", "course_id", "completed_on"),
                      sa.UniqueConstraint("tenant_id", "certificate_number"))

    volunteer_id: Mapped[uuid.UUID]
    course_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("courses.id", ondelete="RESTRICT"))
    completed_on: Mapped[date]
    #: None: valid for ever (the course has no validity period).
    valid_until: Mapped[date | None]
    #: "<year>-<sequence>", unique in the tenant, e.g. "2026-0007".
    certificate_number: Mapped[str] = mapped_column(sa.String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    course: Mapped[Course] = relationship()
    volunteer: Mapped[Volunteer] = relationship()

    def is_valid_on(self, day: date) -> bool:
        return self.valid_until is None or self.valid_until >= day
