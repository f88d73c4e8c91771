"""Match pages for coordinators and managers: the match list, one match, its steps and
agreements, the end, and the tenant's matching policy."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import date
from functools import partial
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from markupsafe import Markup

from saas.auth.roles import Role
from saas.clock import local_today
from saas.drafts.keeping import keeps_drafts
from saas.errors import or_404
from saas.forms import Form, validate_query
from saas.i18n import L_, _
from saas.tenancy.versions import kept_for_tenant
from saas.web import Errors, FormPage, back_with_refusal, run_form, tenant_route
from saas.web.kept import render_kept
from saas.web.tenant import current_tenant, tenant_blueprint
from tenants.families.queries import staff_choices
from tenants.life_domains import LIFE_DOMAINS
from tenants.matching import eligibility
from tenants.matching.matches import answers, operations, queries
from tenants.matching.matches.schemas import (
    GOAL_PREFIX,
    AgreementsForm,
    EndForm,
    ListQuery,
    PolicyForm,
    StartForm,
    day_form,
)
from tenants.matching.models import Match
from tenants.matching.states import EndReason, MatchState, can_move
from tenants.matching.vocabulary import Frequency, NeighbourhoodRule
from tenants.volunteers import operations as volunteers

bp = tenant_blueprint("matches", __name__, template_folder="templates")

STAFF = (Role.COORDINATOR, Role.MANAGER)
#: Every match page is for staff; the matching policy for managers only.
staff_route = partial(tenant_route, bp, roles=STAFF)
#: Rendered match pages each process keeps (saas.web.kept).
KEPT_PAGES = 256

#: Names of this module's audit actions, declared in the package's front door (saas.audit.labels).
AUDIT_LABELS = {
    "match.proposed": L_("Match proposed"),
    "match.state_changed": L_("Match state changed"),
    "match.introduction_changed": L_("Introduction meeting changed"),
    "match.agreements_changed": L_("Match agreements changed"),
    "match.evaluated": L_("Interim evaluation recorded"),
    "match.policy_updated": L_("Matching policy changed"),
    "match.volunteer_answered": L_("The volunteer answered a proposed match"),
    "match.volunteer_asked_again": L_("The volunteer was asked again about a proposed match"),
}


@bp.context_processor
def _vocabulary() -> dict[str, Any]:
    return {
        "MatchState": MatchState,
        "EndReason": EndReason,
        "Frequency": Frequency,
        "LIFE_DOMAINS": LIFE_DOMAINS,
        "NeighbourhoodRule": NeighbourhoodRule,
        "GOAL_PREFIX": GOAL_PREFIX,
        "can_move": can_move,
    }


def _match_or_404(match_id: uuid.UUID) -> Match:
    return or_404(queries.match_detail(match_id))


def _match_url(match: Match) -> str:
    return url_for(".show", match_id=match.id)


@staff_route("/matches/")
def index() -> str:
    filters = validate_query(ListQuery())
    if "state" not in request.args:
        filters["state"] = "open"  # the list opens on the running matches; "all" sends an empty state
    page = queries.paginate(queries.match_list(filters, current_user), filters.get("page"))
    return render_template(
        "matches/index.html",
        page=page,
        decline_reasons={match.id: answers.decline_reason(match) for match in page.items
                         if match.decline_reason_sealed},
        filters=filters,
        counts=kept_for_tenant("matches.counts_per_state", current_tenant, None, queries.counts_per_state),
        staff=staff_choices(),
        today=local_today(),
    )


def _render_match(match: Match, errors: Errors | None = None, values: Any = None) -> str:
    """The match page with the errors and values of a refused one-date step, rendered afresh."""
    page = render_template("matches/_page.html", **_page_context(match, local_today(), errors, values))
    return render_template("matches/show.html", family_name=match.family.family_name,
                           page_html=Markup(page))  # noqa: S704 - autoescaped output


def _page_context(match: Match, today: date, errors: Errors | None = None, values: Any = None) -> dict[str, Any]:
    return {"match": match, "today": today, "errors": errors or {}, "values": values or {},
            "evaluation_due": operations.evaluation_due_on(match), "end_note": operations.end_note(match),
            "latest_end": operations.latest_end_on(match), "decline_reason": answers.decline_reason(match)}


@staff_route("/matches/<uuid:match_id>")
def show(match_id: uuid.UUID) -> str:
    # The page's content is kept rendered while the data is unchanged: the match is loaded only to
    # render it again; its title needs the family's name, which also says whether it exists here.
    family_name = or_404(queries.family_name_of(match_id))
    today = local_today()
    page = render_kept("matches.page", current_tenant, (match_id, today), "matches/_page.html",
                       lambda: _page_context(_match_or_404(match_id), today), size=KEPT_PAGES)
    return render_template("matches/show.html", family_name=family_name, page_html=page)


def _day_step(
    match: Match, name: str, operation: Callable[..., object], done: str, *, recorded: bool = False
) -> ResponseReturnValue:
    """The one-date step ``name``, posted from the match page: ``operation(actor, match, day)``; a
    refusal shows the match page again with that form's errors. A ``recorded`` step (a pause, an
    evaluation) happened already: its day is not in the future, and it is confirmed first."""
    return run_form(
        day_form(name, past_only=recorded, confirmed=recorded),
        lambda data: operation(current_user, match, data[name]),
        lambda errors: (_render_match(match, errors, request.form), 422),
        lambda _none: (done, _match_url(match)),
    )


@staff_route("/matches/<uuid:match_id>/introduction", methods=["POST"])
def introduction(match_id: uuid.UUID) -> ResponseReturnValue:
    return _day_step(
        _match_or_404(match_id),
        "introduction_on",
        operations.plan_introduction,
        _("The introduction meeting has been recorded."),
    )


@staff_route("/matches/<uuid:match_id>/pause", methods=["POST"])
def pause(match_id: uuid.UUID) -> ResponseReturnValue:
    return _day_step(
        _match_or_404(match_id), "paused_on", operations.pause, _("The match has been paused."), recorded=True
    )


@staff_route("/matches/<uuid:match_id>/evaluation", methods=["POST"])
def evaluation(match_id: uuid.UUID) -> ResponseReturnValue:
    return _day_step(
        _match_or_404(match_id),
        "interim_evaluation_on",
        operations.record_evaluation,
        _("The interim evaluation has been recorded."),
        recorded=True,
    )


def _step(
    template: str,
    match: Match,
    form: Callable[[], Form],
    operation: Callable[..., object],
    done: str,
    values: Callable[[], Mapping[str, Any]],
) -> ResponseReturnValue:
    """A step with a page of its own: ``operation(actor, match, data)``, then back to the match."""

    def render(form_values: Any, errors: Errors) -> str:
        return render_template(
            template, match=match, values=form_values, errors=errors, today=local_today(), staff=staff_choices()
        )

    return FormPage(
        form, render, partial(operation, current_user, match), lambda _none: (done, _match_url(match)), values=values
    ).respond()


def _refuse(message: str, match: Match) -> ResponseReturnValue:
    """Back to the match page with ``message``: a step that does not belong to the match's state."""
    flash(message, "error")
    return redirect(_match_url(match))


