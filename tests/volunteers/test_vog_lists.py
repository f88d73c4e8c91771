"""The "VOG expiring or expired" page lists the right volunteers under the tenant's policy, and
follows the policy when a manager changes it with the policy form."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from saas.auth.models import User
from saas.tenancy.models import Tenant
from tenants.volunteers import operations
from tenants.volunteers.models import Volunteer
from tenants.volunteers.readiness import add_months, vog_status
from tenants.volunteers.states import VolunteerState
from tests.factories.platform import in_tenant, today
from tests.factories.volunteers import VOLUNTEERS, create_volunteer, linked_ids, set_policy
from tests.support.sessions import SignIn

S = VolunteerState


def issued_for_expiry(expires_on: date, months: int) -> date:
    """The issue date of a VOG that expires on exactly ``expires_on`` after ``months``."""
    start = add_months(expires_on, -months)
    for issued in (start + timedelta(days=n) for n in range(-3, 4)):
        if add_months(issued, months) == expires_on:
            return issued
    raise AssertionError(f"no VOG expires on {expires_on} after {months} months")


#: (name, state, days from today to the expiry of each VOG; None: no VOG).
PEOPLE = [
    ("Bijna Bea", S.AVAILABLE, [30]),
    ("Grens Gijs", S.MATCHED, [60]),          # the last day of the warning window
    ("Net Niet Nina", S.AVAILABLE, [61]),
    ("Later Lotte", S.MATCHED, [100]),
    ("Ruim Ruud", S.AVAILABLE, [400]),
    ("Morgen Mo", S.PAUSED, [1]),
    ("Screening Sara", S.SCREENING, [10]),    # on their way in: the VOG matters too
    ("Vandaag Vera", S.AVAILABLE, [0]),       # expires today: expired
    ("Verlopen Victor", S.MATCHED, [-30]),
    ("Lang Verlopen Lars", S.PAUSED, [-800]),
    ("Vernieuwd Rik", S.AVAILABLE, [-300, 500]),  # an expired one and its renewal: only the latest counts
    ("Gestopt Stan", S.STOPPED, [-30]),       # stopped volunteers are left out
    ("Gestopt Sanne", S.STOPPED, [20]),
    ("Geen Gert", S.AVAILABLE, []),
]


@pytest.fixture
def clock() -> Iterator[None]:
    """An ordinary day, so every expiry date above can be made exactly."""
    with time_machine.travel(datetime(2026, 11, 23, 10, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def people(clock: None, app: Flask, tenant_a: Tenant) -> dict[str, uuid.UUID]:
    set_policy(app, tenant_a)
    day = today(app)
    ids = {}
    for name, state, expiries in PEOPLE:
        vogs = [issued_for_expiry(day + timedelta(days=n), 36) for n in expiries]
        ids[name] = create_volunteer(app, tenant_a, name, state=state, vogs=vogs, approved_on=day).id
    return ids


def lists(client: FlaskClient) -> tuple[list[uuid.UUID], list[uuid.UUID], str]:
    """The volunteers of the expiring and the expired list, in their order, and the page."""
    response = client.get(f"{VOLUNTEERS}/screening")
    assert response.status_code == 200
    expiring, expired = response.text.split('id="expiring"', 1)[1].split('id="expired"', 1)
    return linked_ids(expiring), linked_ids(expired), response.text


def by_pure_rules(app: Flask, tenant: Tenant) -> tuple[set[uuid.UUID], set[uuid.UUID]]:
    """Who is expiring and who expired by readiness.vog_status under the stored policy."""
    with in_tenant(app, tenant) as session:
        policy = operations.policy_for_tenant()
        volunteers = session.scalars(select(Volunteer).where(Volunteer.state != S.STOPPED)
                                     .options(selectinload(Volunteer.screenings))).all()
        statuses = {v.id: vog_status(v, policy, today(app)) for v in volunteers}
    return ({i for i, s in statuses.items() if s.expiring}, {i for i, s in statuses.items() if s.expired})


def named(ids: dict[str, uuid.UUID], *names: str) -> list[uuid.UUID]:
    return [ids[name] for name in names]


def change_policy(client: FlaskClient, **values: int) -> None:
    form = {"max_age_at_start_days": 90, "renewal_months": 36, "warning_days": 60, "applicant_waiting_days": 14,
            **values}
    response = client.post(f"{VOLUNTEERS}/policy", data=form)
    assert response.status_code == 302, response.text[:500]


def test_the_lists_follow_the_policy_form(app: Flask, tenant_a: Tenant, people: dict[str, uuid.UUID],
                                          signed_in: SignIn, policy_manager_a: User) -> None:
    client = signed_in(policy_manager_a)

    # The default policy: renew after 36 months, warn 60 days before. Soonest / longest expired first.
    expiring, expired, page = lists(client)
    assert expiring == named(people, "Morgen Mo", "Screening Sara", "Bijna Bea", "Grens Gijs")
    assert expired == named(people, "Lang Verlopen Lars", "Verlopen Victor", "Vandaag Vera")
    assert (set(expiring), set(expired)) == by_pure_rules(app, tenant_a)
    assert "4 VOGs expiring soon" in page and "3 VOGs expired" in page
    assert "listed here 60 days before their VOG expires" in page

    # Warn 120 days before: Nina and Lotte come in, in order of expiry.
    change_policy(client, warning_days=120)
    expiring, expired, page = lists(client)
    assert expiring == named(people, "Morgen Mo", "Screening Sara", "Bijna Bea", "Grens Gijs", "Net Niet Nina",
                             "Later Lotte")
    assert expired == named(people, "Lang Verlopen Lars", "Verlopen Victor", "Vandaag Vera")
    assert (set(expiring), set(expired)) == by_pure_rules(app, tenant_a)
    assert "listed here 120 days before their VOG expires" in page

    # Warn 29 days before: Bea (30 days) drops out; 1 day: only Mo.
    change_policy(client, warning_days=29)
    assert lists(client)[0] == named(people, "Morgen Mo", "Screening Sara")
    change_policy(client, warning_days=1)
    assert lists(client)[0] == named(people, "Morgen Mo")
    assert (set(lists(client)[0]), set(lists(client)[1])) == by_pure_rules(app, tenant_a)

    # No warning at all: nothing is "expiring"; the expired list is as before.
    change_policy(client, warning_days=0)
    expiring, expired, page = lists(client)
    assert expiring == [] and "No VOG expires soon." in page
    assert expired == named(people, "Lang Verlopen Lars", "Verlopen Victor", "Vandaag Vera")

    # Renew after 60 months: only Lars's VOG (expired 800 days ago under 36 months) is still expired.
    change_policy(client, renewal_months=60, warning_days=60)
    expiring, expired, _page = lists(client)
    assert (set(expiring), set(expired)) == by_pure_rules(app, tenant_a)
    assert expiring == [] and expired == named(people, "Lang Verlopen Lars")


def test_a_refused_policy_leaves_the_lists_alone(app: Flask, tenant_a: Tenant, people: dict[str, uuid.UUID],
                                                signed_in: SignIn, policy_manager_a: User) -> None:
    client = signed_in(policy_manager_a)
    before = lists(client)[:2]
    for bad in ({"warning_days": -1}, {"renewal_months": 0}, {"renewal_months": -12}):
        form = {"max_age_at_start_days": 90, "renewal_months": 36, "warning_days": 60, "applicant_waiting_days": 14,
                **bad}
        assert client.post(f"{VOLUNTEERS}/policy", data=form).status_code == 422
    assert lists(client)[:2] == before


def test_coordinators_see_the_lists_but_cannot_change_the_policy(
        app: Flask, tenant_a: Tenant, people: dict[str, uuid.UUID], signed_in: SignIn, coordinator_a: User) -> None:
    client = signed_in(coordinator_a)
    expiring, expired, page = lists(client)
    assert len(expiring) == 4 and len(expired) == 3
    assert f'href="{VOLUNTEERS}/policy"' not in page
    assert client.post(f"{VOLUNTEERS}/policy", data={"warning_days": "365"}).status_code == 403
    assert lists(client)[:2] == (expiring, expired)
