"""Every write to a volunteer: registering, editing, state moves, VOG records, the screening policy,
the volunteer's own profile and the link to their account.

Each function takes the acting person, only flushes, and writes both the volunteer's timeline (what
the coordinator sees) and the tenant's audit log (who did what, from where).
"""

from __future__ import annotations

from typing import Any

from blinker import Namespace
from sqlalchemy import select

from saas.audit.operations import record
from saas.auth.models import Membership, User
from saas.auth.operations import InvitationLink, invite
from saas.auth.roles import Role
from saas.clock import local_today
from saas.db import db, utcnow
from saas.errors import OperationError
from saas.i18n import L_
from saas.tenancy.models import Tenant
from saas.tenant_settings import TenantSettings
from tenants.volunteers.models import Screening, ScreeningPolicy, Volunteer, VolunteerEvent
from tenants.volunteers.readiness import vog_status
from tenants.volunteers.readiness_rules import unmet_reasons
from tenants.volunteers.states import VolunteerState, can_move, manual_moves

#: Fields of the volunteer form, stored as they are.
VOLUNTEER_FIELDS = frozenset({
    "name", "kind", "email", "phone", "applied_on", "languages", "municipality", "neighbourhood", "day_parts",
    "postcode", "max_families", "experience_domains", "interests", "preferred_tracks", "preferred_child_age_min",
    "preferred_child_age_max", "gender",
})

#: What a volunteer may change about themselves (tenants.volunteers.schemas.SelfServiceForm).
SELF_SERVICE_FIELDS = frozenset({
    "phone", "languages", "day_parts", "max_families", "experience_domains", "interests", "preferred_tracks",
    "preferred_child_age_min", "preferred_child_age_max",
})

#: Sent after every state move as ``volunteer_moved.send(actor, volunteer=…, previous=…, target=…)``;
#: the matching package listens (a volunteer who stops ends their matches).
volunteer_moved = Namespace().signal("volunteer-moved")

POLICY_FIELDS = ("max_age_at_start_days", "renewal_months", "warning_days", "applicant_waiting_days")


def add_event(actor: User | None, volunteer: Volunteer, kind: str, *, from_state: VolunteerState | None = None,
           to_state: VolunteerState | None = None, **details: Any) -> None:
    db.session.add(VolunteerEvent(volunteer_id=volunteer.id, actor_id=actor.id if actor else None, kind=kind,
                                  from_state=from_state, to_state=to_state, details=details))


SCREENING_POLICY = TenantSettings(ScreeningPolicy, max_age_at_start_days=90, renewal_months=36, warning_days=60,
                                  applicant_waiting_days=14)


def policy_for_tenant() -> ScreeningPolicy:
    """The bound tenant's screening policy (its defaults until a manager changes it; never writes)."""
    return SCREENING_POLICY.read()


def register_volunteer(actor: User, data: dict[str, Any]) -> Volunteer:
    """Register an application: a new volunteer in state "applicant"."""
    volunteer = Volunteer(state=VolunteerState.APPLICANT,
                          **{key: value for key, value in data.items() if key in VOLUNTEER_FIELDS})
    db.session.add(volunteer)
    db.session.flush()
    add_event(actor, volunteer, "registered", to_state=VolunteerState.APPLICANT)
    record(actor, "volunteer.registered", volunteer)
    return volunteer


def _changed(volunteer: Volunteer, data: dict[str, Any], allowed: frozenset[str]) -> list[str]:
    changed = sorted(key for key, value in data.items() if key in allowed and getattr(volunteer, key) != value)
    for key in changed:
        setattr(volunteer, key, data[key])
    return changed


def update_volunteer(actor: User, volunteer: Volunteer, data: dict[str, Any]) -> None:
    """Save the profile form; the timeline names the fields that changed (not their values)."""
    changed = _changed(volunteer, data, VOLUNTEER_FIELDS)
    if changed:
        add_event(actor, volunteer, "updated", fields=changed)
        record(actor, "volunteer.updated", volunteer, fields=changed)


def update_own_profile(actor: User, volunteer: Volunteer, data: dict[str, Any]) -> None:
    """The volunteer edits their own contact details, availability and preferences."""
    if volunteer.user_id != actor.id:
        raise OperationError(L_("You can only change your own profile."))
    changed = _changed(volunteer, data, SELF_SERVICE_FIELDS)
    if changed:
        add_event(actor, volunteer, "updated_by_self", fields=changed)
        record(actor, "volunteer.updated_by_self", volunteer, fields=changed)


