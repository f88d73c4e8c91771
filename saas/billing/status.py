"""What a licence allows, from its status: the one rule every part of billing asks (docs/architecture.md §6).

=====================  ============================================================
licence status         access
=====================  ============================================================
trialing, active       full use
past_due               full use with a banner for managers until the grace period
                       (``BILLING_GRACE_DAYS`` after the first failed payment) ends;
                       then read-only
unpaid, canceled,      read-only: reading and exporting keep working, every write
incomplete_expired,    is refused; billing never deletes case data
paused
incomplete             full use while the first payment is pending (Stripe expires
                       it after about a day, which makes it read-only)
manual                 full use until ``manual_until`` (invoiced outside Stripe),
                       then read-only
=====================  ============================================================

A tenant without a licence row has full use: licences are set up by the foundation (by hand, or
when a manager subscribes), and an organisation is never locked out before that happens.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from saas.enums import LabelledEnum
from saas.i18n import L_


class LicenceStatus(LabelledEnum):
    """Stripe's subscription statuses, and ``manual`` for a licence invoiced outside Stripe."""

    TRIALING = "trialing", L_("Trial")
    ACTIVE = "active", L_("Active")
    PAST_DUE = "past_due", L_("Payment overdue")
    UNPAID = "unpaid", L_("Unpaid")
    CANCELED = "canceled", L_("Cancelled")
    INCOMPLETE = "incomplete", L_("Awaiting first payment")
    INCOMPLETE_EXPIRED = "incomplete_expired", L_("First payment failed")
    PAUSED = "paused", L_("Paused")
    MANUAL = "manual", L_("Invoiced outside Stripe")


class Access(StrEnum):
    FULL = "full"
    #: Full use, but managers see that a payment failed and when read-only starts.
    GRACE = "grace"
    READ_ONLY = "read_only"


FULL_STATUSES = frozenset({LicenceStatus.TRIALING, LicenceStatus.ACTIVE, LicenceStatus.INCOMPLETE})
READ_ONLY_STATUSES = frozenset({LicenceStatus.UNPAID, LicenceStatus.CANCELED, LicenceStatus.INCOMPLETE_EXPIRED,
                                LicenceStatus.PAUSED})


@dataclass(frozen=True)
class Entitlement:
    """What the tenant may do today, and until when (``read_only_from``: the first read-only day
    when that lies ahead — the end of a grace period or of a manual licence)."""

    access: Access
    status: LicenceStatus | None
    read_only_from: date | None = None

    @property
    def read_only(self) -> bool:
        return self.access == Access.READ_ONLY


def entitlement(status: LicenceStatus | None, today: date, *, past_due_since: date | None = None,
                manual_until: date | None = None, grace_days: int = 14) -> Entitlement:
    """The access a licence in ``status`` gives on ``today`` (None: no licence yet → full use)."""
    if status is None or status in FULL_STATUSES:
        return Entitlement(Access.FULL, status)
    if status == LicenceStatus.PAST_DUE:
        ends = (past_due_since or today) + timedelta(days=grace_days)
        return Entitlement(Access.GRACE if today < ends else Access.READ_ONLY, status, ends)
    if status == LicenceStatus.MANUAL:
        if manual_until is None:
            return Entitlement(Access.FULL, status)
        ends = manual_until + timedelta(days=1)
        return Entitlement(Access.FULL if today < ends else Access.READ_ONLY, status, ends)
    return Entitlement(Access.READ_ONLY, status)
