"""The tenant's start page: who you are here, where to go next, and — for staff — the signals
that need attention today, with a way to acknowledge each. Written with the request recipe of
saas.web."""

from __future__ import annotations

from typing import Any

from flask import abort, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_number
from flask_login import current_user
from markupsafe import Markup

from saas.auth.roles import STAFF_ROLES, Role
from saas.clock import local_today
from saas.errors import invalid_input, or_404
from saas.forms import validate_input, validate_query
from saas.i18n import L_, _
from saas.tenancy.versions import kept_for_tenant
from saas.web import Errors, run_form, tenant_route
from saas.web.kept import render_kept
from saas.web.rows import Links
from saas.web.tenant import ALL_ROLES, current_membership, current_tenant, tenant_blueprint
from tenants.home import operations, queries, snapshots
from tenants.home.figures import key_figures
from tenants.home.schemas import AcknowledgeForm, HomeQuery
from tenants.home.signals import (
    HANDLED_KINDS,
    MANAGER_KINDS,
    Signal,
    SignalKind,
    by_kind,
    default_scope,
    visible_to,
)
from tenants.home.volunteer_day import volunteer_day
from tenants.volunteers.self_service import my_record

bp = tenant_blueprint("home", __name__, template_folder="templates")

#: Names of this module's audit actions, declared in the package's front door (saas.audit.labels).
AUDIT_LABELS = {"signal.acknowledged": L_("Signal acknowledged")}
#: Signals shown of a kind with an urgent one before the rest fold away (a phone stays short).
SIGNALS_SHOWN = 2
#: Rendered signal sections each process keeps (saas.tenancy.versions): a reader's section is the
#: same until the organisation's data, the day or the language changes, and most of the page's work.
KEPT_SECTIONS = 128
#: Signals listed of each kind (shown and folded together); the rest of a kind are a link away, on
#: the page of that kind alone, so the start page stays the same size however large the organisation.
SIGNALS_LISTED = 5


@bp.context_processor
def _numbers() -> dict[str, Any]:
    # The signal cards' links, each endpoint's built once for the page (saas.web.rows).
    return {"format_number": format_number, "signals_shown": SIGNALS_SHOWN, "links": Links()}


@tenant_route(bp, "/", roles=ALL_ROLES)
def index() -> ResponseReturnValue:
    if current_membership.role == Role.VOLUNTEER:
        return _render_volunteer_home()
    if current_membership.role not in STAFF_ROLES:
        return render_template("home/index.html")
    query = validate_query(HomeQuery())
    return _render_home(query.get("scope") or default_scope(current_membership.role), kind=query.get("kind"))


def _render_home(scope: str, errors: Errors | None = None, kind: SignalKind | None = None) -> str:
    """The staff home page with the signals of ``scope`` (the first few of each kind, or every
    signal of ``kind`` alone), and the errors of a refused acknowledgement."""
    today = local_today()
    signals = snapshots.current_signals(current_tenant, today)
    role = current_membership.role
    # The job signal follows the job runs, not the data: with it, nothing is kept.
    keep = not any(signal.kind in MANAGER_KINDS for signal in signals)

    def reader_signals() -> tuple[list[Signal], list[Signal]]:
        return visible_to(signals, current_user, role, "mine"), visible_to(signals, current_user, role, "all")

    key = (today, current_user.id, role)
    mine, everything = (kept_for_tenant("home.reader_signals", current_tenant, key, reader_signals, size=KEPT_SECTIONS)
                        if keep else reader_signals())
    shown = mine if scope == "mine" else everything

    def context() -> dict[str, Any]:  # only when the section is rendered, not when it is kept
        groups = by_kind(shown)
        if kind is not None:
            groups = [(group_kind, group) for group_kind, group in groups if group_kind == kind]
        return {"scope": scope, "groups": groups, "only_kind": kind, "listed": None if kind else SIGNALS_LISTED,
                "counts": {"mine": len(mine), "all": len(everything)}, "errors": errors or {}}

    if keep and not errors:  # the errors are this request's
        section = render_kept("home.signals", current_tenant, (*key, scope, kind), "home/_signals.html", context,
                              size=KEPT_SECTIONS)
    else:
        section = Markup(render_template("home/_signals.html", **context()))  # noqa: S704 - autoescaped output
    return render_template("home/index.html", signals_section=section,
                           figures=key_figures(current_tenant, [signal.severity for signal in shown], today))


def _render_volunteer_home() -> str:
    """The volunteer's day (their record linked on first visit, as on their profile page)."""
    volunteer = my_record()
    day = volunteer_day(volunteer, current_user.id, local_today()) if volunteer is not None else None
    return render_template("home/index.html", day=day, today=local_today())


def _acknowledge_signal(data: dict[str, Any]) -> dict[str, Any]:
    """Acknowledge the signal ``data`` names; returns ``data`` for the message and the way back."""
    kind = data["kind"]
    if kind in MANAGER_KINDS and current_membership.role != Role.MANAGER:
        abort(403)  # a coordinator does not see it, so may not hide it from the managers either
    subject = or_404(queries.subject_of(kind, data["subject_id"], current_tenant))
    operations.acknowledge(current_user, kind, subject, data["key"])
    return data


def _acknowledged(data: dict[str, Any]) -> tuple[str, str]:
    if data["kind"] in HANDLED_KINDS:
        message = _("Marked as handled.")
    else:
        message = _("Signal acknowledged. It comes back when the situation changes.")
    return message, url_for(".index", scope=data.get("scope") or None)


@tenant_route(bp, "/signals/acknowledge", roles=(Role.COORDINATOR, Role.MANAGER), methods=["POST"])
def acknowledge() -> ResponseReturnValue:
    def refused(errors: Errors) -> ResponseReturnValue:
        return _render_home(default_scope(current_membership.role), errors), 422

    if not request.headers.get("HX-Request"):
        return run_form(AcknowledgeForm(), _acknowledge_signal, refused, _acknowledged)
    # htmx swaps the signal's card for its acknowledged state: no reload, the place on the page kept.
    data, errors = validate_input(AcknowledgeForm())
    if errors:
        return invalid_input(errors, lambda: refused(errors))
    message, _back = _acknowledged(_acknowledge_signal(data))
    return render_template("home/_acknowledged.html", message=message)
