"""Demo matches and contact histories, made to agree with the demo families and volunteers.

The families seeder already walked each family through its states ("matched" on some day, back to
"waiting" or on to "closing" later). This seeder reads those timelines and gives every stretch in
"matched" a match with a volunteer, so the numbers on every page agree: open matches for matched
families (mostly active, some proposed, at the introduction or paused), ended ones for closed
families, "rematched" where a family went back to the waiting list. Volunteers end up matched
exactly when they have an open match. Active matches get visits every week or two, a few have gone
quiet (the no-contact signals), a few volunteers asked for their coordinator, and some matches miss
their interim evaluation — so the home page has signals to show.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from saas.auth.models import User
from saas.auth.roles import Role
from saas.clock import local_today
from saas.crypto import seal_text
from saas.db import db
from saas.tenancy.models import Tenant
from tenants.demo_time import local_time
from tenants.families.models import CaseEvent, Family
from tenants.families.states import CaseState
from tenants.matching.contacts.operations import NOTE
from tenants.matching.models import ContactMoment, Match, MatchingPolicy
from tenants.matching.states import OPEN, EndReason, MatchState
from tenants.matching.vocabulary import ContactKind, ContactMode, Frequency, NeighbourhoodRule
from tenants.volunteers.models import Volunteer, VolunteerEvent
from tenants.volunteers.readiness import add_months
from tenants.volunteers.states import VolunteerState

S = CaseState

GOALS = {
    "finances": "Samen de post en rekeningen bijhouden",
    "housing": "Hulp bij het regelen van reparaties met de verhuurder",
    "social_network": "Een paar mensen in de buurt leren kennen",
    "wellbeing": "Af en toe even je verhaal kwijt kunnen",
    "physical_health": "Samen wandelen, één keer per week",
    "parenting": "Rust en ritme rond bedtijd",
    "daily_activities": "Een dagritme met vaste momenten",
    "participation": "Nederlands oefenen in gewone gesprekken",
    "child_development": "Samen naar de bibliotheek en het consultatiebureau",
}
CONTACT_AGREEMENTS = ["WhatsApp, niet na 21:00", "Bellen op doordeweekse avonden", "Berichtje via WhatsApp, "
                      "afspraak op de woensdagmiddag", "Sms of bellen, liever niet in het weekend"]
VISIT_NOTES = [None, None, None, "Samen boodschappen gedaan.", "Gewandeld met de kinderen.",
               "Brieven van de gemeente doorgenomen.", "Koffie gedronken, het gaat wat beter.",
               "Naar de speeltuin geweest.", "Formulier voor de toeslag samen ingevuld."]
FLAG_NOTES = ["Moeder maakt zich zorgen over een brief van de woningcorporatie.",
              "Ik twijfel of ik dit goed aanpak, graag even overleggen."]
ENDED_REASONS = {EndReason.GOALS_REACHED: 60, EndReason.PLANNED_END: 20, EndReason.FAMILY_STOPPED: 8,
                 EndReason.FAMILY_MOVED: 5, EndReason.OTHER: 4}
REMATCH_REASONS = {EndReason.VOLUNTEER_STOPPED: 5, EndReason.NO_CLICK: 4}
OPEN_STATES = {MatchState.ACTIVE: 78, MatchState.PAUSED: 7, MatchState.INTRODUCTION: 8, MatchState.PROPOSED: 7}


@dataclass
class Stretch:
    """A family's time in "matched": from ``start`` until ``end`` (None: still matched), and what came next."""

    family: Family
    start: date
    end: date | None
    after: CaseState | None


