"""Reading courses, sessions, enrolments and completions for the bound tenant.

:func:`visible_courses` is the ONE place where tenant-side code reads the ``courses`` platform
table (see tenants.trainings.models): every other query that touches a course starts from it.
Every function runs a fixed number of statements, however many sessions or enrolments there are.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, and_, case, exists, func, or_, select, true
from sqlalchemy.orm import contains_eager, selectinload

from saas.db import MissingTenant, bound_tenant_id, db, utcnow
from tenants.trainings.models import Course, CourseCompletion, Enrolment, TrainingSession
from tenants.trainings.states import EnrolmentStatus
from tenants.volunteers.models import Volunteer
from tenants.volunteers.states import VolunteerState

PAGE_SIZE = 25
LEARNING_HOURS_DAYS = 365


def visible_courses(*entities: Any) -> Select[Any]:
    """``select(*entities)`` (default: Course) limited to the courses the bound tenant may see:
    the foundation's catalogue and the tenant's own. Raises MissingTenant without a tenant."""
    tenant_id = bound_tenant_id(db.session)
    if tenant_id is None:
        raise MissingTenant("visible_courses() needs a bound tenant")
    statement = select(*(entities or (Course,)))
    return statement.where(or_(Course.owner_tenant_id.is_(None), Course.owner_tenant_id == tenant_id))


def course_choices(*, active_only: bool = True) -> list[Course]:
    statement = visible_courses()
    if active_only:
        statement = statement.where(Course.is_active)
    return list(db.session.scalars(statement.order_by(Course.owner_tenant_id.is_not(None), Course.name, Course.id)))


def visible_course(course_id: Any) -> Course | None:
    try:
        course_id = course_id if isinstance(course_id, uuid.UUID) else uuid.UUID(str(course_id))
    except ValueError:
        return None
    return db.session.scalars(visible_courses().where(Course.id == course_id)).first()


def own_courses() -> list[Course]:
    """The bound tenant's own courses (editable here), newest name order."""
    tenant_id = bound_tenant_id(db.session)
    return list(db.session.scalars(visible_courses().where(Course.owner_tenant_id == tenant_id)
                                   .order_by(Course.name, Course.id)))


def own_course(course_id: uuid.UUID) -> Course | None:
    """One course of the bound tenant's own (None for a catalogue course or another tenant's)."""
    tenant_id = bound_tenant_id(db.session)
    statement = visible_courses().where(Course.id == course_id, Course.owner_tenant_id == tenant_id)
    return db.session.scalars(statement).first()


def _sessions() -> Select[Any]:
    """Sessions with their course loaded through the visibility filter (one statement)."""
    return (visible_courses(TrainingSession).join_from(TrainingSession, Course, TrainingSession.course_id == Course.id)
            .options(contains_eager(TrainingSession.course)))


def session_list(*, upcoming: bool) -> Select[Any]:
    now = utcnow()
    statement = _sessions()
    if upcoming:
        return statement.where(TrainingSession.starts_at >= now).order_by(TrainingSession.starts_at, TrainingSession.id)
    return statement.where(TrainingSession.starts_at < now).order_by(TrainingSession.starts_at.desc(),
                                                                      TrainingSession.id)


def paginate(statement: Select[Any], page: int | None) -> Pagination:
    return db.paginate(statement, page=page or 1, per_page=PAGE_SIZE, error_out=False)


def counts_for(session_ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[str, int]]:
    """Seats taken and waiting per session, in one grouped statement."""
    counts: dict[uuid.UUID, dict[str, int]] = {sid: {"seated": 0, "waiting": 0} for sid in session_ids}
    if not session_ids:
        return counts
    seated = func.sum(case((Enrolment.status.in_(
        [EnrolmentStatus.ENROLLED, EnrolmentStatus.ATTENDED, EnrolmentStatus.ABSENT]), 1), else_=0))
    waiting = func.sum(case((Enrolment.status == EnrolmentStatus.WAITING, 1), else_=0))
    rows = db.session.execute(select(Enrolment.session_id, seated, waiting)
                              .where(Enrolment.session_id.in_(session_ids)).group_by(Enrolment.session_id))
    for session_id, seated_count, waiting_count in rows:
        counts[session_id] = {"seated": int(seated_count or 0), "waiting": int(waiting_count or 0)}
    return counts


