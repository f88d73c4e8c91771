"""The case state machine: which states exist, which moves are allowed, which need a reason."""

from __future__ import annotations

from saas.enums import LabelledEnum
from saas.i18n import L_


class CaseState(LabelledEnum):
    REFERRED = "referred", L_("Referred")
    INTAKE_PLANNED = "intake_planned", L_("Intake planned")
    INTAKE_DONE = "intake_done", L_("Intake done")
    WAITING = "waiting", L_("Waiting for a match")
    MATCHED = "matched", L_("Matched")
    CLOSING = "closing", L_("Closing")
    CLOSED = "closed", L_("Closed")
    NOT_ACCEPTED = "not_accepted", L_("Not accepted")
    REFERRED_ELSEWHERE = "referred_elsewhere", L_("Referred elsewhere")
    WITHDRAWN = "withdrawn", L_("Withdrawn")

    @property
    def is_open(self) -> bool:
        return self not in ENDED


ENDED = frozenset({CaseState.CLOSED, CaseState.NOT_ACCEPTED, CaseState.REFERRED_ELSEWHERE, CaseState.WITHDRAWN})

#: Every allowed move. Planning and recording the intake and closing a case have their own
#: forms (they record more than a state); the rest go through the generic transition form.
TRANSITIONS: dict[CaseState, frozenset[CaseState]] = {
    CaseState.REFERRED: frozenset({CaseState.INTAKE_PLANNED, CaseState.NOT_ACCEPTED, CaseState.REFERRED_ELSEWHERE,
                                   CaseState.WITHDRAWN}),
    CaseState.INTAKE_PLANNED: frozenset({CaseState.INTAKE_DONE, CaseState.REFERRED, CaseState.WITHDRAWN}),
    CaseState.INTAKE_DONE: frozenset({CaseState.WAITING, CaseState.NOT_ACCEPTED, CaseState.REFERRED_ELSEWHERE,
                                      CaseState.WITHDRAWN}),
    CaseState.WAITING: frozenset({CaseState.MATCHED, CaseState.CLOSING, CaseState.CLOSED, CaseState.WITHDRAWN}),
    CaseState.MATCHED: frozenset({CaseState.WAITING, CaseState.CLOSING, CaseState.CLOSED}),
    CaseState.CLOSING: frozenset({CaseState.CLOSED, CaseState.MATCHED}),
    CaseState.CLOSED: frozenset(),
    CaseState.NOT_ACCEPTED: frozenset(),
    CaseState.REFERRED_ELSEWHERE: frozenset(),
    CaseState.WITHDRAWN: frozenset(),
}

#: Moves made through their own form, not the generic "change state" form. MATCHED is set by
#: the matching package when a match starts.
DEDICATED_FORMS = frozenset({CaseState.INTAKE_PLANNED, CaseState.INTAKE_DONE, CaseState.MATCHED, CaseState.CLOSED})

#: Target states that must say why.
NEEDS_REASON = frozenset({CaseState.NOT_ACCEPTED, CaseState.REFERRED_ELSEWHERE, CaseState.WITHDRAWN,
                          CaseState.REFERRED})

#: States a case waits in for a match, and is on the coordinator's active caseload.
CASELOAD = frozenset({CaseState.REFERRED, CaseState.INTAKE_PLANNED, CaseState.INTAKE_DONE, CaseState.WAITING,
                      CaseState.MATCHED, CaseState.CLOSING})


def can_move(current: CaseState, target: CaseState) -> bool:
    return target in TRANSITIONS[current]


def is_dedicated(current: CaseState, target: CaseState) -> bool:
    """True for moves made through their own form. Going back from closing to matched (closing
    began too early; the match still runs) is an ordinary step, unlike starting a match."""
    if current == CaseState.MATCHED and target == CaseState.WAITING:
        return True  # by ending the match with "the family waits for a new match"
    return target in DEDICATED_FORMS and not (current == CaseState.CLOSING and target == CaseState.MATCHED)


def generic_moves(current: CaseState) -> list[CaseState]:
    """The moves offered on the generic form, in a stable order."""
    return [state for state in CaseState if state in TRANSITIONS[current] and not is_dedicated(current, state)]