@staff_route("/matches/<uuid:match_id>/start", methods=["GET", "POST"])
@keeps_drafts
def start(match_id: uuid.UUID) -> ResponseReturnValue:
    """Start the match with its agreements (or resume it after a pause)."""
    match = _match_or_404(match_id)
    if not can_move(match.state, MatchState.ACTIVE):
        return _refuse(_("This step is not possible from the current state."), match)
    form = AgreementsForm if match.state == MatchState.PAUSED else StartForm
    return _step(
        "matches/start.html",
        match,
        form,
        operations.start,
        _("The match is active."),
        lambda: _start_values(form(), match),
    )


def _start_values(form: Form, match: Match) -> Mapping[str, Any]:
    """The start form's starting values: today as the start (unless known) and the planned end that
    start implies, so the coordinator sees the date an empty field would give."""
    started_on = match.started_on or local_today()
    planned_end = match.planned_end_on or operations.default_planned_end(started_on)
    return form.form_values(match, started_on=started_on, planned_end_on=planned_end)


@staff_route("/matches/<uuid:match_id>/ask-again", methods=["POST"])
def ask_again(match_id: uuid.UUID) -> ResponseReturnValue:
    """Clear the volunteer's answer so they can answer the proposal anew (after a talk)."""
    match = _match_or_404(match_id)
    return run_form(
        Form(),
        lambda _nothing: answers.ask_again(current_user, match),
        back_with_refusal(_match_url(match)),
        lambda _none: (_("The volunteer can answer the proposal again."), _match_url(match)),
    )


@staff_route("/matches/<uuid:match_id>/invite-volunteer", methods=["POST"])
def invite_volunteer(match_id: uuid.UUID) -> ResponseReturnValue:
    """Invite the match's volunteer to an account (tenants.volunteers), then back to the match."""
    match = _match_or_404(match_id)
    volunteer = match.volunteer
    return run_form(
        Form(),
        lambda _nothing: volunteers.invite_volunteer_account(current_user, current_tenant, volunteer),
        back_with_refusal(_match_url(match)),
        lambda _link: (_("An invitation has been sent to %(email)s.", email=volunteer.email), _match_url(match)),
    )


@staff_route("/matches/<uuid:match_id>/agreements", methods=["GET", "POST"])
@keeps_drafts
def agreements(match_id: uuid.UUID) -> ResponseReturnValue:
    match = _match_or_404(match_id)
    if not match.state.is_open:
        return _refuse(_("This match has ended."), match)
    return _step(
        "matches/agreements.html",
        match,
        AgreementsForm,
        operations.update_agreements,
        _("The agreements have been saved."),
        lambda: AgreementsForm().form_values(match),
    )


@staff_route("/matches/<uuid:match_id>/end", methods=["GET", "POST"])
@keeps_drafts
def end(match_id: uuid.UUID) -> ResponseReturnValue:
    match = _match_or_404(match_id)
    if not match.state.is_open:
        return _refuse(_("This match has ended."), match)
    return _step(
        "matches/end.html",
        match,
        EndForm,
        operations.end,
        _("The match has ended."),
        lambda: {"ended_on": local_today().isoformat(), "rematch": "1"},
    )


@tenant_route(bp, "/matching/policy", roles=(Role.MANAGER,), methods=["GET", "POST"])
def policy() -> ResponseReturnValue:
    current = eligibility.policy_for_tenant()

    def render(values: Any, errors: Errors) -> str:
        return render_template("matches/policy.html", values=values, errors=errors)

    return FormPage(
        PolicyForm,
        render,
        partial(operations.update_policy, current_user),
        lambda _policy: (_("The matching policy has been saved."), url_for(".policy")),
        values=lambda: PolicyForm().form_values(current),
    ).respond()
