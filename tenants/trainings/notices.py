"""Notifications about trainings (the registry: saas.notifications.kinds): a volunteer moved up
from a session's waiting list hears of it at once; enrolled volunteers are reminded the day before
a session (the daily :data:`reminders` job). Only volunteers with an account are told."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from saas.auth.models import User
from saas.clock import local_today, local_zone
from saas.db import db
from saas.jobs.registry import Daily, Details, Job
from saas.notifications import kinds
from saas.notifications.jobs import each_tenant
from saas.notifications.sending import notify, tenant_link
from saas.tenancy.models import Tenant
from tenants.trainings.models import Enrolment, TrainingSession
from tenants.trainings.states import EnrolmentStatus
from tenants.volunteers.models import Volunteer


def _session_params(session: TrainingSession) -> dict[str, Any]:
    local = session.starts_at.astimezone(local_zone())
    return {"course": session.course.name, "starts_on": local.date(), "starts_at": local.strftime("%H:%M")}


def _account_of(volunteer: Volunteer) -> User | None:
    return db.session.get(User, volunteer.user_id) if volunteer.user_id else None


def place_freed(enrolment: Enrolment) -> None:
    """``enrolment`` moved up from the waiting list: tell its volunteer. The key is the moment the
    enrolment was made, so enrolling anew later is a new event and a repeated request is not."""
    notify(kinds.TRAINING_PLACE_FREED, [_account_of(enrolment.volunteer)], subject_id=enrolment.id,
           event_key=f"promoted:{enrolment.created_at.isoformat(timespec='seconds')}",
           link=tenant_link("my_trainings.index"), **_session_params(enrolment.session))


def remind_tomorrow(_tenant: Tenant) -> int:
    """Remind each enrolled volunteer (with an account) of their session tomorrow."""
    tomorrow = local_today() + timedelta(days=1)
    start = datetime.combine(tomorrow, time(0), local_zone())
    # The volunteers and courses in the same statements, not one lookup per enrolment.
    rows = db.session.execute(select(Enrolment, TrainingSession).join(Enrolment.session).where(
        Enrolment.status == EnrolmentStatus.ENROLLED, TrainingSession.starts_at >= start,
        TrainingSession.starts_at < start + timedelta(days=1))
        .options(selectinload(Enrolment.volunteer), selectinload(TrainingSession.course)))
    made = 0
    link = tenant_link("my_trainings.index")
    for enrolment, session in rows:
        made += len(notify(kinds.TRAINING_TOMORROW, [_account_of(enrolment.volunteer)], subject_id=enrolment.id,
                           event_key=tomorrow.isoformat(), link=link, **_session_params(session)))
    return made


def send_reminders() -> Details:
    return each_tenant(remind_tomorrow)


reminders = Job("training_reminders", send_reminders, Daily(hour=8),
                "remind enrolled volunteers of their training session tomorrow")
