"""Is a volunteer ready to be matched? The screening rules, with the reasons when not.

Pure functions over loaded objects (no queries), so lists can compute readiness for a whole page
from rows loaded in a fixed number of statements. What other packages require on top (the required
courses) comes through tenants.volunteers.readiness_rules.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from saas.i18n import L_
from tenants.volunteers.models import Screening, ScreeningPolicy, Volunteer
from tenants.volunteers.states import VolunteerState

#: States in which a volunteer may take on a (further) family.
MATCHABLE = frozenset({VolunteerState.AVAILABLE, VolunteerState.MATCHED})


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def vog_expires_on(screening: Screening, policy: ScreeningPolicy) -> date:
    return add_months(screening.issued_on, policy.renewal_months)


@dataclass(frozen=True)
class VogStatus:
    """The state of a volunteer's latest VOG under the tenant's policy."""

    latest: Screening | None
    expires_on: date | None
    expired: bool
    expiring: bool
    too_old_at_start: bool
    reasons: tuple[str, ...] = field(default=())

    @property
    def valid(self) -> bool:
        return not self.reasons


def vog_status(volunteer: Volunteer, policy: ScreeningPolicy, today: date) -> VogStatus:
    latest = volunteer.screenings[0] if volunteer.screenings else None
    if latest is None:
        return VogStatus(None, None, False, False, False, (str(L_("No certificate of conduct (VOG) recorded.")),))
    expires_on = vog_expires_on(latest, policy)
    expired = expires_on <= today
    # At the start (approval; today for someone not yet approved) a VOG must have been recent.
    start = volunteer.approved_on or today
    earliest = start - timedelta(days=policy.max_age_at_start_days)
    too_old = not any(earliest <= s.issued_on <= start for s in volunteer.screenings)
    expiring = not expired and expires_on <= today + timedelta(days=policy.warning_days)
    reasons = []
    if expired:
        reasons.append(str(L_("The certificate of conduct (VOG) has expired.")))
    elif too_old:
        reasons.append(str(L_("The certificate of conduct (VOG) was too old when the volunteer started.")))
    return VogStatus(latest, expires_on, expired, expiring, too_old, tuple(reasons))


def required_course_reason(course: str) -> str:
    """The reason shown for a required course not completed: one wording for ``missing_courses``
    below and for the trainings package's readiness rule (tenants.volunteers.readiness_rules)."""
    return str(L_("Required course not completed: %(course)s.") % {"course": course})


def readiness_reasons(volunteer: Volunteer, policy: ScreeningPolicy, today: date,
                      missing_courses: list[str] = ()) -> list[str]:  # type: ignore[assignment]
    """Why ``volunteer`` cannot be matched now by the screening rules; empty when ready.

    Runs no queries, so it does not ask the rules other packages add: the volunteer pages use
    readiness_rules.reasons_per_volunteer, which does. ``missing_courses`` are the names of required
    courses the volunteer has not completed, for a caller that looked them up itself (tenants.matching).
    """
    reasons: list[str] = []
    if volunteer.state not in MATCHABLE:
        reasons.append(str(L_("State: %(state)s.") % {"state": volunteer.state.label}))
    reasons.extend(vog_status(volunteer, policy, today).reasons)
    reasons.extend(required_course_reason(name) for name in missing_courses)
    return reasons
