"""Foundation pages for tenants (/foundation/tenants/): the list, creating one with its first manager,
editing its details and inviting another manager. Staff read; admins change."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from saas.db import db
from saas.foundation.access import foundation_blueprint, require_foundation_admin
from saas.foundation.organisations import operations
from saas.foundation.organisations.schemas import CreateTenantForm, EditTenantForm, InviteManagerForm
from saas.i18n import _
from saas.tenancy.models import Tenant
from saas.web import Errors, FormPage, run_form

bp = foundation_blueprint("organisations", __name__)
PAGE_SIZE = 25


def _tenant_or_404(slug: str) -> Tenant:
    tenant: Tenant = db.first_or_404(select(Tenant).where(Tenant.slug == slug))
    return tenant


@bp.route("/tenants/")
def index() -> str:
    page = db.paginate(select(Tenant).order_by(Tenant.name), per_page=PAGE_SIZE, error_out=False)
    return render_template("organisations/index.html", page=page)


@bp.route("/tenants/new", methods=["GET", "POST"])
@require_foundation_admin
def create() -> ResponseReturnValue:
    return FormPage(
        CreateTenantForm,
        lambda values, errors: render_template("organisations/new.html", errors=errors, values=values),
        lambda data: operations.create_tenant(current_user, **data)[0],
        lambda tenant: (_("%(name)s has been created and its manager invited.", name=tenant.name),
                        url_for(".detail", slug=tenant.slug)),
        values=lambda: {"default_locale": "nl"},
    ).respond()


def _detail_page(tenant: Tenant, values: Mapping[str, Any] | None = None, errors: Errors | None = None,
                 invite_errors: Errors | None = None) -> str:
    """The organisation's page: its details form and the form that invites another manager."""
    return render_template("organisations/detail.html", organisation=tenant,
                           values=values if values is not None else EditTenantForm().form_values(tenant),
                           errors=errors or {}, invite_errors=invite_errors or {},
                           invite_values=request.form if invite_errors else {})


@bp.route("/tenants/<slug>", methods=["GET", "POST"])
def detail(slug: str) -> ResponseReturnValue:
    tenant = _tenant_or_404(slug)
    if request.method == "GET":
        return _detail_page(tenant)
    return _update(tenant)


@require_foundation_admin
def _update(tenant: Tenant) -> ResponseReturnValue:
    return run_form(EditTenantForm(), lambda data: operations.update_tenant(current_user, tenant, **data),
                    lambda errors: (_detail_page(tenant, request.form, errors), 422),
                    lambda _none: (_("The details of %(name)s have been saved.", name=tenant.name),
                                   url_for(".detail", slug=tenant.slug)))


@bp.route("/tenants/<slug>/invite-manager", methods=["POST"])
@require_foundation_admin
def invite_manager(slug: str) -> ResponseReturnValue:
    tenant = _tenant_or_404(slug)

    def send(data: dict[str, Any]) -> str:
        operations.invite_manager(current_user, tenant, data["manager_email"])
        return str(data["manager_email"])

    return run_form(InviteManagerForm(), send, lambda errors: (_detail_page(tenant, invite_errors=errors), 422),
                    lambda email: (_("An invitation has been sent to %(email)s.", email=email),
                                   url_for(".detail", slug=tenant.slug)))
