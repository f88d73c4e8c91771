"""Front doors (saas.packages): a package declared in ``tenants.PACKAGES`` is all it takes for its
routes to be served under ``/t/<slug>/`` with every isolation check, and for the route meta-test to
ask for its cross-tenant entry. Shown with a tiny package written to a temporary directory."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

import tenants
from saas import packages
from saas.app import create_app
from saas.auth.roles import Role
from saas.tenancy.models import Tenant
from tests.factories.platform import create_user
from tests.support import databases
from tests.support.sessions import sign_in
from tests.test_isolation_routes import ROUTE_ARGS, tenant_rules

FRONT_DOOR = '''
from saas.packages import Package

package = Package(blueprints=("tinypkg.views:bp",), audit_labels=("tinypkg.views:AUDIT_LABELS",))
'''
VIEWS = '''
from saas.auth.roles import Role
from saas.web.tenant import require_role, tenant_blueprint

bp = tenant_blueprint("tiny", __name__)
AUDIT_LABELS = {"tiny.done": "Tiny thing done"}


@bp.route("/tiny/")
@require_role(Role.MANAGER)
def index() -> str:
    return "tiny page"
'''


@pytest.fixture
def app_with_tiny_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                          test_database: databases.TestDatabase, app: Flask) -> Iterator[Flask]:
    (tmp_path / "tinypkg").mkdir()
    (tmp_path / "tinypkg" / "__init__.py").write_text(FRONT_DOOR)
    (tmp_path / "tinypkg" / "views.py").write_text(VIEWS)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(tenants, "PACKAGES", (*tenants.PACKAGES, "tinypkg"))
    packages.installed.cache_clear()
    try:
        application = create_app("testing", DATABASE_URL=test_database.app_url, MAIL_BACKEND="log")
        application.config["WTF_CSRF_ENABLED"] = False  # as the suite's app (tests/conftest.py)
        yield application
    finally:
        packages.installed.cache_clear()
        for name in [name for name in sys.modules if name.startswith("tinypkg")]:
            del sys.modules[name]


def test_a_new_package_is_served_with_every_tenant_check(app_with_tiny_package: Flask, tenant_a: Tenant,
                                                         tenant_b: Tenant) -> None:
    app = app_with_tiny_package
    people = {role: create_user(app, f"{role.value}@alpha.example", tenant=tenant_a, role=role)
              for role in (Role.MANAGER, Role.VOLUNTEER)}
    outsider = create_user(app, "manager@beta.example", tenant=tenant_b, role=Role.MANAGER)

    def status(user: object | None) -> int:
        client = app.test_client()
        if user is not None:
            sign_in(client, user)  # type: ignore[arg-type]
        return client.get("/t/alpha/tiny/").status_code

    assert status(people[Role.MANAGER]) == 200
    assert status(people[Role.VOLUNTEER]) == 403  # its role check
    assert status(outsider) == 404  # another tenant's member: the tenant hook, nothing the package wrote
    assert status(None) == 302  # to the sign-in page


def test_the_route_meta_test_asks_for_the_new_packages_routes(app_with_tiny_package: Flask) -> None:
    endpoints = {rule.endpoint for rule in tenant_rules(app_with_tiny_package)}
    assert "tiny.index" in endpoints and "tiny.index" not in ROUTE_ARGS  # so that test fails until it is added
    assert hasattr(app_with_tiny_package.view_functions["tiny.index"], "allowed_roles")


def test_the_front_doors_declare_every_part_once() -> None:
    declared = packages.installed()
    blueprints = [target for package in declared for target in package.blueprints]
    assert len(blueprints) == len(set(blueprints))
    assert tenants.PACKAGES[0] == "tenants.families"  # the stack starts at the base
