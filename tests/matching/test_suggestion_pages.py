"""The suggestions page and making a match from a suggestion, through the HTTP routes."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from saas.auth.models import User
from saas.auth.roles import Role
from saas.tenancy.models import Tenant
from tenants.families.models import Family
from tenants.families.states import CaseState
from tenants.families.vocabulary import MemberRole
from tenants.matching import eligibility
from tenants.matching.models import Match
from tenants.matching.vocabulary import NeighbourhoodRule
from tenants.volunteers.models import Volunteer
from tenants.volunteers.states import VolunteerState
from tests.factories.families import add_member, audit_actions, create_family, load_family
from tests.factories.matching import create_match, ready_volunteer, waiting_family
from tests.factories.platform import create_user, in_tenant, today
from tests.factories.volunteers import create_volunteer, load_volunteer
from tests.support.sessions import SignIn

BASE = "/t/alpha"
_CARD = re.compile(r'id="v-([0-9a-f-]{36})"')


def page_url(family: Family) -> str:
    return f"{BASE}/families/{family.id}/suggestions"


def propose_url(family: Family, volunteer_id: Any) -> str:
    return f"{page_url(family)}/{volunteer_id}"


def sections(html: str) -> tuple[list[uuid.UUID], list[uuid.UUID]]:
    """The volunteers the page offers (in ranking order) and those it lists as not eligible."""
    eligible, _, ineligible = html.partition('id="ineligible-heading"')
    eligible = eligible.split('id="eligible-heading"', 1)[1]
    return [uuid.UUID(v) for v in _CARD.findall(eligible)], [uuid.UUID(v) for v in _CARD.findall(ineligible)]


def match_count(app: Flask, tenant: Tenant) -> int:
    with in_tenant(app, tenant) as session:
        return session.scalar(select(func.count()).select_from(Match))


def set_rule(app: Flask, tenant: Tenant, rule: NeighbourhoodRule) -> None:
    with in_tenant(app, tenant) as session:
        eligibility.MATCHING_POLICY.for_update().neighbourhood_rule = rule
        session.commit()


@pytest.fixture
def bakker(app: Flask, tenant_a: Tenant, coordinator_a: User) -> Family:
    """A waiting family that speaks Arabic and wants help on weekends, with a child of six."""
    family = waiting_family(app, tenant_a, family_name="Familie Bakker", languages=["Arabisch"],
                            neighbourhood="Centrum", help_domains=["finances"], coordinator_id=coordinator_a.id,
                            wishes={"wish_languages": ["Arabisch"], "wish_day_parts": ["weekend"]})
    add_member(app, tenant_a, family, role=MemberRole.CHILD, first_name="Sami",
               birth_date=today(app) - timedelta(days=6 * 366), legal_representative=False)
    return family


def test_the_page_ranks_eligible_volunteers_with_the_score_explained(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, bakker: Family) -> None:
    low = ready_volunteer(app, tenant_a, "Cees Laag", languages=["Engels"], municipality="Elders")
    best = ready_volunteer(app, tenant_a, "Amira Best", languages=["arabisch"], day_parts=["weekend"],
                           municipality="Alpha", neighbourhood="Centrum", experience_domains=["finances"])
    middle = ready_volunteer(app, tenant_a, "Bert Midden", languages=["Arabisch"], municipality="Alpha")
    create_volunteer(app, tenant_a, "Anna Aanmelding")  # an applicant: not a candidate at all
    response = signed_in(coordinator_a).get(page_url(bakker))
    assert response.status_code == 200, response.text[:300]
    assert sections(response.text) == ([best.id, middle.id, low.id], [])
    page = response.text
    assert bakker.case_number in page and "Anna Aanmelding" not in page
    # Amira: language 20, municipality 10, neighbourhood 10, weekend 15, finances 15, age 10, track 10, room 10.
    assert "100 of 100 points" in page
    assert "Speaks arabisch with the family." in page
    assert "Free on Weekends: 1 of the 1 day parts the family wished." in page
    assert page.count("Propose this match") == 3
    assert any(event.action == "family.viewed" for event in audit_actions(app, tenant_a, bakker.id))


def test_the_organisations_neighbourhood_rule_turns_the_ranking(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, bakker: Family) -> None:
    neighbour = ready_volunteer(app, tenant_a, "Nora Buur", municipality="Alpha", neighbourhood="centrum")
    further = ready_volunteer(app, tenant_a, "Olaf Verder", municipality="Alpha", neighbourhood="Noord")
    client = signed_in(coordinator_a)
    assert sections(client.get(page_url(bakker)).text)[0] == [neighbour.id, further.id]  # prefer: the default
    set_rule(app, tenant_a, NeighbourhoodRule.AVOID)
    page = client.get(page_url(bakker)).text
    assert sections(page)[0] == [further.id, neighbour.id]
    assert "the organisation avoids this" in page


def test_volunteers_who_cannot_be_matched_are_listed_with_the_reasons(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, bakker: Family) -> None:
    ready = ready_volunteer(app, tenant_a, "Rita Klaar")
    no_vog = create_volunteer(app, tenant_a, "Gijs Geen VOG", state=VolunteerState.AVAILABLE)
    full = ready_volunteer(app, tenant_a, "Vol Vincent")
    create_match(app, tenant_a, actor=coordinator_a, volunteer=full, family=waiting_family(app, tenant_a))
    page = signed_in(coordinator_a).get(page_url(bakker)).text
    assert sections(page) == ([ready.id], [no_vog.id, full.id])
    assert "No certificate of conduct (VOG) recorded." in page
    assert "The volunteer has no room: 1 of 1 families." in page
    assert page.count("Propose this match") == 1


def test_proposing_a_suggestion_makes_the_match(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, bakker: Family) -> None:
    amira = ready_volunteer(app, tenant_a, "Amira Best", languages=["Arabisch"], municipality="Alpha", max_families=2)
    response = signed_in(coordinator_a).post(propose_url(bakker, amira.id))
    assert response.status_code == 302, response.text[:500]
    with in_tenant(app, tenant_a) as session:
        [match] = session.scalars(select(Match)).all()
        assert (match.family_id, match.volunteer_id, match.coordinator_id) == (bakker.id, amira.id, coordinator_a.id)
        # language 20, municipality 10 (both in Alpha), no neighbourhood for Amira 0, no day parts 0,
        # no experience 0, no age preference 10, no track preference 10, room for 2 of 2: 10.
        assert match.score == 60
        assert match.score_details["total"] == 60
        assert [c["code"] for c in match.score_details["criteria"]] == [
            "language", "municipality", "neighbourhood", "availability", "experience", "child_ages", "track", "load",
            "gender", "distance"]  # no gender wish, no postcode: shown as not counted
    assert response.location.endswith(f"/matches/{match.id}")
    assert load_family(app, tenant_a, bakker.id).state == CaseState.MATCHED
    assert load_volunteer(app, tenant_a, amira.id).state == VolunteerState.MATCHED
    assert [e.action for e in audit_actions(app, tenant_a, match.id)] == ["match.proposed"]


def test_a_second_match_for_the_family_is_refused(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, bakker: Family) -> None:
    first, second = ready_volunteer(app, tenant_a, "Eerste"), ready_volunteer(app, tenant_a, "Tweede")
    client = signed_in(coordinator_a)
    assert client.post(propose_url(bakker, first.id)).status_code == 302
    response = client.post(propose_url(bakker, second.id))
    assert response.status_code == 422
    assert "The family is not waiting for a match (Matched)." in response.text
    assert "The family already has a match." in response.text
    assert "Volunteers are suggested only for families on the waiting list." in response.text
    with in_tenant(app, tenant_a) as session:
        [match] = session.scalars(select(Match)).all()
    assert f'href="{BASE}/matches/{match.id}"' in client.get(page_url(bakker)).text  # where it is now
    assert match_count(app, tenant_a) == 1
    assert load_volunteer(app, tenant_a, second.id).state == VolunteerState.AVAILABLE


def test_a_full_volunteer_is_refused_and_nothing_is_written(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, bakker: Family) -> None:
    full = ready_volunteer(app, tenant_a, "Vol Vincent")
    create_match(app, tenant_a, actor=coordinator_a, volunteer=full, family=waiting_family(app, tenant_a))
    audit_before = len(audit_actions(app, tenant_a))
    client = signed_in(coordinator_a)
    response = client.post(propose_url(bakker, full.id))
    assert response.status_code == 422
    assert "The volunteer has no room: 1 of 1 families." in response.text
    assert 'class="error-summary"' in response.text
    assert match_count(app, tenant_a) == 1
    assert load_family(app, tenant_a, bakker.id).state == CaseState.WAITING
    assert len(audit_actions(app, tenant_a)) == audit_before
    answer = client.post(propose_url(bakker, full.id), json={})
    assert answer.status_code == 422
    assert "no room" in answer.get_json()["errors"]["_form"][0]


def test_a_volunteer_who_is_not_ready_is_refused(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, bakker: Family) -> None:
    applicant = create_volunteer(app, tenant_a, "Anna Aanmelding")
    response = signed_in(coordinator_a).post(propose_url(bakker, applicant.id))
    assert response.status_code == 422
    assert "State: Applicant." in response.text
    assert match_count(app, tenant_a) == 0


def test_a_volunteer_or_family_of_another_tenant_is_not_found(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, tenant_b: Tenant,
        bakker: Family) -> None:
    theirs = ready_volunteer(app, tenant_b, "Bea Beta")
    their_family = waiting_family(app, tenant_b)
    client = signed_in(coordinator_a)
    assert client.post(propose_url(bakker, theirs.id)).status_code == 404
    assert client.post(propose_url(bakker, uuid.uuid4())).status_code == 404
    assert client.get(page_url(their_family)).status_code == 404
    assert client.get(f"{BASE}/families/{uuid.uuid4()}/suggestions").status_code == 404
    assert match_count(app, tenant_a) == 0 and match_count(app, tenant_b) == 0
    assert load_family(app, tenant_a, bakker.id).state == CaseState.WAITING


def test_a_family_that_is_not_waiting_gets_no_suggestions(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant) -> None:
    referred = create_family(app, tenant_a, family_name="Familie Nieuw")
    ready_volunteer(app, tenant_a)
    response = signed_in(coordinator_a).get(page_url(referred))
    assert response.status_code == 200
    assert "This family is not waiting for a match (Referred)." in response.text
    assert "Propose this match" not in response.text


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.REPORT_VIEWER], ids=lambda r: r.value)
def test_only_staff_see_suggestions_and_propose(app: Flask, signed_in: SignIn, tenant_a: Tenant, bakker: Family,
                                                role: Role) -> None:
    volunteer = ready_volunteer(app, tenant_a)
    client = signed_in(create_user(app, f"{role.value}@alpha.example", tenant=tenant_a, role=role))
    assert client.get(page_url(bakker)).status_code == 403
    assert client.post(propose_url(bakker, volunteer.id)).status_code == 403
    assert match_count(app, tenant_a) == 0


def test_the_family_file_links_to_the_suggestions_while_the_family_waits(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, bakker: Family) -> None:
    client = signed_in(coordinator_a)
    assert f'href="{page_url(bakker)}"' in client.get(f"{BASE}/families/{bakker.id}").text
    referred = create_family(app, tenant_a)
    assert "/suggestions" not in client.get(f"{BASE}/families/{referred.id}").text


def test_manager_can_propose(app: Flask, signed_in: SignIn, manager_a: User, tenant_a: Tenant,
                             bakker: Family) -> None:
    volunteer = ready_volunteer(app, tenant_a)
    client = signed_in(manager_a)
    assert client.get(page_url(bakker)).status_code == 200
    assert client.post(propose_url(bakker, volunteer.id)).status_code == 302
    with in_tenant(app, tenant_a) as session:
        assert session.get(Family, (tenant_a.id, bakker.id)).state == CaseState.MATCHED
        assert session.get(Volunteer, (tenant_a.id, volunteer.id)).state == VolunteerState.MATCHED


def test_the_list_starts_with_the_best_and_can_show_all(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, bakker: Family,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from tenants.matching.suggestions import views as suggestion_views

    monkeypatch.setattr(suggestion_views, "SHOWN", 1)
    best = ready_volunteer(app, tenant_a, "Amira Best", languages=["Arabisch"])
    other = ready_volunteer(app, tenant_a, "Bert Anders")
    client = signed_in(coordinator_a)
    page = client.get(page_url(bakker)).text
    assert sections(page)[0] == [best.id]
    assert "1 more volunteer with a lower score." in page
    assert sections(client.get(page_url(bakker) + "?show=all").text)[0] == [best.id, other.id]
