"""Readable, translated names for audit actions (the log stores the stable dotted verb)."""

from __future__ import annotations

from functools import cache

from saas.i18n import L_

ACTION_LABELS = {
    "tenant.created": L_("Organisation created"),
    "tenant.updated": L_("Organisation details changed"),
    "invitation.sent": L_("Invitation sent"),
    "invitation.revoked": L_("Invitation withdrawn"),
    "invitation.accepted": L_("Invitation accepted"),
    "member.role_changed": L_("Role changed"),
    "member.deactivated": L_("Member deactivated"),
    "member.activated": L_("Member reactivated"),
    "login.succeeded": L_("Signed in"),
    "login.failed": L_("Failed sign-in"),
    "logout": L_("Signed out"),
    "password.changed": L_("Password changed"),
    "password.reset_requested": L_("Password reset requested"),
    "password.reset": L_("Password reset"),
    "sessions.ended": L_("Signed out on all devices"),
    "two_factor.enabled": L_("Two-factor sign-in set up"),
    "two_factor.disabled": L_("Two-factor sign-in switched off"),
    "two_factor.failed": L_("Wrong two-factor code"),
    "two_factor.recovery_code_used": L_("Recovery code used"),
}


def action_label(action: str) -> str:
    label = ACTION_LABELS.get(action) or _package_labels().get(action)
    return str(label) if label is not None else action


@cache
def _package_labels() -> dict[str, object]:
    """The actions the packages name in their front doors (``Package.audit_labels``)."""
    from saas.packages import audit_labels

    return audit_labels()
