"""The group track: pregnancy and mothers' groups, participants, sessions and attendance.

Coordinators and managers run everything. A volunteer who facilitates a group sees that group and
its sessions (participants by first name only, nothing from a family file) and records attendance;
another group, or the staff forms, answer 404 and 403 as anywhere else.
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from saas.auth.roles import Role
from saas.clock import local_today
from saas.errors import OperationError, invalid_input, or_404
from saas.forms import validate_input, validate_query
from saas.i18n import L_, _
from saas.tenancy.context import current_membership, current_tenant, require_role, tenant_blueprint
from tenants.families import queries as family_queries
from tenants.groups import operations, queries
from tenants.groups.models import Group, GroupParticipant, GroupSession
from tenants.groups.schemas import (
    AttendanceForm,
    FacilitatorForm,
    GroupForm,
    ListQuery,
    ParticipantEditForm,
    ParticipantForm,
    SessionForm,
)
from tenants.groups.vocabulary import GroupKind
from tenants.volunteers import queries as volunteer_queries

bp = tenant_blueprint("groups", __name__, template_folder="templates")

#: Names of this module's audit actions, declared in the package's front door (saas.audit.labels).
AUDIT_LABELS = {
    "group.created": L_("Group created"),
    "group.updated": L_("Group edited"),
    "group.facilitator_added": L_("Facilitator added to a group"),
    "group.facilitator_removed": L_("Facilitator removed from a group"),
    "group.participant_added": L_("Participant added to a group"),
    "group.participant_updated": L_("Group participant edited"),
    "group.participant_left": L_("Participant left a group"),
    "group.session_added": L_("Group session added"),
    "group.attendance_recorded": L_("Group attendance recorded"),
}

STAFF = (Role.COORDINATOR, Role.MANAGER)
FACILITATOR = (*STAFF, Role.VOLUNTEER)


@bp.context_processor
def _vocabulary() -> dict[str, Any]:
    return {"GroupKind": GroupKind}


def _is_staff() -> bool:
    return current_membership.role in STAFF


def _group_or_404(group_id: uuid.UUID) -> Group:
    """The group for staff; for a volunteer only a group they facilitate (others: 404)."""
    if _is_staff():
        return or_404(queries.group_detail(group_id))
    own = volunteer_queries.own_record(current_user.id)
    if own is None or not queries.facilitates(own, group_id):
        abort(404)
    return or_404(queries.group_detail(group_id, full=False))


# The list and the group's details ---------------------------------------------------------------


@bp.route("/groups/")
@login_required
@require_role(*FACILITATOR)
def index() -> str:
    filters = validate_query(ListQuery())
    today = local_today()
    if _is_staff():
        statement = queries.group_list(filters.get("period"), today)
    else:
        statement = queries.group_list(filters.get("period"), today, only_facilitated=True,
                                       facilitator=volunteer_queries.own_record(current_user.id))
    page = queries.paginate(statement, filters.get("page"))
    return render_template("groups/index.html", page=page, filters=filters, today=today, is_staff=_is_staff(),
                           counts=queries.counts_for([g.id for g in page.items], today))


def _group_form(group: Group | None = None) -> GroupForm:
    return GroupForm(municipalities=current_tenant.municipalities, group=group)


def _render_group_form(group: Group | None, values: Any, errors: dict[str, Any], status: int = 200) -> Any:
    return render_template("groups/form.html", group=group, values=values, errors=errors,
                           staff=family_queries.staff_choices(), municipalities=current_tenant.municipalities), status


def _save_group(group: Group | None) -> ResponseReturnValue:
    data, errors = validate_input(_group_form(group))
    if not errors:
        try:
            if group is None:
                group = operations.create_group(current_user, data)
            else:
                operations.update_group(current_user, group, data)
        except OperationError as exc:
            errors = {"_form": [str(exc)]}
    if errors:
        return invalid_input(errors, lambda: _render_group_form(group, request.form, errors, 422))
    flash(_("The group %(name)s has been saved.", name=group.name), "success")
    return redirect(url_for(".show", group_id=group.id))


@bp.route("/groups/new", methods=["GET", "POST"])
@login_required
@require_role(*STAFF)
def new() -> ResponseReturnValue:
    if request.method == "GET":
        return _render_group_form(None, {"starts_on": local_today().isoformat(),
                                         "coordinator_id": str(current_user.id)}, {})
    return _save_group(None)


@bp.route("/groups/<uuid:group_id>/edit", methods=["GET", "POST"])
@login_required
@require_role(*STAFF)
def edit(group_id: uuid.UUID) -> ResponseReturnValue:
    group = _group_or_404(group_id)
    if request.method == "GET":
        values = {key: getattr(group, key) for key in operations.GROUP_FIELDS}
        values = {key: (value.isoformat() if hasattr(value, "isoformat") else value) for key, value in values.items()}
        values["coordinator_id"] = str(group.coordinator_id) if group.coordinator_id else ""
        return _render_group_form(group, values, {})
    return _save_group(group)


def _render_group(group: Group, status: int = 200, **errors: Any) -> Any:
    """The group page: the staff page with its inline forms, or the facilitator's page."""
    today = local_today()
    attendance = queries.attendance_counts([s.id for s in group.sessions])
    if not _is_staff():
        return render_template("groups/facilitator.html", group=group, today=today, attendance=attendance,
                               participants=[p for p in group.participants if p.left_on is None or p.left_on >= today])
    context = {"facilitator_errors": {}, "participant_errors": {}, "session_errors": {}, "values": {}, **errors}
    return render_template(
        "groups/show.html", group=group, today=today, attendance=attendance,
        volunteers=queries.possible_facilitators(group), families=_free_families(group), **context), status


