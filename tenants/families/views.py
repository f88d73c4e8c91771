"""Family pages for coordinators and managers (volunteers and report viewers get 403), written with the
request recipe of saas.web."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from saas.auth.roles import Role
from saas.clock import local_today, to_local_input
from saas.db import db
from saas.drafts.keeping import keeps_drafts
from saas.errors import OperationError, or_404
from saas.forms import Confirmed, Form, validate_input, validate_query
from saas.i18n import L_, _
from saas.search import MAX_QUERY_LENGTH, query_words
from saas.web import Errors, FormPage, back_with_refusal, run_form, tenant_route
from saas.web.kept import query_key, render_kept
from saas.web.tenant import current_tenant, tenant_blueprint
from tenants.families import operations, queries, search
from tenants.families.contact_details import contact_details_of, update_contact_details
from tenants.families.field_labels import FIELD_LABELS
from tenants.families.listing import list_helpers
from tenants.families.models import Family, FamilyMember
from tenants.families.next_steps import closing_step, next_steps
from tenants.families.schemas import (
    CloseForm,
    ContactDetailsForm,
    FamilyForm,
    IntakeForm,
    ListQuery,
    MemberForm,
    NoteForm,
    PlanIntakeForm,
    SearchQuery,
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
    "family.contact_details_updated": L_("Family contact details changed"),
    "family.contact_details_viewed": L_("Family contact details viewed by the volunteer"),
}


@bp.context_processor
def _vocabulary() -> dict[str, Any]:
    """The fixed lists the family templates offer as choices and show as labels."""
    return {
        "CaseState": CaseState,
        "ReferrerType": ReferrerType,
        "Channel": Channel,
        "YesNoUnknown": YesNoUnknown,
        "Composition": Composition,
        "Track": Track,
        "MemberRole": MemberRole,
        "ConsentPurpose": ConsentPurpose,
        "Judgement": Judgement,
        "ChildSafety": ChildSafety,
        "Gender": Gender,
        "DayPart": DayPart,
        "ClosureReason": ClosureReason,
        "CareOutcome": CareOutcome,
        "LIFE_DOMAINS": LIFE_DOMAINS,
        "life_domains": life_domain_choices(),
        "panels": panels,
        "FIELD_LABELS": FIELD_LABELS,
    }


STAFF = (Role.COORDINATOR, Role.MANAGER)
#: Every family page is for staff.
staff_route = partial(tenant_route, bp, roles=STAFF)
#: Rendered pages of the family list and the waiting list each process keeps (saas.web.kept).
KEPT_LIST_PAGES = 256
#: The latest notes and timeline events a file shows; the rest fold away (a phone stays short).
NOTES_SHOWN, TIMELINE_SHOWN = 3, 5
NOT_FROM_THIS_STATE = L_("This step is not possible from the current state.")


def _family_or_404(family_id: uuid.UUID) -> Family:
    return or_404(queries.family_file(family_id))


def _file_url(family: Family, anchor: str = "") -> str:
    return url_for(".show", family_id=family.id) + anchor


@staff_route("/families/")
def index() -> ResponseReturnValue:
    filters = validate_query(ListQuery())
    # htmx's filter request gets only the results region; a history restore wants the whole page.
    fragment = bool(request.headers.get("HX-Request")) and not request.headers.get("HX-History-Restore-Request")
    today = local_today()
    # The filters and results are kept per reader ("my caseload" is theirs), query and day.
    part = render_kept("families.list", current_tenant, (current_user.id, query_key(filters), today, fragment),
                       "families/_results.html" if fragment else "families/_list.html",
                       lambda: _list_context(filters, today, fragment), size=KEPT_LIST_PAGES)
    html = part if fragment else render_template("families/index.html", list_html=part)
    return html, {"Vary": "HX-Request"}  # the same address answers with two shapes: caches keep both


def _list_context(filters: dict[str, Any], today: date, fragment: bool) -> dict[str, Any]:
    return {
        "fragment": fragment,
        "page": queries.paginate_rows(queries.family_list(filters, current_user), filters.get("page")),
        "filters": filters,
        "today": today,
        "states": list(CaseState),
        "referrer_types": list(ReferrerType),
        "staff": queries.staff_choices(),
        "municipalities": current_tenant.municipalities,
        **list_helpers(),
    }


@staff_route("/search")
def search_page() -> ResponseReturnValue:
    """One search box for the whole organisation: family names, household members' first names and
    case numbers, accents and case ignored; each result says why it matched."""
    raw = request.args.to_dict()
    data, errors = validate_input(SearchQuery(), raw)
    if errors:  # a bad page number is dropped; a bad query is said (too long, characters not allowed)
        data, _errors = validate_input(SearchQuery(), {key: value for key, value in raw.items() if key not in errors})
    refused = {"q": errors["q"]} if "q" in errors else {}
    # What was typed goes back into the box, without the characters that were refused.
    typed = "".join(char for char in raw.get("q", "")[:MAX_QUERY_LENGTH] if char.isprintable())
    words = [] if refused else query_words(data.get("q"))
    html = render_template(
        "families/search.html",
        query=typed,
        words=words,
        errors=refused,
        page=queries.paginate(queries.search_results(words), data.get("page")) if words else None,
        reasons=search.reasons_for(words),
    )
    return html, (422 if refused else 200)


@staff_route("/families/waiting")
def waiting() -> str:
    page_number, today = request.args.get("page", type=int), local_today()

    def context() -> dict[str, Any]:
        return {"page": queries.paginate_rows(queries.waiting_list(), page_number), "today": today, **list_helpers()}

    part = render_kept("families.waiting", current_tenant, (page_number, today), "families/_waiting.html", context,
                       size=KEPT_LIST_PAGES)
    return render_template("families/waiting.html", list_html=part)


def _family_page(family: Family | None) -> FormPage[Any]:
    """The referral form: a new family, or the file's details."""

    def render(values: Any, errors: Errors) -> str:
        return render_template(
            "families/form.html",
            family=family,
            values=values,
            errors=errors,
            staff=queries.staff_choices(),
            municipalities=current_tenant.municipalities,
        )

    def form() -> Form:
        return FamilyForm(municipalities=current_tenant.municipalities)

    if family is None:
        return FormPage(
            form,
            render,
            partial(operations.register_family, current_user),
            lambda new: (_("Family %(case)s has been registered.", case=new.case_number), _file_url(new)),
            values=lambda: {
                "referred_on": local_today().isoformat(),
                "track": "regular",
                "coordinator_id": str(current_user.id),
                "would_otherwise_be_referred": "unknown",
            },
        )
    return FormPage(
        form,
        render,
        partial(operations.update_family, current_user, family),
        lambda _none: (_("The file has been saved."), _file_url(family)),
        values=lambda: form().form_values(family, help_question=queries.help_question(family)),
    )


