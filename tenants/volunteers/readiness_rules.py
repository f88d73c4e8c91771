"""Readiness rules that packages above volunteers add: what a volunteer needs before a match that
this package does not know about. Trainings adds "the required courses before a first match" from
its contribute(); volunteers never imports it, it asks the rules registered here.

A rule answers the same question twice: in Python, with the reasons people read (for a whole page
of volunteers at once, so a list sends one statement per rule however many rows it shows), and in
SQL, so the list's readiness filter runs in the database and pagination counts the right rows.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, not_, true

from tenants.volunteers.models import ScreeningPolicy, Volunteer
from tenants.volunteers.readiness import readiness_reasons


@dataclass(frozen=True)
class ReadinessRule:
    """One more requirement before a volunteer may be matched."""

    #: ``reasons(volunteer_ids, today)``: per volunteer, why the rule is not met (sentences shown to
    #: coordinators and to the volunteer); volunteers who meet it are left out. One statement at most.
    reasons: Callable[[list[uuid.UUID], date], dict[uuid.UUID, list[str]]]
    #: ``unmet_condition(today)``: SQL correlated to Volunteer, true when the rule is not met.
    unmet_condition: Callable[[date], ColumnElement[bool]]


_RULES: list[ReadinessRule] = []


def add_readiness_rule(rule: ReadinessRule) -> None:
    """Register ``rule`` (from a package's contribute(); registering it again changes nothing)."""
    if rule not in _RULES:
        _RULES.append(rule)


def unmet_reasons(volunteer_ids: list[uuid.UUID], today: date) -> dict[uuid.UUID, list[str]]:
    """Per volunteer, why the registered rules are not met, rule by rule in order of registration;
    volunteers who meet them all are left out. Without volunteers no rule is asked (no statement)."""
    unmet: dict[uuid.UUID, list[str]] = {}
    if not volunteer_ids:
        return unmet
    for rule in _RULES:
        for volunteer_id, reasons in rule.reasons(volunteer_ids, today).items():
            unmet.setdefault(volunteer_id, []).extend(reasons)
    return unmet


def reasons_per_volunteer(volunteers: Sequence[Volunteer], policy: ScreeningPolicy,
                          today: date) -> dict[uuid.UUID, list[str]]:
    """Why each of ``volunteers`` (VOGs loaded) cannot be matched now, empty when ready: the
    screening rules (readiness.readiness_reasons), then the registered rules, asked once for all."""
    unmet = unmet_reasons([volunteer.id for volunteer in volunteers], today)
    return {volunteer.id: [*readiness_reasons(volunteer, policy, today), *unmet.get(volunteer.id, [])]
            for volunteer in volunteers}


def rules_met_condition(today: date) -> ColumnElement[bool]:
    """SQL correlated to Volunteer: every registered rule is met (true when none is registered)."""
    return and_(true(), *(not_(rule.unmet_condition(today)) for rule in _RULES))
