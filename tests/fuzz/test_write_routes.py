"""Hostile input on every write route (issue 18): never a 5xx, and a refused request writes nothing.

Each POST/PUT/PATCH/DELETE route of the URL map is tried, signed in as someone who may use it,
with hypothesis-generated bodies (tests/fuzz/hostile.py): NUL bytes and other controls, numbers of
thirty and five thousand digits, texts of 100,000 characters, dates at the calendar's edges, JSON of
every type and thousands of levels deep, form bodies that are not UTF-8. A 5xx fails, and so does
any change in the row count of any table after an answer of 4xx.

Each route runs inside a savepoint rolled back afterwards, so what one route's accepted input
changes (a sign-out, a deactivated member) does not decide what the next one sees. A few examples
per route by default; ``FUZZ_PROFILE=saas-fuzz-deep`` tries many more (random ones, 200 a route),
``FUZZ_EXAMPLES=<n>`` any number.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from hypothesis import HealthCheck, example, given, settings
from sqlalchemy import func, select
from werkzeug.routing import Rule

from saas.auth.models import User
from saas.auth.roles import Role
from saas.billing.models import Plan
from saas.db import Model, db, tenant_context
from saas.extensions import limiter
from saas.web.tenant import TENANT_ARG
from tests.factories.platform import database
from tests.factories.trainings import create_course
from tests.fuzz.hostile import Attack, attacks, explicit_attacks
from tests.fuzz.routes import (
    ANONYMOUS,
    FOUNDATION_ADMIN,
    PLATFORM_ROUTES,
    WRITE_METHODS,
    FuzzWorld,
    is_tenant_rule,
    tenant_role_for,
    uncovered,
    write_rules,
)
from tests.support.sessions import sign_in
from tests.test_isolation_routes import ROUTE_ARGS, World, world

__all__ = ["world"]  # the isolation test's fixture, under the name pytest finds it by

_COMMON: dict[str, Any] = {"deadline": None, "database": None, "suppress_health_check": [
    HealthCheck.too_slow, HealthCheck.large_base_example, HealthCheck.data_too_large]}
settings.register_profile("saas-fuzz", max_examples=4, derandomize=True, **_COMMON)
settings.register_profile("saas-fuzz-deep", max_examples=200, **_COMMON)
_CHOSEN: dict[str, Any] = {"max_examples": int(os.environ["FUZZ_EXAMPLES"])} if "FUZZ_EXAMPLES" in os.environ else {}
PROFILE = settings(settings.get_profile(os.environ.get("FUZZ_PROFILE", "saas-fuzz")), **_CHOSEN)

#: The one write a refusal may make (saas.app KEPT_STATUSES): a copy of refused input kept as a
#: draft for its author, so a contact log that failed validation is never lost.
KEPT_FOR_THE_AUTHOR = {401: {"contact_drafts", "form_drafts"}, 422: {"contact_drafts", "form_drafts"}}


@pytest.fixture
def fuzz_world(app: Flask, world: World, foundation_admin: User) -> FuzzWorld:
    with database(app) as session:
        plan = Plan(code="fuzz", name="Fuzz plan", amount_cents=1000)
        session.add(plan)
    course = create_course(app, None, name="Catalogus")
    return FuzzWorld(world, plan.id, course.id, foundation_admin)


def test_every_write_route_is_known_to_the_fuzz_test(app: Flask) -> None:
    missing = uncovered(app)
    assert not missing, f"add these write routes to PLATFORM_ROUTES in tests/fuzz/routes.py: {missing}"
    stale = sorted(set(PLATFORM_ROUTES) - {rule.endpoint for rule in write_rules(app)})
    assert not stale, f"PLATFORM_ROUTES names routes that are gone or take no writes: {stale}"


def test_hostile_input_on_every_write_route_is_refused_cleanly(app: Flask, fuzz_world: FuzzWorld) -> None:
    failures = [failure for rule in write_rules(app) for method in sorted(WRITE_METHODS & set(rule.methods or ()))
                if (failure := fuzz_route(app, fuzz_world, rule, method))]
    assert not failures, "\n\n".join(failures)


def fuzz_route(app: Flask, fuzz: FuzzWorld, rule: Rule, method: str) -> str | None:
    """None when every attack on ``rule`` was answered cleanly, else what went wrong (shrunk by hypothesis)."""
    url, user = target(app, fuzz, rule)
    with app.app_context():
        connection = db.session.get_bind()
    savepoint = connection.begin_nested()  # type: ignore[union-attr]
    try:
        client = client_for(app, user)

        @PROFILE
        @given(attack=attacks())
        @explicitly(explicit_attacks())
        def attempt(attack: Attack) -> None:
            before = row_counts(app, fuzz)
            with caught_database_refusals() as refusals:
                status = client.open(url, method=method, **attack.request_kwargs()).status_code
            assert status < 500, f"answered {status}"
            # saas.errors answers a database error as a 400/409, but the input should not have got that far.
            assert not refusals, f"answered {status} from the database, past the input checks: {refusals}"
            if status >= 400:
                after = row_counts(app, fuzz)
                kept = KEPT_FOR_THE_AUTHOR.get(status, set())
                changed = {table: (count, after[table]) for table, count in before.items()
                           if after[table] != count and table not in kept}
                assert not changed, f"answered {status} but rows changed: {changed}"

        attempt()
    except Exception as error:  # every route's failure is reported, not just the first
        notes = "\n".join(getattr(error, "__notes__", []))
        return f"{method} {rule.rule} ({rule.endpoint}): {type(error).__name__}: {str(error)[:300]}\n{notes}"
    finally:
        savepoint.rollback()
    return None


def explicitly(chosen: list[Attack]) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """hypothesis's ``@example`` for each attack of ``chosen``: tried first, on every route."""
    def decorate(test: Callable[..., None]) -> Callable[..., None]:
        for attack in chosen:
            test = example(attack=attack)(test)
        return test
    return decorate


