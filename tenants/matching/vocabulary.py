"""Fixed, translated lists used by matches and contact moments (stored as stable codes)."""

from __future__ import annotations

from saas.enums import LabelledEnum
from saas.i18n import L_


class Frequency(LabelledEnum):
    WEEKLY = "weekly", L_("Every week")
    FORTNIGHTLY = "fortnightly", L_("Every two weeks")
    MONTHLY = "monthly", L_("Every month")
    AS_NEEDED = "as_needed", L_("When needed")


class NeighbourhoodRule(LabelledEnum):
    """Whether a volunteer from the family's own neighbourhood counts for or against a match:
    Samen Oplopen builds a local network; some organisations avoid it for privacy."""

    PREFER = "prefer", L_("Prefer a volunteer from the same neighbourhood")
    AVOID = "avoid", L_("Avoid a volunteer from the same neighbourhood")
    IGNORE = "ignore", L_("The neighbourhood does not matter")


class ContactKind(LabelledEnum):
    VISIT = "visit", L_("Visit or activity with the family")
    COORDINATOR_FAMILY = "coordinator_family", L_("Coordinator with the family")
    COORDINATOR_VOLUNTEER = "coordinator_volunteer", L_("Coordinator with the volunteer")
    COORDINATOR_PROFESSIONAL = "coordinator_professional", L_("Coordinator with a professional or referrer")


#: The kinds a volunteer logs; the others are the coordinator's.
VOLUNTEER_KINDS = frozenset({ContactKind.VISIT})


class ContactMode(LabelledEnum):
    HOME = "home", L_("At home")
    OUTSIDE = "outside", L_("Outside or on an outing")
    PHONE = "phone", L_("By phone")
    VIDEO = "video", L_("Video call")
    MESSAGE = "message", L_("By message")