@bp.route("/groups/<uuid:group_id>")
@login_required
@require_role(*FACILITATOR)
def show(group_id: uuid.UUID) -> Any:
    return _render_group(_group_or_404(group_id))


# Facilitators, participants and sessions (staff) ----------------------------------------------------


@bp.route("/groups/<uuid:group_id>/facilitators", methods=["POST"])
@login_required
@require_role(*STAFF)
def add_facilitator(group_id: uuid.UUID) -> ResponseReturnValue:
    group = _group_or_404(group_id)
    volunteers = {str(v.id): v for v in queries.possible_facilitators(group)}
    data, errors = validate_input(FacilitatorForm(volunteer_ids=list(volunteers)))
    if not errors:
        try:
            operations.add_facilitator(current_user, group, volunteers[str(data["volunteer_id"])])
        except OperationError as exc:
            errors = {"volunteer_id": [str(exc)]}
    if errors:
        return invalid_input(errors, lambda: _render_group(group, 422, facilitator_errors=errors))
    flash(_("%(name)s now facilitates this group.", name=volunteers[str(data["volunteer_id"])].name), "success")
    return redirect(url_for(".show", group_id=group.id) + "#facilitators")


@bp.route("/groups/<uuid:group_id>/facilitators/<uuid:volunteer_id>/delete", methods=["POST"])
@login_required
@require_role(*STAFF)
def remove_facilitator(group_id: uuid.UUID, volunteer_id: uuid.UUID) -> ResponseReturnValue:
    group = _group_or_404(group_id)
    facilitator = or_404(next((f for f in group.facilitators if f.volunteer_id == volunteer_id), None))
    operations.remove_facilitator(current_user, group, facilitator)
    flash(_("%(name)s no longer facilitates this group.", name=facilitator.volunteer.name), "success")
    return redirect(url_for(".show", group_id=group.id) + "#facilitators")


def _taken_families(group: Group, participant: GroupParticipant | None = None) -> set[uuid.UUID]:
    """The families linked to the group's participants (other than ``participant``)."""
    return {p.family_id for p in group.participants if p.family_id and p is not participant}


def _free_families(group: Group, participant: GroupParticipant | None = None) -> list[Any]:
    """The families the form offers: first-1000-days files not linked to another participant (hers stays)."""
    taken = _taken_families(group, participant)
    return [f for f in queries.linkable_families(participant.family_id if participant else None) if f.id not in taken]


def _participant_form(group: Group, participant: GroupParticipant | None = None) -> ParticipantForm:
    """The form that accepts the linkable families, and explains when one is linked already."""
    families = queries.linkable_families(participant.family_id if participant else None)
    form_class = ParticipantEditForm if participant else ParticipantForm
    return form_class(group=group, family_ids=[str(f.id) for f in families],
                      taken_family_ids={str(family_id) for family_id in _taken_families(group, participant)})


