"""Match pages for coordinators and managers: the match list, one match, its steps and
agreements, the end, and the tenant's matching policy."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from saas.auth.roles import Role
from saas.clock import local_today
from saas.errors import OperationError, invalid_input, or_404
from saas.forms import Form, refuse_future_dates, validate_input, validate_query
from saas.i18n import L_, _
from saas.tenancy.context import require_role, tenant_blueprint
from tenants.families.queries import staff_choices
from tenants.life_domains import LIFE_DOMAINS
from tenants.matching import eligibility, operations, queries
from tenants.matching.models import Match
from tenants.matching.schemas import GOAL_PREFIX, AgreementsForm, EndForm, ListQuery, PolicyForm, StartForm, day_form
from tenants.matching.states import EndReason, MatchState, can_move
from tenants.matching.vocabulary import Frequency, NeighbourhoodRule

bp = tenant_blueprint("matches", __name__, template_folder="templates")

STAFF = (Role.COORDINATOR, Role.MANAGER)

#: Names of this module's audit actions, declared in the package's front door (saas.audit.labels).
AUDIT_LABELS = {
    "match.proposed": L_("Match proposed"),
    "match.state_changed": L_("Match state changed"),
    "match.introduction_changed": L_("Introduction meeting changed"),
    "match.agreements_changed": L_("Match agreements changed"),
    "match.evaluated": L_("Interim evaluation recorded"),
    "match.policy_updated": L_("Matching policy changed"),
}


@bp.context_processor
def _vocabulary() -> dict[str, Any]:
    return {"MatchState": MatchState, "EndReason": EndReason, "Frequency": Frequency, "LIFE_DOMAINS": LIFE_DOMAINS,
            "NeighbourhoodRule": NeighbourhoodRule, "GOAL_PREFIX": GOAL_PREFIX, "can_move": can_move}


def _match_or_404(match_id: uuid.UUID) -> Match:
    return or_404(queries.match_detail(match_id))


@bp.route("/matches/")
@login_required
@require_role(*STAFF)
def index() -> str:
    filters = validate_query(ListQuery())
    if "state" not in request.args:
        filters["state"] = "open"  # the list opens on the running matches; "all" sends an empty state
    page = queries.paginate(queries.match_list(filters, current_user), filters.get("page"))
    return render_template("matching/index.html", page=page, filters=filters, counts=queries.counts_per_state(),
                           staff=staff_choices(), today=local_today())


def _show(match: Match, status: int = 200, errors: dict[str, Any] | None = None,
          values: Any = None) -> ResponseReturnValue:
    """The match page, with the errors and values of a failed one-date step."""
    return render_template("matching/show.html", match=match, today=local_today(), errors=errors or {},
                           values=values or {},
                           evaluation_due=operations.evaluation_due_on(match), end_note=operations.end_note(match),
                           latest_end=operations.latest_end_on(match)), status


@bp.route("/matches/<uuid:match_id>")
@login_required
@require_role(*STAFF)
def show(match_id: uuid.UUID) -> ResponseReturnValue:
    return _show(_match_or_404(match_id))


def _run_inline(match: Match, name: str, operation: Callable[[Any], None], done: str, *,
                past_only: bool = False) -> ResponseReturnValue:
    """Validate the one-date step ``name`` of the match page and run ``operation(day)``; errors
    show the page again (422) with that form's errors."""
    data, errors = validate_input(day_form(name))
    if not errors and past_only:
        refuse_future_dates(errors, data, name)
    if not errors:
        try:
            operation(data[name])
        except OperationError as exc:
            errors = {"_form": [str(exc)]}
    if errors:
        return invalid_input(errors, lambda: _show(match, 422, errors=errors, values=request.form))
    flash(done, "success")
    return redirect(url_for(".show", match_id=match.id))


@bp.route("/matches/<uuid:match_id>/introduction", methods=["POST"])
@login_required
@require_role(*STAFF)
def introduction(match_id: uuid.UUID) -> ResponseReturnValue:
    match = _match_or_404(match_id)
    return _run_inline(match, "introduction_on", lambda day: operations.plan_introduction(current_user, match, day),
                       _("The introduction meeting has been recorded."))


@bp.route("/matches/<uuid:match_id>/pause", methods=["POST"])
@login_required
@require_role(*STAFF)
def pause(match_id: uuid.UUID) -> ResponseReturnValue:
    match = _match_or_404(match_id)
    return _run_inline(match, "paused_on", lambda day: operations.pause(current_user, match, day),
                       _("The match has been paused."), past_only=True)


