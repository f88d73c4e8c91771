"""Foundation pages for licences (/foundation/billing/): every tenant's licence with the recurring
revenue, the plans, and licences invoiced outside Stripe. Staff read; admins change."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from saas.auth.roles import FoundationRole
from saas.billing import operations
from saas.billing.models import Interval, Plan
from saas.billing.money import amount_input, format_money
from saas.billing.schemas import CreatePlanForm, ManualLicenceForm, PlanForm
from saas.billing.status import LicenceStatus
from saas.db import db
from saas.errors import or_404
from saas.forms import Confirmed
from saas.foundation.access import foundation_blueprint, require_foundation_admin
from saas.i18n import _
from saas.tenancy.models import Tenant
from saas.web import Done, Errors, FormPage, back_with_refusal, run_form

bp = foundation_blueprint("billing", __name__, template_folder="templates")


@bp.context_processor
def _billing_helpers() -> dict[str, object]:
    return {"format_money": format_money, "LicenceStatus": LicenceStatus, "Interval": Interval,
            # also rendered for the 404 that the blueprint answers to people outside the foundation
            "is_admin": getattr(current_user, "foundation_role", None) == FoundationRole.ADMIN}


def _tenant_or_404(slug: str) -> Tenant:
    return db.first_or_404(select(Tenant).where(Tenant.slug == slug))


# Overview ----------------------------------------------------------------------------------------


@bp.route("/billing/")
def index() -> str:
    return render_template("billing/overview.html", overview=operations.licence_overview())


# Plans -------------------------------------------------------------------------------------------


@bp.route("/billing/plans/")
def plans() -> str:
    return render_template("billing/plans.html", plans=operations.all_plans())


def _plan_form(plan: Plan | None, values: Mapping[str, Any], errors: Errors) -> str:
    return render_template("billing/plan_form.html", plan=plan, errors=errors, values=values,
                           intervals=[(i.value, i.label) for i in Interval])


def _plan_saved(message: str) -> Any:
    def done(plan: Plan) -> Done:
        return message % {"name": plan.name}, url_for(".plans")
    return done


@bp.route("/billing/plans/new", methods=["GET", "POST"])
@require_foundation_admin
def new_plan() -> ResponseReturnValue:
    return FormPage(CreatePlanForm, lambda values, errors: _plan_form(None, values, errors),
                    lambda data: operations.create_plan(current_user, **data),
                    _plan_saved(_("The plan %(name)s has been created.")),
                    values=lambda: {"interval": Interval.YEAR.value, "is_active": True}).respond()


@bp.route("/billing/plans/<uuid:plan_id>", methods=["GET", "POST"])
def edit_plan(plan_id: Any) -> ResponseReturnValue:
    plan = or_404(db.session.get(Plan, plan_id))
    if request.method == "GET":
        return _plan_form(plan, PlanForm().form_values(plan, amount=amount_input(plan.amount_cents)), {})
    return _update_plan(plan)


@require_foundation_admin
def _update_plan(plan: Plan) -> ResponseReturnValue:
    def update(data: dict[str, Any]) -> Plan:
        operations.update_plan(current_user, plan, **data)
        return plan

    return run_form(PlanForm(), update, lambda errors: (_plan_form(plan, request.form, errors), 422),
                    _plan_saved(_("The plan %(name)s has been saved.")))


# One tenant's licence ------------------------------------------------------------------------------


def _tenant_page(tenant: Tenant, values: Mapping[str, Any], errors: Errors) -> str:
    options = [("", _("Choose a plan"))] + [
        (str(plan.id), f"{plan.name} ({format_money(plan.amount_cents, plan.currency)} {plan.interval.label})")
        for plan in operations.all_plans()]
    return render_template("billing/tenant.html", organisation=tenant, row=operations.tenant_row(tenant),
                           plan_options=options, errors=errors, values=values)


@bp.route("/billing/tenants/<slug>")
def tenant(slug: str) -> str:
    organisation = _tenant_or_404(slug)
    licence = operations.licence_of(organisation)
    values = ManualLicenceForm().form_values(licence, until=licence.manual_until) if licence else {}
    return _tenant_page(organisation, values, {})


@bp.route("/billing/tenants/<slug>/manual", methods=["POST"])
@require_foundation_admin
def set_manual(slug: str) -> ResponseReturnValue:
    organisation = _tenant_or_404(slug)
    return run_form(ManualLicenceForm(),
                    lambda data: operations.set_manual_licence(current_user, organisation,
                                                               operations.plan_by_id(data["plan_id"]), data["until"]),
                    lambda errors: (_tenant_page(organisation, request.form, errors), 422),
                    lambda _licence: (_("%(name)s is now invoiced outside Stripe.", name=organisation.name),
                                      url_for(".tenant", slug=organisation.slug)))


@bp.route("/billing/tenants/<slug>/manual/end", methods=["POST"])
@require_foundation_admin
def end_manual(slug: str) -> ResponseReturnValue:
    organisation = _tenant_or_404(slug)
    address = url_for(".tenant", slug=organisation.slug)
    return run_form(Confirmed(), lambda _nothing: operations.end_manual_licence(current_user, organisation),
                    back_with_refusal(address),
                    lambda _licence: (_("The licence of %(name)s invoiced outside Stripe has ended.",
                                        name=organisation.name), address))