@staff_route("/families/new", methods=["GET", "POST"])
@keeps_drafts
def new() -> ResponseReturnValue:
    return _family_page(None).respond()


@staff_route("/families/<uuid:family_id>")
def show(family_id: uuid.UUID) -> str:
    family = _family_or_404(family_id)
    operations.record_view(current_user, family)
    return _render_file(family)


def _render_file(family: Family, **inline_errors: Any) -> str:
    """The family file, with the errors of one of its inline forms when one was refused."""
    context = {"member_errors": {}, "member_values": {}, "note_errors": {}, "move_errors": {}, **inline_errors}
    intake_texts = queries.intake_texts(family.intake) if family.intake else {}
    notes = [(note, queries.note_text(note)) for note in queries.notes_of(family)]
    return render_template(
        "families/show.html",
        family=family,
        help_question=queries.help_question(family),
        contact=contact_details_of(family),
        intake_texts=intake_texts,
        notes=notes,
        timeline=queries.timeline_of(family),
        moves=generic_moves(family.state),
        steps=next_steps(family),
        closing=closing_step(family),
        notes_shown=NOTES_SHOWN,
        timeline_shown=TIMELINE_SHOWN,
        today=local_today(),
        **context,
    )


@staff_route("/families/<uuid:family_id>/edit", methods=["GET", "POST"])
@keeps_drafts
def edit(family_id: uuid.UUID) -> ResponseReturnValue:
    return _family_page(_family_or_404(family_id)).respond()


