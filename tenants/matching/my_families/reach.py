"""How a volunteer reaches the family they walk alongside: the family's contact details, shown on
the volunteer's page of the family only while the match is **active**.

Not while it is *proposed* (the volunteer may still decline, and has not met the family), nor at the
*introduction meeting* (the coordinator arranges it and is there), nor while it is *paused* (no
contact is expected then; the volunteer asks the coordinator if something comes up), nor once it has
*ended*. The caller has already looked the match up as the volunteer's own (my_families views), so
another volunteer's family or another tenant's is a 404 before this runs. Every time the details
are shown (and some are recorded), the audit log says so ("family.contact_details_viewed").
"""

from __future__ import annotations

from saas.audit.operations import record
from saas.auth.models import User
from tenants.families.contact_details import ContactDetails, contact_details_of
from tenants.matching.models import Match
from tenants.matching.states import RUNNING


def may_see_contact_details(match: Match) -> bool:
    return match.state in RUNNING


def contact_details_shown(volunteer: User, match: Match) -> ContactDetails | None:
    """The family's contact details for the volunteer of ``match`` (their own), audited; None when
    the match is not active."""
    if not may_see_contact_details(match):
        return None
    details = contact_details_of(match.family)
    if not details.is_empty:  # nothing recorded: nothing was seen
        record(volunteer, "family.contact_details_viewed", match.family, match=str(match.id))
    return details