def move(actor: User, volunteer: Volunteer, target: VolunteerState, *, exit_reason: Any = None,
         interviewed_on: Any = None, approved_on: Any = None, manual: bool = True) -> None:
    """Move the volunteer to ``target`` if the state machine allows it.

    ``manual`` moves (by a coordinator) exclude the states the matching package sets. Stopping
    needs an exit reason; becoming available needs a valid VOG under the tenant's policy and every
    readiness rule met (tenants.volunteers.readiness_rules: the required courses, say).
    """
    allowed = manual_moves(volunteer.state) if manual else [s for s in VolunteerState if can_move(volunteer.state, s)]
    if target not in allowed:
        raise OperationError(L_("This step is not possible from the current state."))
    if target == VolunteerState.STOPPED and not exit_reason:
        raise OperationError(L_("Choose why the volunteer stops."))
    today = local_today()
    details: dict[str, Any] = {}
    if target == VolunteerState.AVAILABLE and manual:
        # (Not when a match ends and frees the volunteer: that is no new start.)
        # Approval is the start: the VOG rules are checked as of the approval date.
        previous_approval = volunteer.approved_on
        if volunteer.approved_on is None or approved_on is not None:
            volunteer.approved_on = approved_on or today
        status = vog_status(volunteer, policy_for_tenant(), today)
        unmet = unmet_reasons([volunteer.id], today).get(volunteer.id, [])
        if not status.valid or unmet:
            volunteer.approved_on = previous_approval
            raise OperationError(L_("The volunteer cannot become available: %(reasons)s",
                                    reasons=" ".join([*status.reasons, *unmet])))
        details["approved_on"] = volunteer.approved_on.isoformat()
    if target == VolunteerState.SCREENING:
        volunteer.interviewed_on = interviewed_on or today
        details["interviewed_on"] = volunteer.interviewed_on.isoformat()
    if target == VolunteerState.STOPPED:
        volunteer.stopped_on, volunteer.exit_reason = today, exit_reason
        details["exit_reason"] = exit_reason.value
    previous = volunteer.state
    volunteer.state, volunteer.state_changed_at = target, utcnow()
    add_event(actor, volunteer, "state_changed", from_state=previous, to_state=target, **details)
    record(actor, "volunteer.state_changed", volunteer, old=previous.value, new=target.value)
    volunteer_moved.send(actor, volunteer=volunteer, previous=previous, target=target)


def add_screening(actor: User, volunteer: Volunteer, data: dict[str, Any]) -> Screening:
    """Record a VOG the coordinator has seen (dates and profile only); the actor checked it."""
    screening = Screening(volunteer_id=volunteer.id, issued_on=data["issued_on"],
                          screening_profile=data["screening_profile"], checked_on=data["checked_on"],
                          checked_by_id=actor.id)
    db.session.add(screening)
    db.session.flush()
    # Keep the loaded list newest first, as the relationship orders it, for the readiness rules.
    if screening not in volunteer.screenings:
        volunteer.screenings.append(screening)
    volunteer.screenings.sort(key=lambda s: s.issued_on, reverse=True)
    add_event(actor, volunteer, "screening_added", issued_on=screening.issued_on.isoformat(),
           screening_profile=screening.screening_profile)
    record(actor, "volunteer.screening_added", volunteer, screening=str(screening.id),
           issued_on=screening.issued_on.isoformat())
    return screening


def update_policy(actor: User, data: dict[str, Any]) -> ScreeningPolicy:
    policy = SCREENING_POLICY.for_update()
    changed = sorted(key for key in POLICY_FIELDS if key in data and getattr(policy, key) != data[key])
    for key in changed:
        setattr(policy, key, data[key])
    if changed:
        record(actor, "volunteer.policy_updated", policy, **{key: data[key] for key in changed})
    return policy


def invite_volunteer_account(actor: User, tenant: Tenant, volunteer: Volunteer) -> InvitationLink:
    """Invite the volunteer (by their e-mail address) to an account with the role volunteer.

    The record is linked to the account once the invitation is accepted and the volunteer opens
    their page (:func:`link_own_record`).
    """
    if volunteer.user_id is not None:
        raise OperationError(L_("This volunteer already has an account."))
    if not volunteer.email:
        raise OperationError(L_("Record the volunteer's e-mail address first."))
    link = invite(actor, tenant, volunteer.email, Role.VOLUNTEER)
    add_event(actor, volunteer, "account_invited")
    record(actor, "volunteer.account_invited", volunteer)
    return link


def link_own_record(user: User) -> Volunteer | None:
    """Link ``user`` to the not yet linked volunteer with the same e-mail address in the bound
    tenant, when ``user`` is an active volunteer member there. Returns the linked record or None."""
    is_volunteer = db.session.scalar(select(Membership.user_id).where(
        Membership.user_id == user.id, Membership.is_active, Membership.role == Role.VOLUNTEER))
    if is_volunteer is None or not user.email:
        return None
    volunteer = db.session.scalars(select(Volunteer).where(
        Volunteer.email == user.email.lower(), Volunteer.user_id.is_(None)).order_by(Volunteer.created_at)).first()
    if volunteer is None:
        return None
    volunteer.user_id = user.id
    db.session.flush()
    add_event(user, volunteer, "account_linked")
    record(user, "volunteer.account_linked", volunteer)
    return volunteer
