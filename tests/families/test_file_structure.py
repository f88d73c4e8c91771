"""The family file in sections with the next step first, and the family list's htmx fragment (issue #15)."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from saas.auth.models import User
from saas.tenancy.models import Tenant
from tenants.families.models import Family
from tenants.families.states import CaseState
from tests.factories.families import add_note, create_family, plan_intake
from tests.support.sessions import SignIn

HTMX = {"HX-Request": "true"}


@pytest.fixture
def client(signed_in: SignIn, coordinator_a: User) -> FlaskClient:
    return signed_in(coordinator_a)


def file_of(client: FlaskClient, family: Family) -> str:
    response = client.get(f"/t/alpha/families/{family.id}")
    assert response.status_code == 200
    return response.text


def test_the_file_has_a_section_navigation_and_keeps_its_anchors(client: FlaskClient, family_a: Family) -> None:
    text = file_of(client, family_a)
    nav = text[text.index('class="file-sections"'):text.index("</nav>", text.index('class="file-sections"'))]
    anchors = ["overview", "matches", "contact", "household", "referral", "notes", "timeline"]
    assert re.findall(r'href="#([a-z-]+)"', nav) == anchors
    for anchor in ("overview", "contact", "household", "referral", "notes", "timeline"):
        assert f'id="{anchor}"' in text


def test_the_next_step_comes_first_and_closing_last(app: Flask, tenant_a: Tenant, coordinator_a: User,
                                                     client: FlaskClient, family_a: Family) -> None:
    text = file_of(client, family_a)  # referred: plan the intake
    bar = text[text.index('class="file-bar"'):]
    assert bar.index("Plan the intake") < bar.index("Add a note")
    steps = text[text.index('class="actions next-steps"'):]
    assert steps.index("Plan the intake") < steps.index("Edit the file")

    plan_intake(app, tenant_a, family_a, actor=coordinator_a)
    text = file_of(client, family_a)
    bar = text[text.index('class="file-bar"'):text.index("</div>", text.index('class="file-bar"'))]
    assert bar.index("Record the intake") < bar.index("Add a note") and "Re-plan the intake" not in bar


def test_a_waiting_family_is_offered_volunteers_first_and_closing_last(
        app: Flask, tenant_a: Tenant, coordinator_a: User, client: FlaskClient) -> None:
    family = create_family(app, tenant_a, actor=coordinator_a, state=CaseState.WAITING)
    text = file_of(client, family)
    steps = text[text.index('class="actions next-steps"'):text.index("</ul>", text.index("next-steps"))]
    assert steps.index("Suggest volunteers") < steps.index("Edit the file") < steps.index("Close the case")
    bar = text[text.index('class="file-bar"'):text.index("</div>", text.index('class="file-bar"'))]
    assert "Suggest volunteers" in bar and "Close the case" not in bar


def test_only_the_latest_notes_show_and_the_rest_fold_away(app: Flask, tenant_a: Tenant, coordinator_a: User,
                                                           client: FlaskClient, family_a: Family) -> None:
    for number in range(5):
        add_note(app, tenant_a, family_a, f"Notitie {number}", actor=coordinator_a)
    text = file_of(client, family_a)
    notes = text[text.index('id="notes"'):text.index('id="timeline"')]
    shown, folded = notes.split('<details class="show-all">')
    assert shown.count('class="note"') == 3 and folded.count('class="note"') == 2
    assert "Show all 5" in folded


def test_the_list_answers_htmx_with_only_its_results(app: Flask, tenant_a: Tenant, client: FlaskClient) -> None:
    create_family(app, tenant_a, family_name="Familie Zoek")
    full = client.get("/t/alpha/families/?q=Zoek")
    assert "<html" in full.text and 'id="results"' in full.text and "Familie Zoek" in full.text
    assert "(1 active: “Zoek”)" in full.text and "HX-Request" in full.headers["Vary"]

    fragment = client.get("/t/alpha/families/?q=Zoek", headers=HTMX)
    assert fragment.status_code == 200
    assert "<html" not in fragment.text and "<form" not in fragment.text
    assert fragment.text.lstrip().startswith('<section class="panel results-region" id="results"')
    assert "Familie Zoek" in fragment.text
    assert 'id="filter-active" hx-swap-oob="true">(1 active: “Zoek”)' in fragment.text
    assert 'id="results-status" hx-swap-oob="innerHTML">1 family found.' in fragment.text

    restore = client.get("/t/alpha/families/?q=Zoek", headers={**HTMX, "HX-History-Restore-Request": "true"})
    assert "<html" in restore.text


def test_the_folded_filters_say_which_are_in_use(client: FlaskClient) -> None:
    text = client.get("/t/alpha/families/?state=open&coordinator=me&sort=name").text
    assert "(2 active: Open cases, My caseload)" in text
    assert "(none active)" in client.get("/t/alpha/families/").text
