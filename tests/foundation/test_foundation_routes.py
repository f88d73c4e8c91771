"""The wall between the foundation and the tenants, for every route there is and every route added
later: each rule under /foundation/ answers 404 to every tenant role, and each rule under /t/…/
answers 404 to foundation staff and admins — GET and POST alike.

URL arguments are filled from their converters, not from a list kept by hand: a route added
tomorrow is checked without anyone touching this file. Each rule is tried with each of GET and POST
it accepts (a method it does not accept is a 405 for everyone, before anyone's rights are looked at).
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule
from werkzeug.routing.converters import IntegerConverter, UUIDConverter

from saas.auth.roles import FoundationRole, Role
from saas.tenancy.models import Tenant
from saas.web.tenant import TENANT_ARG
from tests.factories.platform import create_user
from tests.support.sessions import sign_in

TENANT_ROLES = (Role.COORDINATOR, Role.MANAGER, Role.VOLUNTEER, Role.REPORT_VIEWER)
METHODS = ("GET", "POST")


def rules_under(app: Flask, prefix: str) -> list[Rule]:
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith(prefix)]


def methods_of(rule: Rule) -> list[str]:
    return [method for method in METHODS if method in (rule.methods or ())]


def url_of(rule: Rule, slug: str) -> str:
    """The rule's URL with every argument filled by its converter's kind: a random UUID, the year
    2026, ``slug`` for text (a tenant's slug, or just a name); defaults stay as they are."""
    values: dict[str, Any] = {}
    for name in rule.arguments - set(rule.defaults or {}):
        converter = rule._converters[name]
        if isinstance(converter, UUIDConverter):
            values[name] = uuid.uuid4()
        elif isinstance(converter, IntegerConverter):
            values[name] = 2026
        elif getattr(converter, "items", None):  # any(csv, xlsx): one of its choices
            values[name] = sorted(converter.items)[0]
        else:
            values[name] = slug
    return rule.build(values, append_unknown=False)[1]


def signed_in_client(app: Flask, **person: Any) -> FlaskClient:
    client = app.test_client()
    sign_in(client, create_user(app, **person))
    return client


def test_the_route_lists_are_not_empty(app: Flask) -> None:
    foundation = {rule.endpoint for rule in rules_under(app, "/foundation/")}
    assert {"foundation.dashboard", "foundation.chart", "foundation.export", "foundation.export_all",
            "foundation.annual_pdf", "foundation.freeze", "foundation.publish_now", "organisations.index"} <= foundation
    tenant_rules = rules_under(app, f"/t/<{TENANT_ARG}>")
    assert len(tenant_rules) > 50
    for rules in (rules_under(app, "/foundation/"), tenant_rules):  # both methods are exercised
        assert {method for rule in rules for method in methods_of(rule)} == set(METHODS)


@pytest.mark.parametrize("role", TENANT_ROLES, ids=[role.value for role in TENANT_ROLES])
def test_every_foundation_route_is_not_found_for_tenant_roles(app: Flask, tenant_a: Tenant, role: Role) -> None:
    client = signed_in_client(app, email=f"{role.value}@alpha.example", tenant=tenant_a, role=role)
    for rule in rules_under(app, "/foundation/"):
        url = url_of(rule, tenant_a.slug)
        for method in methods_of(rule):
            response = client.open(url, method=method)
            assert response.status_code == 404, (role.value, method, rule.rule, response.status_code)


@pytest.mark.parametrize("foundation_role", list(FoundationRole), ids=[role.value for role in FoundationRole])
def test_every_tenant_route_is_not_found_for_foundation_people(app: Flask, tenant_a: Tenant,
                                                               foundation_role: FoundationRole) -> None:
    client = signed_in_client(app, email=f"{foundation_role.value}@stichting.example",
                              foundation_role=foundation_role)
    for rule in rules_under(app, f"/t/<{TENANT_ARG}>"):
        url = url_of(rule, tenant_a.slug)
        for method in methods_of(rule):
            response = client.open(url, method=method)
            assert response.status_code == 404, (foundation_role.value, method, rule.rule, response.status_code)
