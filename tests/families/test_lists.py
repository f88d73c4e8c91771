"""The family list (search, filters, sorting, pages), "my caseload" and the waiting list."""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient

from saas.auth.models import User
from saas.tenancy.models import Tenant
from tenants.families.states import CaseState
from tenants.families.vocabulary import ReferrerType
from tests.factories.families import create_family
from tests.factories.platform import days_ago, today
from tests.support.sessions import SignIn

ROW_NAME = re.compile(r'<td [^>]*data-label="Family">(?:<a [^>]*>)?([^<]+)<')


def listed(client: FlaskClient, query: str = "", path: str = "/t/alpha/families/") -> list[str]:
    """The family names on the page, in the order shown."""
    response = client.get(f"{path}?{query}" if query else path)
    assert response.status_code == 200, f"{query} -> {response.status_code}"
    return ROW_NAME.findall(response.text)


@pytest.fixture
def client(signed_in: SignIn, coordinator_a: User) -> FlaskClient:
    return signed_in(coordinator_a)


def test_the_list_shows_the_tenants_families_newest_referral_first(
        app: Flask, client: FlaskClient, tenant_a: Tenant, tenant_b: Tenant) -> None:
    create_family(app, tenant_a, family_name="Familie Oud", referred_on=days_ago(app, 50))
    create_family(app, tenant_a, family_name="Familie Nieuw", referred_on=days_ago(app, 2))
    create_family(app, tenant_a, family_name="Familie Midden", referred_on=days_ago(app, 20))
    create_family(app, tenant_b, family_name="Familie Elders")
    assert listed(client) == ["Familie Nieuw", "Familie Midden", "Familie Oud"]


def test_search_finds_a_family_by_part_of_its_name_in_any_case(
        app: Flask, client: FlaskClient, tenant_a: Tenant) -> None:
    for name in ("Familie Bakker", "Familie de Bakker", "Familie Visser"):
        create_family(app, tenant_a, family_name=name)
    assert sorted(listed(client, "q=bAKker")) == ["Familie Bakker", "Familie de Bakker"]


def test_search_finds_a_family_by_its_case_number(app: Flask, client: FlaskClient, tenant_a: Tenant) -> None:
    first = create_family(app, tenant_a, family_name="Familie Een")
    create_family(app, tenant_a, family_name="Familie Twee")
    assert first.case_number == f"{today(app).year}-0001"
    assert listed(client, f"q={first.case_number}") == ["Familie Een"]
    assert listed(client, f"q=+{today(app).year}-2+") == ["Familie Twee"]  # unpadded, with spaces


def test_search_treats_like_wildcards_as_text(app: Flask, client: FlaskClient, tenant_a: Tenant) -> None:
    create_family(app, tenant_a, family_name="Familie Bakker")
    assert listed(client, "q=Bak%25er") == []  # "%" does not match any run of letters
    assert listed(client, "q=B_kker") == []


def test_the_state_filter_shows_one_state(app: Flask, client: FlaskClient, tenant_a: Tenant) -> None:
    create_family(app, tenant_a, family_name="Familie Wacht", state=CaseState.WAITING)
    create_family(app, tenant_a, family_name="Familie Nieuw")
    assert listed(client, "state=waiting") == ["Familie Wacht"]


def test_the_open_filter_leaves_out_ended_cases(app: Flask, client: FlaskClient, tenant_a: Tenant) -> None:
    open_states = [CaseState.REFERRED, CaseState.INTAKE_PLANNED, CaseState.INTAKE_DONE, CaseState.WAITING,
                   CaseState.MATCHED, CaseState.CLOSING]
    for state in CaseState:
        create_family(app, tenant_a, family_name=f"Familie {state.value}", state=state)
    assert sorted(listed(client, "state=open")) == sorted(f"Familie {s.value}" for s in open_states)


def test_the_coordinator_filter_me_shows_my_families(app: Flask, client: FlaskClient, coordinator_a: User,
                                                     manager_a: User, tenant_a: Tenant) -> None:
    create_family(app, tenant_a, family_name="Familie Mijn", coordinator_id=coordinator_a.id)
    create_family(app, tenant_a, family_name="Familie Manager", coordinator_id=manager_a.id)
    create_family(app, tenant_a, family_name="Familie Niemand", coordinator_id=None)
    assert listed(client, "coordinator=me") == ["Familie Mijn"]


def test_the_coordinator_filter_none_shows_unassigned_families(
        app: Flask, client: FlaskClient, coordinator_a: User, tenant_a: Tenant) -> None:
    create_family(app, tenant_a, family_name="Familie Mijn", coordinator_id=coordinator_a.id)
    create_family(app, tenant_a, family_name="Familie Niemand", coordinator_id=None)
    assert listed(client, "coordinator=none") == ["Familie Niemand"]