@staff_route("/families/<uuid:family_id>/contact", methods=["GET", "POST"])
def contact_details(family_id: uuid.UUID) -> ResponseReturnValue:
    """The family's address, phone, e-mail and language (sealed; tenants.families.contact_details)."""
    family = _family_or_404(family_id)

    def render(values: Any, errors: Errors) -> str:
        return render_template("families/contact_details.html", family=family, values=values, errors=errors)

    return FormPage(
        ContactDetailsForm,
        render,
        partial(update_contact_details, current_user, family),
        lambda _none: (_("The contact details have been saved."), _file_url(family, "#contact")),
        values=lambda: ContactDetailsForm().form_values(contact_details_of(family)),
    ).respond()


@staff_route("/families/<uuid:family_id>/members", methods=["POST"])
def add_member(family_id: uuid.UUID) -> ResponseReturnValue:
    family = _family_or_404(family_id)
    return run_form(
        MemberForm(),
        partial(operations.add_member, current_user, family),
        lambda errors: (_render_file(family, member_errors=errors, member_values=request.form), 422),
        lambda member: (
            _("%(name)s has been added to the household.", name=member.first_name),
            _file_url(family, "#household"),
        ),
    )


@staff_route("/families/<uuid:family_id>/members/<uuid:member_id>/delete", methods=["POST"])
def remove_member(family_id: uuid.UUID, member_id: uuid.UUID) -> ResponseReturnValue:
    family = _family_or_404(family_id)
    member = db.first_or_404(
        select(FamilyMember).where(FamilyMember.id == member_id, FamilyMember.family_id == family.id)
    )
    back = _file_url(family, "#household")
    # A button in the household table: confirmed in a dialog, and a refusal is told on the file.
    return run_form(
        Confirmed(),
        lambda _nothing: operations.remove_member(current_user, family, member),
        back_with_refusal(back),
        lambda _none: (_("%(name)s has been removed from the household.", name=member.first_name), back),
    )


def _step(
    family: Family,
    template: str,
    allowed_from: tuple[CaseState, ...],
    form: Callable[[], Form],
    operation: Any,
    done: str,
    values: Any,
    context: Callable[[Any, Errors], dict[str, Any]] | None = None,
) -> ResponseReturnValue:
    """A step in the case's life with a form of its own (plan or record the intake, close): shown
    and run only from the states it belongs to. ``context`` adds to what the page is shown with."""
    if family.state not in allowed_from:
        flash(str(NOT_FROM_THIS_STATE), "error")
        return redirect(_file_url(family))

    def render(form_values: Any, errors: Errors) -> str:
        return render_template(
            template,
            family=family,
            values=form_values,
            errors=errors,
            today=local_today(),
            staff=queries.staff_choices(),
            **(context(form_values, errors) if context else {}),
        )

    return FormPage(
        form, render, partial(operation, current_user, family), lambda _none: (done, _file_url(family)), values=values
    ).respond()


