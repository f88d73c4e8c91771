"""Every kind of notification, in the order the preferences page shows them (the one registry,
saas.notifications.registry). The packages that send them import the constant they need."""

from __future__ import annotations

from saas.auth.roles import STAFF_ROLES, Role
from saas.i18n import L_
from saas.notifications.registry import EventKind, register

VOLUNTEERS = frozenset({Role.VOLUNTEER})

COORDINATOR_NEEDED = register(EventKind(
    "coordinator_needed", L_("A volunteer asks for their coordinator"), STAFF_ROLES, "coordinator_needed",
    safety=True))
COORDINATOR_NEEDED_ESCALATED = register(EventKind(
    "coordinator_needed_escalated", L_("Nobody has picked up a volunteer's request for the coordinator"),
    frozenset({Role.MANAGER}), "coordinator_needed_escalated", safety=True))
MATCH_PROPOSED = register(EventKind("match_proposed", L_("A match is proposed to you"), VOLUNTEERS,
                                    "match_proposed"))
MATCH_STARTED = register(EventKind("match_started", L_("Your match starts"), VOLUNTEERS, "match_started"))
MATCH_PAUSED = register(EventKind("match_paused", L_("Your match is paused"), VOLUNTEERS, "match_paused"))
MATCH_ENDED = register(EventKind("match_ended", L_("Your match has ended"), VOLUNTEERS, "match_ended"))
MATCH_ANSWERED = register(EventKind(
    "match_answered", L_("A volunteer has answered a proposed match"), STAFF_ROLES, "match_answered",
    pressing=True))
TRAINING_PLACE_FREED = register(EventKind(
    "training_place_freed", L_("A place in a training session has come free for you"), VOLUNTEERS,
    "training_place_freed"))
TRAINING_TOMORROW = register(EventKind("training_tomorrow", L_("Your training session is tomorrow"), VOLUNTEERS,
                                       "training_tomorrow"))
VOG_EXPIRING = register(EventKind("vog_expiring", L_("A VOG is about to expire"),
                                  frozenset({Role.VOLUNTEER, *STAFF_ROLES}), "vog_expiring"))
REPORT_SUBMITTED = register(EventKind("report_submitted", L_("A municipality report has been submitted"),
                                      frozenset({Role.REPORT_VIEWER}), "report_submitted"))


def contribute() -> None:
    """Nothing to add to other packages: naming this module in the front door imports the kinds
    when the app is built, so the registry is complete before the first request."""