def session_detail(session_id: uuid.UUID) -> TrainingSession | None:
    return db.session.scalars(_sessions().where(TrainingSession.id == session_id)).first()


def enrolments_of(session: TrainingSession) -> list[Enrolment]:
    """Every enrolment of ``session`` with its volunteer, in waiting-list order."""
    return list(db.session.scalars(
        select(Enrolment).where(Enrolment.session_id == session.id)
        .options(selectinload(Enrolment.volunteer))
        .order_by(Enrolment.created_at, Enrolment.id)))


def enrolable_volunteers(session: TrainingSession) -> list[Volunteer]:
    """Volunteers of this tenant who have not stopped and are not (still) enrolled in ``session``."""
    taken = select(Enrolment.volunteer_id).where(Enrolment.session_id == session.id,
                                                 Enrolment.status != EnrolmentStatus.CANCELLED)
    return list(db.session.scalars(select(Volunteer).where(Volunteer.state != VolunteerState.STOPPED,
                                                           Volunteer.id.not_in(taken))
                                   .order_by(Volunteer.name, Volunteer.id)))


def completion(completion_id: uuid.UUID) -> CourseCompletion | None:
    """One completion of the bound tenant, with its volunteer and (visible) course."""
    return db.session.scalars(
        visible_courses(CourseCompletion).join_from(CourseCompletion, Course, CourseCompletion.course_id == Course.id)
        .where(CourseCompletion.id == completion_id)
        .options(contains_eager(CourseCompletion.course), selectinload(CourseCompletion.volunteer))).first()


def completions_of(volunteer_id: uuid.UUID) -> list[CourseCompletion]:
    return list(db.session.scalars(
        visible_courses(CourseCompletion).join_from(CourseCompletion, Course, CourseCompletion.course_id == Course.id)
        .where(CourseCompletion.volunteer_id == volunteer_id)
        .options(contains_eager(CourseCompletion.course))
        .order_by(CourseCompletion.completed_on.desc(), CourseCompletion.id)))


def enrolments_of_volunteer(volunteer_id: uuid.UUID) -> list[Enrolment]:
    """A volunteer's enrolments with session and course, newest session first (two statements)."""
    enrolments = list(db.session.scalars(
        select(Enrolment).where(Enrolment.volunteer_id == volunteer_id)
        .join(TrainingSession, and_(TrainingSession.tenant_id == Enrolment.tenant_id,
                                    TrainingSession.id == Enrolment.session_id))
        .options(contains_eager(Enrolment.session))
        .order_by(TrainingSession.starts_at.desc(), Enrolment.id)))
    _load_courses([e.session for e in enrolments])
    return enrolments


def _load_courses(sessions: list[TrainingSession]) -> None:
    """Fill ``session.course`` for sessions loaded without it, through visible_courses (one statement)."""
    ids = {s.course_id for s in sessions}
    if not ids:
        return
    courses = {c.id: c for c in db.session.scalars(visible_courses().where(Course.id.in_(ids)))}
    for session in sessions:
        from sqlalchemy.orm.attributes import set_committed_value

        set_committed_value(session, "course", courses.get(session.course_id))


def open_sessions_for(volunteer_id: uuid.UUID) -> list[TrainingSession]:
    """Upcoming sessions of active courses the volunteer is not (still) enrolled in."""
    taken = select(Enrolment.session_id).where(Enrolment.volunteer_id == volunteer_id,
                                               Enrolment.status != EnrolmentStatus.CANCELLED)
    return list(db.session.scalars(
        _sessions().where(TrainingSession.starts_at >= utcnow(), Course.is_active, TrainingSession.id.not_in(taken))
        .order_by(TrainingSession.starts_at, TrainingSession.id).limit(50)))


def learning_hours(volunteer_ids: list[uuid.UUID]) -> dict[uuid.UUID, float]:
    """Per volunteer: module hours of sessions attended in the last 12 months (one statement)."""
    hours: dict[uuid.UUID, float] = defaultdict(float)
    if not volunteer_ids:
        return hours
    since = utcnow() - timedelta(days=LEARNING_HOURS_DAYS)
    rows = db.session.execute(
        visible_courses(Enrolment.volunteer_id, TrainingSession.module_index, Course.modules)
        .select_from(Enrolment)
        .join(TrainingSession, and_(TrainingSession.tenant_id == Enrolment.tenant_id,
                                    TrainingSession.id == Enrolment.session_id))
        .join(Course, Course.id == TrainingSession.course_id)
        .where(Enrolment.volunteer_id.in_(volunteer_ids), Enrolment.status == EnrolmentStatus.ATTENDED,
               TrainingSession.starts_at >= since, TrainingSession.starts_at <= utcnow()))
    for volunteer_id, index, modules in rows:
        if modules and 0 <= index < len(modules):
            hours[volunteer_id] += float(modules[index].get("hours") or 0)
    return hours


