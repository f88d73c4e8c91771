"""The volunteer's home page is their day: their families with the last and the next contact, the
questions they put to their coordinator that are still open, their next training session, their
VOG and who their coordinator is — the most urgent card first.

Everything comes from the lower packages' queries, in a fixed number of statements however many
families the volunteer walks alongside (tested in tests/home/test_volunteer_home.py).

No model holds anything a coordinator addresses to a volunteer (a task or a message), so the
coordinator card shows who to reach and the volunteer's own open questions instead.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from saas.auth.models import User
from tenants.matching.contacts import queries as contact_queries
from tenants.matching.models import Match
from tenants.matching.my_families import queries as my_families
from tenants.matching.states import MatchState
from tenants.matching.vocabulary import Frequency
from tenants.trainings.models import Enrolment
from tenants.trainings.queries import next_enrolment_of
from tenants.volunteers import operations as volunteers
from tenants.volunteers.models import Volunteer
from tenants.volunteers.readiness import VogStatus, add_months, vog_status

#: How long after the last contact (or the start) the next one is due, by the agreed frequency.
_INTERVALS = {Frequency.WEEKLY: timedelta(weeks=1), Frequency.FORTNIGHTLY: timedelta(weeks=2)}


@dataclass(frozen=True)
class FamilyCard:
    match: Match
    #: The latest contact in the match (the volunteer's or a coordinator's), None before the first.
    last_on: date | None
    #: When the next contact is due by the agreement (the introduction's day before the start);
    #: None when the match agrees "when needed" or is not running.
    next_on: date | None
    #: The earliest open "I need my coordinator" of the volunteer in this match.
    asked_on: date | None
    overdue: bool


@dataclass(frozen=True)
class VolunteerDay:
    families: list[FamilyCard]
    enrolment: Enrolment | None
    vog: VogStatus
    coordinators: list[User]
    #: The names of the cards (templates home/volunteer/_<name>.html), most urgent first.
    cards: list[str]


def next_contact_on(match: Match, last_on: date | None) -> date | None:
    """The day the next contact is due: the agreed frequency counted from the last contact (or the
    start); the planned introduction for a match that has not started."""
    if match.state == MatchState.INTRODUCTION:
        return match.introduction_on
    if match.state != MatchState.ACTIVE or match.frequency in (None, Frequency.AS_NEEDED):
        return None
    since = max(day for day in (last_on, match.started_on, match.proposed_on) if day is not None)
    if match.frequency == Frequency.MONTHLY:
        return add_months(since, 1)
    return since + _INTERVALS[match.frequency]


def _family_cards(matches: list[Match], author_id: uuid.UUID, today: date) -> list[FamilyCard]:
    """One card per open match, the most pressing first: an open question, then the visit most overdue."""
    ids = [match.id for match in matches]
    last, asked = contact_queries.last_contact_dates(ids), my_families.open_requests_of(author_id, ids)
    cards = []
    for match in matches:
        next_on = next_contact_on(match, last.get(match.id))
        cards.append(FamilyCard(match, last.get(match.id), next_on, asked.get(match.id),
                                overdue=next_on is not None and next_on < today))
    return sorted(cards, key=lambda c: (c.asked_on is None, c.next_on is None, c.next_on or today))


def _coordinators(matches: list[Match]) -> list[User]:
    """Who coordinates the volunteer's families: each match's coordinator, else the family's."""
    found: dict[uuid.UUID, User] = {}
    for match in matches:
        person = match.coordinator or match.family.coordinator
        if person is not None:
            found.setdefault(person.id, person)
    return sorted(found.values(), key=lambda person: person.name)


def _card_order(vog: VogStatus, families: list[FamilyCard]) -> list[str]:
    """A VOG that has expired or is about to goes first: without it the volunteer cannot continue;
    then the families, the training and the coordinator."""
    vog_first = vog.latest is None or vog.expired or vog.expiring
    order = ["vog"] if vog_first else []
    order += ["families", "training"]
    order += [] if vog_first else ["vog"]
    return [*order, "coordinator"]


def volunteer_day(volunteer: Volunteer, author_id: uuid.UUID, today: date) -> VolunteerDay:
    """The home page of ``volunteer`` (screenings loaded), whose account is ``author_id``."""
    matches = contact_queries.open_matches_of(volunteer.id)
    families = _family_cards(matches, author_id, today)
    vog = vog_status(volunteer, volunteers.policy_for_tenant(), today)
    return VolunteerDay(families, next_enrolment_of(volunteer.id), vog, _coordinators(matches),
                        _card_order(vog, families))
