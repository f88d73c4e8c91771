"""The methodology at work inside one tenant: one package per domain.

:data:`PACKAGES` is the stack, lowest first: a package may import the ones listed before it, never
one listed after it (``make lint`` checks this, ``.importlinter``). A lower package learns about a
higher one only through what the higher one contributes: panels (tenants.panels) and listeners on
its signals. Each package's front door (its ``__init__.py``) declares what it provides
(saas.packages.Package); saas.packages walks this list to build the app.

The order is also the order of the demo seeders, which share one random generator per tenant: moving
a package changes every demo datum after it. ``matching`` and ``groups`` import neither the other (one
layer in ``.importlinter``); ``groups`` comes second because its seeder has always run after
matching's, on the families and volunteers as matching's seeder leaves them.
"""

PACKAGES = (
    "tenants.families",
    "tenants.volunteers",
    "tenants.trainings",
    "tenants.matching",
    "tenants.groups",
    "tenants.impact",
    "tenants.home",
    "tenants.publishing",
)
