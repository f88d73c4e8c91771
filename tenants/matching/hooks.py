"""What happens to matches when a family or a volunteer moves on outside the matching pages.

Connected to the families' and volunteers' ``*_moved`` signals by tenants.matching.contributions,
so those packages need not know about matching: a closed case ends its match; a volunteer who
stops ends theirs and the families go back to the waiting list (the case stays active); a paused
volunteer pauses their running matches.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from saas.auth.models import User
from saas.db import db
from saas.errors import OperationError
from saas.i18n import L_
from tenants.families.models import Family
from tenants.families.states import ENDED, CaseState
from tenants.matching.matches import operations
from tenants.matching.models import Match
from tenants.matching.states import OPEN, EndReason, MatchState
from tenants.volunteers.models import Volunteer
from tenants.volunteers.operations import move as move_volunteer
from tenants.volunteers.states import VolunteerState


def _open_matches_of_volunteer(volunteer: Volunteer) -> list[Match]:
    return list(db.session.scalars(select(Match).where(Match.volunteer_id == volunteer.id, Match.state.in_(OPEN))))


def on_case_moved(actor: User, *, family: Family, previous: CaseState, target: CaseState, **_: Any) -> None:
    match = operations.open_match_of(family)
    if target in ENDED and match is not None:
        operations.end(actor, match, {"end_reason": EndReason.CASE_CLOSED, "ended_on": family.closed_on},
                       move_family=False)
    if target == CaseState.MATCHED and previous == CaseState.CLOSING and match is None:
        raise OperationError(L_("This family has no running match; make a new match from the waiting list."))


def on_volunteer_moved(actor: User, *, volunteer: Volunteer, previous: VolunteerState, target: VolunteerState,
                     **_: Any) -> None:
    matches = _open_matches_of_volunteer(volunteer)
    if target == VolunteerState.STOPPED:
        for match in matches:
            # The case stays active: a matched family waits for another volunteer.
            operations.end(actor, match, {"end_reason": EndReason.VOLUNTEER_STOPPED,
                                          "rematch": match.family.state == CaseState.MATCHED})
    elif target == VolunteerState.PAUSED:
        for match in matches:
            if match.state == MatchState.ACTIVE:
                operations.pause(actor, match)
    elif target == VolunteerState.AVAILABLE and previous == VolunteerState.PAUSED and matches:
        move_volunteer(actor, volunteer, VolunteerState.MATCHED, manual=False)
    elif target == VolunteerState.AVAILABLE and previous == VolunteerState.MATCHED and matches:
        # Only the end of the last match frees a volunteer (operations.end, before this hook runs).
        raise OperationError(L_("This volunteer still walks alongside a family; end the match first."))