@staff_route("/families/<uuid:family_id>/intake/plan", methods=["GET", "POST"])
@keeps_drafts
def plan_intake(family_id: uuid.UUID) -> ResponseReturnValue:
    family = _family_or_404(family_id)

    def values() -> dict[str, str]:
        coordinator = (family.intake and family.intake.coordinator_id) or family.coordinator_id or current_user.id
        return {
            "coordinator_id": str(coordinator),
            "planned_at": to_local_input(family.intake.planned_at if family.intake else None),
        }

    return _step(
        family,
        "families/plan_intake.html",
        (CaseState.REFERRED, CaseState.INTAKE_PLANNED),
        PlanIntakeForm,
        operations.plan_intake,
        _("The intake has been planned."),
        values,
    )


def _consent_values(family: Family) -> dict[str, Any]:
    """The file's consent as the intake page's consent fields show it."""
    consent = operations.Consent.of(family)
    giver = operations.consent_giver(family, consent)
    return {
        "consent_given": "1" if consent.given else "",
        "consent_purposes": consent.purposes,
        "consent_on": consent.on.isoformat() if consent.on else "",
        "consent_member_id": str(giver.id) if giver else "",
        "consent_by": "" if giver else (consent.by or ""),
        "consent_by_legal_representative": "1" if consent.by_legal_representative and not giver else "",
    }


def _consent_context(family: Family, values: Any, errors: Errors) -> dict[str, Any]:
    """Whether the intake page shows the consent fields: when the file's consent does not allow the
    intake (with why), or when they were on the page that was sent."""
    explanation = operations.consent_refusal(family, operations.Consent.of(family), local_today())
    sent = values.get("consent_fix") in ("1", "true", "on", True)
    return {
        "consent_shown": explanation is not None or sent or "consent" in errors,
        "consent_explanation": explanation,
        "representatives": operations.legal_representatives(family),
    }


@staff_route("/families/<uuid:family_id>/intake", methods=["GET", "POST"])
@keeps_drafts
def record_intake(family_id: uuid.UUID) -> ResponseReturnValue:
    family = _family_or_404(family_id)
    return _step(
        family,
        "families/intake.html",
        (CaseState.INTAKE_PLANNED,),
        partial(IntakeForm, family_id=family.id),
        operations.record_intake,
        _("The intake has been recorded."),
        lambda: {
            "done_on": local_today().isoformat(),
            "wish_gender": "any",
            "coordinator_id": str(family.intake.coordinator_id if family.intake else current_user.id),
            **_consent_values(family),
        },
        partial(_consent_context, family),
    )


@staff_route("/families/<uuid:family_id>/close", methods=["GET", "POST"])
@keeps_drafts
def close(family_id: uuid.UUID) -> ResponseReturnValue:
    family = _family_or_404(family_id)
    return _step(
        family,
        "families/close.html",
        (CaseState.WAITING, CaseState.MATCHED, CaseState.CLOSING),
        CloseForm,
        operations.close_case,
        _("The case has been closed."),
        lambda: {"closed_on": local_today().isoformat(), "prevented_referral_confirmed": "unknown"},
    )


@staff_route("/families/<uuid:family_id>/state", methods=["POST"])
def transition(family_id: uuid.UUID) -> ResponseReturnValue:
    family = _family_or_404(family_id)

    def move(data: dict[str, Any]) -> None:
        if data["to_state"] not in generic_moves(family.state):
            raise OperationError(NOT_FROM_THIS_STATE, field="to_state")
        operations.move(current_user, family, data["to_state"], data.get("reason"))

    return run_form(
        TransitionForm(),
        move,
        lambda errors: (_render_file(family, move_errors=errors), 422),
        lambda _none: (_("The case is now: %(state)s.", state=family.state.label), _file_url(family)),
    )


@staff_route("/families/<uuid:family_id>/notes", methods=["POST"])
def add_note(family_id: uuid.UUID) -> ResponseReturnValue:
    family = _family_or_404(family_id)
    return run_form(
        NoteForm(),
        lambda data: operations.add_note(current_user, family, data["body"]),
        lambda errors: (_render_file(family, note_errors=errors), 422),
        lambda _note: (_("The note has been saved."), _file_url(family, "#notes")),
    )
