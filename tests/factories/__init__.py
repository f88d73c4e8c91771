"""The test factories: plain functions that make rows (and worlds of rows) for the tests, one
module per domain (``tests.factories.families``, ``tests.factories.matching`` …).

Factories always take the tenant explicitly, e.g. ``create_family(app, tenant, ...)``, and commit
so later requests of the test see the rows (the test's outer transaction rolls everything back).
Fixtures stay in the ``conftest.py`` files and call these; no test imports a conftest.
"""
