"""The list's readiness filter (SQL, so pagination counts the right rows) agrees with the pure rules
in tenants.volunteers.readiness, for volunteers on either side of every boundary, under several
policies and on days where adding months has to clamp (the ends of months, 29 February)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from saas.auth.models import User
from saas.tenancy.models import Tenant
from tenants.volunteers import operations
from tenants.volunteers.models import Screening, Volunteer
from tenants.volunteers.readiness import add_months, readiness_reasons, vog_status
from tenants.volunteers.states import VolunteerState
from tests.factories.platform import in_tenant, today
from tests.factories.volunteers import VOLUNTEERS, listed_ids, set_policy
from tests.support.sessions import SignIn

S = VolunteerState

#: Days to pin the clock to (10:00 UTC is that same day in Amsterdam); None: the real today.
DAYS = [None, date(2026, 3, 31), date(2028, 2, 29), date(2027, 2, 28), date(2025, 12, 31)]
POLICIES = {
    "default": {"max_age_at_start_days": 90, "renewal_months": 36, "warning_days": 60},
    "one-month": {"max_age_at_start_days": 1, "renewal_months": 1, "warning_days": 0},
    "yearly": {"max_age_at_start_days": 365, "renewal_months": 12, "warning_days": 30},
}


@pytest.fixture
def clock(request: pytest.FixtureRequest) -> Iterator[None]:
    day = getattr(request, "param", None)
    if day is None:
        yield
        return
    with time_machine.travel(datetime(day.year, day.month, day.day, 10, tzinfo=UTC), tick=False):
        yield


def mix(day: date, policy: dict[str, int]) -> list[tuple[str, S, date | None, list[date]]]:
    """(name, state, approval date, VOG issue dates) around every edge of the rules."""
    renewal, max_age = policy["renewal_months"], policy["max_age_at_start_days"]
    lapse = add_months(day, -renewal)  # a VOG issued then expires about today
    rows: list[tuple[str, S, date | None, list[date]]] = [
        ("no vog", S.AVAILABLE, day - timedelta(days=10), []),
        ("recent", S.AVAILABLE, day - timedelta(days=5), [day - timedelta(days=10)]),
        ("recent matched", S.MATCHED, day - timedelta(days=5), [day - timedelta(days=10)]),
        ("vog on approval day", S.AVAILABLE, day, [day]),
        ("vog after approval only", S.AVAILABLE, day - timedelta(days=100), [day - timedelta(days=50)]),
        ("renewed", S.AVAILABLE, lapse - timedelta(days=400), [lapse - timedelta(days=420), day - timedelta(days=3)]),
        ("only the old one", S.MATCHED, lapse - timedelta(days=400), [lapse - timedelta(days=420)]),
        ("not approved, recent", S.AVAILABLE, None, [day - timedelta(days=min(max_age, 30))]),
        ("not approved, too old", S.AVAILABLE, None, [day - timedelta(days=max_age + 1)]),
    ]
    for state in (S.APPLICANT, S.INTAKE, S.SCREENING, S.TRAINING, S.PAUSED, S.STOPPED):
        rows.append((f"{state.value} with a recent vog", state, day - timedelta(days=5), [day - timedelta(days=5)]))
    for shift in range(-3, 4):  # around the expiry day
        issued = lapse + timedelta(days=shift)
        rows.append((f"expiry {shift:+d}", S.AVAILABLE, issued, [issued]))
        rows.append((f"expiry {shift:+d}, older one too", S.MATCHED, issued, [issued, issued - timedelta(days=700)]))
    for shift in (-1, 0, 1):  # around the maximum age at the start
        approved = day - timedelta(days=20)
        rows.append((f"age at start {shift:+d}", S.AVAILABLE, approved, [approved - timedelta(days=max_age + shift)]))
    for month_end in (date(day.year, 1, 31), date(day.year - 1, 2, 28), date(day.year - 1, 8, 31)):
        for years in range(4):  # VOGs issued on the ends of months, in reach of every renewal period
            issued = add_months(month_end, -12 * years)
            if issued <= day:
                rows.append((f"month end {issued}", S.AVAILABLE, issued, [issued]))
    return rows


def create_mix(app: Flask, tenant: Tenant, policy: dict[str, int]) -> None:
    day = today(app)
    with in_tenant(app, tenant) as session:
        for n, (name, state, approved, vogs) in enumerate(mix(day, policy)):
            volunteer = Volunteer(id=uuid.uuid4(), name=f"{n:03d} {name}", state=state, approved_on=approved,
                                  applied_on=min([day - timedelta(days=30), approved or day, *vogs]))
            session.add(volunteer)
            session.add_all(Screening(volunteer_id=volunteer.id, issued_on=issued, screening_profile="45",
                                      checked_on=issued) for issued in vogs)
        session.commit()


def expected_ready(app: Flask, tenant: Tenant) -> tuple[set[uuid.UUID], set[uuid.UUID]]:
    """(ready, every volunteer) by readiness.readiness_reasons on the stored rows."""
    with in_tenant(app, tenant) as session:
        policy = operations.policy_for_tenant()
        volunteers = session.scalars(select(Volunteer).options(selectinload(Volunteer.screenings))).all()
        ready = {v.id for v in volunteers if not readiness_reasons(v, policy, today(app))}
        return ready, {v.id for v in volunteers}


def ready_column(client: FlaskClient) -> dict[uuid.UUID, bool]:
    """Every volunteer of the unfiltered list with its "Ready to be matched" cell."""
    cells: dict[uuid.UUID, bool] = {}
    page = 1
    while True:
        text = client.get(f"{VOLUNTEERS}/?page={page}").text
        for row in re.split(r"<tr[ >]", text)[2:]:
            volunteer_id = re.search(r"/volunteers/([0-9a-f-]{36})", row)
            ready_cell = re.search(r'data-label="Ready to be matched">(.*?)</td>', row)
            assert volunteer_id and ready_cell, row
            cells[uuid.UUID(volunteer_id.group(1))] = ready_cell.group(1) == "<strong>Yes</strong>"
        if 'rel="next"' not in text:
            return cells
        page += 1


@pytest.mark.parametrize("clock", DAYS, indirect=True, ids=lambda d: str(d or "today"))
@pytest.mark.parametrize("policy", list(POLICIES))
def test_the_readiness_filter_lists_exactly_those_without_reasons(
        clock: None, app: Flask, tenant_a: Tenant, signed_in: SignIn, coordinator_a: User, policy: str) -> None:
    values: dict[str, Any] = POLICIES[policy]
    set_policy(app, tenant_a, **values)
    create_mix(app, tenant_a, values)
    ready, everyone = expected_ready(app, tenant_a)
    assert ready and everyone - ready, "the mix has volunteers on both sides"
    assert len(everyone) > 25, "more than one page"
    client = signed_in(coordinator_a)

    listed_ready = listed_ids(client, "readiness=ready")
    assert len(listed_ready) == len(set(listed_ready))
    assert set(listed_ready) == ready
    assert set(listed_ids(client, "readiness=not_ready")) == everyone - ready
    assert ready_column(client) == {volunteer_id: volunteer_id in ready for volunteer_id in everyone}
    # Combined with another filter, and with the state filter alone.
    assert set(listed_ids(client, "readiness=ready&state=matched")) == ready & set(
        listed_ids(client, "state=matched"))


def test_the_mix_covers_each_reason(app: Flask, tenant_a: Tenant) -> None:
    """On an ordinary day, the default mix has volunteers who are ready, and who are not for each reason."""
    with time_machine.travel(datetime(2026, 11, 23, 10, tzinfo=UTC), tick=False):
        set_policy(app, tenant_a)
        create_mix(app, tenant_a, POLICIES["default"])
        with in_tenant(app, tenant_a) as session:
            policy = operations.policy_for_tenant()
            day = today(app)
            found = {v.name.split(" ", 1)[1]: (vog_status(v, policy, day), readiness_reasons(v, policy, day))
                     for v in session.scalars(select(Volunteer).options(selectinload(Volunteer.screenings)))}
    ready = {name for name, (_status, reasons) in found.items() if not reasons}
    assert {"recent", "recent matched", "vog on approval day", "renewed", "not approved, recent", "expiry +1",
            "expiry +1, older one too", "age at start +0", "age at start -1"} <= ready
    assert found["no vog"][0].latest is None
    assert all(found[f"expiry {shift:+d}"][0].expired for shift in (-3, -2, -1, 0))
    assert not found["expiry +1"][0].expired
    assert found["age at start +1"][0].too_old_at_start and not found["age at start +1"][0].expired
    assert found["vog after approval only"][0].too_old_at_start
    assert found["not approved, too old"][0].too_old_at_start
    assert found["only the old one"][0].expired
    for state in ("applicant", "intake", "screening", "training", "paused", "stopped"):
        status, reasons = found[f"{state} with a recent vog"]
        assert status.valid and len(reasons) == 1, state  # only the state stands in the way