@bp.route("/groups/<uuid:group_id>/participants", methods=["POST"])
@login_required
@require_role(*STAFF)
def add_participant(group_id: uuid.UUID) -> ResponseReturnValue:
    group = _group_or_404(group_id)
    data, errors = validate_input(_participant_form(group))
    if not errors:
        try:
            operations.add_participant(current_user, group, data)
        except OperationError as exc:
            errors = {"_form": [str(exc)]}
    if errors:
        return invalid_input(errors, lambda: _render_group(group, 422, participant_errors=errors, values=request.form))
    flash(_("%(name)s has joined the group.", name=data["first_name"]), "success")
    return redirect(url_for(".show", group_id=group.id) + "#participants")


def _render_participant(group: Group, participant: GroupParticipant, values: Any, errors: dict[str, Any],
                        status: int = 200) -> Any:
    return render_template("groups/participant.html", group=group, participant=participant, values=values,
                           errors=errors, families=_free_families(group, participant)), status


@bp.route("/groups/<uuid:group_id>/participants/<uuid:participant_id>", methods=["GET", "POST"])
@login_required
@require_role(*STAFF)
def edit_participant(group_id: uuid.UUID, participant_id: uuid.UUID) -> ResponseReturnValue:
    """Correct a participant's details, link her family file, or record that she left."""
    group = _group_or_404(group_id)
    participant = or_404(next((p for p in group.participants if p.id == participant_id), None))
    if request.method == "GET":
        values = {key: getattr(participant, key) for key in operations.PARTICIPANT_FIELDS}
        values = {key: "" if value is None else (value.isoformat() if hasattr(value, "isoformat") else str(value))
                  for key, value in values.items()}
        return _render_participant(group, participant, values, {})
    data, errors = validate_input(_participant_form(group, participant))
    if not errors:
        try:
            operations.update_participant(current_user, group, participant, data)
        except OperationError as exc:
            errors = {"_form": [str(exc)]}
    if errors:
        return invalid_input(errors, lambda: _render_participant(group, participant, request.form, errors, 422))
    flash(_("The details of %(name)s have been saved.", name=participant.first_name), "success")
    return redirect(url_for(".show", group_id=group.id) + "#participants")


@bp.route("/groups/<uuid:group_id>/sessions", methods=["POST"])
@login_required
@require_role(*STAFF)
def add_session(group_id: uuid.UUID) -> ResponseReturnValue:
    group = _group_or_404(group_id)
    data, errors = validate_input(SessionForm(group=group))
    if not errors:
        try:
            session = operations.add_session(current_user, group, data)
        except operations.SessionTaken as exc:
            errors = {"held_on": [str(exc)]}
        except OperationError as exc:
            errors = {"_form": [str(exc)]}
    if errors:
        return invalid_input(errors, lambda: _render_group(group, 422, session_errors=errors, values=request.form))
    flash(_("The session has been added."), "success")
    return redirect(url_for(".show_session", group_id=group.id, session_id=session.id))


# A session's attendance (staff and the group's facilitators) ---------------------------------------


def _render_session(group: Group, session: GroupSession, errors: dict[str, Any], status: int = 200) -> Any:
    participants, recorded = queries.attendance_list(group, session)
    if errors:  # show the boxes as they were sent
        ticked = set(request.form.getlist("present"))
        recorded = {p.id: str(p.id) in ticked for p in participants}
    return render_template("groups/session.html", group=group, session=session, participants=participants,
                           recorded=recorded, errors=errors, today=local_today(), is_staff=_is_staff()), status


@bp.route("/groups/<uuid:group_id>/sessions/<uuid:session_id>", methods=["GET", "POST"])
@login_required
@require_role(*FACILITATOR)
def show_session(group_id: uuid.UUID, session_id: uuid.UUID) -> ResponseReturnValue:
    """A session with its attendance list: a box per participant who was in the group that day."""
    group = _group_or_404(group_id)
    session = or_404(next((s for s in group.sessions if s.id == session_id), None))
    if request.method == "GET":
        return _render_session(group, session, {})
    participants, _recorded = queries.attendance_list(group, session)
    data, errors = validate_input(AttendanceForm(participant_ids=[str(p.id) for p in participants]))
    if not errors and not participants:
        errors = {"_form": [_("Nobody was in the group on the day of this session.")]}
    if not errors:
        try:
            operations.record_attendance(current_user, session, participants,
                                         {uuid.UUID(pid) for pid in data["present"]})
        except OperationError as exc:
            errors = {"_form": [str(exc)]}
    if errors:
        return invalid_input(errors, lambda: _render_session(group, session, errors, 422))
    flash(_("The attendance has been saved."), "success")
    return redirect(url_for(".show", group_id=group.id) + "#sessions")
