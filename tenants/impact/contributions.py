"""What impact adds to the family file (which never imports impact): the measurements panel.
Called once by saas.packages.contribute_all while the app is built."""

from __future__ import annotations

from tenants.impact.measurements.views import moments_panel
from tenants.panels import add_panel


def contribute() -> None:
    add_panel("family", moments_panel)
