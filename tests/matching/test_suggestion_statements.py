"""The suggestions page sends a fixed number of SQL statements however many volunteers it scores.

Who cannot be matched is listed with reasons that take one statement more (the required courses) and
none when nobody is listed, so each count below is taken with someone on either side."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from itertools import cycle

from flask import Flask
from flask.testing import FlaskClient

from saas.auth.models import User
from saas.tenancy.models import Tenant
from saas.web import kept
from tenants.families.models import Family
from tenants.volunteers.models import Screening, Volunteer
from tenants.volunteers.states import VolunteerState
from tests.factories.matching import create_match, ready_volunteer, waiting_family
from tests.factories.platform import in_tenant, today
from tests.support.queries import count_queries, page_statements
from tests.support.sessions import SignIn, sign_in


def add_volunteers(app: Flask, tenant: Tenant, count: int, *, with_vog: bool = True) -> None:
    """``count`` varied volunteers at once (one commit), available or matched, with or without a VOG."""
    day = today(app)
    profiles = cycle([
        {"languages": ["Arabisch"], "day_parts": ["weekend"], "neighbourhood": "Centrum", "max_families": 2},
        {"languages": ["Nederlands"], "experience_domains": ["finances"], "preferred_child_age_min": 4},
        {"languages": ["Tigrinya"], "preferred_tracks": ["first_1000_days"], "max_families": 3},
    ])
    states = cycle([VolunteerState.AVAILABLE, VolunteerState.MATCHED])
    with in_tenant(app, tenant) as session:
        for n in range(count):
            volunteer = Volunteer(id=uuid.uuid4(), name=f"Bulk {n:03d}", state=next(states), applied_on=day,
                                  approved_on=day - timedelta(days=10), municipality="Alpha", **next(profiles))
            session.add(volunteer)
            if with_vog:
                session.add(Screening(volunteer_id=volunteer.id, issued_on=day - timedelta(days=20),
                                      screening_profile="45", checked_on=day - timedelta(days=20)))
        session.commit()


def test_the_suggestions_page_sends_the_same_statements_for_2_or_50_volunteers(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant) -> None:
    family: Family = waiting_family(app, tenant_a, languages=["Arabisch"], neighbourhood="Centrum",
                                    wishes={"wish_day_parts": ["weekend"], "wish_experience": ["finances"]})
    ready_volunteer(app, tenant_a, "Eerste")
    client = signed_in(coordinator_a)
    url = f"/t/alpha/families/{family.id}/suggestions"
    client.get(url)  # the policies are created on the first visit
    nobody_listed = page_statements(app, client, url)
    add_volunteers(app, tenant_a, 1, with_vog=False)
    two = page_statements(app, client, url)
    assert two == nobody_listed + 1
    add_volunteers(app, tenant_a, 40)
    add_volunteers(app, tenant_a, 5, with_vog=False)
    for n in range(3):  # full: each with an open match of their one family
        create_match(app, tenant_a, actor=coordinator_a, volunteer=ready_volunteer(app, tenant_a, f"Vol {n}"),
                     family=waiting_family(app, tenant_a))
    page = client.get(url).text
    assert "41 volunteers can be matched" in page
    assert "9 volunteers cannot be matched now" in page
    assert page_statements(app, client, url) == two, two


def test_a_second_view_scores_nothing_until_the_data_changes(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant) -> None:
    family: Family = waiting_family(app, tenant_a, languages=["Arabisch"])
    ready_volunteer(app, tenant_a, "Eerste")
    client = signed_in(coordinator_a)
    url = f"/t/alpha/families/{family.id}/suggestions"
    assert "1 volunteer can be matched" in client.get(url).text
    with count_queries(app) as queries:
        client.get(url)
    assert not any("screenings" in statement for statement in queries), queries  # kept: nobody scored
    ready_volunteer(app, tenant_a, "Tweede")  # a change to the organisation's data: scored again
    assert "2 volunteers can be matched" in client.get(url).text


def test_kept_cards_get_this_views_csrf_token_and_a_fresh_submission_token_per_form(
        app: Flask, coordinator_a: User, tenant_a: Tenant, client: FlaskClient) -> None:
    family: Family = waiting_family(app, tenant_a, languages=["Arabisch"])
    for name in ("Eerste", "Tweede"):
        ready_volunteer(app, tenant_a, name)
    sign_in(client, coordinator_a)
    url = f"/t/alpha/families/{family.id}/suggestions"
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client.get(url)
        pages = [client.get(url).text for _view in range(2)]  # both from the kept cards
        submissions = [re.findall(r'name="submission_token" value="([^"]+)"', page) for page in pages]
        assert [len(tokens) for tokens in submissions] == [2, 2]
        assert len({*submissions[0], *submissions[1]}) == 4  # one per form and view, never shared
        assert not any(kept._CSRF_STAND_IN in page or kept._SUBMISSION_STAND_IN in page for page in pages)
        action, csrf, submission = re.findall(
            r'<form method="post" action="([^"]+)">\s*<input type="hidden" name="csrf_token" value="([^"]+)">'
            r'<input type="hidden" name="submission_token" value="([^"]+)">', pages[1])[0]
        response = client.post(action, data={"csrf_token": csrf, "submission_token": submission})
        assert response.status_code == 302, response.text[:300]  # the kept page's tokens are valid
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
