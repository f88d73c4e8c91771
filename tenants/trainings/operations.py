"""Every write in trainings: courses (the foundation's catalogue and a tenant's own), sessions,
enrolments with the waiting list, attendance and the course completions it leads to.

Each function takes the acting person and only flushes. Tenant writes go to the tenant's audit log;
the foundation's catalogue changes (no tenant bound) go to the platform log.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import func, select

from saas.audit.operations import record, record_platform
from saas.auth.models import User
from saas.clock import local_zone
from saas.db import bound_tenant_id, db, utcnow
from saas.errors import OperationError
from saas.i18n import L_
from tenants.trainings import notices, queries
from tenants.trainings.models import Course, CourseCompletion, Enrolment, TrainingSession
from tenants.trainings.states import ACTIVE, SEATED, EnrolmentStatus
from tenants.volunteers.models import Volunteer, VolunteerEvent
from tenants.volunteers.readiness import add_months
from tenants.volunteers.states import VolunteerState

COURSE_FIELDS = ("name", "description", "modules", "validity_months")
CATALOGUE_FIELDS = (*COURSE_FIELDS, "required_before_first_match", "is_active")
SESSION_FIELDS = ("module_index", "starts_at", "location", "online", "trainer", "capacity")


# Courses ------------------------------------------------------------------------------------


def create_catalogue_course(actor: User, data: dict[str, Any]) -> Course:
    """A course of the foundation's catalogue (foundation pages; no tenant bound)."""
    if bound_tenant_id(db.session) is not None:
        raise OperationError(L_("Only the foundation can change its catalogue."))
    course = Course(owner_tenant_id=None, is_active=True,
                    **{key: data.get(key) for key in CATALOGUE_FIELDS if key != "is_active"})
    course.required_before_first_match = bool(data.get("required_before_first_match"))
    db.session.add(course)
    db.session.flush()
    record_platform("course.created", user=actor, course=str(course.id), name=course.name)
    return course


def update_catalogue_course(actor: User, course: Course, data: dict[str, Any]) -> list[str]:
    if not course.is_foundation_course or bound_tenant_id(db.session) is not None:
        raise OperationError(L_("Only the foundation can change its catalogue."))
    changed = sorted(key for key in CATALOGUE_FIELDS if key in data and getattr(course, key) != data[key])
    for key in changed:
        setattr(course, key, data[key])
    if changed:
        record_platform("course.updated", user=actor, course=str(course.id), fields=changed)
    return changed


def create_own_course(actor: User, data: dict[str, Any]) -> Course:
    """A course of the bound tenant only (never required before a first match)."""
    tenant_id = bound_tenant_id(db.session)
    if tenant_id is None:
        raise OperationError(L_("This course belongs to no organisation."))
    course = Course(owner_tenant_id=tenant_id, required_before_first_match=False, is_active=True,
                    **{key: data.get(key) for key in COURSE_FIELDS})
    db.session.add(course)
    db.session.flush()
    record(actor, "training.course_created", course, name=course.name)
    return course


def _check_own(course: Course) -> None:
    if course.owner_tenant_id is None or course.owner_tenant_id != bound_tenant_id(db.session):
        raise OperationError(L_("Only the organisation that made this course can change it."))


def update_own_course(actor: User, course: Course, data: dict[str, Any]) -> list[str]:
    """Change a course of the bound tenant (never one of the catalogue or another tenant's)."""
    _check_own(course)
    changed = sorted(key for key in COURSE_FIELDS if key in data and getattr(course, key) != data[key])
    for key in changed:
        setattr(course, key, data[key])
    if changed:
        db.session.flush()
        record(actor, "training.course_updated", course, fields=changed)
    return changed


def set_own_course_active(actor: User, course: Course, active: bool) -> bool:
    """(De)activate a course of the bound tenant: an inactive course cannot be planned or enrolled
    in by volunteers; its sessions, enrolments and completions stay. Returns whether it changed."""
    _check_own(course)
    if course.is_active == active:
        return False
    course.is_active = active
    db.session.flush()
    record(actor, "training.course_reactivated" if active else "training.course_deactivated", course,
           name=course.name)
    return True


