"""Family pages for coordinators and managers (volunteers and report viewers get 403)."""

from __future__ import annotations

import uuid
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy import select

from saas.auth.roles import Role
from saas.clock import local_today, to_local_input
from saas.db import db
from saas.errors import OperationError, invalid_input, or_404
from saas.forms import validate_input, validate_query
from saas.i18n import L_, _
from saas.tenancy.context import current_tenant, require_role, tenant_blueprint
from tenants.families import operations, queries
from tenants.families.models import Family, FamilyMember
from tenants.families.schemas import (
    CloseForm,
    FamilyForm,
    IntakeForm,
    ListQuery,
    MemberForm,
    NoteForm,
    PlanIntakeForm,
    TransitionForm,
)
from tenants.families.states import CaseState, generic_moves
from tenants.families.vocabulary import (
    CareOutcome,
    Channel,
    ChildSafety,
    ClosureReason,
    Composition,
    ConsentPurpose,
    DayPart,
    Gender,
    Judgement,
    MemberRole,
    ReferrerType,
    Track,
    YesNoUnknown,
)
from tenants.life_domains import LIFE_DOMAINS, life_domain_choices
from tenants.panels import panels

bp = tenant_blueprint("families", __name__, template_folder="templates")

#: Names of this module's audit actions, declared in the package's front door (saas.audit.labels).
AUDIT_LABELS = {
    "family.registered": L_("Family registered"),
    "family.updated": L_("Family file changed"),
    "family.viewed": L_("Family file viewed"),
    "family.member_added": L_("Household member added"),
    "family.member_removed": L_("Household member removed"),
    "family.state_changed": L_("Case state changed"),
    "family.intake_planned": L_("Intake planned"),
    "family.note_added": L_("Coordinator note added"),
}


@bp.context_processor
def _vocabulary() -> dict[str, Any]:
    """The fixed lists the family templates offer as choices and show as labels."""
    return {"CaseState": CaseState, "ReferrerType": ReferrerType, "Channel": Channel, "YesNoUnknown": YesNoUnknown,
            "Composition": Composition, "Track": Track, "MemberRole": MemberRole, "ConsentPurpose": ConsentPurpose,
            "Judgement": Judgement, "ChildSafety": ChildSafety, "Gender": Gender, "DayPart": DayPart,
            "ClosureReason": ClosureReason, "CareOutcome": CareOutcome, "LIFE_DOMAINS": LIFE_DOMAINS,
            "life_domains": life_domain_choices(), "panels": panels}

STAFF = (Role.COORDINATOR, Role.MANAGER)


def _family_or_404(family_id: uuid.UUID) -> Family:
    return or_404(queries.family_file(family_id))



@bp.route("/families/")
@login_required
@require_role(*STAFF)
def index() -> str:
    filters = validate_query(ListQuery())
    page = queries.paginate(queries.family_list(filters, current_user), filters.get("page"))
    return render_template("families/index.html", page=page, filters=filters, today=local_today(),
                           states=list(CaseState), referrer_types=list(ReferrerType),
                           staff=queries.staff_choices(), municipalities=current_tenant.municipalities)


@bp.route("/families/waiting")
@login_required
@require_role(*STAFF)
def waiting() -> str:
    page = queries.paginate(queries.waiting_list(), request.args.get("page", type=int))
    return render_template("families/waiting.html", page=page, today=local_today())


def _family_form() -> FamilyForm:
    return FamilyForm(municipalities=current_tenant.municipalities)


def _render_family_form(family: Family | None, values: Any, errors: dict[str, Any], status: int = 200) -> Any:
    return render_template("families/form.html", family=family, values=values, errors=errors,
                           staff=queries.staff_choices(), municipalities=current_tenant.municipalities), status


@bp.route("/families/new", methods=["GET", "POST"])
@login_required
@require_role(*STAFF)
def new() -> ResponseReturnValue:
    if request.method == "GET":
        defaults = {"referred_on": local_today().isoformat(), "coordinator_id": str(current_user.id),
                    "would_otherwise_be_referred": "unknown", "track": "regular"}
        return _render_family_form(None, defaults, {})
    data, errors = validate_input(_family_form())
    if errors:
        return invalid_input(errors, lambda: _render_family_form(None, request.form, errors, 422))
    family = operations.register_family(current_user, data)
    flash(_("Family %(case)s has been registered.", case=family.case_number), "success")
    return redirect(url_for(".show", family_id=family.id))