def test_the_coordinator_filter_takes_a_staff_member(app: Flask, client: FlaskClient, coordinator_a: User,
                                                     manager_a: User, tenant_a: Tenant) -> None:
    create_family(app, tenant_a, family_name="Familie Mijn", coordinator_id=coordinator_a.id)
    create_family(app, tenant_a, family_name="Familie Manager", coordinator_id=manager_a.id)
    assert listed(client, f"coordinator={manager_a.id}") == ["Familie Manager"]


def test_the_municipality_filter(app: Flask, client: FlaskClient, tenant_a: Tenant) -> None:
    create_family(app, tenant_a, family_name="Familie Alpha", municipality="Alpha")
    create_family(app, tenant_a, family_name="Familie Omega", municipality="Omega")
    assert listed(client, "municipality=Omega") == ["Familie Omega"]


def test_the_referrer_filter(app: Flask, client: FlaskClient, tenant_a: Tenant) -> None:
    create_family(app, tenant_a, family_name="Familie School", referrer_type=ReferrerType.SCHOOL)
    create_family(app, tenant_a, family_name="Familie Huisarts", referrer_type=ReferrerType.GP)
    assert listed(client, "referrer_type=gp") == ["Familie Huisarts"]


def test_the_waiting_filter_shows_unmatched_open_cases_referred_at_least_n_days_ago(
        app: Flask, client: FlaskClient, tenant_a: Tenant) -> None:
    create_family(app, tenant_a, family_name="Familie Lang", referred_on=days_ago(app, 45), state=CaseState.WAITING)
    create_family(app, tenant_a, family_name="Familie Precies", referred_on=days_ago(app, 30),
                  state=CaseState.INTAKE_DONE)
    create_family(app, tenant_a, family_name="Familie Kort", referred_on=days_ago(app, 29))
    create_family(app, tenant_a, family_name="Familie Gekoppeld", referred_on=days_ago(app, 90),
                  state=CaseState.MATCHED)
    create_family(app, tenant_a, family_name="Familie Gesloten", referred_on=days_ago(app, 90),
                  state=CaseState.CLOSED)
    assert listed(client, "waiting=30") == ["Familie Precies", "Familie Lang"]


def test_filters_combine(app: Flask, client: FlaskClient, coordinator_a: User, tenant_a: Tenant) -> None:
    create_family(app, tenant_a, family_name="Familie Bakker", coordinator_id=coordinator_a.id,
                  state=CaseState.WAITING)
    create_family(app, tenant_a, family_name="Familie Bakkers", coordinator_id=None, state=CaseState.WAITING)
    create_family(app, tenant_a, family_name="Familie Bakx", coordinator_id=coordinator_a.id)
    assert listed(client, "q=bakker&state=waiting&coordinator=me") == ["Familie Bakker"]


@pytest.mark.parametrize(("sort", "expected"), [
    ("referred", ["Familie Cees", "Familie Anna", "Familie Bert"]),
    ("-referred", ["Familie Bert", "Familie Anna", "Familie Cees"]),
    ("case", ["Familie Bert", "Familie Cees", "Familie Anna"]),
    ("-case", ["Familie Anna", "Familie Cees", "Familie Bert"]),
    ("name", ["Familie Anna", "Familie Bert", "Familie Cees"]),
    ("-name", ["Familie Cees", "Familie Bert", "Familie Anna"]),
])
def test_sorting(app: Flask, client: FlaskClient, tenant_a: Tenant, sort: str, expected: list[str]) -> None:
    # Case numbers count per referral year, so the three referrals lie in one (past) year: last March.
    year = today(app).year - 1
    create_family(app, tenant_a, family_name="Familie Bert", referred_on=date(year, 3, 30))   # 0001
    create_family(app, tenant_a, family_name="Familie Cees", referred_on=date(year, 3, 1))    # 0002
    create_family(app, tenant_a, family_name="Familie Anna", referred_on=date(year, 3, 21))   # 0003
    assert listed(client, f"sort={sort}") == expected


def test_the_list_has_pages_of_25(app: Flask, client: FlaskClient, tenant_a: Tenant) -> None:
    for n in range(30):
        create_family(app, tenant_a, family_name=f"Familie {n:02d}")
    first, second = listed(client, "sort=name"), listed(client, "sort=name&page=2")
    assert first == [f"Familie {n:02d}" for n in range(25)]
    assert second == [f"Familie {n:02d}" for n in range(25, 30)]
    page = client.get("/t/alpha/families/?sort=name")
    assert "30 families found." in page.text
    assert 'href="/t/alpha/families/?page=2&amp;sort=name"' in page.text  # the next page keeps the sorting


