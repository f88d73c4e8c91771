"""Roles a person can have, with their translated labels."""

from __future__ import annotations

import enum

from saas.i18n import L_


class Role(enum.StrEnum):
    """A membership's role inside one tenant."""

    MANAGER = "manager"
    COORDINATOR = "coordinator"
    VOLUNTEER = "volunteer"
    REPORT_VIEWER = "report_viewer"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])

    @property
    def requires_two_factor(self) -> bool:
        return self in (Role.MANAGER, Role.COORDINATOR)


class FoundationRole(enum.StrEnum):
    """A person's role at the foundation (Stichting), outside any tenant."""

    STAFF = "staff"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return str(FOUNDATION_ROLE_LABELS[self])


ROLE_LABELS = {
    Role.MANAGER: L_("Manager"),
    Role.COORDINATOR: L_("Coordinator"),
    Role.VOLUNTEER: L_("Volunteer"),
    Role.REPORT_VIEWER: L_("Report viewer"),
}

FOUNDATION_ROLE_LABELS = {
    FoundationRole.STAFF: L_("Foundation staff"),
    FoundationRole.ADMIN: L_("Foundation admin"),
}

#: Staff roles inside a tenant: they see case files.
STAFF_ROLES = frozenset({Role.MANAGER, Role.COORDINATOR})

