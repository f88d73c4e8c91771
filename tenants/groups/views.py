"""The group track: pregnancy and mothers' groups, participants, sessions and attendance.

Coordinators and managers run everything. A volunteer who facilitates a group sees that group and
its sessions (participants by first name only, nothing from a family file) and records attendance;
another group, or the staff forms, answer 404 and 403 as anywhere else.
"""

from __future__ import annotations

import uuid
from functools import partial
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from saas.auth.roles import Role
from saas.clock import local_today
from saas.db import db
from saas.errors import OperationError, or_404
from saas.forms import validate_query
from saas.i18n import L_, _
from saas.web import Errors, FormPage, run_form, tenant_route
from saas.web.tenant import current_membership, current_tenant, tenant_blueprint
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
    taken_families,
)
from tenants.groups.vocabulary import GroupKind
from tenants.volunteers import queries as volunteer_queries
from tenants.volunteers.models import Volunteer

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
#: The forms that change a group are for staff; its page and sessions also for its facilitators.
staff_route = partial(tenant_route, bp, roles=STAFF)
facilitator_route = partial(tenant_route, bp, roles=FACILITATOR)


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


@facilitator_route("/groups/")
def index() -> str:
    filters = validate_query(ListQuery())
    today = local_today()
    if _is_staff():
        statement = queries.group_list(filters.get("period"), today)
    else:
        statement = queries.group_list(
            filters.get("period"),
            today,
            only_facilitated=True,
            facilitator=volunteer_queries.own_record(current_user.id),
        )
    page = queries.paginate(statement, filters.get("page"))
    return render_template(
        "groups/index.html",
        page=page,
        filters=filters,
        today=today,
        is_staff=_is_staff(),
        counts=queries.counts_for([g.id for g in page.items], today),
    )


def _group_url(group: Group, anchor: str = "") -> str:
    return url_for(".show", group_id=group.id) + anchor


def _group_page(group: Group | None) -> FormPage[Any]:
    """The group's details: a new group, or the group's own."""

    def render(values: Any, errors: Errors) -> str:
        return render_template(
            "groups/form.html",
            group=group,
            values=values,
            errors=errors,
            staff=family_queries.staff_choices(),
            municipalities=current_tenant.municipalities,
        )

    def form() -> GroupForm:
        return GroupForm(municipalities=current_tenant.municipalities, group=group)

    def saved(new: Group) -> tuple[str, str]:
        return _("The group %(name)s has been saved.", name=new.name), _group_url(new)

    if group is None:
        return FormPage(
            form,
            render,
            partial(operations.create_group, current_user),
            saved,
            values=lambda: {"starts_on": local_today().isoformat(), "coordinator_id": str(current_user.id)},
        )
    return FormPage(
        form,
        render,
        partial(operations.update_group, current_user, group),
        lambda _changed: saved(group),
        values=lambda: form().form_values(group),
    )


@staff_route("/groups/new", methods=["GET", "POST"])
def new() -> ResponseReturnValue:
    return _group_page(None).respond()


@staff_route("/groups/<uuid:group_id>/edit", methods=["GET", "POST"])
def edit(group_id: uuid.UUID) -> ResponseReturnValue:
    return _group_page(_group_or_404(group_id)).respond()


def _render_group(group: Group, **errors: Any) -> str:
    """The group page: the staff page with its inline forms, or the facilitator's page."""
    today = local_today()
    attendance = queries.attendance_counts([s.id for s in group.sessions])
    if not _is_staff():
        return render_template(
            "groups/facilitator.html",
            group=group,
            today=today,
            attendance=attendance,
            participants=[p for p in group.participants if p.left_on is None or p.left_on >= today],
        )
    context = {"facilitator_errors": {}, "participant_errors": {}, "session_errors": {}, "values": {}, **errors}
    return render_template(
        "groups/show.html",
        group=group,
        today=today,
        attendance=attendance,
        volunteers=queries.possible_facilitators(group),
        families=_free_families(group),
        **context,
    )


@facilitator_route("/groups/<uuid:group_id>")
def show(group_id: uuid.UUID) -> str:
    return _render_group(_group_or_404(group_id))


# Facilitators, participants and sessions (staff) ----------------------------------------------------


@staff_route("/groups/<uuid:group_id>/facilitators", methods=["POST"])
def add_facilitator(group_id: uuid.UUID) -> ResponseReturnValue:
    group = _group_or_404(group_id)

    def add(data: dict[str, Any]) -> Volunteer:
        # One of the group's candidates (the form's RowId checked it).
        volunteer = db.session.scalars(select(Volunteer).where(Volunteer.id == data["volunteer_id"])).one()
        operations.add_facilitator(current_user, group, volunteer)
        return volunteer

    return run_form(
        FacilitatorForm(group=group),
        add,
        lambda errors: (_render_group(group, facilitator_errors=errors), 422),
        lambda volunteer: (
            _("%(name)s now facilitates this group.", name=volunteer.name),
            _group_url(group, "#facilitators"),
        ),
    )


