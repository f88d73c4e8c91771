"""The current tenant of a request (isolation layer 1).

Tenant pages live under ``/t/<tenant_slug>/`` on blueprints made by :func:`tenant_blueprint`.
The slug is accepted only when the signed-in person has an active membership there; anything
else — unknown slug, inactive tenant, no membership — is the same 404, so slugs cannot be
probed. The tenant is then bound to the database session for the rest of the request.

The same statement loads the tenant's licence (an outer join: most requests need it to know
whether the organisation is read-only, and a second query per request would cost every page),
kept on ``g.licence``; writes are refused there while the licence is read-only
(saas.billing.entitlements), before the view runs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ParamSpec, Protocol, TypeVar, cast

from flask import Blueprint, abort, current_app, g, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.local import LocalProxy

from saas.auth.models import Membership
from saas.auth.roles import Role
from saas.billing.entitlements import billing_template_context, refuse_writes_when_read_only
from saas.billing.models import Licence
from saas.db import bind_context, cross_tenant, db
from saas.extensions import login_manager
from saas.tenancy.models import Tenant

TENANT_ARG = "tenant_slug"

#: The request's tenant and the signed-in person's membership there; the proxies stand for them.
current_tenant = cast("Tenant", LocalProxy(lambda: g.tenant))
current_membership = cast("Membership", LocalProxy(lambda: g.membership))

P = ParamSpec("P")
R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)


class RoleGuardedView(Protocol[P, R_co]):
    """A view wrapped by :func:`require_role`: called like the view, and carrying its roles."""

    allowed_roles: frozenset[Role]

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R_co: ...


def tenant_blueprint(name: str, import_name: str, **kwargs: Any) -> Blueprint:
    """A blueprint whose routes live under ``/t/<tenant_slug>/`` and require a membership."""
    blueprint = Blueprint(name, import_name, url_prefix=f"/t/<{TENANT_ARG}>", **kwargs)
    blueprint.url_value_preprocessor(_enter_tenant)
    blueprint.context_processor(billing_template_context)
    return blueprint


def membership_and_licence_for(slug: str, user: Any) -> tuple[Membership, Licence | None] | None:
    """The active membership of ``user`` in the active tenant ``slug`` and that tenant's licence
    (None: no licence row), in one statement; None without such a membership."""
    statement = (select(Membership, Licence).join(Tenant, Tenant.id == Membership.tenant_id)
                 .outerjoin(Licence, Licence.tenant_id == Tenant.id)
                 .where(Tenant.slug == slug, Tenant.is_active, Membership.user_id == user.id, Membership.is_active))
    row = db.session.execute(cross_tenant(statement, "resolve the tenant of the request")).first()
    return (row[0], row[1]) if row is not None else None


def _enter_tenant(endpoint: str | None, values: dict[str, Any] | None) -> None:
    slug = (values or {}).pop(TENANT_ARG, None)
    if slug is None:
        return
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    found = membership_and_licence_for(slug, current_user)
    if found is None:
        abort(404)
    membership, licence = found
    if membership.role.requires_two_factor and not current_user.has_two_factor:
        # Promoted to a staff role since signing in: the authenticator comes first.
        abort(redirect(url_for("two_factor.setup", next=request.full_path)))
    g.tenant = membership.tenant
    g.membership = membership
    g.licence = licence
    bind_context(db.session, tenant_id=membership.tenant_id)
    refuse_writes_when_read_only(endpoint)


def add_tenant_slug(endpoint: str, values: dict[str, Any]) -> None:
    """``url_for`` default: tenant routes get the current tenant's slug unless one is given."""
    tenant = g.get("tenant")
    if tenant is not None and TENANT_ARG not in values and current_app.url_map.is_endpoint_expecting(
            endpoint, TENANT_ARG):
        values[TENANT_ARG] = tenant.slug


def require_role(*roles: Role) -> Callable[[Callable[P, R]], RoleGuardedView[P, R]]:
    """Allow a tenant view to members with one of ``roles``; others get 403.

    The roles are kept on the view (``allowed_roles``) so the role tests can check every route.
    """
    def decorator(view: Callable[P, R]) -> RoleGuardedView[P, R]:
        @functools.wraps(view)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            if g.membership.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        guarded = cast("RoleGuardedView[P, R]", wrapper)
        guarded.allowed_roles = frozenset(roles)
        return guarded
    return decorator


ALL_ROLES = tuple(Role)
