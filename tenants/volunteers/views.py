"""Volunteer pages for coordinators and managers (volunteers and report viewers get 403), written with
the request recipe of saas.web.

Volunteers see their own record on the self-service pages (tenants.volunteers.self_service).
"""

from __future__ import annotations

import uuid
from functools import partial
from typing import Any

from flask import render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from saas.auth.roles import Role
from saas.clock import local_today
from saas.drafts.keeping import keeps_drafts
from saas.errors import OperationError, or_404
from saas.forms import Form, validate_query
from saas.i18n import L_, _
from saas.web import Errors, FormPage, back_with_refusal, run_form, tenant_route
from saas.web.kept import query_key, render_kept
from saas.web.rows import DayFormatter, EnumLabels, link_maker
from saas.web.tenant import current_tenant, tenant_blueprint
from tenants.families.vocabulary import DayPart, Track
from tenants.life_domains import LIFE_DOMAINS, life_domain_choices
from tenants.panels import panels
from tenants.volunteers import operations, queries
from tenants.volunteers.list_filters import list_filters
from tenants.volunteers.models import Volunteer
from tenants.volunteers.readiness import vog_status
from tenants.volunteers.readiness_rules import reasons_per_volunteer
from tenants.volunteers.schemas import PolicyForm, ScreeningForm, TransitionForm, VolunteerForm, list_query
from tenants.volunteers.states import PIPELINE, ExitReason, VolunteerKind, VolunteerState, manual_moves

bp = tenant_blueprint("volunteers", __name__, template_folder="templates")

#: Names of this module's audit actions, declared in the package's front door (saas.audit.labels).
AUDIT_LABELS = {
    "volunteer.registered": L_("Volunteer registered"),
    "volunteer.updated": L_("Volunteer profile changed"),
    "volunteer.updated_by_self": L_("Volunteer changed their own profile"),
    "volunteer.state_changed": L_("Volunteer state changed"),
    "volunteer.screening_added": L_("Certificate of conduct (VOG) recorded"),
    "volunteer.policy_updated": L_("Screening policy changed"),
    "volunteer.account_invited": L_("Volunteer invited to an account"),
    "volunteer.account_linked": L_("Volunteer record linked to their account"),
}

STAFF = (Role.COORDINATOR, Role.MANAGER)
#: Every volunteer page is for staff; the screening policy for managers only.
staff_route = partial(tenant_route, bp, roles=STAFF)
#: Rendered pages of the volunteer list each process keeps (saas.web.kept).
KEPT_LIST_PAGES = 256
NOT_FROM_THIS_STATE = L_("This step is not possible from the current state.")


@bp.context_processor
def _vocabulary() -> dict[str, Any]:
    """The fixed lists the volunteer templates offer as choices and show as labels."""
    return {
        "VolunteerState": VolunteerState,
        "VolunteerKind": VolunteerKind,
        "ExitReason": ExitReason,
        "DayPart": DayPart,
        "Track": Track,
        "LIFE_DOMAINS": LIFE_DOMAINS,
        "life_domains": life_domain_choices(),
        "panels": panels,
    }


def _volunteer_or_404(volunteer_id: uuid.UUID) -> Volunteer:
    return or_404(queries.volunteer_file(volunteer_id))


def _profile_url(volunteer: Volunteer, anchor: str = "") -> str:
    return url_for(".show", volunteer_id=volunteer.id) + anchor


@staff_route("/volunteers/")
def index() -> str:
    more_filters = list_filters()
    filters = validate_query(list_query({more.name: more.field for more in more_filters}))
    today = local_today()

    def context() -> dict[str, Any]:
        policy = operations.policy_for_tenant()
        page = queries.paginate(queries.volunteer_list(filters, policy), filters.get("page"))
        queries.load_screenings(page.items)
        reasons = reasons_per_volunteer(page.items, policy, today)
        return {
            "page": page,
            "rows": [(volunteer, reasons[volunteer.id], vog_status(volunteer, policy, today))
                     for volunteer in page.items],
            "filters": filters,
            "counts": queries.counts_per_state(),
            "municipalities": current_tenant.municipalities,
            "more_filters": [(more, more.options()) for more in more_filters],
            "profile_url": link_maker("volunteers.show", "volunteer_id"),
            "enum_text": EnumLabels(),
            "format_day": DayFormatter(),
        }

    part = render_kept("volunteers.list", current_tenant, (query_key(filters), today), "volunteers/_list.html",
                       context, size=KEPT_LIST_PAGES)
    return render_template("volunteers/index.html", list_html=part)


@staff_route("/volunteers/applicants")
def applicants() -> str:
    policy = operations.policy_for_tenant()
    page = queries.paginate(queries.applicants(), request.args.get("page", type=int))
    return render_template(
        "volunteers/applicants.html",
        page=page,
        policy=policy,
        today=local_today(),
        cutoff=queries.waiting_cutoff(policy),
        pipeline=[s for s in VolunteerState if s in PIPELINE],
    )


@staff_route("/volunteers/screening")
def screening() -> str:
    policy = operations.policy_for_tenant()
    today = local_today()
    expiring = queries.paginate(queries.vog_expiring(policy), request.args.get("expiring_page", type=int))
    expired = queries.paginate(queries.vog_expired(policy), request.args.get("expired_page", type=int))
    return render_template(
        "volunteers/screening.html",
        policy=policy,
        today=today,
        expiring=expiring,
        expired=expired,
        expiring_rows=[(v, vog_status(v, policy, today)) for v in expiring.items],
        expired_rows=[(v, vog_status(v, policy, today)) for v in expired.items],
    )


