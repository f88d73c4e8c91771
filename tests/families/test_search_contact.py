"""The staff search box also finds families by phone number and postcode, and finds volunteers (by
name, phone number and postcode) as a second group of results (issue 17). The family's phone
number is sealed: it is found through its keyed hash, never stored in the clear."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from saas.auth.models import User
from saas.tenancy.models import Tenant
from tenants.families.models import Family
from tests.factories.families import create_family, load_family
from tests.factories.volunteers import create_volunteer
from tests.families.test_contact_details import set_details
from tests.families.test_search import found
from tests.support.queries import page_statements
from tests.support.sessions import SignIn


@pytest.fixture
def searcher(signed_in: SignIn, coordinator_a: User) -> FlaskClient:
    return signed_in(coordinator_a)


def volunteers_found(client: FlaskClient, query: str) -> list[str]:
    response = client.get("/t/alpha/search", query_string={"q": query})
    assert response.status_code == 200
    return re.findall(r'<li class="search-result search-result--volunteer">\s*<p><a href="[^"]+"><strong>([^<]+)<',
                      response.text)


@pytest.fixture
def bakker(app: Flask, tenant_a: Tenant, coordinator_a: User) -> Family:
    family = create_family(app, tenant_a, family_name="Familie Bakker")
    set_details(app, tenant_a, family, coordinator_a, phone="06-1234 5678", postcode="3511AB", town="Utrecht")
    create_family(app, tenant_a, family_name="Familie Visser")
    return family


@pytest.mark.parametrize("query", ["0612345678", "06-12345678", "06 1234 5678", "+31612345678", "+31 6 12345678",
                                   "0031612345678", "612345678"])
def test_a_family_is_found_by_its_phone_number_however_it_is_typed(
        app: Flask, searcher: FlaskClient, tenant_a: Tenant, bakker: Family, query: str) -> None:
    assert found(searcher, query) == ["Familie Bakker"]
    page = searcher.get("/t/alpha/search", query_string={"q": query}).text
    assert "phone: <bdi>+31612345678</bdi>" in page  # why it matched: the query's number, not the sealed one
    stored = load_family(app, tenant_a, bakker.id)
    assert stored is not None and "12345678" not in (stored.search_text + (stored.phone_key or ""))


def test_another_number_finds_nothing(searcher: FlaskClient, bakker: Family) -> None:
    assert found(searcher, "0612345679") == []


@pytest.mark.parametrize("query", ["3511AB", "3511 ab", "3511"])
def test_a_family_is_found_by_its_postcode_with_or_without_the_space(
        searcher: FlaskClient, bakker: Family, query: str) -> None:
    assert found(searcher, query) == ["Familie Bakker"]
    assert "postcode: <bdi>3511 AB</bdi>" in searcher.get("/t/alpha/search", query_string={"q": query}).text


def test_a_changed_postcode_changes_the_search_key(
        app: Flask, searcher: FlaskClient, tenant_a: Tenant, coordinator_a: User, bakker: Family) -> None:
    set_details(app, tenant_a, bakker, coordinator_a, postcode="9711AA")
    assert found(searcher, "3511ab") == [] and found(searcher, "9711 aa") == ["Familie Bakker"]


def test_volunteers_are_found_by_name_phone_and_postcode(
        app: Flask, searcher: FlaskClient, tenant_a: Tenant) -> None:
    create_volunteer(app, tenant_a, "Ayşe Yılmaz", phone="06 87654321", postcode="3512CD")
    create_volunteer(app, tenant_a, "Piet Jansen", phone="+31 6 11112222")
    for query in ("ayse", "YILMAZ", "0687654321", "+31 6 8765 4321", "3512 cd", "3512CD"):
        assert volunteers_found(searcher, query) == ["Ayşe Yılmaz"], query
    assert volunteers_found(searcher, "0611112222") == ["Piet Jansen"]
    page = searcher.get("/t/alpha/search?q=ayse").text
    assert "1 volunteer found." in page and "0 families found." in page
    assert found(searcher, "ayse") == []  # the volunteers are their own group, not families


def test_a_volunteers_new_phone_number_is_searchable_at_once(
        app: Flask, searcher: FlaskClient, tenant_a: Tenant, signed_in: SignIn, coordinator_a: User) -> None:
    from tenants.volunteers.models import Volunteer
    from tests.factories.platform import in_tenant

    vera = create_volunteer(app, tenant_a, "Vera de Vries")
    with in_tenant(app, tenant_a) as session:
        session.get(Volunteer, (tenant_a.id, vera.id)).phone = "0699998888"
        session.commit()
    assert volunteers_found(searcher, "+31699998888") == ["Vera de Vries"]


def test_another_tenants_families_and_volunteers_are_never_found(
        app: Flask, searcher: FlaskClient, tenant_b: Tenant, manager_b: User) -> None:
    other = create_family(app, tenant_b, family_name="Familie Bakker")
    set_details(app, tenant_b, other, manager_b, phone="0612345678", postcode="3511AB")
    create_volunteer(app, tenant_b, "Ayşe Yılmaz", phone="0687654321", postcode="3512CD")
    for query in ("0612345678", "3511ab", "bakker", "ayse", "0687654321"):
        assert found(searcher, query) == [] and volunteers_found(searcher, query) == [], query


def test_the_statement_count_does_not_grow_with_the_volunteers_found(
        app: Flask, searcher: FlaskClient, tenant_a: Tenant, bakker: Family) -> None:
    create_volunteer(app, tenant_a, "Kees Klein")
    few = page_statements(app, searcher, "/t/alpha/search?q=klein")
    for n in range(15):
        create_volunteer(app, tenant_a, f"Klaas Klein {n:02d}")
    assert page_statements(app, searcher, "/t/alpha/search?q=klein") == few
    page = searcher.get("/t/alpha/search?q=klein").text
    assert "The first 10 volunteers found; add a word to find fewer." in page
    # A phone search costs what a name search finding the same family costs.
    assert page_statements(app, searcher, "/t/alpha/search?q=0612345678") == page_statements(
        app, searcher, "/t/alpha/search?q=bakker")
