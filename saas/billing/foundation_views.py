"""Foundation pages for licences (/foundation/billing/): every tenant's licence with the recurring
revenue, the plans, and licences invoiced outside Stripe. Staff read; admins change."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from saas.auth.roles import FoundationRole
from saas.billing import operations
from saas.billing.models import Interval, Plan
from saas.billing.money import amount_input, format_money
from saas.billing.schemas import CreatePlanForm, ManualLicenceForm, PlanForm
from saas.billing.status import LicenceStatus
from saas.clock import local_today
from saas.db import db
from saas.errors import OperationError, invalid_input, or_404
from saas.forms import validate_input
from saas.foundation.access import foundation_blueprint, require_foundation_admin
from saas.i18n import L_, _
from saas.tenancy.models import Tenant

bp = foundation_blueprint("billing", __name__, template_folder="templates")

PAST_END = L_("The end date cannot be in the past.")
#: How far ahead a licence invoiced outside Stripe may run. A bound is needed: the day after the
#: end date (the first read-only day) is computed on every page of the organisation, and for
#: 9999-12-31 it does not exist.
LONGEST_MANUAL_LICENCE = timedelta(days=10 * 366)
FAR_END = L_("The end date can be at most ten years from today.")


@bp.context_processor
def _billing_helpers() -> dict[str, object]:
    return {"format_money": format_money, "LicenceStatus": LicenceStatus, "Interval": Interval,
            # also rendered for the 404 that the blueprint answers to people outside the foundation
            "is_admin": getattr(current_user, "foundation_role", None) == FoundationRole.ADMIN}


def _tenant_or_404(slug: str) -> Tenant:
    return db.first_or_404(select(Tenant).where(Tenant.slug == slug))


def _see(endpoint: str, **values: Any) -> Response:
    return redirect(url_for(endpoint, **values), code=303)


# Overview ----------------------------------------------------------------------------------------


@bp.route("/billing/")
def index() -> str:
    return render_template("billing/overview.html", overview=operations.licence_overview())


# Plans -------------------------------------------------------------------------------------------


@bp.route("/billing/plans/")
def plans() -> str:
    return render_template("billing/plans.html", plans=operations.all_plans())


def _plan_form(plan: Plan | None, errors: dict[str, list[str]], values: Any, status: int = 200) -> tuple[str, int]:
    return render_template("billing/plan_form.html", plan=plan, errors=errors, values=values,
                           intervals=[(i.value, i.label) for i in Interval]), status


def _form_values(plan: Plan) -> dict[str, object]:
    return {"name": plan.name, "description": plan.description, "amount": amount_input(plan.amount_cents),
            "interval": plan.interval.value, "trial_days": plan.trial_days,
            "max_municipalities": plan.max_municipalities, "max_active_matches": plan.max_active_matches,
            "stripe_price_id": plan.stripe_price_id, "is_active": plan.is_active}


@bp.route("/billing/plans/new", methods=["GET", "POST"])
@require_foundation_admin
def new_plan() -> Response | tuple[str, int]:
    if request.method == "GET":
        return _plan_form(None, {}, {"interval": Interval.YEAR.value, "is_active": True})
    data, errors = validate_input(CreatePlanForm())
    if not errors:
        try:
            plan = operations.create_plan(current_user, **data)
        except operations.FieldConflict as exc:
            errors = {exc.field: [str(exc)]}
    if errors:
        return invalid_input(errors, lambda: _plan_form(None, errors, request.form, 422))
    flash(_("The plan %(name)s has been created.", name=plan.name), "success")
    return _see(".plans")


@bp.route("/billing/plans/<uuid:plan_id>", methods=["GET", "POST"])
def edit_plan(plan_id: Any) -> Response | tuple[str, int]:
    plan = or_404(db.session.get(Plan, plan_id))
    if request.method == "GET":
        return _plan_form(plan, {}, _form_values(plan))
    return _update_plan(plan)


@require_foundation_admin
def _update_plan(plan: Plan) -> Response | tuple[str, int]:
    data, errors = validate_input(PlanForm())
    if not errors:
        try:
            operations.update_plan(current_user, plan, **data)
        except operations.FieldConflict as exc:
            errors = {exc.field: [str(exc)]}
    if errors:
        return invalid_input(errors, lambda: _plan_form(plan, errors, request.form, 422))
    flash(_("The plan %(name)s has been saved.", name=plan.name), "success")
    return _see(".plans")


# One tenant's licence ------------------------------------------------------------------------------


def _tenant_page(tenant: Tenant, errors: dict[str, list[str]], values: Any, status: int = 200) -> tuple[str, int]:
    options = [("", _("Choose a plan"))] + [
        (str(plan.id), f"{plan.name} ({format_money(plan.amount_cents, plan.currency)} {plan.interval.label})")
        for plan in operations.all_plans()]
    return render_template("billing/tenant.html", organisation=tenant, row=operations.tenant_row(tenant),
                           plan_options=options, errors=errors, values=values), status


@bp.route("/billing/tenants/<slug>")
def tenant(slug: str) -> tuple[str, int]:
    organisation = _tenant_or_404(slug)
    licence = operations.licence_of(organisation)
    values = {"plan_id": str(licence.plan_id) if licence and licence.plan_id else "",
              "until": licence.manual_until.isoformat() if licence and licence.manual_until else ""}
    return _tenant_page(organisation, {}, values)


@bp.route("/billing/tenants/<slug>/manual", methods=["POST"])
@require_foundation_admin
def set_manual(slug: str) -> Response | tuple[str, int]:
    organisation = _tenant_or_404(slug)
    data, errors = validate_input(ManualLicenceForm())
    plan = operations.plan_by_id(data.get("plan_id")) if not errors else None
    if not errors and plan is None:
        errors = {"plan_id": [_("Choose a plan.")]}
    if not errors and data["until"] < local_today():
        errors = {"until": [str(PAST_END)]}
    if not errors and data["until"] > local_today() + LONGEST_MANUAL_LICENCE:
        errors = {"until": [str(FAR_END)]}
    if not errors:
        try:
            operations.set_manual_licence(current_user, organisation, plan, data["until"])  # type: ignore[arg-type]
        except OperationError as exc:
            errors = {"_form": [str(exc)]}
    if errors:
        return invalid_input(errors, lambda: _tenant_page(organisation, errors, request.form, 422))
    flash(_("%(name)s is now invoiced outside Stripe.", name=organisation.name), "success")
    return _see(".tenant", slug=organisation.slug)


@bp.route("/billing/tenants/<slug>/manual/end", methods=["POST"])
@require_foundation_admin
def end_manual(slug: str) -> Response:
    organisation = _tenant_or_404(slug)
    try:
        operations.end_manual_licence(current_user, organisation)
    except OperationError as exc:
        flash(str(exc), "error")
    else:
        flash(_("The licence of %(name)s invoiced outside Stripe has ended.", name=organisation.name), "success")
    return _see(".tenant", slug=organisation.slug)
