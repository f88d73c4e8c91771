"""The key figures that open the staff's home page: families waiting for a match (and how long the
longest has waited), active matches, volunteers who can take a family now, and the signals by
urgency. Three statements (and the screening policy), however many rows they count, and none while
the organisation's data has not changed: the counts are kept under its data version
(saas.tenancy.versions), for the day.

The families, matches and volunteers are counted for the whole organisation; the signals are the
ones the page shows below (the reader's caseload or the whole organisation).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from saas.clock import local_zone
from saas.db import db
from saas.tenancy.models import Tenant
from saas.tenancy.versions import kept_for_tenant
from tenants.families.models import Family
from tenants.families.states import CaseState
from tenants.home.signals import Severity
from tenants.matching.eligibility import has_room
from tenants.matching.models import Match
from tenants.matching.states import MatchState
from tenants.volunteers import operations as volunteers
from tenants.volunteers.queries import ready_count


@dataclass(frozen=True)
class KeyFigures:
    waiting: int
    #: Days the longest-waiting family has been on the waiting list (None: nobody waits).
    longest_wait_days: int | None
    active_matches: int
    #: Ready to be matched (tenants.volunteers readiness) and with room for another family.
    ready_volunteers: int
    urgent: int
    attention: int


def _waiting(today: date) -> tuple[int, int | None]:
    """How many families wait, and for how many days the longest has (since it entered the list,
    as the "waiting long" signal counts)."""
    count, earliest = db.session.execute(select(func.count(), func.min(Family.state_changed_at)).where(
        Family.state == CaseState.WAITING)).one()
    if earliest is None:
        return count, None
    return count, (today - earliest.astimezone(local_zone()).date()).days


def _counts(today: date) -> tuple[int, int | None, int, int]:
    """Families waiting, the longest wait in days, active matches and volunteers ready on ``today``."""
    waiting, longest = _waiting(today)
    active = db.session.scalar(select(func.count()).select_from(Match).where(Match.state == MatchState.ACTIVE)) or 0
    return waiting, longest, active, ready_count(volunteers.policy_for_tenant(), today, has_room())


def key_figures(tenant: Tenant, severities: Sequence[Severity], today: date) -> KeyFigures:
    """The figures of the bound ``tenant`` on ``today``, with the ``severities`` of the signals shown."""
    waiting, longest, active, ready = kept_for_tenant("home.key_figures", tenant, today, lambda: _counts(today))
    return KeyFigures(waiting, longest, active, ready, severities.count(Severity.ALARM),
                      severities.count(Severity.WARNING))