# Sessions -----------------------------------------------------------------------------------


def plan_session(actor: User, data: dict[str, Any]) -> TrainingSession:
    course = queries.visible_course(data["course_id"])
    if course is None or not course.is_active:
        raise OperationError(L_("Choose one of the courses."))
    if not 0 <= data["module_index"] < len(course.modules or []):
        raise OperationError(L_("Choose one of the course's modules."))
    values = {key: data.get(key) for key in SESSION_FIELDS}
    values["online"] = bool(values["online"])
    session = TrainingSession(course_id=course.id, **values)
    session.course = course
    db.session.add(session)
    db.session.flush()
    record(actor, "training.session_planned", session, course=str(course.id), module=session.module_index,
           starts_at=session.starts_at.isoformat())
    return session


def _lock(session: TrainingSession) -> None:
    """Serialise enrolments of one session (PostgreSQL row lock; SQLite locks the database)."""
    db.session.execute(select(TrainingSession.id).where(TrainingSession.id == session.id).with_for_update())


def _seated_count(session: TrainingSession) -> int:
    return db.session.scalar(select(func.count()).select_from(Enrolment).where(
        Enrolment.session_id == session.id, Enrolment.status.in_(SEATED))) or 0


# Enrolments ---------------------------------------------------------------------------------


def enrol(actor: User, session: TrainingSession, volunteer: Volunteer, *, retroactive: bool = False) -> Enrolment:
    """Enrol ``volunteer``; when the session is full, on its waiting list (status WAITING).

    Refused for a session that has started (unless ``retroactive``: staff registering a session
    afterwards, so its attendance can be recorded; never self-service), a volunteer who stopped, or
    one already enrolled or waiting. A cancelled enrolment is taken up again, at the end of the
    waiting-list order.
    """
    started = session.starts_at <= utcnow()
    if started and not retroactive:
        raise OperationError(L_("This session has already started; enrolling is closed."))
    if volunteer.state == VolunteerState.STOPPED:
        raise OperationError(L_("%(name)s has stopped and cannot be enrolled.", name=volunteer.name))
    _lock(session)
    enrolment = db.session.scalars(select(Enrolment).where(
        Enrolment.session_id == session.id, Enrolment.volunteer_id == volunteer.id)).first()
    if enrolment is not None and enrolment.status in ACTIVE:
        raise OperationError(L_("%(name)s is already enrolled in this session.", name=volunteer.name))
    status = EnrolmentStatus.WAITING if _seated_count(session) >= session.capacity else EnrolmentStatus.ENROLLED
    if enrolment is None:
        enrolment = Enrolment(session_id=session.id, volunteer_id=volunteer.id, status=status)
        db.session.add(enrolment)
    else:
        enrolment.status, enrolment.created_at = status, utcnow()
    db.session.flush()
    record(actor, "training.enrolled", enrolment, session=str(session.id), volunteer=str(volunteer.id),
           status=status.value, **({"retroactive": True} if started else {}))
    return enrolment


def cancel(actor: User, enrolment: Enrolment) -> Enrolment | None:
    """Cancel an enrolment (or a place on the waiting list); a freed seat goes to the first on the
    waiting list, who is returned (or None)."""
    if enrolment.status not in (EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITING):
        raise OperationError(L_("Only an enrolment or a place on the waiting list can be cancelled."))
    session = enrolment.session
    if session.starts_at <= utcnow():
        raise OperationError(L_("This session has already started; record the attendance instead."))
    _lock(session)
    previous = enrolment.status
    enrolment.status = EnrolmentStatus.CANCELLED
    db.session.flush()
    record(actor, "training.cancelled", enrolment, session=str(session.id), volunteer=str(enrolment.volunteer_id),
           was=previous.value)
    if previous != EnrolmentStatus.ENROLLED or _seated_count(session) >= session.capacity:
        return None
    first = db.session.scalars(select(Enrolment).where(
        Enrolment.session_id == session.id, Enrolment.status == EnrolmentStatus.WAITING)
        .order_by(Enrolment.created_at, Enrolment.id).limit(1)).first()
    if first is not None:
        first.status = EnrolmentStatus.ENROLLED
        db.session.flush()
        record(actor, "training.promoted", first, session=str(session.id), volunteer=str(first.volunteer_id))
        notices.place_freed(first)
    return first