@bp.route("/families/<uuid:family_id>")
@login_required
@require_role(*STAFF)
def show(family_id: uuid.UUID) -> str:
    family = _family_or_404(family_id)
    operations.record_view(current_user, family)
    intake_texts = operations.intake_texts(family.intake) if family.intake else {}
    notes = [(note, operations.note_text(note)) for note in queries.notes_of(family)]
    return render_template("families/show.html", family=family, help_question=operations.help_question(family),
                           intake_texts=intake_texts, notes=notes, timeline=queries.timeline_of(family),
                           moves=generic_moves(family.state), today=local_today(), member_errors={},
                           member_values={}, note_errors={}, move_errors={})


def _file_with_errors(family: Family, **errors: Any) -> Any:
    """The file again (status 422) with the errors of one of its inline forms."""
    context = {"member_errors": {}, "member_values": {}, "note_errors": {}, "move_errors": {}, **errors}
    intake_texts = operations.intake_texts(family.intake) if family.intake else {}
    notes = [(note, operations.note_text(note)) for note in queries.notes_of(family)]
    return render_template("families/show.html", family=family, help_question=operations.help_question(family),
                           intake_texts=intake_texts, notes=notes, timeline=queries.timeline_of(family),
                           moves=generic_moves(family.state), today=local_today(), **context), 422


@bp.route("/families/<uuid:family_id>/edit", methods=["GET", "POST"])
@login_required
@require_role(*STAFF)
def edit(family_id: uuid.UUID) -> ResponseReturnValue:
    family = _family_or_404(family_id)
    if request.method == "GET":
        return _render_family_form(family, _family_values(family), {})
    data, errors = validate_input(_family_form())
    if errors:
        return invalid_input(errors, lambda: _render_family_form(family, request.form, errors, 422))
    operations.update_family(current_user, family, data)
    flash(_("The file has been saved."), "success")
    return redirect(url_for(".show", family_id=family.id))


def _family_values(family: Family) -> dict[str, Any]:
    """The form's values for an existing file (lists and dates as the form shows them)."""
    values: dict[str, Any] = {}
    for key in operations.FAMILY_FIELDS:
        value = getattr(family, key)
        if isinstance(value, list) and key in ("languages", "professional_agencies"):
            value = "\n".join(value)
        values[key] = value.isoformat() if hasattr(value, "isoformat") else value
    values["coordinator_id"] = str(family.coordinator_id) if family.coordinator_id else ""
    values["help_question"] = operations.help_question(family) or ""
    return values


@bp.route("/families/<uuid:family_id>/members", methods=["POST"])
@login_required
@require_role(*STAFF)
def add_member(family_id: uuid.UUID) -> ResponseReturnValue:
    family = _family_or_404(family_id)
    data, errors = validate_input(MemberForm())
    if errors:
        return invalid_input(errors, lambda: _file_with_errors(family, member_errors=errors,
                                                               member_values=request.form))
    operations.add_member(current_user, family, data)
    flash(_("%(name)s has been added to the household.", name=data["first_name"]), "success")
    return redirect(url_for(".show", family_id=family.id) + "#household")


@bp.route("/families/<uuid:family_id>/members/<uuid:member_id>/delete", methods=["POST"])
@login_required
@require_role(*STAFF)
def remove_member(family_id: uuid.UUID, member_id: uuid.UUID) -> ResponseReturnValue:
    family = _family_or_404(family_id)
    member = db.first_or_404(select(FamilyMember).where(FamilyMember.id == member_id,
                                                        FamilyMember.family_id == family.id))
    operations.remove_member(current_user, family, member)
    flash(_("%(name)s has been removed from the household.", name=member.first_name), "success")
    return redirect(url_for(".show", family_id=family.id) + "#household")


def _step_form(template: str, family: Family, values: Any, errors: dict[str, Any], status: int = 200) -> Any:
    return render_template(template, family=family, values=values, errors=errors, today=local_today(),
                           staff=queries.staff_choices()), status


