"""Foundation pages for tenants (/foundation/tenants/): the list, creating one with its first manager, editing."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from saas.db import db
from saas.errors import OperationError, invalid_input
from saas.forms import validate_input
from saas.foundation.access import foundation_blueprint, require_foundation_admin
from saas.i18n import _
from saas.tenancy import operations
from saas.tenancy.models import Tenant
from saas.tenancy.schemas import CreateTenantForm, EditTenantForm, InviteManagerForm

bp = foundation_blueprint("tenancy", __name__)
PAGE_SIZE = 25


def _tenant_or_404(slug: str) -> Tenant:
    tenant: Tenant = db.first_or_404(select(Tenant).where(Tenant.slug == slug))
    return tenant


def _form_values(tenant: Tenant) -> dict[str, object]:
    return {"name": tenant.name, "municipalities": "\n".join(tenant.municipalities),
            "default_locale": tenant.default_locale, "is_active": tenant.is_active}


@bp.route("/tenants/")
def index() -> str:
    page = db.paginate(select(Tenant).order_by(Tenant.name), per_page=PAGE_SIZE, error_out=False)
    return render_template("tenancy/index.html", page=page)


@bp.route("/tenants/new", methods=["GET", "POST"])
@require_foundation_admin
def create() -> ResponseReturnValue:
    if request.method == "GET":
        return render_template("tenancy/new.html", errors={}, values={"default_locale": "nl"})
    data, errors = validate_input(CreateTenantForm())
    if not errors:
        try:
            tenant, _link = operations.create_tenant(current_user, **data)
        except OperationError as exc:
            errors = {"slug": [str(exc)]}
    if errors:
        return invalid_input(errors, lambda: (render_template("tenancy/new.html", errors=errors,
                                                              values=request.form), 422))
    flash(_("%(name)s has been created and its manager invited.", name=tenant.name), "success")
    return redirect(url_for(".detail", slug=tenant.slug))


@bp.route("/tenants/<slug>", methods=["GET", "POST"])
def detail(slug: str) -> ResponseReturnValue:
    tenant = _tenant_or_404(slug)
    if request.method == "GET":
        return render_template("tenancy/detail.html", organisation=tenant, errors={}, values=_form_values(tenant),
                               invite_errors={})
    return _update(tenant)


@require_foundation_admin
def _update(tenant: Tenant) -> ResponseReturnValue:
    data, errors = validate_input(EditTenantForm())
    if errors:
        return invalid_input(errors, lambda: (render_template(
            "tenancy/detail.html", organisation=tenant, errors=errors, values=request.form, invite_errors={}), 422))
    operations.update_tenant(current_user, tenant, **data)
    flash(_("The details of %(name)s have been saved.", name=tenant.name), "success")
    return redirect(url_for(".detail", slug=tenant.slug))


@bp.route("/tenants/<slug>/invite-manager", methods=["POST"])
@require_foundation_admin
def invite_manager(slug: str) -> ResponseReturnValue:
    tenant = _tenant_or_404(slug)
    data, errors = validate_input(InviteManagerForm())
    if not errors:
        try:
            operations.invite_manager(current_user, tenant, data["manager_email"])
        except OperationError as exc:
            errors = {"manager_email": [str(exc)]}
    if errors:
        return invalid_input(errors, lambda: (render_template(
            "tenancy/detail.html", organisation=tenant, errors={}, values=_form_values(tenant),
            invite_errors=errors, invite_values=request.form), 422))
    flash(_("An invitation has been sent to %(email)s.", email=data["manager_email"]), "success")
    return redirect(url_for(".detail", slug=tenant.slug))
