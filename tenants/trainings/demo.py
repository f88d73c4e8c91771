"""Demo trainings for one tenant (called by saas.demo; listed in the package's front door, after the
volunteers seeder, whose volunteers it trains).

The foundation's catalogue (owner_tenant_id NULL) is shared: the first tenant's run creates it,
later runs find it through visible_courses (a catalogue row passes the course_visibility policy on
PostgreSQL with any tenant bound). Per tenant: one own course, sessions over the last 18 months and
the next 3, and enrolments that fit each volunteer's history: whoever became available attended every
module of the basic training (older training, before the sessions on record, is a completion only;
refreshers keep it valid), volunteers in training follow the current or next round, a full theme
session has a waiting list, and the latest session's attendance is still to be recorded. Completions
follow from the attendance as tenants.trainings.operations.complete_if_done would record them. Rows
are built directly and inserted in bulk, with a deterministic rng; no audit events.
"""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from saas.auth.models import User
from saas.auth.roles import Role
from saas.clock import local_today, local_zone
from saas.db import db
from saas.tenancy.models import Tenant
from tenants.demo_time import local_time
from tenants.trainings.models import Course, CourseCompletion, Enrolment, TrainingSession
from tenants.trainings.queries import visible_courses
from tenants.trainings.states import EnrolmentStatus
from tenants.volunteers.models import Volunteer
from tenants.volunteers.readiness import add_months
from tenants.volunteers.states import VolunteerState

E, S = EnrolmentStatus, VolunteerState
BASIC = "Basistraining Samen Oplopen"
THEME = "Themabijeenkomst hechting"
CATALOGUE = (
    {"name": BASIC, "validity_months": 36, "required_before_first_match": True,
     "description": "De basis voor elke vrijwilliger: vier bijeenkomsten, nodig vóór de eerste koppeling.",
     "modules": [{"name": "Kennismaking en de methodiek", "hours": 3},
                 {"name": "Gesprekstechnieken en grenzen", "hours": 3},
                 {"name": "Signaleren en veiligheid", "hours": 3}, {"name": "Netwerkversterking", "hours": 2.5}]},
    {"name": THEME, "validity_months": None, "required_before_first_match": False,
     "description": "Hoe hechting de ontwikkeling van kinderen kleurt, en wat een maatje kan doen.",
     "modules": [{"name": "Hechting in het gezin", "hours": 2.5}]},
    {"name": "Intervisie voor maatjes", "validity_months": None, "required_before_first_match": False,
     "description": "Met andere vrijwilligers casussen bespreken onder leiding van een coördinator.",
     "modules": [{"name": "Intervisie, deel 1", "hours": 2}, {"name": "Intervisie, deel 2", "hours": 2}]},
)
#: Per tenant: its own course (one module).
OWN_COURSES = {"heusden": ("Geldzorgen herkennen", "Signalen van geldzorgen", 2),
               "zeist": ("Werken met tolken en taalhulp", "Tolken en taalhulp inzetten", 2),
               "papendrecht": ("Samenwerken met het sociaal team", "Het sociaal team en doorverwijzen", 2.5)}
TRAINERS = ["Miriam Koster", "Erik van Dijk", "Nadia Bouzid", "Thijs Hermans", "Ans Wouters"]
PLACES = ["Wijkcentrum De Schakel", "Bibliotheek, zaal 2", "Kantoor Samen Oplopen"]
ROUND_DAYS, CURRENT_ROUND_START = 42, -10  # a round of the basic training: one module a week
OPTIONAL_DAYS = {THEME: [-470, -330, -190, -60, 25], "Intervisie voor maatjes": [-400, -393, -150, -143, 53, 60]}


def _catalogue() -> dict[str, Course]:
    """The foundation's catalogue courses by name, created by the first tenant's run."""
    found = {c.name: c for c in db.session.scalars(visible_courses().where(Course.owner_tenant_id.is_(None)))}
    for spec in CATALOGUE:
        if spec["name"] not in found:
            found[spec["name"]] = Course(id=uuid.uuid4(), owner_tenant_id=None, is_active=True, **spec)
            db.session.add(found[spec["name"]])
    return found


