"""Whether a volunteer can take a family now: the one rule the suggestions page shows and proposing
enforces (operations.propose has the final say, with the rows locked).

A volunteer can when they are ready to be matched (a valid VOG, the required courses — the
readiness rules of tenants.volunteers — and a matchable state) and have room: fewer open matches
than the families they said they can walk alongside (``max_families``). The tenant's matching
policy lives here too, so that both the suggestions and the operations can read it.

The rule is written twice, like the volunteers' readiness rules: in Python with the reasons people
read (:func:`ineligibility`), and in SQL (:func:`eligible_condition`), so the suggestions page asks
the database which volunteers can be matched instead of judging every volunteer of the tenant.
tests/matching/test_suggestion_split.py keeps the two the same.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, ScalarSelect, and_, func, select

from saas.db import db
from saas.i18n import _
from saas.tenant_settings import TenantSettings
from tenants.matching.models import Match, MatchingPolicy
from tenants.matching.states import OPEN
from tenants.matching.vocabulary import NeighbourhoodRule
from tenants.trainings.queries import missing_required_courses
from tenants.volunteers import operations as volunteers
from tenants.volunteers.models import ScreeningPolicy, Volunteer
from tenants.volunteers.queries import ready_condition
from tenants.volunteers.readiness import readiness_reasons

MATCHING_POLICY = TenantSettings(MatchingPolicy, neighbourhood_rule=NeighbourhoodRule.PREFER,
                                 contact_warning_days=14, contact_alarm_days=30, waiting_days=60, end_warning_days=60)


def policy_for_tenant() -> MatchingPolicy:
    """The bound tenant's matching policy (its defaults until a manager changes it; never writes)."""
    return MATCHING_POLICY.read()


def open_match_counts(volunteer_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    """How many open matches each volunteer has (their load), in one statement."""
    if not volunteer_ids:
        return {}
    rows = db.session.execute(select(Match.volunteer_id, func.count()).where(
        Match.volunteer_id.in_(volunteer_ids), Match.state.in_(OPEN)).group_by(Match.volunteer_id))
    return {volunteer_id: count for volunteer_id, count in rows}


def open_match_count() -> ScalarSelect[int]:
    """SQL correlated to Volunteer: how many open matches the volunteer has (their load)."""
    return (select(func.count()).select_from(Match)
            .where(Match.tenant_id == Volunteer.tenant_id, Match.volunteer_id == Volunteer.id, Match.state.in_(OPEN))
            .correlate(Volunteer).scalar_subquery())


def has_room() -> ColumnElement[bool]:
    """SQL correlated to Volunteer: fewer open matches than the families they said they can take."""
    return open_match_count() < func.coalesce(Volunteer.max_families, 0)


def eligible_condition(policy: ScreeningPolicy, today: date) -> ColumnElement[bool]:
    """SQL correlated to Volunteer: :func:`ineligibility` gives no reason. Ready is the volunteers'
    own readiness filter (a matchable state, a valid VOG, the registered rules: the required courses
    that :func:`fits` asks tenants.trainings for)."""
    # Room first: most volunteers who cannot take a family are full, and SQLite tries the terms of
    # an AND in order, so the VOG and course lookups run only for those with room.
    return and_(has_room(), ready_condition(policy, today))


def ineligibility(volunteer: Volunteer, load: int, policy: ScreeningPolicy, today: date,
                  missing_courses: list[str]) -> list[str]:
    """Why ``volunteer`` (with ``load`` open matches) cannot be matched now; empty when they can."""
    reasons = readiness_reasons(volunteer, policy, today, missing_courses)
    if load >= (volunteer.max_families or 0):
        reasons.append(_("The volunteer has no room: %(load)s of %(max)s families.", load=load,
                         max=volunteer.max_families or 0))
    return reasons


@dataclass(frozen=True)
class Fit:
    """A volunteer's load and why they cannot be matched now (empty: they can)."""

    load: int
    reasons: list[str]


def fits(candidates: list[Volunteer], today: date) -> dict[uuid.UUID, Fit]:
    """The load and the reasons of each of ``candidates`` (VOGs loaded): three statements however
    many there are."""
    ids = [volunteer.id for volunteer in candidates]
    loads, missing = open_match_counts(ids), missing_required_courses(ids, today)
    policy = volunteers.policy_for_tenant()
    return {volunteer.id: Fit(loads.get(volunteer.id, 0), ineligibility(
        volunteer, loads.get(volunteer.id, 0), policy, today, missing.get(volunteer.id, [])))
        for volunteer in candidates}
