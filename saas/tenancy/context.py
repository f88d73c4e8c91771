"""The current tenant of a request (isolation layer 1).

Tenant pages live under ``/t/<tenant_slug>/`` on blueprints made by :func:`tenant_blueprint`.
The slug is accepted only when the signed-in person has an active membership there; anything
else — unknown slug, inactive tenant, no membership — is the same 404, so slugs cannot be
probed. The tenant is then bound to the database session for the rest of the request.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, abort, current_app, g, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.local import LocalProxy

from saas.auth.models import Membership
from saas.auth.roles import Role
from saas.db import bind_context, cross_tenant, db
from saas.extensions import login_manager
from saas.tenancy.models import Tenant

TENANT_ARG = "tenant_slug"

current_tenant: Tenant = LocalProxy(lambda: g.tenant)  # type: ignore[assignment]
current_membership: Membership = LocalProxy(lambda: g.membership)  # type: ignore[assignment]

View = TypeVar("View", bound=Callable[..., Any])


def tenant_blueprint(name: str, import_name: str, **kwargs: Any) -> Blueprint:
    """A blueprint whose routes live under ``/t/<tenant_slug>/`` and require a membership."""
    blueprint = Blueprint(name, import_name, url_prefix=f"/t/<{TENANT_ARG}>", **kwargs)
    blueprint.url_value_preprocessor(_enter_tenant)
    return blueprint


def membership_for(slug: str, user: Any) -> Membership | None:
    """The active membership of ``user`` in the active tenant ``slug``, or None."""
    statement = (select(Membership).join(Tenant, Tenant.id == Membership.tenant_id)
                 .where(Tenant.slug == slug, Tenant.is_active, Membership.user_id == user.id, Membership.is_active))
    return db.session.scalars(cross_tenant(statement, "resolve the tenant of the request")).first()


def _enter_tenant(endpoint: str | None, values: dict[str, Any] | None) -> None:
    slug = (values or {}).pop(TENANT_ARG, None)
    if slug is None:
        return
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    membership = membership_for(slug, current_user)
    if membership is None:
        abort(404)
    if membership.role.requires_two_factor and not current_user.has_two_factor:
        # Promoted to a staff role since signing in: the authenticator comes first.
        abort(redirect(url_for("two_factor.setup", next=request.full_path)))
    g.tenant = membership.tenant
    g.membership = membership
    bind_context(db.session, tenant_id=membership.tenant_id)


def add_tenant_slug(endpoint: str, values: dict[str, Any]) -> None:
    """``url_for`` default: tenant routes get the current tenant's slug unless one is given."""
    tenant = g.get("tenant")
    if tenant is not None and TENANT_ARG not in values and current_app.url_map.is_endpoint_expecting(
            endpoint, TENANT_ARG):
        values[TENANT_ARG] = tenant.slug


def require_role(*roles: Role) -> Callable[[View], View]:
    """Allow a tenant view to members with one of ``roles``; others get 403.

    The roles are kept on the view (``allowed_roles``) so the role tests can check every route.
    """
    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if g.membership.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapper.allowed_roles = frozenset(roles)  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]
    return decorator


ALL_ROLES = tuple(Role)