class _Plan:
    """The tenant's sessions and enrolments as they are built, then the completions that follow."""

    def __init__(self, rng: random.Random, tenant: Tenant, today: date) -> None:
        self.rng, self.tenant, self.today = rng, tenant, today
        self.sessions: list[TrainingSession] = []
        self.days: dict[uuid.UUID, date] = {}
        self.seats: dict[uuid.UUID, dict[uuid.UUID, E]] = defaultdict(dict)  # session -> volunteer -> status

    def session(self, course: Course, index: int, offset: int, *, capacity: int | None = None) -> TrainingSession:
        rng, day = self.rng, self.today + timedelta(days=offset)
        online = index > 0 and rng.random() < 0.2
        place = f"{rng.choice(PLACES)}, {rng.choice(list(self.tenant.municipalities) or [self.tenant.name])}"
        session = TrainingSession(id=uuid.uuid4(), course_id=course.id, module_index=index, online=online,
                                  starts_at=local_time(day, rng.choice([19 * 60, 19 * 60 + 30] if day.weekday() < 5
                                                                else [10 * 60])),
                                  location=None if online else place, trainer=rng.choice(TRAINERS),
                                  capacity=capacity or rng.randint(8, 14))
        self.sessions.append(session)
        self.days[session.id] = day
        return session

    def seat(self, session: TrainingSession, volunteer: Volunteer, status: E) -> None:
        if self.days[session.id] > self.today - timedelta(days=7) and status in (E.ATTENDED, E.ABSENT):
            status = E.ENROLLED  # not started, or the attendance is still to be recorded
        self.seats[session.id].setdefault(volunteer.id, status)

    def attended(self, session: TrainingSession, volunteer: Volunteer) -> None:
        self.seat(session, volunteer, E.ABSENT if self.rng.random() < 0.1 else E.ATTENDED)


def _basic(plan: _Plan, course: Course, volunteers: list[Volunteer], history: dict[Any, list[date]]) -> None:
    """Rounds of the basic training; every approved volunteer completed it (and kept it valid)."""
    rng, today = plan.rng, plan.today
    rounds = [[plan.session(course, i, CURRENT_ROUND_START + k * ROUND_DAYS + 7 * i) for i in range(4)]
              for k in range(-12, 3)]
    ends = [plan.days[r[-1].id] for r in rounds]
    current = next(k for k, r in enumerate(rounds) if ends[k] >= today)
    for volunteer in volunteers:
        if volunteer.approved_on is not None:
            end, target = volunteer.stopped_on or today, volunteer.approved_on
            while True:  # the first training, then a refresher when the certificate is about to expire
                k = next((k for k in range(current - 1, -1, -1) if target - timedelta(days=120) <= ends[k] <= target),
                         None)
                if k is None:
                    history[(volunteer.id, course.id)].append(target - timedelta(days=rng.randint(3, 20)))
                    done = history[(volunteer.id, course.id)][-1]
                else:
                    for session in rounds[k]:
                        plan.seat(session, volunteer, E.ATTENDED)
                    if k and rng.random() < 0.12:  # signed up for an earlier round but did not come
                        plan.seat(rounds[k - 1][0], volunteer, E.ABSENT)
                    done = ends[k]
                expires = add_months(done, course.validity_months)
                if expires > end + timedelta(days=60):
                    break
                target = min(end - timedelta(days=1), expires - timedelta(days=rng.randint(10, 60)))
            if volunteer.stopped_on is None and volunteer.user_id is None and expires <= today + timedelta(days=200):
                for session in rounds[current]:  # a refresher in the running round
                    plan.attended(session, volunteer)
        elif volunteer.state == S.TRAINING:  # the running round from where they joined, else the next
            joined = volunteer.state_changed_at.astimezone(local_zone()).date()
            for i in range(4):
                now, later = rounds[current][i], rounds[current + 1][i]
                if plan.days[now.id] >= joined:
                    plan.attended(now, volunteer)
                if plan.seats[now.id].get(volunteer.id, E.ABSENT) == E.ABSENT:
                    plan.seat(later, volunteer, E.ENROLLED)