def missing_required_courses(volunteer_ids: list[uuid.UUID], today: date | None = None) -> dict[uuid.UUID, list[str]]:
    """Per volunteer: names of the active foundation courses required before a first match that
    they have no valid completion of (one statement). Volunteers missing nothing are left out."""
    if not volunteer_ids:
        return {}
    from saas.clock import local_today

    day = today or local_today()
    valid_completion = exists().where(
        CourseCompletion.tenant_id == Volunteer.tenant_id, CourseCompletion.volunteer_id == Volunteer.id,
        CourseCompletion.course_id == Course.id,
        or_(CourseCompletion.valid_until.is_(None), CourseCompletion.valid_until >= day))
    rows = db.session.execute(
        visible_courses(Volunteer.id, Course.name)
        .select_from(Volunteer).join(Course, true())  # every volunteer against every required course
        .where(Volunteer.id.in_(volunteer_ids), Course.owner_tenant_id.is_(None), Course.is_active,
               Course.required_before_first_match, ~valid_completion)
        .order_by(Course.name))
    missing: dict[uuid.UUID, list[str]] = defaultdict(list)
    for volunteer_id, name in rows:
        missing[volunteer_id].append(name)
    return dict(missing)


def missing_required_course_condition(today: date) -> Any:
    """SQL, correlated to Volunteer: some required foundation course lacks a valid completion
    (the readiness rule of tenants.trainings.contributions, for the volunteer list's filter)."""
    # Correlated to the outer Volunteer two levels up as well as to the enclosing courses query:
    # auto-correlation reaches only the latter, and would ask whether *any* volunteer completed it.
    valid_completion = exists().where(
        CourseCompletion.tenant_id == Volunteer.tenant_id, CourseCompletion.volunteer_id == Volunteer.id,
        CourseCompletion.course_id == Course.id,
        or_(CourseCompletion.valid_until.is_(None), CourseCompletion.valid_until >= today)).correlate(Volunteer, Course)
    required = (visible_courses(Course.id)
                .where(Course.owner_tenant_id.is_(None), Course.is_active, Course.required_before_first_match,
                       ~valid_completion))
    return required.correlate(Volunteer).exists()


def completed_course_condition(course_id: uuid.UUID, today: date) -> Any:
    """SQL, correlated to Volunteer: a valid completion of ``course_id`` (the list's course filter)."""
    return exists().where(
        CourseCompletion.tenant_id == Volunteer.tenant_id, CourseCompletion.volunteer_id == Volunteer.id,
        CourseCompletion.course_id == course_id,
        or_(CourseCompletion.valid_until.is_(None), CourseCompletion.valid_until >= today))


def volunteer_summary(volunteer_id: uuid.UUID) -> dict[str, Any]:
    """What the volunteer's staff page shows about trainings (a fixed number of statements)."""
    return {"hours": learning_hours([volunteer_id]).get(volunteer_id, 0.0),
            "completions": completions_of(volunteer_id),
            "enrolments": enrolments_of_volunteer(volunteer_id)[:20]}


def next_enrolment_of(volunteer_id: uuid.UUID) -> Enrolment | None:
    """The volunteer's enrolment (seated or on the waiting list) in their soonest upcoming session,
    with session and course, or None (two statements at most: the volunteer's home page)."""
    enrolment = db.session.scalars(
        select(Enrolment).where(Enrolment.volunteer_id == volunteer_id,
                                Enrolment.status.in_([EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITING]))
        .join(TrainingSession, and_(TrainingSession.tenant_id == Enrolment.tenant_id,
                                    TrainingSession.id == Enrolment.session_id))
        .where(TrainingSession.starts_at >= utcnow())
        .options(contains_eager(Enrolment.session))
        .order_by(TrainingSession.starts_at, Enrolment.id).limit(1)).first()
    if enrolment is not None:
        _load_courses([enrolment.session])
    return enrolment