@bp.route("/matches/<uuid:match_id>/evaluation", methods=["POST"])
@login_required
@require_role(*STAFF)
def evaluation(match_id: uuid.UUID) -> ResponseReturnValue:
    match = _match_or_404(match_id)
    return _run_inline(match, "interim_evaluation_on",
                       lambda day: operations.record_evaluation(current_user, match, day),
                       _("The interim evaluation has been recorded."), past_only=True)


def _agreement_values(match: Match) -> dict[str, Any]:
    values: dict[str, Any] = {"frequency": match.frequency.value if match.frequency else "",
                              "contact_agreement": match.contact_agreement or "",
                              "planned_end_on": match.planned_end_on.isoformat() if match.planned_end_on else "",
                              "started_on": (match.started_on or local_today()).isoformat()}
    values.update({f"{GOAL_PREFIX}{code}": text for code, text in (match.goals or {}).items()})
    return values


def _step(template: str, match: Match, form: Form, operation: Callable[[dict[str, Any]], None], done: str,
          values: dict[str, Any]) -> ResponseReturnValue:
    """A step with its own page: the form on GET; on POST validate, run, or show the errors."""
    def render(values: Any, errors: dict[str, Any], status: int = 200) -> Any:
        return render_template(template, match=match, values=values, errors=errors, today=local_today(),
                               staff=staff_choices()), status

    if request.method == "GET":
        return render(values, {})
    data, errors = validate_input(form)
    if not errors:
        try:
            operation(data)
        except OperationError as exc:
            errors = {"_form": [str(exc)]}
    if errors:
        return invalid_input(errors, lambda: render(request.form, errors, 422))
    flash(done, "success")
    return redirect(url_for(".show", match_id=match.id))


@bp.route("/matches/<uuid:match_id>/start", methods=["GET", "POST"])
@login_required
@require_role(*STAFF)
def start(match_id: uuid.UUID) -> ResponseReturnValue:
    """Start the match with its agreements (or resume it after a pause)."""
    match = _match_or_404(match_id)
    if not can_move(match.state, MatchState.ACTIVE):
        flash(_("This step is not possible from the current state."), "error")
        return redirect(url_for(".show", match_id=match.id))
    form = AgreementsForm() if match.state == MatchState.PAUSED else StartForm()
    return _step("matching/start.html", match, form, lambda data: operations.start(current_user, match, data),
                 _("The match is active."), _agreement_values(match))


@bp.route("/matches/<uuid:match_id>/agreements", methods=["GET", "POST"])
@login_required
@require_role(*STAFF)
def agreements(match_id: uuid.UUID) -> ResponseReturnValue:
    match = _match_or_404(match_id)
    if not match.state.is_open:
        flash(_("This match has ended."), "error")
        return redirect(url_for(".show", match_id=match.id))
    return _step("matching/agreements.html", match, AgreementsForm(),
                 lambda data: operations.update_agreements(current_user, match, data),
                 _("The agreements have been saved."), _agreement_values(match))


@bp.route("/matches/<uuid:match_id>/end", methods=["GET", "POST"])
@login_required
@require_role(*STAFF)
def end(match_id: uuid.UUID) -> ResponseReturnValue:
    match = _match_or_404(match_id)
    if not match.state.is_open:
        flash(_("This match has ended."), "error")
        return redirect(url_for(".show", match_id=match.id))
    return _step("matching/end.html", match, EndForm(), lambda data: operations.end(current_user, match, data),
                 _("The match has ended."), {"ended_on": local_today().isoformat(), "rematch": "1"})


@bp.route("/matching/policy", methods=["GET", "POST"])
@login_required
@require_role(Role.MANAGER)
def policy() -> ResponseReturnValue:
    current = eligibility.policy_for_tenant()

    def render(values: Any, errors: dict[str, Any], status: int = 200) -> Any:
        return render_template("matching/policy.html", values=values, errors=errors), status

    if request.method == "GET":
        return render({key: getattr(current, key) for key in operations.POLICY_FIELDS}, {})
    data, errors = validate_input(PolicyForm())
    if not errors:
        try:
            operations.update_policy(current_user, data)
        except OperationError as exc:
            errors = {"contact_alarm_days": [str(exc)]}
    if errors:
        return invalid_input(errors, lambda: render(request.form, errors, 422))
    flash(_("The matching policy has been saved."), "success")
    return redirect(url_for(".policy"))