def _optional(plan: _Plan, course: Course, offsets: list[int], volunteers: list[Volunteer]) -> None:
    """Sessions of an optional course for approved volunteers who had not stopped. Upcoming ones leave
    out the demo accounts (who enrol themselves); the upcoming theme session is full, with a waiting
    list that volunteers in training are on."""
    rng, group, before = plan.rng, [], {}
    for position, offset in enumerate(offsets):
        index, full = position % len(course.modules), course.name == THEME and offset > 0
        session = plan.session(course, index, offset, capacity=8 if full else None)
        day = plan.days[session.id]
        if index:  # the same group goes on with the next module
            group = [v for v in group if before.get(v.id) != E.ABSENT]
        else:
            pool = [v for v in volunteers if (offset < 0 or v.user_id is None) and (
                v.state == S.TRAINING if full and v.approved_on is None else
                v.approved_on and v.approved_on < day and (v.stopped_on is None or v.stopped_on > day))]
            group = rng.sample(pool, k=min(len(pool), 10 if full else rng.randint(3, session.capacity - 3)))
            group.sort(key=lambda v: v.state == S.TRAINING)
        for volunteer in group[:session.capacity]:
            plan.attended(session, volunteer)
        for volunteer in group[session.capacity:]:
            plan.seat(session, volunteer, E.WAITING)
        before = plan.seats[session.id]


def _completions(plan: _Plan, courses: dict[uuid.UUID, Course],
                 history: dict[Any, list[date]]) -> list[CourseCompletion]:
    """A completion each time a volunteer has attended every module of a course since their latest
    completion of it (complete_if_done's rule), and the completions from before the sessions on record."""
    items: dict[Any, list[tuple[date, int | None]]] = defaultdict(list)
    for key, days in history.items():
        items[key] += [(day, None) for day in days]
    for session in plan.sessions:
        for volunteer_id, status in plan.seats[session.id].items():
            if status == E.ATTENDED:
                items[(volunteer_id, session.course_id)].append((plan.days[session.id], session.module_index))
    done: list[tuple[date, uuid.UUID, Course]] = []
    for (volunteer_id, course_id), events in items.items():
        course, latest, modules = courses[course_id], None, set()
        for day, index in sorted(events, key=lambda event: (event[0], event[1] is not None)):
            if index is not None and (latest is None or day > latest):
                modules.add(index)
            if index is None or modules >= set(range(len(course.modules))):
                done.append((day, volunteer_id, course))
                latest, modules = day, set()
    completions, numbers = [], defaultdict(int)
    for day, volunteer_id, course in sorted(done, key=lambda item: (item[0], item[2].name)):  # stable
        numbers[day.year] += 1
        valid = add_months(day, course.validity_months) if course.validity_months else None
        completions.append(CourseCompletion(volunteer_id=volunteer_id, course_id=course.id, completed_on=day,
                                            valid_until=valid, certificate_number=f"{day.year}-{numbers[day.year]:04d}",
                                            created_at=local_time(day, 22 * 60)))
    return completions


def seed(tenant: Tenant, people: dict[Role, list[User]], rng: random.Random) -> None:
    """Fill ``tenant`` (bound to the session) with sessions, enrolments and completions for its
    volunteers (see the module docstring); the catalogue is created by the first tenant's run."""
    catalogue = _catalogue()
    name, module, hours = OWN_COURSES.get(tenant.slug, ("Eigen training", "Bijeenkomst", 2))
    own = Course(id=uuid.uuid4(), owner_tenant_id=tenant.id, name=name, modules=[{"name": module, "hours": hours}],
                 validity_months=None, required_before_first_match=False, is_active=True)
    db.session.add(own)
    db.session.flush()
    volunteers = list(db.session.scalars(select(Volunteer).order_by(Volunteer.applied_on, Volunteer.name)))
    today = local_today()
    plan, history = _Plan(rng, tenant, today), defaultdict(list)
    _basic(plan, catalogue[BASIC], volunteers, history)
    for course in catalogue.values():
        if course.name in OPTIONAL_DAYS:
            _optional(plan, course, OPTIONAL_DAYS[course.name], volunteers)
    _optional(plan, own, [-120, 18], volunteers)
    enrolments = []
    for session in plan.sessions:
        seated = sum(status != E.WAITING for status in plan.seats[session.id].values())
        session.capacity = max(session.capacity, seated)
        for number, (volunteer_id, status) in enumerate(plan.seats[session.id].items()):
            enrolments.append(Enrolment(session_id=session.id, volunteer_id=volunteer_id, status=status,
                                        created_at=session.starts_at - timedelta(days=21, minutes=-7 * number)))
    db.session.add_all(plan.sessions)
    db.session.flush()
    db.session.add_all(enrolments)
    db.session.add_all(_completions(plan, {c.id: c for c in (*catalogue.values(), own)}, history))
    db.session.flush()
