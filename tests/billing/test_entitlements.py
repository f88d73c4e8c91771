"""The entitlement table (saas.billing.status): every licence status on the days around its limits,
and how a request gets it (saas.billing.entitlements): the configured grace period, once per request."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from flask import Flask, g

from saas.auth.roles import Role
from saas.billing.entitlements import allowed_when_read_only, current_entitlement, licence_entitlement
from saas.billing.models import Licence
from saas.billing.status import Access, LicenceStatus, entitlement
from saas.web.tenant import require_role

TODAY = date(2026, 11, 24)
GRACE = 14


def days(n: int) -> date:
    """``n`` days from TODAY (negative: ago)."""
    return TODAY + timedelta(days=n)


S = LicenceStatus
# (status, past_due_since, manual_until) -> (access, read_only_from); grace period 14 days.
TABLE = [
    (None, None, None, Access.FULL, None),  # no licence row yet: never locked out
    (S.TRIALING, None, None, Access.FULL, None),
    (S.ACTIVE, None, None, Access.FULL, None),
    (S.INCOMPLETE, None, None, Access.FULL, None),  # first payment pending
    # past_due: full use with a banner while the grace period runs, read-only from its end
    (S.PAST_DUE, days(0), None, Access.GRACE, days(14)),  # failed today
    (S.PAST_DUE, days(-13), None, Access.GRACE, days(1)),  # the last day of grace
    (S.PAST_DUE, days(-14), None, Access.READ_ONLY, days(0)),  # the first read-only day
    (S.PAST_DUE, days(-40), None, Access.READ_ONLY, days(-26)),
    (S.PAST_DUE, None, None, Access.GRACE, days(14)),  # the failure date not known yet: counts from today
    (S.UNPAID, None, None, Access.READ_ONLY, None),
    (S.CANCELED, None, None, Access.READ_ONLY, None),
    (S.INCOMPLETE_EXPIRED, None, None, Access.READ_ONLY, None),
    (S.PAUSED, None, None, Access.READ_ONLY, None),
    # manual: full use up to and including manual_until
    (S.MANUAL, None, None, Access.FULL, None),  # no end date
    (S.MANUAL, None, days(30), Access.FULL, days(31)),
    (S.MANUAL, None, days(0), Access.FULL, days(1)),  # the last day covered
    (S.MANUAL, None, days(-1), Access.READ_ONLY, days(0)),  # the first day after it
    (S.MANUAL, None, days(-100), Access.READ_ONLY, days(-99)),
    # dates that do not belong to the status change nothing
    (S.ACTIVE, days(-40), days(-40), Access.FULL, None),
    (S.CANCELED, None, days(30), Access.READ_ONLY, None),
]


@pytest.mark.parametrize(
    ("status", "past_due_since", "manual_until", "access", "read_only_from"), TABLE, ids=lambda value: str(value)
)
def test_the_entitlement_table(
    status: LicenceStatus | None,
    past_due_since: date | None,
    manual_until: date | None,
    access: Access,
    read_only_from: date | None,
) -> None:
    result = entitlement(status, TODAY, past_due_since=past_due_since, manual_until=manual_until, grace_days=GRACE)

    assert (result.access, result.status, result.read_only_from) == (access, status, read_only_from)
    assert result.read_only == (access == Access.READ_ONLY)


def test_the_table_covers_every_status() -> None:
    assert {row[0] for row in TABLE} == {None, *LicenceStatus}


def test_a_grace_period_of_zero_days_is_read_only_at_once() -> None:
    assert entitlement(S.PAST_DUE, TODAY, past_due_since=TODAY, grace_days=0).access == Access.READ_ONLY


def test_a_request_uses_the_configured_grace_period(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "BILLING_GRACE_DAYS", 3)
    licence = Licence(status=S.PAST_DUE, past_due_since=days(-3))
    with app.app_context():
        assert licence_entitlement(licence, TODAY).access == Access.READ_ONLY
        assert licence_entitlement(licence, days(-1)).access == Access.GRACE
        assert licence_entitlement(None, TODAY).access == Access.FULL


def test_the_entitlement_is_computed_once_per_request(app: Flask) -> None:
    with app.test_request_context():
        g.tenant = SimpleNamespace(licence=Licence(status=S.CANCELED))
        first = current_entitlement()
        g.tenant = SimpleNamespace(licence=None)  # a later change in the same request does not flip the answer halfway
        assert current_entitlement() is first and first.read_only
    with app.test_request_context():
        assert current_entitlement().access == Access.FULL  # outside a tenant: no licence, full use


def test_the_mark_survives_the_role_decorator_in_either_order() -> None:
    def view() -> str:
        return "paid"

    def other_view() -> str:
        return "paid"

    inner = require_role(Role.MANAGER)(allowed_when_read_only(view))
    outer = allowed_when_read_only(require_role(Role.MANAGER)(other_view))
    assert not hasattr(require_role(Role.MANAGER)(lambda: "x"), "allowed_when_read_only")
    for decorated in (inner, outer):
        assert decorated.allowed_when_read_only is True
        assert decorated.allowed_roles == frozenset({Role.MANAGER})