def _volunteer_page(volunteer: Volunteer | None) -> FormPage[Any]:
    """The application form: a new volunteer, or the profile's details."""

    def render(values: Any, errors: Errors) -> str:
        return render_template(
            "volunteers/form.html",
            volunteer=volunteer,
            values=values,
            errors=errors,
            municipalities=current_tenant.municipalities,
        )

    def form() -> Form:
        return VolunteerForm(municipalities=current_tenant.municipalities)

    if volunteer is None:
        return FormPage(
            form,
            render,
            partial(operations.register_volunteer, current_user),
            lambda new: (_("%(name)s has been registered as an applicant.", name=new.name), _profile_url(new)),
            values=lambda: {"applied_on": local_today().isoformat(), "kind": "individual", "max_families": 1},
        )
    return FormPage(
        form,
        render,
        partial(operations.update_volunteer, current_user, volunteer),
        lambda _none: (_("The profile has been saved."), _profile_url(volunteer)),
        values=lambda: form().form_values(volunteer),
    )


@staff_route("/volunteers/new", methods=["GET", "POST"])
@keeps_drafts
def new() -> ResponseReturnValue:
    return _volunteer_page(None).respond()


def _render_profile(volunteer: Volunteer, **inline_errors: Any) -> str:
    """The profile page, with the errors of one of its inline forms when one was refused."""
    policy = operations.policy_for_tenant()
    today = local_today()
    context = {"move_errors": {}, "screening_errors": {}, **inline_errors}
    return render_template(
        "volunteers/show.html",
        volunteer=volunteer,
        policy=policy,
        today=today,
        vog=vog_status(volunteer, policy, today),
        reasons=reasons_per_volunteer([volunteer], policy, today)[volunteer.id],
        moves=manual_moves(volunteer.state),
        timeline=queries.timeline_of(volunteer),
        **context,
    )


@staff_route("/volunteers/<uuid:volunteer_id>")
def show(volunteer_id: uuid.UUID) -> str:
    return _render_profile(_volunteer_or_404(volunteer_id))


@staff_route("/volunteers/<uuid:volunteer_id>/edit", methods=["GET", "POST"])
@keeps_drafts
def edit(volunteer_id: uuid.UUID) -> ResponseReturnValue:
    return _volunteer_page(_volunteer_or_404(volunteer_id)).respond()


@staff_route("/volunteers/<uuid:volunteer_id>/state", methods=["POST"])
def transition(volunteer_id: uuid.UUID) -> ResponseReturnValue:
    volunteer = _volunteer_or_404(volunteer_id)

    def move(data: dict[str, Any]) -> None:
        if data["to_state"] not in manual_moves(volunteer.state):
            raise OperationError(NOT_FROM_THIS_STATE, field="to_state")
        operations.move(
            current_user,
            volunteer,
            data["to_state"],
            exit_reason=data.get("exit_reason"),
            interviewed_on=data.get("interviewed_on"),
            approved_on=data.get("approved_on"),
        )

    return run_form(
        TransitionForm(),
        move,
        lambda errors: (_render_profile(volunteer, move_errors=errors), 422),
        lambda _none: (
            _("%(name)s is now: %(state)s.", name=volunteer.name, state=volunteer.state.label),
            _profile_url(volunteer),
        ),
    )


@staff_route("/volunteers/<uuid:volunteer_id>/screenings", methods=["POST"])
def add_screening(volunteer_id: uuid.UUID) -> ResponseReturnValue:
    volunteer = _volunteer_or_404(volunteer_id)
    return run_form(
        ScreeningForm(),
        partial(operations.add_screening, current_user, volunteer),
        lambda errors: (_render_profile(volunteer, screening_errors=errors), 422),
        lambda _screening: (
            _("The certificate of conduct (VOG) has been recorded."),
            _profile_url(volunteer, "#screening"),
        ),
    )


@staff_route("/volunteers/<uuid:volunteer_id>/invite", methods=["POST"])
def invite(volunteer_id: uuid.UUID) -> ResponseReturnValue:
    volunteer = _volunteer_or_404(volunteer_id)
    send_invitation = partial(operations.invite_volunteer_account, current_user, current_tenant, volunteer)
    return run_form(
        Form(),
        lambda _nothing: send_invitation(),
        back_with_refusal(_profile_url(volunteer)),
        lambda _link: (_("An invitation has been sent to %(email)s.", email=volunteer.email), _profile_url(volunteer)),
    )


@tenant_route(bp, "/volunteers/policy", roles=(Role.MANAGER,), methods=["GET", "POST"])
def policy() -> ResponseReturnValue:
    def render(values: Any, errors: Errors) -> str:
        return render_template("volunteers/policy.html", values=values, errors=errors)

    return FormPage(
        PolicyForm,
        render,
        partial(operations.update_policy, current_user),
        lambda _policy: (_("The screening policy has been saved."), url_for(".policy")),
        values=lambda: PolicyForm().form_values(operations.policy_for_tenant()),
    ).respond()
