"""Every write to a match: proposing it, its steps, agreements, the interim evaluation, ending it,
and the tenant's matching policy.

A match moves the family and the volunteer with it: a proposal makes the family "matched" and
counts against the volunteer's room; the end puts the family back on the waiting list (rematch)
or into closing, and frees the volunteer. Each function takes the acting person, only flushes,
and writes the family's and volunteer's timelines and the tenant's audit log.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from blinker import Namespace
from sqlalchemy import select

from saas.audit.operations import record
from saas.auth.models import User
from saas.clock import local_today
from saas.crypto import open_text, seal_text
from saas.db import db, utcnow
from saas.errors import OperationError
from saas.i18n import L_
from tenants.families import operations as families
from tenants.families.models import Family
from tenants.families.states import CaseState
from tenants.families.states import can_move as can_move_case
from tenants.matching import eligibility, scoring
from tenants.matching.eligibility import MATCHING_POLICY
from tenants.matching.models import Match, MatchingPolicy
from tenants.matching.states import OPEN, MatchState, can_move
from tenants.volunteers import operations as volunteers
from tenants.volunteers.models import Volunteer
from tenants.volunteers.readiness import add_months
from tenants.volunteers.states import VolunteerState

#: A match runs at least six months and at most two years (the methodology's bounds).
MIN_MONTHS, MAX_MONTHS = 6, 24
#: The planned end when the start form leaves it empty.
DEFAULT_MONTHS = 12
#: The interim evaluation is due this many months after the start.
EVALUATION_MONTHS = 6
#: Purpose of the sealed end note (it may say why, in health or safety terms).
END_NOTE = "match_end_note"
AGREEMENT_FIELDS = ("frequency", "goals", "contact_agreement", "planned_end_on", "coordinator_id")
#: Sent when a match is proposed and after every step, as ``match_moved.send(actor, match=…,
#: previous=…, target=…)`` (previous is None for a proposal); notifications listen
#: (tenants.matching.notices).
match_moved = Namespace().signal("match-moved")
POLICY_FIELDS = ("neighbourhood_rule", "contact_warning_days", "contact_alarm_days", "waiting_days",
                 "end_warning_days")


def update_policy(actor: User, data: dict[str, Any]) -> MatchingPolicy:
    policy = MATCHING_POLICY.for_update()
    if data.get("contact_alarm_days", policy.contact_alarm_days) <= data.get(
            "contact_warning_days", policy.contact_warning_days):
        raise OperationError(L_("The second contact signal must come later than the first."))
    changed = sorted(key for key in POLICY_FIELDS if key in data and getattr(policy, key) != data[key])
    for key in changed:
        setattr(policy, key, data[key])
    if changed:
        record(actor, "match.policy_updated", policy, **{key: str(data[key]) for key in changed})
    return policy


def open_match_of(family: Family) -> Match | None:
    return db.session.scalars(select(Match).where(Match.family_id == family.id, Match.state.in_(OPEN))).first()


def _family_refusals(family: Family) -> list[str]:
    """Why this family cannot be matched now (the volunteer's side is eligibility.fits)."""
    reasons: list[str] = []
    if family.state != CaseState.WAITING:
        reasons.append(str(L_("The family is not waiting for a match (%(state)s).") % {"state": family.state.label}))
    if open_match_of(family) is not None:
        reasons.append(str(L_("The family already has a match.")))
    return reasons


def lock_row(model: type, row_id: Any) -> Any:
    """Reload ``row_id`` with a row lock, so two proposals at once wait for each other."""
    # populate_existing: check the row as it is now, not as this request first loaded it.
    return db.session.scalars(select(model).where(model.id == row_id).with_for_update()
                              .execution_options(populate_existing=True)).one()


def propose(actor: User, family: Family, volunteer: Volunteer, *, coordinator_id: Any = None) -> Match:
    """Propose ``volunteer`` for ``family``: the family is matched and the volunteer's room taken.
    The match keeps the score the suggestions page showed, computed again here with the rows locked."""
    family, volunteer = lock_row(Family, family.id), lock_row(Volunteer, volunteer.id)
    today = local_today()
    fit = eligibility.fits([volunteer], today)[volunteer.id]
    reasons = [*_family_refusals(family), *fit.reasons]
    if reasons:
        raise OperationError(L_("This match is not possible: %(reasons)s", reasons=" ".join(reasons)))
    score = scoring.score(family, volunteer, fit.load, eligibility.policy_for_tenant(), today)
    match = Match(family_id=family.id, volunteer_id=volunteer.id, state=MatchState.PROPOSED, proposed_on=today,
                  coordinator_id=coordinator_id or family.coordinator_id or actor.id, score=score.total,
                  score_details=score.as_details())
    db.session.add(match)
    db.session.flush()
    families.move(actor, family, CaseState.MATCHED, match=str(match.id), volunteer=volunteer.name)
    if volunteer.state == VolunteerState.AVAILABLE:
        volunteers.move(actor, volunteer, VolunteerState.MATCHED, manual=False)
    volunteers.add_event(actor, volunteer, "match_proposed", family=family.case_number, match=str(match.id))
    record(actor, "match.proposed", match, family=str(family.id), volunteer=str(volunteer.id), score=score.total)
    match_moved.send(actor, match=match, previous=None, target=MatchState.PROPOSED)
    return match


def _check_move(match: Match, target: MatchState) -> None:
    """Refuse a step the match's state does not allow, before anything is changed."""
    if not can_move(match.state, target):
        raise OperationError(L_("This step is not possible from the current state."))


def _set_state(actor: User, match: Match, target: MatchState, **details: Any) -> None:
    _check_move(match, target)
    previous = match.state
    match.state, match.state_changed_at = target, utcnow()
    families.add_event(actor, match.family, "match_" + target.value, match=str(match.id), **details)
    record(actor, "match.state_changed", match, old=previous.value, new=target.value)
    match_moved.send(actor, match=match, previous=previous, target=target)


def plan_introduction(actor: User, match: Match, day: date) -> None:
    """Record the getting-to-know meeting of family, volunteer and coordinator."""
    if match.state not in (MatchState.PROPOSED, MatchState.INTRODUCTION):
        raise OperationError(L_("This step is not possible from the current state."))
    if day < match.proposed_on:
        raise OperationError(L_("The introduction cannot be before the proposal."))
    match.introduction_on = day
    if match.state == MatchState.PROPOSED:
        _set_state(actor, match, MatchState.INTRODUCTION, on=day.isoformat())
    else:
        record(actor, "match.introduction_changed", match, on=day.isoformat())


def _check_planned_end(start: date, planned_end: date | None) -> None:
    if planned_end is not None and not add_months(start, MIN_MONTHS) <= planned_end <= add_months(start, MAX_MONTHS):
        raise OperationError(L_("The planned end must be between 6 and 24 months after the start."))


def start(actor: User, match: Match, data: dict[str, Any]) -> None:
    """The match starts (or resumes after a pause) with its agreements."""
    _check_move(match, MatchState.ACTIVE)
    resuming = match.state == MatchState.PAUSED
    if match.volunteer.state not in (VolunteerState.AVAILABLE, VolunteerState.MATCHED):
        raise OperationError(L_("The volunteer is %(state)s; resume the volunteer first.",
                                state=match.volunteer.state.label))
    if not resuming:
        started_on = data["started_on"]
        if started_on < match.proposed_on:
            raise OperationError(L_("The start cannot be before the proposal."))
        match.started_on = started_on
        if data.get("planned_end_on") is None:  # left empty on the form (which sends None): the default
            data["planned_end_on"] = default_planned_end(started_on)
    _apply_agreements(match, data)
    match.paused_on = None
    _set_state(actor, match, MatchState.ACTIVE, on=(match.started_on or local_today()).isoformat())


def default_planned_end(started_on: date) -> date:
    """The planned end when none is agreed: twelve months after the start."""
    return add_months(started_on, DEFAULT_MONTHS)


def _apply_agreements(match: Match, data: dict[str, Any]) -> list[str]:
    if match.started_on is not None:
        _check_planned_end(match.started_on, data.get("planned_end_on", match.planned_end_on))
    changed = sorted(key for key in AGREEMENT_FIELDS if key in data and getattr(match, key) != data[key])
    for key in changed:
        setattr(match, key, data[key])
    return changed


def update_agreements(actor: User, match: Match, data: dict[str, Any]) -> None:
    if not match.state.is_open:
        raise OperationError(L_("This match has ended."))
    changed = _apply_agreements(match, data)
    if changed:
        families.add_event(actor, match.family, "match_agreements_changed", match=str(match.id), fields=changed)
        record(actor, "match.agreements_changed", match, fields=changed)


def pause(actor: User, match: Match, day: date | None = None) -> None:
    _check_move(match, MatchState.PAUSED)
    match.paused_on = day or local_today()
    _set_state(actor, match, MatchState.PAUSED, on=match.paused_on.isoformat())


def record_evaluation(actor: User, match: Match, day: date) -> None:
    """The interim evaluation (around six months) took place on ``day``."""
    if not match.state.is_open:
        raise OperationError(L_("This match has ended."))
    if match.started_on is None or day < match.started_on:
        raise OperationError(L_("The evaluation cannot be before the start of the match."))
    match.interim_evaluation_on = day
    families.add_event(actor, match.family, "match_evaluated", match=str(match.id), on=day.isoformat())
    record(actor, "match.evaluated", match, on=day.isoformat())


def end(actor: User, match: Match, data: dict[str, Any], *, move_family: bool = True) -> None:
    """End the match. With ``rematch`` the family goes back to the waiting list; otherwise the
    family's support moves to closing. The volunteer is free again when this was their last.

    The match row is locked first, so a second submit of the same end waits and is then refused.
    """
    match = lock_row(Match, match.id)
    target = MatchState.REMATCHED if data.get("rematch") else MatchState.ENDED
    _check_move(match, target)
    ended_on = data.get("ended_on") or local_today()
    if ended_on < match.proposed_on:
        raise OperationError(L_("The end cannot be before the proposal."))
    if target == MatchState.REMATCHED and match.family.state != CaseState.MATCHED:
        raise OperationError(L_("The family is no longer matched (%(state)s), so it cannot wait for a new "
                                "volunteer; end the match without a rematch.", state=match.family.state.label))
    match.ended_on, match.end_reason = ended_on, data["end_reason"]
    match.end_note_sealed = seal_text(data.get("end_note"), END_NOTE, match.id)
    match.informal_contact_continues = data.get("informal_contact_continues")
    _set_state(actor, match, target, end_reason=match.end_reason.value)
    family, volunteer = match.family, match.volunteer
    next_state = CaseState.WAITING if target == MatchState.REMATCHED else CaseState.CLOSING
    if move_family and family.state != next_state and can_move_case(family.state, next_state):
        families.move(actor, family, next_state, match=str(match.id))
    db.session.flush()
    if volunteer.state == VolunteerState.MATCHED and not eligibility.open_match_counts([volunteer.id]):
        volunteers.move(actor, volunteer, VolunteerState.AVAILABLE, manual=False)
    volunteers.add_event(actor, volunteer, "match_ended", family=family.case_number, reason=match.end_reason.value)


def end_note(match: Match) -> str | None:
    return open_text(match.end_note_sealed, END_NOTE, match.id)


def evaluation_due_on(match: Match) -> date | None:
    """When the interim evaluation is due (six months after the start), until it took place."""
    if match.started_on is None or match.interim_evaluation_on is not None:
        return None
    return add_months(match.started_on, EVALUATION_MONTHS)


def latest_end_on(match: Match) -> date | None:
    """Two years after the start: the latest end the methodology allows."""
    return add_months(match.started_on, MAX_MONTHS) if match.started_on else None
