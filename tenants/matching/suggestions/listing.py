"""Whom the suggestions page offers a waiting family, best first, and who cannot be matched now and why.

The database tells the volunteers who can be matched from those who cannot
(tenants.matching.eligibility.eligible_condition), so a tenant with 1,500 volunteers costs little
more than one with 60: only those who can be matched are scored, from the columns the score reads
(:class:`Candidate`) rather than whole volunteers; of the others only the INELIGIBLE_SHOWN the page
lists are loaded, with what their reasons need, and the rest are counted. The number of statements
does not grow with the volunteers.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields
from datetime import date

from sqlalchemy import ColumnElement, func, not_, select
from sqlalchemy.orm import joinedload, selectinload

from saas.clock import local_today
from saas.db import db
from tenants.families.models import Family
from tenants.families.vocabulary import Gender
from tenants.matching import eligibility
from tenants.matching.scoring import Score, score_against, wishes_of
from tenants.matching.vocabulary import NeighbourhoodRule
from tenants.trainings.queries import missing_required_courses
from tenants.volunteers import operations as volunteers
from tenants.volunteers.models import ScreeningPolicy, Volunteer
from tenants.volunteers.readiness import MATCHABLE

#: The page lists at most this many ineligible volunteers (with a count of the rest).
INELIGIBLE_SHOWN = 20


@dataclass(slots=True)
class Candidate:
    """A volunteer who can be matched, as the page scores (a scoring.Profile) and shows them: a few
    columns rather than a whole Volunteer, in plain attributes, which the score reads often."""

    id: uuid.UUID
    name: str
    user_id: uuid.UUID | None
    languages: list[str] | None
    municipality: str | None
    neighbourhood: str | None
    postcode: str | None
    day_parts: list[str] | None
    max_families: int | None
    experience_domains: list[str] | None
    preferred_tracks: list[str] | None
    preferred_child_age_min: int | None
    preferred_child_age_max: int | None
    gender: Gender | None


#: The columns of Volunteer a Candidate is made of, in the order of its fields.
_CANDIDATE_COLUMNS = tuple(getattr(Volunteer, field.name) for field in fields(Candidate))


@dataclass(frozen=True, slots=True)
class Named:
    """A volunteer who cannot be matched now, as the page lists them: the two values it shows
    rather than a whole Volunteer."""

    id: uuid.UUID
    name: str


@dataclass(frozen=True)
class Suggestion:
    volunteer: Candidate | Named
    load: int
    #: None for a volunteer who cannot be matched now: only those who can are scored.
    score: Score | None
    reasons: tuple[str, ...]

    @property
    def eligible(self) -> bool:
        return not self.reasons


@dataclass(frozen=True)
class SuggestionList:
    #: Eligible volunteers, best score first.
    eligible: list[Suggestion]
    #: Ineligible volunteers by name, at most INELIGIBLE_SHOWN; ``more_ineligible`` counts the rest.
    ineligible: list[Suggestion]
    more_ineligible: int
    neighbourhood_rule: NeighbourhoodRule


def suggestions_for(family: Family, today: date | None = None) -> SuggestionList:
    """Every volunteer in a matchable state for ``family`` (members and intake loaded): those who
    can be matched scored and ranked, the first others by name with their reasons."""
    today = today or local_today()
    rule = eligibility.policy_for_tenant().neighbourhood_rule
    policy = volunteers.policy_for_tenant()
    eligible = eligibility.eligible_condition(policy, today)
    ranked = _ranked(family, rule, eligible, today)
    shown, not_eligible = _not_eligible(eligible, policy, today, len(ranked))
    return SuggestionList(ranked, shown, not_eligible - len(shown), rule)


def _ranked(family: Family, rule: NeighbourhoodRule, eligible: ColumnElement[bool], today: date) -> list[Suggestion]:
    """The volunteers who can be matched, scored for ``family``: the best score first; with equal
    scores the one with the most room, then by name (the order of the statement; the sort is stable)."""
    rows = db.session.execute(select(*_CANDIDATE_COLUMNS, eligibility.open_match_count())
                              .where(Volunteer.state.in_(MATCHABLE), eligible).order_by(Volunteer.name, Volunteer.id))
    wishes = wishes_of(family, today, rule)
    ranked = []
    for *columns, load in rows:
        candidate = Candidate(*columns)
        ranked.append((score_against(wishes, candidate, load), load, candidate))
    ranked.sort(key=lambda scored: (-scored[0].total, scored[1] - (scored[2].max_families or 0)))
    return [Suggestion(candidate, load, score, ()) for score, load, candidate in ranked]


def _not_eligible(eligible: ColumnElement[bool], policy: ScreeningPolicy, today: date,
                  eligible_count: int) -> tuple[list[Suggestion], int]:
    """The first INELIGIBLE_SHOWN volunteers by name who cannot be matched now, with their reasons,
    and how many cannot in all: the volunteers in a matchable state less the ``eligible_count``
    who can (the database counts them once, rather than testing every one against the rule again)."""
    matchable = select(func.count()).select_from(Volunteer).where(Volunteer.state.in_(MATCHABLE)).scalar_subquery()
    rows = db.session.execute(
        select(Volunteer, eligibility.open_match_count(), matchable)
        .where(Volunteer.state.in_(MATCHABLE), not_(eligible))
        .options(joinedload(Volunteer.screenings))  # one statement, where selectinload would send a second
        .order_by(Volunteer.name, Volunteer.id).limit(INELIGIBLE_SHOWN)).unique().all()
    missing = missing_required_courses([volunteer.id for volunteer, _load, _matchable in rows], today)
    shown = [Suggestion(Named(volunteer.id, volunteer.name), load, None, tuple(eligibility.ineligibility(
        volunteer, load, policy, today, missing.get(volunteer.id, [])))) for volunteer, load, _matchable in rows]
    return shown, rows[0][2] - eligible_count if rows else 0


def candidate(volunteer_id: uuid.UUID) -> Volunteer | None:
    """One volunteer of the bound tenant (any state; proposing explains why not) with their VOGs."""
    return db.session.scalars(select(Volunteer).where(Volunteer.id == volunteer_id)
                              .options(selectinload(Volunteer.screenings))).first()
