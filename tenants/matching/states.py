"""The match lifecycle: proposed → introduction → active ⇄ paused → ended or rematched.

A match is *open* from its proposal until it ends. While a match is open the family is "matched"
and counts against the volunteer's maximum number of families; a family has at most one open
match (also enforced by a partial unique index).
"""

from __future__ import annotations

from saas.enums import LabelledEnum
from saas.i18n import L_


class MatchState(LabelledEnum):
    PROPOSED = "proposed", L_("Proposed")
    INTRODUCTION = "introduction", L_("Introduction meeting")
    ACTIVE = "active", L_("Active")
    PAUSED = "paused", L_("Paused")
    ENDED = "ended", L_("Ended")
    #: Ended, and the family went back to the waiting list for another volunteer.
    REMATCHED = "rematched", L_("Ended, family waits for a new match")

    @property
    def is_open(self) -> bool:
        return self in OPEN


OPEN = frozenset({MatchState.PROPOSED, MatchState.INTRODUCTION, MatchState.ACTIVE, MatchState.PAUSED})
#: Open matches in which the volunteer and the family actually meet (contact is expected).
RUNNING = frozenset({MatchState.ACTIVE})

TRANSITIONS: dict[MatchState, frozenset[MatchState]] = {
    MatchState.PROPOSED: frozenset({MatchState.INTRODUCTION, MatchState.ACTIVE, MatchState.ENDED,
                                    MatchState.REMATCHED}),
    MatchState.INTRODUCTION: frozenset({MatchState.ACTIVE, MatchState.ENDED, MatchState.REMATCHED}),
    MatchState.ACTIVE: frozenset({MatchState.PAUSED, MatchState.ENDED, MatchState.REMATCHED}),
    MatchState.PAUSED: frozenset({MatchState.ACTIVE, MatchState.ENDED, MatchState.REMATCHED}),
    MatchState.ENDED: frozenset(),
    MatchState.REMATCHED: frozenset(),
}


class EndReason(LabelledEnum):
    GOALS_REACHED = "goals_reached", L_("Goals reached")
    PLANNED_END = "planned_end", L_("Planned end reached")
    NO_CLICK = "no_click", L_("No click between family and volunteer")
    VOLUNTEER_STOPPED = "volunteer_stopped", L_("The volunteer stopped")
    FAMILY_STOPPED = "family_stopped", L_("The family stopped")
    FAMILY_MOVED = "family_moved", L_("The family moved")
    PROFESSIONAL_CARE = "professional_care", L_("Professional care needed")
    CASE_CLOSED = "case_closed", L_("The case was closed")
    OTHER = "other", L_("Other")


class VolunteerResponse(LabelledEnum):
    """The volunteer's answer to a proposed match, on their own pages (issue 17)."""

    ACCEPTED = "accepted", L_("Accepted by the volunteer")
    DECLINED = "declined", L_("Declined by the volunteer")


#: The volunteer can answer a proposal until the match starts (also after the introduction meeting).
ANSWERABLE = frozenset({MatchState.PROPOSED, MatchState.INTRODUCTION})


def can_move(current: MatchState, target: MatchState) -> bool:
    return target in TRANSITIONS[current]
