"""The states of an enrolment in a training session."""

from __future__ import annotations

from saas.enums import LabelledEnum
from saas.i18n import L_


class EnrolmentStatus(LabelledEnum):
    ENROLLED = "enrolled", L_("Enrolled")
    WAITING = "waiting", L_("Waiting list")
    ATTENDED = "attended", L_("Attended")
    ABSENT = "absent", L_("Absent")
    CANCELLED = "cancelled", L_("Cancelled")


#: Enrolments that take a seat in the session.
SEATED = frozenset({EnrolmentStatus.ENROLLED, EnrolmentStatus.ATTENDED, EnrolmentStatus.ABSENT})
#: Enrolments that still count (a volunteer with one of these cannot enrol again).
ACTIVE = SEATED | {EnrolmentStatus.WAITING}