@staff_route("/groups/<uuid:group_id>/facilitators/<uuid:volunteer_id>/delete", methods=["POST"])
def remove_facilitator(group_id: uuid.UUID, volunteer_id: uuid.UUID) -> ResponseReturnValue:
    group = _group_or_404(group_id)
    facilitator = or_404(next((f for f in group.facilitators if f.volunteer_id == volunteer_id), None))
    operations.remove_facilitator(current_user, group, facilitator)
    flash(_("%(name)s no longer facilitates this group.", name=facilitator.volunteer.name), "success")
    return redirect(_group_url(group, "#facilitators"))


def _free_families(group: Group, participant: GroupParticipant | None = None) -> list[Any]:
    """The families the form offers: first-1000-days files not linked to another participant (hers stays)."""
    taken = taken_families(group, participant)
    return [f for f in queries.linkable_families(participant.family_id if participant else None) if f.id not in taken]


@staff_route("/groups/<uuid:group_id>/participants", methods=["POST"])
def add_participant(group_id: uuid.UUID) -> ResponseReturnValue:
    group = _group_or_404(group_id)
    return run_form(
        ParticipantForm(group=group),
        partial(operations.add_participant, current_user, group),
        lambda errors: (_render_group(group, participant_errors=errors, values=request.form), 422),
        lambda joined: (
            _("%(name)s has joined the group.", name=joined.first_name),
            _group_url(group, "#participants"),
        ),
    )


@staff_route("/groups/<uuid:group_id>/participants/<uuid:participant_id>", methods=["GET", "POST"])
def edit_participant(group_id: uuid.UUID, participant_id: uuid.UUID) -> ResponseReturnValue:
    """Correct a participant's details, link her family file, or record that she left."""
    group = _group_or_404(group_id)
    participant = or_404(next((p for p in group.participants if p.id == participant_id), None))

    def render(values: Any, errors: Errors) -> str:
        return render_template(
            "groups/participant.html",
            group=group,
            participant=participant,
            values=values,
            errors=errors,
            families=_free_families(group, participant),
        )

    form = partial(ParticipantEditForm, group=group, participant=participant)
    return FormPage(
        form,
        render,
        partial(operations.update_participant, current_user, group, participant),
        lambda _changed: (
            _("The details of %(name)s have been saved.", name=participant.first_name),
            _group_url(group, "#participants"),
        ),
        values=lambda: form().form_values(participant),
    ).respond()


@staff_route("/groups/<uuid:group_id>/sessions", methods=["POST"])
def add_session(group_id: uuid.UUID) -> ResponseReturnValue:
    group = _group_or_404(group_id)

    def add(data: dict[str, Any]) -> GroupSession:
        try:
            return operations.add_session(current_user, group, data)
        except operations.SessionTaken as taken:  # stored by another request meanwhile: say so at the date
            raise OperationError(str(taken), field="held_on") from taken

    return run_form(
        SessionForm(group=group),
        add,
        lambda errors: (_render_group(group, session_errors=errors, values=request.form), 422),
        lambda session: (
            _("The session has been added."),
            url_for(".show_session", group_id=group.id, session_id=session.id),
        ),
    )


# A session's attendance (staff and the group's facilitators) ---------------------------------------


@facilitator_route("/groups/<uuid:group_id>/sessions/<uuid:session_id>", methods=["GET", "POST"])
def show_session(group_id: uuid.UUID, session_id: uuid.UUID) -> ResponseReturnValue:
    """A session with its attendance list: a box per participant who was in the group that day."""
    group = _group_or_404(group_id)
    session = or_404(next((s for s in group.sessions if s.id == session_id), None))

    def render(errors: Errors) -> str:
        participants, recorded = queries.attendance_list(group, session)
        if errors:  # show the boxes as they were sent
            ticked = set(request.form.getlist("present"))
            recorded = {p.id: str(p.id) in ticked for p in participants}
        return render_template(
            "groups/session.html",
            group=group,
            session=session,
            participants=participants,
            recorded=recorded,
            errors=errors,
            today=local_today(),
            is_staff=_is_staff(),
        )

    if request.method == "GET":
        return render({})
    participants, _recorded = queries.attendance_list(group, session)

    def record(data: dict[str, Any]) -> int:
        if not participants:
            raise OperationError(_("Nobody was in the group on the day of this session."))
        return operations.record_attendance(
            current_user, session, participants, {uuid.UUID(pid) for pid in data["present"]}
        )

    return run_form(
        AttendanceForm(participant_ids=[str(p.id) for p in participants]),
        record,
        lambda errors: (render(errors), 422),
        lambda _count: (_("The attendance has been saved."), _group_url(group, "#sessions")),
    )
