"""The volunteer's answer to a proposed match, and the coordinator asking again (issue 17).

The volunteer accepts or declines (with a reason) on their own pages; the coordinator reads the
answer on the match page. An answer is given once: the same answer again (a double click, a second
tab) changes nothing, and a different one is refused until the coordinator asks again. The answer
does not move the match: the coordinator still starts it, or ends the proposal and proposes another
volunteer. Each function takes the acting person, only flushes, and writes the family's timeline
and the tenant's audit log; the reason is sealed and goes into neither.
"""

from __future__ import annotations

from typing import cast

from saas.audit.operations import record
from saas.auth.models import User
from saas.crypto import open_text, seal_text
from saas.db import utcnow
from saas.errors import OperationError
from saas.i18n import L_
from tenants.families import operations as families
from tenants.matching import notices
from tenants.matching.matches.operations import lock_row
from tenants.matching.models import Match
from tenants.matching.states import VolunteerResponse

#: Purpose of the sealed decline reason (it may say something personal about the volunteer).
DECLINE_REASON = "match_decline_reason"
def _locked(match: Match) -> Match:
    """The match as it is now, locked: two submits at once answer one after the other."""
    return cast("Match", lock_row(Match, match.id))


def _check_answerable(match: Match) -> None:
    if not match.is_proposal:
        raise OperationError(L_("This proposal can no longer be answered: the match is %(state)s.",
                                state=match.state.label))


def _answer(actor: User, match: Match, response: VolunteerResponse, reason: str | None = None) -> Match:
    match = _locked(match)
    if match.volunteer_response == response:
        return match  # answered already (a double click): nothing changes, the first answer stands
    _check_answerable(match)
    if match.volunteer_response is not None:
        raise OperationError(L_("You have already answered this proposal (%(answer)s). To change your answer, "
                                "ask your coordinator.", answer=match.volunteer_response.label))
    match.volunteer_response, match.responded_at = response, utcnow()
    match.decline_reason_sealed = seal_text(reason, DECLINE_REASON, match.id)
    families.add_event(actor, match.family, "match_volunteer_" + response.value, match=str(match.id))
    record(actor, "match.volunteer_answered", match, response=response.value)
    notices.volunteer_answered(match)
    return match


def accept(actor: User, match: Match) -> Match:
    """The volunteer accepts the proposal."""
    return _answer(actor, match, VolunteerResponse.ACCEPTED)


def decline(actor: User, match: Match, reason: str) -> Match:
    """The volunteer declines the proposal, saying why (``reason``, required by the form)."""
    if not reason.strip():
        raise OperationError(L_("Say why you decline, in a few words."), field="reason")
    return _answer(actor, match, VolunteerResponse.DECLINED, reason.strip())


def ask_again(actor: User, match: Match) -> None:
    """The coordinator talked with the volunteer and asks for their answer again: the earlier
    answer (and its reason) is cleared, so the volunteer can answer anew."""
    match = _locked(match)
    _check_answerable(match)
    if match.volunteer_response is None:
        raise OperationError(L_("The volunteer has not answered yet."))
    previous = match.volunteer_response
    match.volunteer_response, match.responded_at, match.decline_reason_sealed = None, None, None
    families.add_event(actor, match.family, "match_volunteer_asked_again", match=str(match.id))
    record(actor, "match.volunteer_asked_again", match, previous=previous.value)


def decline_reason(match: Match) -> str | None:
    return open_text(match.decline_reason_sealed, DECLINE_REASON, match.id)
