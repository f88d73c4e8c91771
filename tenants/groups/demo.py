"""Demo groups for one tenant (called by saas.demo, right after matching's seeder: tenants.PACKAGES lists
groups after matching, so this draws from the tenant's shared rng where it always has, and uses the
first-1000-days families and the volunteers as the earlier seeders left them).

Per tenant: an online pregnancy group that is running, a mothers' group that has met monthly for
over a year, and an in-person pregnancy group that ended this spring or earlier. Each has one or
two volunteer facilitators (a demo volunteer account facilitates the mothers' group, so signing in
as that volunteer shows it), participants who joined and some who left, monthly sessions with a
theme, and attendance for every past session except the latest (still to be recorded). A few
pregnancy-group participants are linked to the tenant's first-1000-days families. Rows are built
directly, consistent with tenants.groups.schemas' rules, with a deterministic rng; no audit
events (those are for real actions).
"""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from saas.auth.models import User
from saas.auth.roles import Role
from saas.clock import local_today
from saas.db import db
from saas.tenancy.models import Tenant
from tenants.demo_time import local_time
from tenants.families.demo_data import NAMES, ORIGINS
from tenants.families.models import Family
from tenants.families.states import ENDED
from tenants.families.vocabulary import MemberRole, Track
from tenants.groups.models import Group, GroupAttendance, GroupFacilitator, GroupParticipant, GroupSession
from tenants.groups.operations import in_group_on
from tenants.groups.vocabulary import GroupKind
from tenants.volunteers.models import Volunteer
from tenants.volunteers.readiness import MATCHABLE

PREGNANCY_THEMES = ["Kennismaken en verwachtingen", "Gezond eten tijdens de zwangerschap",
                    "De bevalling: wat kun je verwachten", "Borstvoeding en flesvoeding", "De kraamtijd",
                    "Slapen en huilen", "Je netwerk na de geboorte",
                    "Bewegen en ontspannen", "Samen met je partner ouder worden"]
MOTHERS_THEMES = ["Kennismaken", "Slapen en huilen", "Vaste voeding", "Spelen en ontwikkeling", "Tijd voor jezelf",
                  "Naar de peuterspeelzaal", "Taal en voorlezen", "Grenzen stellen", "Geldzaken met een baby",
                  "Uitje naar de kinderboerderij", "Feestelijke afsluiting van het jaar", "Broertjes en zusjes"]
MOTHERS = frozenset(name for names in NAMES.values() for name in names[1])
PARTNERS = ["Kraamzorg De Waarden", "Welzijn {m}", "Centrum voor Jeugd en Gezin {m}", "Verloskundigenpraktijk {m}"]