# Attendance and completions -------------------------------------------------------------------


def record_attendance(actor: User, session: TrainingSession,
                      marks: dict[uuid.UUID, EnrolmentStatus]) -> list[CourseCompletion]:
    """Mark seated enrolments attended or absent (after the start); returns new completions."""
    if session.starts_at > utcnow():
        raise OperationError(L_("Attendance can be recorded once the session has started."))
    if any(status not in (EnrolmentStatus.ATTENDED, EnrolmentStatus.ABSENT) for status in marks.values()):
        raise OperationError(L_("Choose attended or absent."))
    enrolments = {e.id: e for e in db.session.scalars(select(Enrolment).where(
        Enrolment.session_id == session.id, Enrolment.status.in_(SEATED)))}
    changed: list[Enrolment] = []
    for enrolment_id, status in marks.items():
        enrolment = enrolments.get(enrolment_id)
        if enrolment is None:
            raise OperationError(L_("This enrolment is not on the attendance list."))
        if enrolment.status != status:
            enrolment.status = status
            changed.append(enrolment)
    db.session.flush()
    if changed:
        record(actor, "training.attendance_recorded", session,
               attended=sorted(str(e.volunteer_id) for e in changed if e.status == EnrolmentStatus.ATTENDED),
               absent=sorted(str(e.volunteer_id) for e in changed if e.status == EnrolmentStatus.ABSENT))
    completions = []
    for enrolment in changed:
        if enrolment.status == EnrolmentStatus.ATTENDED:
            done = complete_if_done(actor, enrolment.volunteer_id, session.course)
            if done is not None:
                completions.append(done)
    return completions


def _local_date(moment: Any) -> date:
    return moment.astimezone(local_zone()).date()


def complete_if_done(actor: User | None, volunteer_id: uuid.UUID, course: Course) -> CourseCompletion | None:
    """Record a completion when the volunteer attended every module of ``course`` since their
    latest completion of it (a refresher counts again); at most one per round of modules."""
    latest = db.session.scalar(select(func.max(CourseCompletion.completed_on)).where(
        CourseCompletion.volunteer_id == volunteer_id, CourseCompletion.course_id == course.id))
    rows = db.session.execute(
        select(TrainingSession.module_index, TrainingSession.starts_at)
        .join(Enrolment, (Enrolment.tenant_id == TrainingSession.tenant_id)
              & (Enrolment.session_id == TrainingSession.id))
        .where(Enrolment.volunteer_id == volunteer_id, Enrolment.status == EnrolmentStatus.ATTENDED,
               TrainingSession.course_id == course.id, TrainingSession.starts_at <= utcnow())).all()
    attended = [(index, _local_date(starts)) for index, starts in rows
                if latest is None or _local_date(starts) > latest]
    if not course.modules or not set(range(len(course.modules))) <= {index for index, _day in attended}:
        return None
    completed_on = max(day for _index, day in attended)
    valid_until = add_months(completed_on, course.validity_months) if course.validity_months else None
    completion = CourseCompletion(volunteer_id=volunteer_id, course_id=course.id, completed_on=completed_on,
                                  valid_until=valid_until, certificate_number=_next_certificate_number(completed_on))
    db.session.add(completion)
    db.session.add(VolunteerEvent(volunteer_id=volunteer_id, actor_id=actor.id if actor else None,
                                  kind="course_completed", details={
                                      "course": course.name, "certificate": completion.certificate_number}))
    db.session.flush()
    record(actor, "training.course_completed", completion, course=str(course.id), volunteer=str(volunteer_id),
           certificate=completion.certificate_number)
    return completion


def _next_certificate_number(day: date) -> str:
    prefix = f"{day.year}-"
    used = db.session.scalars(select(CourseCompletion.certificate_number).where(
        CourseCompletion.certificate_number.like(prefix + "%"))).all()
    sequence = max((int(n[len(prefix):]) for n in used if n[len(prefix):].isdigit()), default=0) + 1
    return f"{prefix}{sequence:04d}"
