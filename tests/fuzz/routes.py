"""Every write route of the app and how the fuzz test reaches it: the URL from the isolation test's
world (tests/test_isolation_routes.py: ROUTE_ARGS for the tenant routes), who is signed in.

Tenant routes are taken with a role that may use them (a manager where managers may). The routes
outside a tenant are listed in PLATFORM_ROUTES by hand; the meta-test fails when a write route is
added without an entry, as the isolation meta-test does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask
from werkzeug.routing import Rule

from saas.auth.roles import Role
from tests.test_isolation_routes import ROUTE_ARGS, TENANT_PREFIX, World

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

#: Who is signed in for a route outside a tenant: nobody, tenant A's manager (their own account),
#: or a foundation admin.
ANONYMOUS, MANAGER, FOUNDATION_ADMIN = "anonymous", "manager", "foundation admin"


@dataclass
class FuzzWorld:
    """The isolation test's world, and the platform objects the foundation's pages edit."""

    world: World
    plan_id: Any
    catalogue_course_id: Any
    foundation_admin: Any


#: Routes outside /t/<slug>/: who signs in, and the URL's values.
PLATFORM_ROUTES: dict[str, tuple[str, Callable[[FuzzWorld], dict[str, Any]]]] = {
    "account.change_password": (MANAGER, lambda f: {}),
    "account.update_profile": (MANAGER, lambda f: {}),
    "account.end_other_sessions": (MANAGER, lambda f: {}),
    "two_factor.disable": (MANAGER, lambda f: {}),
    "two_factor.new_recovery_codes": (MANAGER, lambda f: {}),
    "two_factor.setup": (MANAGER, lambda f: {}),
    "billing_webhooks.receive": (ANONYMOUS, lambda f: {}),  # unsigned: refused before anything is read
    "billing.edit_plan": (FOUNDATION_ADMIN, lambda f: {"plan_id": f.plan_id}),
    "billing.new_plan": (FOUNDATION_ADMIN, lambda f: {}),
    "billing.set_manual": (FOUNDATION_ADMIN, lambda f: {"slug": f.world.tenant_a.slug}),
    "billing.end_manual": (FOUNDATION_ADMIN, lambda f: {"slug": f.world.tenant_a.slug}),
    "courses.edit": (FOUNDATION_ADMIN, lambda f: {"course_id": f.catalogue_course_id}),
    "courses.create": (FOUNDATION_ADMIN, lambda f: {}),
    "instruments.retire": (FOUNDATION_ADMIN, lambda f: {"instrument_id": f.world.impact_a.instrument.id}),
    "instruments.load": (FOUNDATION_ADMIN, lambda f: {}),
    "foundation.publish_now": (FOUNDATION_ADMIN, lambda f: {}),
    "organisations.detail": (FOUNDATION_ADMIN, lambda f: {"slug": f.world.tenant_a.slug}),
    "organisations.invite_manager": (FOUNDATION_ADMIN, lambda f: {"slug": f.world.tenant_a.slug}),
    "organisations.create": (FOUNDATION_ADMIN, lambda f: {}),
    "foundation.freeze": (FOUNDATION_ADMIN, lambda f: {"year": 2025}),
    "auth.accept_invitation": (ANONYMOUS, lambda f: {"tenant_slug": f.world.tenant_a.slug, "token": "x" * 43}),
    "auth.set_language": (ANONYMOUS, lambda f: {}),
    "auth.login": (ANONYMOUS, lambda f: {}),
    "auth.verify": (ANONYMOUS, lambda f: {}),
    "auth.logout": (MANAGER, lambda f: {}),
    "auth.forgot_password": (ANONYMOUS, lambda f: {}),
    "auth.reset_password": (ANONYMOUS, lambda f: {"token": "x" * 43}),
}

#: The tenant role a route is tried with: the first of these that it allows.
ROLE_PREFERENCE = (Role.MANAGER, Role.COORDINATOR, Role.VOLUNTEER, Role.REPORT_VIEWER)


def write_rules(app: Flask) -> list[Rule]:
    return sorted((rule for rule in app.url_map.iter_rules() if WRITE_METHODS & (rule.methods or set())),
                  key=lambda rule: rule.rule)


def is_tenant_rule(rule: Rule) -> bool:
    return rule.rule.startswith(TENANT_PREFIX)


def uncovered(app: Flask) -> list[str]:
    """Write routes the fuzz test does not know how to reach."""
    return sorted(rule.endpoint for rule in write_rules(app)
                  if rule.endpoint not in (ROUTE_ARGS if is_tenant_rule(rule) else PLATFORM_ROUTES))


def tenant_role_for(app: Flask, endpoint: str) -> Role:
    allowed: frozenset[Role] = getattr(app.view_functions[endpoint], "allowed_roles")  # noqa: B009
    return next(role for role in ROLE_PREFERENCE if role in allowed)