def _run_step(family: Family, template: str, form: Any, operation: Any, done: str) -> ResponseReturnValue:
    """Validate ``form`` and run ``operation``; on any error show the step's form again."""
    data, errors = validate_input(form)
    if not errors:
        try:
            operation(current_user, family, data)
        except OperationError as exc:
            errors = {"_form": [str(exc)]}
    if errors:
        return invalid_input(errors, lambda: _step_form(template, family, request.form, errors, 422))
    flash(done, "success")
    return redirect(url_for(".show", family_id=family.id))


@bp.route("/families/<uuid:family_id>/intake/plan", methods=["GET", "POST"])
@login_required
@require_role(*STAFF)
def plan_intake(family_id: uuid.UUID) -> ResponseReturnValue:
    family = _family_or_404(family_id)
    if family.state not in (CaseState.REFERRED, CaseState.INTAKE_PLANNED):
        flash(_("This step is not possible from the current state."), "error")
        return redirect(url_for(".show", family_id=family.id))
    if request.method == "GET":
        coordinator = (family.intake and family.intake.coordinator_id) or family.coordinator_id or current_user.id
        planned_at = to_local_input(family.intake.planned_at if family.intake else None)
        return _step_form("families/plan_intake.html", family,
                          {"coordinator_id": str(coordinator), "planned_at": planned_at}, {})
    return _run_step(family, "families/plan_intake.html", PlanIntakeForm(), operations.plan_intake,
                     _("The intake has been planned."))


@bp.route("/families/<uuid:family_id>/intake", methods=["GET", "POST"])
@login_required
@require_role(*STAFF)
def record_intake(family_id: uuid.UUID) -> ResponseReturnValue:
    family = _family_or_404(family_id)
    if family.state != CaseState.INTAKE_PLANNED:
        flash(_("This step is not possible from the current state."), "error")
        return redirect(url_for(".show", family_id=family.id))
    if request.method == "GET":
        values = {"done_on": local_today().isoformat(), "wish_gender": "any",
                  "coordinator_id": str(family.intake.coordinator_id if family.intake else current_user.id)}
        return _step_form("families/intake.html", family, values, {})
    return _run_step(family, "families/intake.html", IntakeForm(), operations.record_intake,
                     _("The intake has been recorded."))


@bp.route("/families/<uuid:family_id>/close", methods=["GET", "POST"])
@login_required
@require_role(*STAFF)
def close(family_id: uuid.UUID) -> ResponseReturnValue:
    family = _family_or_404(family_id)
    if family.state not in (CaseState.WAITING, CaseState.MATCHED, CaseState.CLOSING):
        flash(_("This step is not possible from the current state."), "error")
        return redirect(url_for(".show", family_id=family.id))
    if request.method == "GET":
        values = {"closed_on": local_today().isoformat(), "prevented_referral_confirmed": "unknown"}
        return _step_form("families/close.html", family, values, {})
    return _run_step(family, "families/close.html", CloseForm(), operations.close_case,
                     _("The case has been closed."))


@bp.route("/families/<uuid:family_id>/state", methods=["POST"])
@login_required
@require_role(*STAFF)
def transition(family_id: uuid.UUID) -> ResponseReturnValue:
    family = _family_or_404(family_id)
    data, errors = validate_input(TransitionForm())
    if not errors and data["to_state"] not in generic_moves(family.state):
        errors = {"to_state": [_("This step is not possible from the current state.")]}
    if not errors:
        try:
            operations.move(current_user, family, data["to_state"], data.get("reason"))
        except OperationError as exc:
            errors = {"reason": [str(exc)]}
    if errors:
        return invalid_input(errors, lambda: _file_with_errors(family, move_errors=errors))
    flash(_("The case is now: %(state)s.", state=family.state.label), "success")
    return redirect(url_for(".show", family_id=family.id))


@bp.route("/families/<uuid:family_id>/notes", methods=["POST"])
@login_required
@require_role(*STAFF)
def add_note(family_id: uuid.UUID) -> ResponseReturnValue:
    family = _family_or_404(family_id)
    data, errors = validate_input(NoteForm())
    if errors:
        return invalid_input(errors, lambda: _file_with_errors(family, note_errors=errors))
    operations.add_note(current_user, family, data["body"])
    flash(_("The note has been saved."), "success")
    return redirect(url_for(".show", family_id=family.id) + "#notes")