@contextmanager
def caught_database_refusals() -> Iterator[list[str]]:
    """What saas.errors logs while answering a database error during the block."""
    caught: list[str] = []

    class Catcher(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.getMessage().startswith(("database refused", "database unavailable")):
                caught.append(record.getMessage())

    handler, logger = Catcher(), logging.getLogger("saas.errors")
    logger.addHandler(handler)
    try:
        yield caught
    finally:
        logger.removeHandler(handler)


def target(app: Flask, fuzz: FuzzWorld, rule: Rule) -> tuple[str, User | None]:
    """The route's URL in the world, and who is signed in for it (None: nobody)."""
    world = fuzz.world
    if is_tenant_rule(rule):
        values: dict[str, Any] = {TENANT_ARG: world.tenant_a.slug, **ROUTE_ARGS[rule.endpoint](world)}
        user: User | None = world.people_a[tenant_role_for(app, rule.endpoint)]
    else:
        who, url_values = PLATFORM_ROUTES[rule.endpoint]
        values = url_values(fuzz)
        user = {ANONYMOUS: None, FOUNDATION_ADMIN: fuzz.foundation_admin}.get(who, world.people_a[Role.MANAGER])
    with app.test_request_context():
        return url_for(rule.endpoint, **values), user


def client_for(app: Flask, user: User | None) -> FlaskClient:
    client = app.test_client()
    with app.app_context():
        limiter.reset()  # the sign-ins of the routes before would hit the sign-in limit
    if user is not None:
        # The server's memory of used authenticator codes was rolled back with the route before.
        vars(user).pop("_used_steps", None)
        sign_in(client, user)
    return client


def row_counts(app: Flask, fuzz: FuzzWorld) -> dict[str, int]:
    """The number of rows of every table (tenant A's rows of the tenant tables), in one statement."""
    tables = Model.metadata.sorted_tables
    counts = select(*(select(func.count()).select_from(table).scalar_subquery().label(table.name) for table in tables))
    with app.app_context(), tenant_context(db.session, fuzz.world.tenant_a.id):
        row = db.session.execute(counts).one()
    return dict(zip((table.name for table in tables), row, strict=True))
