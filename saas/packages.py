"""Front doors: each package says what it provides, and the app is built by walking the packages.

A package (``saas/auth``, ``tenants/families`` …) declares one :class:`Package` in its
``__init__.py``, named ``package``. It lists its parts as text ("module" or "module:attribute"), so
importing a front door imports nothing else: the models, blueprints, demo seeders and jobs are
imported when the app (or the demo, or the job runner) needs them, in the order the packages are
listed. A package that adds something to another package — a panel on its page, a listener for
its signal — does so in one ``contribute()`` function, called once
by :func:`contribute_all` while the app is built; never as a side effect of importing a module.

The order is the dependency order, lowest first: :data:`PLATFORM` here, then ``tenants.PACKAGES``.
This module is the one place in ``saas`` that reads the tenant packages (docs/architecture.md §13);
``make lint`` checks that no other module of ``saas`` imports ``tenants`` (``.importlinter``).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Blueprint

    from saas.auth.models import User
    from saas.auth.roles import Role
    from saas.jobs.registry import Job
    from saas.tenancy.models import Tenant

#: A demo seeder adds a package's demo data to one tenant (bound by saas.demo).
DemoSeeder = Callable[["Tenant", "dict[Role, list[User]]", random.Random], None]

#: The platform's packages, lowest first.
PLATFORM = ("saas.tenancy", "saas.audit", "saas.jobs", "saas.auth", "saas.drafts", "saas.submissions",
            "saas.foundation", "saas.billing", "saas.administration", "saas.notifications")


@dataclass(frozen=True)
class Package:
    """What one package provides. Every entry is text, imported only when it is needed."""

    #: Modules that declare models (Alembic and the tests need the whole schema).
    models: tuple[str, ...] = ()
    #: Blueprints, as "module:attribute".
    blueprints: tuple[str, ...] = ()
    #: Demo seeders, as "module:function" (``seed(tenant, people, rng)``), run inside each demo tenant.
    demo: tuple[str, ...] = ()
    #: Scheduled jobs, as "module:attribute" of a saas.jobs.registry.Job.
    jobs: tuple[str, ...] = ()
    #: Names of the package's audit actions: "module:attribute" of a dict {action: lazy label}.
    audit_labels: tuple[str, ...] = ()
    #: "module:function" that adds this package's panels and signal listeners to other packages.
    contribute: str | None = None


def resolve(target: str) -> Any:
    """The attribute named by "module:attribute" (or the module, without an attribute)."""
    module, _, attribute = target.partition(":")
    loaded = import_module(module)
    return getattr(loaded, attribute) if attribute else loaded


@cache
def installed() -> tuple[Package, ...]:
    """Every package's front door, platform first, then the tenant packages, each lowest first."""
    import tenants  # the one import of tenants/ in saas/: the ordered list of domain packages

    return tuple(import_module(name).package for name in (*PLATFORM, *tenants.PACKAGES))


def _parts(field: str) -> Iterator[str]:
    for package in installed():
        yield from getattr(package, field)


def import_models() -> None:
    for module in _parts("models"):
        import_module(module)


def blueprints() -> list[Blueprint]:
    return [resolve(target) for target in _parts("blueprints")]


def demo_seeders() -> list[DemoSeeder]:
    return [resolve(target) for target in _parts("demo")]


def jobs() -> list[Job]:
    return [resolve(target) for target in _parts("jobs")]


def audit_labels() -> dict[str, Any]:
    labels: dict[str, Any] = {}
    for target in _parts("audit_labels"):
        labels.update(resolve(target))
    return labels


def contribute_all() -> None:
    """Let each package add its panels, listeners and labels to the others (safe to call again)."""
    for package in installed():
        if package.contribute:
            resolve(package.contribute)()
