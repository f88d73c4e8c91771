"""The current tenant of a request (isolation layer 1).

Tenant pages live under ``/t/<tenant_slug>/`` on blueprints made by :func:`tenant_blueprint`.
The slug is accepted only when the signed-in person has an active membership there; anything
else — unknown slug, inactive tenant, no membership — is the same 404, so slugs cannot be
probed. The tenant is then bound to the database session for the rest of the request.

The same statement loads the tenant's licence (``Tenant.licence``, an outer join: most requests
need it to know whether the organisation is read-only, and a second query per request would cost
every page). What the licence means is billing's business: saas.billing adds its check (refuse
writes while read-only) and its banner through :func:`add_entry_check` and
:func:`add_template_context` from its front door, so this module never imports billing.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Sequence
from typing import Any, ParamSpec, Protocol, TypeVar, cast

from flask import Blueprint, abort, current_app, g, has_request_context, redirect, request, session, url_for
from flask_login import current_user
from sqlalchemy import Select, and_, bindparam, select
from sqlalchemy.orm import contains_eager, lazyload
from werkzeug.local import LocalProxy

from saas.auth.models import Membership, User
from saas.auth.roles import Role
from saas.auth.session import load_alongside_user
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

#: Checks run when a tenant request enters, before the view, by name (``check(endpoint)`` may abort).
_ENTRY_CHECKS: dict[str, Callable[[str | None], None]] = {}
#: Template context every tenant page gets, by name.
_TEMPLATE_CONTEXT: dict[str, Callable[[], dict[str, Any]]] = {}


def add_entry_check(name: str, check: Callable[[str | None], None]) -> None:
    """Run ``check(endpoint)`` on every tenant request once the tenant is bound, before the view
    (it aborts to refuse). For a package's ``contribute()``; adding the same name again replaces it."""
    _ENTRY_CHECKS[name] = check


def add_template_context(name: str, provider: Callable[[], dict[str, Any]]) -> None:
    """Merge ``provider()`` into the template context of every tenant page (for ``contribute()``)."""
    _TEMPLATE_CONTEXT[name] = provider


class RoleGuardedView(Protocol[P, R_co]):
    """A view wrapped by :func:`require_role`: called like the view, and carrying its roles."""

    allowed_roles: frozenset[Role]

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R_co: ...


def tenant_blueprint(name: str, import_name: str, **kwargs: Any) -> Blueprint:
    """A blueprint whose routes live under ``/t/<tenant_slug>/`` and require a membership."""
    blueprint = Blueprint(name, import_name, url_prefix=f"/t/<{TENANT_ARG}>", **kwargs)
    blueprint.url_value_preprocessor(_enter_tenant)
    blueprint.context_processor(_contributed_template_context)
    return blueprint


def _contributed_template_context() -> dict[str, Any]:
    context: dict[str, Any] = {}
    for provider in _TEMPLATE_CONTEXT.values():
        context.update(provider())
    return context


def membership_for(slug: str, user: Any) -> Membership | None:
    """The active membership of ``user`` in the active tenant ``slug``, with the tenant and its
    licence loaded, in one statement; None without such a membership. In a tenant request it came
    with the user already (:class:`_MembershipWithUser`)."""
    loaded = g.pop(_LOADED_MEMBERSHIP, None)
    if loaded is not None and loaded[0] == (slug, user.id):
        membership: Membership | None = loaded[1]
        return membership
    statement = (
        select(Membership)
        .join(Membership.tenant)
        .outerjoin(Tenant.licence)
        .options(contains_eager(Membership.tenant).contains_eager(Tenant.licence))
        .where(Tenant.slug == slug, Tenant.is_active, Membership.user_id == user.id, Membership.is_active)
    )
    return db.session.scalar(cross_tenant(statement, "resolve the tenant of the request"))


#: In ``g`` during a tenant request: the tenant's slug from the address, then ((slug, user id), membership or None).
_REQUESTED_SLUG, _LOADED_MEMBERSHIP = "requested_tenant_slug", "membership_loaded_with_user"


class _MembershipWithUser:
    """Loads the membership of the tenant the address names in the user's own statement
    (saas.auth.session.load_alongside_user): a tenant page's person, membership, tenant and licence
    in one round trip."""

    def parameters(self) -> dict[str, Any] | None:
        slug = g.get(_REQUESTED_SLUG) if has_request_context() else None
        return None if slug is None else {_REQUESTED_SLUG: slug}

    def extend(self, statement: Select[Any]) -> Select[Any]:
        tenant = and_(Tenant.slug == bindparam(_REQUESTED_SLUG), Tenant.is_active)
        membership = and_(Membership.tenant_id == Tenant.id, Membership.user_id == User.id, Membership.is_active)
        return cross_tenant(
            statement.add_columns(Membership).outerjoin(Tenant, tenant).outerjoin(Membership, membership)
            .outerjoin(Tenant.licence)
            .options(contains_eager(Membership.tenant).contains_eager(Tenant.licence),
                     lazyload(Membership.user)),  # the person of the row: taken from the identity map
            "the person's own membership in the tenant of the request")

    def receive(self, row: Sequence[Any]) -> None:
        g.setdefault(_LOADED_MEMBERSHIP, ((g.get(_REQUESTED_SLUG), row[0].id), row[1]))


load_alongside_user(_MembershipWithUser())


#: In the (signed) session: the tenant id of each slug the person entered, so the next request
#: binds it before its first statement and PostgreSQL gets user and tenant in one set_config.
_TENANT_IDS = "tenant_ids"


def _expect_tenant(slug: str) -> None:
    """Bind the tenant the person entered under ``slug`` before, for the person's own statement.
    Only a binding: the membership in that statement decides, and a refusal unbinds it again."""
    known = session.get(_TENANT_IDS, {}).get(slug)
    try:
        bind_context(db.session, tenant_id=uuid.UUID(known) if known else None)
    except (TypeError, ValueError):  # not a UUID: an old or foreign cookie value, ignored
        bind_context(db.session, tenant_id=None)


def _enter_tenant(endpoint: str | None, values: dict[str, Any] | None) -> None:
    slug = (values or {}).pop(TENANT_ARG, None)
    if slug is None:
        return
    g.setdefault(_REQUESTED_SLUG, slug)  # before the user is loaded: the membership comes with them
    _expect_tenant(slug)
    if not current_user.is_authenticated:
        bind_context(db.session, tenant_id=None)
        abort(login_manager.unauthorized())
    membership = membership_for(slug, current_user)
    bind_context(db.session, tenant_id=membership.tenant_id if membership is not None else None)
    if membership is None:
        abort(404)
    session.setdefault(_TENANT_IDS, {})
    if session[_TENANT_IDS].get(slug) != str(membership.tenant_id):
        session[_TENANT_IDS][slug] = str(membership.tenant_id)
        session.modified = True
    if membership.role.requires_two_factor and not current_user.has_two_factor:
        # Promoted to a staff role since signing in: the authenticator comes first.
        abort(redirect(url_for("two_factor.setup", next=request.full_path)))
    g.tenant = membership.tenant
    g.membership = membership
    for check in _ENTRY_CHECKS.values():
        check(endpoint)


def add_tenant_slug(endpoint: str, values: dict[str, Any]) -> None:
    """``url_for`` default: tenant routes get the current tenant's slug unless one is given."""
    tenant = g.get("tenant")
    if (
        tenant is not None
        and TENANT_ARG not in values
        and current_app.url_map.is_endpoint_expecting(endpoint, TENANT_ARG)
    ):
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