@pytest.mark.parametrize(("query", "shown"), [
    ("state=bogus&page=-1&waiting=abc", ["Familie Bakker"]),
    ("sort=sideways&referrer_type=astrologer&coordinator=nobody&municipality=", ["Familie Bakker"]),
    ("page=0&waiting=-5&state=", ["Familie Bakker"]),
    ("page=99999999999999999999&waiting=99999999999", ["Familie Bakker"]),
    ("q=%00%01&page=1.5", ["Familie Bakker"]),
    ("q=" + "x" * 300, ["Familie Bakker"]),
    ("q=Bakker&state=bogus", ["Familie Bakker"]),  # the good filter still applies
    ("q=Visser&state=bogus", []),
    ("coordinator=" + "1" * 32, []),  # a well-formed id of nobody here
    ("page=7", []),  # past the last page: empty, not an error
], ids=["bogus-state-negative-page-text-days", "unknown-sort-referrer-coordinator", "zero-page-negative-days",
        "huge-numbers", "control-characters", "too-long-search", "good-filter-kept", "good-filter-kept-empty",
        "unknown-coordinator-id", "past-the-last-page"])
def test_bad_filter_values_are_ignored(app: Flask, client: FlaskClient, tenant_a: Tenant, query: str,
                                       shown: list[str]) -> None:
    create_family(app, tenant_a, family_name="Familie Bakker")
    assert listed(client, query) == shown


@pytest.mark.parametrize("term", ["99999999999999999999-99999999999999999999", "2026-99999999999", "²-1", "2026-²"],
                         ids=["beyond-64-bits", "beyond-32-bits", "superscript-year", "superscript-number"])
def test_a_search_that_looks_like_a_case_number_but_cannot_be_one_finds_nothing(
        app: Flask, client: FlaskClient, tenant_a: Tenant, term: str) -> None:
    create_family(app, tenant_a, family_name="Familie Bakker")
    assert listed(client, f"q={term}") == []


def test_my_caseload_from_the_start_page_shows_only_my_open_families(
        app: Flask, client: FlaskClient, coordinator_a: User, manager_a: User, tenant_a: Tenant) -> None:
    create_family(app, tenant_a, family_name="Familie Mijn", coordinator_id=coordinator_a.id,
                  state=CaseState.WAITING)
    create_family(app, tenant_a, family_name="Familie Mijn Gesloten", coordinator_id=coordinator_a.id,
                  state=CaseState.CLOSED)
    create_family(app, tenant_a, family_name="Familie Collega", coordinator_id=manager_a.id)
    home = client.get("/t/alpha/")
    link = re.search(r'<a href="([^"]+)">My caseload</a>', home.text)
    assert link, "the start page links to my caseload"
    path, _, query = link.group(1).replace("&amp;", "&").partition("?")
    assert listed(client, query, path) == ["Familie Mijn"]


def test_the_waiting_list_shows_only_waiting_families_longest_first_with_days_waiting(
        app: Flask, client: FlaskClient, tenant_a: Tenant) -> None:
    create_family(app, tenant_a, family_name="Familie Kort", referred_on=days_ago(app, 12), state=CaseState.WAITING)
    create_family(app, tenant_a, family_name="Familie Lang", referred_on=days_ago(app, 40), state=CaseState.WAITING)
    create_family(app, tenant_a, family_name="Familie Gekoppeld", referred_on=days_ago(app, 90),
                  state=CaseState.MATCHED)
    create_family(app, tenant_a, family_name="Familie Intake", referred_on=days_ago(app, 80),
                  state=CaseState.INTAKE_DONE)
    response = client.get("/t/alpha/families/waiting")
    assert ROW_NAME.findall(response.text) == ["Familie Lang", "Familie Kort"]
    days = re.findall(r'class="days-waiting[^"]*">([^<]+)<', response.text)
    assert days == ["40 days", "12 days"]


def test_the_waiting_list_has_pages(app: Flask, client: FlaskClient, tenant_a: Tenant) -> None:
    for n in range(27):
        create_family(app, tenant_a, family_name=f"Familie {n:02d}", referred_on=days_ago(app, 100 - n),
                      state=CaseState.WAITING)
    assert listed(client, path="/t/alpha/families/waiting") == [f"Familie {n:02d}" for n in range(25)]
    assert listed(client, "page=2", "/t/alpha/families/waiting") == ["Familie 25", "Familie 26"]
    assert listed(client, "page=-1", "/t/alpha/families/waiting")[:1] == ["Familie 00"]