def _pick(rng: random.Random, weights: dict[Any, float]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _stretches(families: list[Family]) -> list[Stretch]:
    """Every stretch in "matched" from the families' timelines, oldest first."""
    ids = [family.id for family in families]
    events = db.session.scalars(select(CaseEvent).where(CaseEvent.family_id.in_(ids), CaseEvent.kind == "state_changed")
                                .order_by(CaseEvent.at))
    by_family: dict[Any, list[CaseEvent]] = {}
    for event in events:
        by_family.setdefault(event.family_id, []).append(event)
    stretches = []
    for family in families:
        opened: date | None = None
        for event in by_family.get(family.id, []):
            day = event.at.date()
            if event.to_state == S.MATCHED and opened is None:
                opened = day
            elif opened is not None and event.from_state == S.MATCHED:
                stretches.append(Stretch(family, opened, day, event.to_state))
                opened = None
        if opened is not None:
            stretches.append(Stretch(family, opened, None, None))
    return sorted(stretches, key=lambda stretch: stretch.start)


class Roster:
    """Which volunteer walks with whom: open matches count against the volunteer's maximum."""

    def __init__(self, volunteers: list[Volunteer]) -> None:
        self.volunteers = volunteers
        self.load: dict[Any, int] = {volunteer.id: 0 for volunteer in volunteers}

    def choose(self, rng: random.Random, stretch: Stretch, *, prefer: list[Volunteer]) -> Volunteer | None:
        """A volunteer approved before the stretch began who has room (``prefer`` first)."""
        def fits(volunteer: Volunteer) -> bool:
            approved = volunteer.approved_on is not None and volunteer.approved_on <= stretch.start
            return approved and (stretch.end is not None or self.load[volunteer.id] < volunteer.max_families)

        for group in (prefer, self.volunteers):
            candidates = [volunteer for volunteer in group if fits(volunteer)]
            if candidates:
                chosen = rng.choice(candidates)
                if stretch.end is None:
                    self.load[chosen.id] += 1
                return chosen
        return None


def _match(rng: random.Random, stretch: Stretch, volunteer: Volunteer, today: date) -> Match:
    family = stretch.family
    match = Match(family_id=family.id, volunteer_id=volunteer.id, coordinator_id=family.coordinator_id,
                  proposed_on=stretch.start, frequency=rng.choice([Frequency.WEEKLY, Frequency.WEEKLY,
                                                                   Frequency.FORTNIGHTLY]),
                  contact_agreement=rng.choice(CONTACT_AGREEMENTS),
                  goals={code: GOALS[code] for code in (family.help_domains or ["social_network"])[:3]
                         if code in GOALS})
    if stretch.end is None:
        match.state = _pick(rng, OPEN_STATES) if (today - stretch.start).days > 21 else rng.choice(
            [MatchState.PROPOSED, MatchState.INTRODUCTION, MatchState.ACTIVE])
    else:
        rematch = stretch.after == S.WAITING
        match.state = MatchState.REMATCHED if rematch else MatchState.ENDED
        match.end_reason = _pick(rng, REMATCH_REASONS if rematch else ENDED_REASONS)
        match.ended_on = stretch.end
        match.informal_contact_continues = None if rematch else rng.random() < 0.8
    if match.state != MatchState.PROPOSED:
        match.introduction_on = stretch.start + timedelta(days=rng.randint(3, 10))
    if match.state in (MatchState.ACTIVE, MatchState.PAUSED, MatchState.ENDED, MatchState.REMATCHED):
        match.started_on = min(match.introduction_on + timedelta(days=rng.randint(0, 7)), stretch.end or today)
        match.planned_end_on = add_months(match.started_on, rng.choice([12, 12, 18, 24]))
        due = add_months(match.started_on, 6)
        if due <= (stretch.end or today) and rng.random() < 0.85:
            match.interim_evaluation_on = due + timedelta(days=rng.randint(-10, 20))
    if match.state == MatchState.PAUSED:
        match.paused_on = today - timedelta(days=rng.randint(5, 40))
    match.state_changed_at = local_time(match.ended_on or match.started_on or match.proposed_on, 11 * 60)
    return match


def _visits(rng: random.Random, match: Match, author: User | None, today: date) -> list[ContactMoment]:
    """The volunteer's visits from the start to the end (or to a quiet spell before today)."""
    if match.started_on is None:
        return []
    last = match.ended_on or match.paused_on or today
    if match.state == MatchState.ACTIVE and rng.random() < 0.15:
        last = today - timedelta(days=rng.randint(16, 45))  # gone quiet: a no-contact signal
    visits, day = [], match.started_on + timedelta(days=rng.randint(2, 8))
    step = (6, 9) if match.frequency == Frequency.WEEKLY else (12, 17)
    while day <= last:
        contact = ContactMoment(family_id=match.family_id, match_id=match.id, author_id=author.id if author else None,
                                kind=ContactKind.VISIT, mode=rng.choice([ContactMode.HOME] * 4 + [ContactMode.OUTSIDE,
                                                                                                 ContactMode.PHONE]),
                                happened_on=day, duration_minutes=rng.choice([60, 90, 90, 120, 150]),
                                domains=rng.sample(list(match.goals) or ["social_network"],
                                                   k=min(len(match.goals) or 1, rng.randint(1, 2))))
        contact.id = _new_id(rng)
        contact.note_sealed = seal_text(rng.choice(VISIT_NOTES), NOTE, contact.id)
        contact.created_at = contact.updated_at = local_time(day, rng.randint(17 * 60, 21 * 60))
        visits.append(contact)
        day += timedelta(days=rng.randint(*step))
    return visits


def _new_id(rng: random.Random) -> uuid.UUID:
    """Ids from the seeded generator, so the demo is the same every time."""
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _flag(rng: random.Random, visits: list[ContactMoment], today: date) -> None:
    """The volunteer asked for the coordinator on the latest visit."""
    latest = visits[-1]
    if (today - latest.happened_on).days <= 14:
        latest.needs_coordinator = True
        latest.note_sealed = seal_text(rng.choice(FLAG_NOTES), NOTE, latest.id)


def _settle_volunteers(volunteers: list[Volunteer], open_load: dict[Any, int], actor: User | None,
                       today: date) -> list[VolunteerEvent]:
    """Volunteers are "matched" exactly when they walk with a family now; paused ones stay paused."""
    events = []
    for volunteer in volunteers:
        target = None
        if open_load[volunteer.id] and volunteer.state == VolunteerState.AVAILABLE:
            target = VolunteerState.MATCHED
        elif not open_load[volunteer.id] and volunteer.state == VolunteerState.MATCHED:
            target = VolunteerState.AVAILABLE
        if target is not None:
            events.append(VolunteerEvent(volunteer_id=volunteer.id, actor_id=actor.id if actor else None,
                                         kind="state_changed", from_state=volunteer.state, to_state=target,
                                         at=local_time(today, 9 * 60)))
            volunteer.state = target
    return events


def seed(tenant: Tenant, people: dict[Role, list[User]], rng: random.Random) -> None:
    """Give the demo families' matched stretches their matches and contact histories."""
    today = local_today()
    if db.session.scalars(select(MatchingPolicy)).first() is None:
        db.session.add(MatchingPolicy(neighbourhood_rule=NeighbourhoodRule.PREFER, contact_warning_days=14,
                                      contact_alarm_days=30, waiting_days=60, end_warning_days=60))
    families = list(db.session.scalars(select(Family)))
    volunteers = list(db.session.scalars(select(Volunteer).options(selectinload(Volunteer.user)).where(
        Volunteer.state.in_([VolunteerState.AVAILABLE, VolunteerState.MATCHED, VolunteerState.PAUSED,
                             VolunteerState.STOPPED]))))
    roster = Roster(volunteers)
    # Demo accounts first, so each signed-in volunteer has a family to walk with.
    accounts = [volunteer for volunteer in volunteers if volunteer.user_id and volunteer.state in (
        VolunteerState.AVAILABLE, VolunteerState.MATCHED)]
    current_pool = [volunteer for volunteer in volunteers if volunteer.state == VolunteerState.MATCHED]
    matches, contacts = [], []
    for stretch in sorted(_stretches(families), key=lambda s: (s.end is not None, s.start)):
        waiting_accounts = [volunteer for volunteer in accounts if not roster.load[volunteer.id]]
        volunteer = roster.choose(rng, stretch, prefer=waiting_accounts if stretch.end is None else [])
        if volunteer is None and stretch.end is None:
            volunteer = roster.choose(rng, stretch, prefer=current_pool)
        if volunteer is None:
            continue
        match = _match(rng, stretch, volunteer, today)
        if volunteer.user_id and stretch.end is None:
            match.state = MatchState.ACTIVE  # the demo volunteer can log a visit straight away
            match = _ensure_started(match, stretch, today)
        match.id = _new_id(rng)
        matches.append(match)
        visits = _visits(rng, match, volunteer.user, today)
        if visits and match.state == MatchState.ACTIVE and rng.random() < 0.1:
            _flag(rng, visits, today)
        contacts += visits
    db.session.add_all(matches)
    db.session.flush()
    db.session.add_all(contacts)
    actor = (people.get(Role.COORDINATOR) or people.get(Role.MANAGER) or [None])[0]
    open_load = {volunteer.id: 0 for volunteer in volunteers}
    for match in matches:
        if match.state in OPEN:
            open_load[match.volunteer_id] += 1
    db.session.add_all(_settle_volunteers(volunteers, open_load, actor, today))
    db.session.flush()


def _ensure_started(match: Match, stretch: Stretch, today: date) -> Match:
    match.introduction_on = match.introduction_on or stretch.start
    match.started_on = match.started_on or min(match.introduction_on + timedelta(days=3), today)
    match.planned_end_on = match.planned_end_on or add_months(match.started_on, 12)
    match.paused_on = None
    return match
