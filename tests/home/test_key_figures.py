"""The staff's home page opens with the key figures: families waiting (and the longest wait),
active matches, volunteers who can take a family now and the signals by urgency; a long kind of
signal folds away after the first few. The clock is pinned: the longest wait is counted in days."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient

from saas.auth.models import User
from saas.auth.roles import Role
from saas.tenancy.models import Tenant
from tenants.families.states import CaseState
from tenants.matching.states import MatchState
from tenants.volunteers.states import VolunteerState
from tests.factories.families import create_family
from tests.factories.home import add_contact, running_match
from tests.factories.matching import ready_volunteer
from tests.factories.platform import create_user, days_ago, hours_ago
from tests.factories.volunteers import create_volunteer
from tests.support.sessions import sign_in

FIGURE = re.compile(r'figure__number">([^<]+)</span>\s*<span class="figure__label">([^<]+)<')


@pytest.fixture
def clock() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 12, 7, 10, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def manager(clock: None, app: Flask, tenant_a: Tenant) -> User:
    return create_user(app, "boss@alpha.example", tenant=tenant_a, role=Role.MANAGER, name="Mia Manager", locale="en")


def home(app: Flask, user: User, url: str = "/t/alpha/") -> str:
    client: FlaskClient = app.test_client()
    sign_in(client, user)
    response = client.get(url)
    assert response.status_code == 200, response.text[:300]
    return html.unescape(response.text)


def figures(text: str) -> dict[str, str]:
    return {label.strip(): number for number, label in FIGURE.findall(text)}


def test_the_figures_count_the_organisation(app: Flask, tenant_a: Tenant, coordinator_a: User,
                                            manager: User) -> None:
    active = running_match(app, tenant_a, actor=coordinator_a, started_on=days_ago(app, 20), family_name="Familie A")
    add_contact(app, tenant_a, active, days_ago(app, 20), needs_coordinator=True)  # urgent, and 20 days: late
    running_match(app, tenant_a, actor=coordinator_a, started_on=days_ago(app, 20), family_name="Familie P",
                  volunteer="Paula Pauze", state=MatchState.PAUSED)
    ready_volunteer(app, tenant_a, "Rita Klaar")  # ready and room; the two above have no room left
    create_volunteer(app, tenant_a, "Anton Aanmelder", state=VolunteerState.APPLICANT)
    for name, days in (("Wacht Lang", 100), ("Wacht Kort", 10)):
        create_family(app, tenant_a, family_name=name, state=CaseState.WAITING, state_changed_at=hours_ago(days * 24))

    text = home(app, manager)

    assert figures(text) == {"Urgent signals": "1", "Families waiting for a match": "2", "Active match": "1",
                             "Volunteer ready to be matched": "1"}
    assert "and 2 other signals" in text and "Longest: 100 days" in text
    assert 'href="/t/alpha/families/waiting"' in text and 'href="/t/alpha/volunteers/?readiness=ready"' in text
    assert text.index("figures-heading") < text.index("signals-heading")


def test_an_empty_organisation_has_zeros_and_no_longest_wait(app: Flask, tenant_a: Tenant, manager: User) -> None:
    text = home(app, manager)
    assert set(figures(text).values()) == {"0"} and "Longest" not in text and "figure--alarm" not in text


def test_the_signal_figures_follow_the_scope(app: Flask, tenant_a: Tenant, coordinator_a: User,
                                            other_coordinator_a: User) -> None:
    theirs = running_match(app, tenant_a, actor=other_coordinator_a, started_on=days_ago(app, 20))
    add_contact(app, tenant_a, theirs, days_ago(app, 20), needs_coordinator=True)

    assert figures(home(app, coordinator_a))["Urgent signals"] == "0"
    assert figures(home(app, coordinator_a, "/t/alpha/?scope=all"))["Urgent signals"] == "1"


def test_a_kind_without_urgent_signals_folds_away(app: Flask, tenant_a: Tenant, manager: User) -> None:
    for i in range(4):
        create_family(app, tenant_a, family_name=f"Wachtend {i}", state=CaseState.WAITING,
                      state_changed_at=hours_ago((100 + i) * 24))

    text = home(app, manager)

    folded = text[text.index('<details class="signal-more">'):]
    assert "Show 4 signals" in folded and all(f"Wachtend {i} " in folded for i in range(4))
    assert "Longest: 103 days" in text


def test_a_kind_with_urgent_signals_shows_two_and_folds_the_rest(app: Flask, tenant_a: Tenant,
                                                                     coordinator_a: User, manager: User) -> None:
    for i in range(4):
        match = running_match(app, tenant_a, actor=coordinator_a, started_on=days_ago(app, 5), family_name=f"Vraag {i}",
                              volunteer=f"Vrijwilliger {i}")
        add_contact(app, tenant_a, match, days_ago(app, 4 - i), needs_coordinator=True)

    text = home(app, manager)

    folded = text[text.index('<details class="signal-more">'):]
    assert "Show 2 more" in folded and text.count('class="card signal ') == 4
    # Oldest request first: the two newest are the folded ones.
    assert "Vraag 3 " in folded and "Vraag 2 " in folded and "Vraag 1 " not in folded


def test_a_long_kind_lists_its_first_signals_and_links_to_every_one_of_them(
        app: Flask, tenant_a: Tenant, coordinator_a: User, manager: User) -> None:
    for i in range(7):
        create_family(app, tenant_a, family_name=f"Wachtend {i}", state=CaseState.WAITING,
                      state_changed_at=hours_ago((100 + i) * 24))
    match = running_match(app, tenant_a, actor=coordinator_a, started_on=days_ago(app, 5), family_name="Vraag")
    add_contact(app, tenant_a, match, days_ago(app, 1), needs_coordinator=True)

    text = home(app, manager)

    waiting = text[text.index('id="signals-waiting_long"'):]
    assert waiting.count('class="card signal ') == 5 and "Show 5 signals" in waiting
    # Longest waiting first: the two who have waited least are on the page of the kind alone.
    assert all(f"Wachtend {i} " in waiting for i in (6, 5, 4, 3, 2))
    assert "Wachtend 1 " not in text and "Wachtend 0 " not in text
    assert "All 7 signals of this kind" in waiting and "Whole organisation (8)" in text
    link = "/t/alpha/?scope=all&kind=waiting_long"
    assert f'href="{link}"' in waiting

    alone = home(app, manager, link)
    assert alone.count('class="card signal ') == 7 and "Vraag" not in alone.split("signals-heading")[1]
    assert "All kinds of signals" in alone and "All 7 signals" not in alone and "Whole organisation (8)" in alone
    assert figures(alone)["Urgent signals"] == "1"  # the figures still count every kind
