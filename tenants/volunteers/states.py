"""The volunteer pipeline: states, allowed moves and exit reasons."""

from __future__ import annotations

from saas.enums import LabelledEnum
from saas.i18n import L_


class VolunteerState(LabelledEnum):
    APPLICANT = "applicant", L_("Applicant")
    INTAKE = "intake", L_("Getting-to-know interview")
    SCREENING = "screening", L_("Screening")
    TRAINING = "training", L_("Basic training")
    AVAILABLE = "available", L_("Available")
    MATCHED = "matched", L_("Matched")
    PAUSED = "paused", L_("Paused")
    STOPPED = "stopped", L_("Stopped")


class ExitReason(LabelledEnum):
    NOT_SUITABLE = "not_suitable", L_("Not suitable after the interview or screening")
    NO_TIME = "no_time", L_("No time any more")
    MOVED = "moved", L_("Moved")
    OTHER_VOLUNTEER_WORK = "other_volunteer_work", L_("Chose other volunteer work")
    PERSONAL = "personal", L_("Personal circumstances")
    NO_CONTACT = "no_contact", L_("No longer reachable")
    OTHER = "other", L_("Other")


class VolunteerKind(LabelledEnum):
    INDIVIDUAL = "individual", L_("Volunteer")
    FAMILY = "family", L_("Volunteer family")


#: Every allowed move. MATCHED and back to AVAILABLE are set by the matching package; stopping is
#: possible from anywhere and needs an exit reason.
TRANSITIONS: dict[VolunteerState, frozenset[VolunteerState]] = {
    VolunteerState.APPLICANT: frozenset({VolunteerState.INTAKE, VolunteerState.STOPPED}),
    VolunteerState.INTAKE: frozenset({VolunteerState.SCREENING, VolunteerState.STOPPED}),
    VolunteerState.SCREENING: frozenset({VolunteerState.TRAINING, VolunteerState.STOPPED}),
    VolunteerState.TRAINING: frozenset({VolunteerState.AVAILABLE, VolunteerState.STOPPED}),
    VolunteerState.AVAILABLE: frozenset({VolunteerState.MATCHED, VolunteerState.PAUSED, VolunteerState.STOPPED}),
    VolunteerState.MATCHED: frozenset({VolunteerState.AVAILABLE, VolunteerState.PAUSED, VolunteerState.STOPPED}),
    VolunteerState.PAUSED: frozenset({VolunteerState.AVAILABLE, VolunteerState.STOPPED}),
    VolunteerState.STOPPED: frozenset(),
}

#: Moves the coordinator does not make by hand: a match starts or ends in the matching package.
SET_BY_MATCHING = frozenset({VolunteerState.MATCHED})

#: States of people still on their way in (the applicant list, with its waiting-time flag).
PIPELINE = frozenset({VolunteerState.APPLICANT, VolunteerState.INTAKE, VolunteerState.SCREENING,
                      VolunteerState.TRAINING})


def can_move(current: VolunteerState, target: VolunteerState) -> bool:
    return target in TRANSITIONS[current]


def manual_moves(current: VolunteerState) -> list[VolunteerState]:
    return [s for s in VolunteerState if s in TRANSITIONS[current] and s not in SET_BY_MATCHING]
