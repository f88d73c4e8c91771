"""Roles a person can have, with their translated labels."""

from __future__ import annotations

from saas.enums import LabelledEnum
from saas.i18n import L_


class Role(LabelledEnum):
    """A membership's role inside one tenant."""

    MANAGER = "manager", L_("Manager")
    COORDINATOR = "coordinator", L_("Coordinator")
    VOLUNTEER = "volunteer", L_("Volunteer")
    REPORT_VIEWER = "report_viewer", L_("Report viewer")

    @property
    def requires_two_factor(self) -> bool:
        return self in STAFF_ROLES


class FoundationRole(LabelledEnum):
    """A person's role at the foundation (Stichting), outside any tenant."""

    STAFF = "staff", L_("Foundation staff")
    ADMIN = "admin", L_("Foundation admin")


#: Staff roles inside a tenant: they see case files (and must use two-factor sign-in).
STAFF_ROLES = frozenset({Role.MANAGER, Role.COORDINATOR})