def _mother_names(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    """``count`` different first names of mothers, of origins weighted as in the family demo, none of
    ``taken`` (as long as the lists have enough names)."""
    origins = list(ORIGINS)
    if count > len(MOTHERS - taken):
        taken = set()
    names: list[str] = []
    while len(names) < count:
        name = rng.choice(NAMES[rng.choices(origins, weights=[ORIGINS[o][0] for o in origins])[0]][1])
        if name not in names and name not in taken:
            names.append(name)
    return names


def _monthly(starts_on: date, last: date) -> list[date]:
    """Meeting days every four weeks from ``starts_on`` up to ``last``."""
    days, day = [], starts_on
    while day <= last:
        days.append(day)
        day += timedelta(days=28)
    return days


class _Builder:
    """The tenant's groups and their rows as they are built."""

    def __init__(self, rng: random.Random, tenant: Tenant, today: date) -> None:
        self.rng, self.tenant, self.today = rng, tenant, today
        self.rows: list[Any] = []

    def group(self, name: str, kind: GroupKind, starts_on: date, ends_on: date | None, coordinator: User | None,
              frequency: str, municipality: str | None) -> Group:
        partner = self.rng.choice(PARTNERS).format(m=municipality or self.tenant.municipalities[0])
        group = Group(id=uuid.uuid4(), name=name, kind=kind, municipality=municipality, partner_organisation=partner,
                      coordinator_id=coordinator.id if coordinator else None, starts_on=starts_on, ends_on=ends_on,
                      meeting_frequency=frequency, created_at=local_time(starts_on - timedelta(days=30), 10 * 60))
        self.rows.append(group)
        return group

    def sessions(self, group: Group, themes: list[str]) -> list[GroupSession]:
        last = group.ends_on or self.today + timedelta(days=45)  # a running group has its next session planned
        days = _monthly(group.starts_on, min(last, self.today + timedelta(days=45)))
        sessions = [GroupSession(id=uuid.uuid4(), group_id=group.id, held_on=day, theme=themes[n % len(themes)],
                                 created_at=local_time(group.starts_on - timedelta(days=20), 11 * 60 + n))
                    for n, day in enumerate(days)]
        self.rows += sessions
        return sessions

    def participant(self, group: Group, first_name: str, joined_on: date, *, due: date | None = None,
                    born: date | None = None, family: Family | None = None) -> GroupParticipant:
        participant = GroupParticipant(
            id=uuid.uuid4(), group_id=group.id, family_id=family.id if family else None, first_name=first_name,
            due_date=due, child_birth_date=born, joined_on=joined_on,
            intake_on=joined_on - timedelta(days=self.rng.randint(4, 21)))
        self.rows.append(participant)
        return participant

    def attendance(self, sessions: list[GroupSession], participants: list[GroupParticipant]) -> None:
        """Attendance of every past session but the latest, about four in five present."""
        past = [s for s in sessions if s.held_on <= self.today]
        for session in past[:-1]:
            self.rows += [GroupAttendance(session_id=session.id, participant_id=p.id, present=self.rng.random() < 0.8)
                          for p in participants if in_group_on(p, session.held_on)]


def _pregnant(builder: _Builder, group: Group, names: list[str], families: list[Family]) -> list[GroupParticipant]:
    """Expectant mothers: half start with the group, the others join in its first months; babies born
    before today have a birth date. Up to two first-1000-days families whose baby was due two to
    seven months after a day the mother could join are linked, under the mother's name."""
    rng, today, people = builder.rng, builder.today, []
    last_join = min(group.ends_on or today, today) - timedelta(days=28)
    linked = _take(families, lambda due: group.starts_on + timedelta(days=60) <= due <= last_join + timedelta(days=200))
    for number, invented in enumerate(names):
        later = rng.randint(0, max(0, (last_join - group.starts_on).days)) if number % 2 else 0
        joined, name, family = group.starts_on + timedelta(days=later), invented, None
        due = joined + timedelta(days=rng.randint(60, 200))
        if number < len(linked):
            family = linked[number]
            due, name = family.expected_due_date, _mother(family)
            joined = max(group.starts_on, min(last_join, due - timedelta(days=rng.randint(60, 200))))
        born = due + timedelta(days=rng.randint(-14, 10))
        people.append(builder.participant(group, name, joined, due=due, born=born if born <= today else None,
                                          family=family))
    return people


def _mothers(builder: _Builder, group: Group, names: list[str], families: list[Family]) -> list[GroupParticipant]:
    """Mothers of babies of one to ten months who join over the year; a few leave (moved, back to work).
    Up to two first-1000-days families whose baby was born in time are linked, under the mother's name."""
    rng, today, people = builder.rng, builder.today, []
    last_join = today - timedelta(days=30)
    linked = _take(families, lambda due: group.starts_on - timedelta(days=280) <= due <= last_join - timedelta(days=30))
    for number, invented in enumerate(names):
        later = rng.randint(20, max(21, (last_join - group.starts_on).days))
        joined, name, family = group.starts_on + timedelta(days=rng.choice([0, 0, 0, later])), invented, None
        born = joined - timedelta(days=rng.randint(30, 300))
        if number < len(linked):
            family = linked[number]
            born, name = family.expected_due_date, _mother(family)
            joined = max(group.starts_on, min(last_join, born + timedelta(days=rng.randint(30, 200))))
        participant = builder.participant(group, name, joined, born=born, family=family)
        if family is None and rng.random() < 0.2 and (today - joined).days > 90:
            participant.left_on = joined + timedelta(days=rng.randint(60, (today - joined).days - 1))
        people.append(participant)
    return people


def _mother(family: Family) -> str:
    """The first name of the family's mother (a parent with a mother's name in the demo's lists)."""
    return next(m.first_name for m in family.members if m.role == MemberRole.PARENT and m.first_name in MOTHERS)


def _take(families: list[Family], due_fits: Any) -> list[Family]:
    """Up to two families with a mother and an expected due date for which ``due_fits``, taken out
    of ``families`` (a family takes part in one group)."""
    chosen = [f for f in families if f.expected_due_date is not None and due_fits(f.expected_due_date)
              and any(m.role == MemberRole.PARENT and m.first_name in MOTHERS for m in f.members)][:2]
    for family in chosen:
        families.remove(family)
    return chosen


def seed(tenant: Tenant, people: dict[Role, list[User]], rng: random.Random) -> None:
    """Add the demo groups to ``tenant`` (bound to the session); see the module docstring."""
    today = local_today()
    coordinators = people.get(Role.COORDINATOR) or people.get(Role.MANAGER) or [None]
    volunteers = list(db.session.scalars(select(Volunteer).where(Volunteer.state.in_(MATCHABLE))
                                         .order_by(Volunteer.applied_on, Volunteer.name)))
    accounts = {user.id for user in people.get(Role.VOLUNTEER, [])}
    own = [v for v in volunteers if v.user_id in accounts]
    others = [v for v in volunteers if v.user_id not in accounts]
    families = list(db.session.scalars(
        select(Family).where(Family.track == Track.FIRST_1000_DAYS, Family.state.not_in(ENDED))
        .options(selectinload(Family.members)).order_by(Family.case_year, Family.case_seq)))
    rng.shuffle(families)
    municipality = tenant.municipalities[0] if tenant.municipalities else None
    builder = _Builder(rng, tenant, today)
    # Invented names differ from the linked mothers', so no list shows one first name twice.
    sizes = [rng.randint(6, 9), rng.randint(8, 11), rng.randint(5, 8)]
    names = iter(_mother_names(rng, sum(sizes), {m.first_name for f in families for m in f.members}))

    online = builder.group("Zwangerengroep online", GroupKind.PREGNANCY_ONLINE, today - timedelta(days=130),
                           today + timedelta(days=110), rng.choice(coordinators),
                           "Elke vier weken, woensdagavond (online)", None)
    mothers = builder.group(f"Moedergroep {municipality or tenant.name}", GroupKind.MOTHERS,
                            today - timedelta(days=400), None, rng.choice(coordinators),
                            "Elke vier weken, dinsdagochtend", municipality)
    ended = builder.group("Zwangerengroep voorjaar", GroupKind.PREGNANCY_LIVE, today - timedelta(days=420),
                          today - timedelta(days=220), rng.choice(coordinators), "Elke vier weken, donderdagmiddag",
                          municipality)
    plan = [(online, PREGNANCY_THEMES, _pregnant(builder, online, [next(names) for _ in range(sizes[0])], families)),
            (mothers, MOTHERS_THEMES, _mothers(builder, mothers, [next(names) for _ in range(sizes[1])], families)),
            (ended, PREGNANCY_THEMES, _pregnant(builder, ended, [next(names) for _ in range(sizes[2])], []))]
    facilitators = {mothers.id: own[:1], online.id: [], ended.id: []}
    for group, _themes, _people in plan:
        wanted = rng.randint(1, 2) - len(facilitators[group.id])
        pool = [v for v in others if all(v not in chosen for chosen in facilitators.values())] or [
            v for v in others if v not in facilitators[group.id]]  # few volunteers: one may run two groups
        facilitators[group.id] += rng.sample(pool, k=min(max(0, wanted), len(pool)))
    for group, themes, participants in plan:
        sessions = builder.sessions(group, themes)
        builder.attendance(sessions, participants)
        builder.rows += [GroupFacilitator(group_id=group.id, volunteer_id=v.id) for v in facilitators[group.id]]
    # Groups first, then what points at them (by foreign key only, so the flush cannot order them).
    order = (Group, GroupParticipant, GroupSession, GroupFacilitator, GroupAttendance)
    for model in order:
        db.session.add_all([row for row in builder.rows if isinstance(row, model)])
        db.session.flush()
