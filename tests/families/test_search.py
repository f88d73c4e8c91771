"""Search that finds what people type (issue 17): accents and capitals ignored, every word found in
the family name, a household member's first name or the case number, one search box for staff.

Case numbers come from fixed referral dates, never from today's date.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient

from saas.auth.models import User
from saas.search import fold, query_words
from saas.tenancy.models import Tenant
from tenants.families import operations
from tenants.families.models import Family, FamilyMember
from tenants.families.vocabulary import MemberRole
from tests.factories.families import add_member, create_family
from tests.factories.platform import in_tenant
from tests.support.queries import page_statements
from tests.support.sessions import SignIn, sign_in

REFERRED = date(2025, 3, 3)  # case numbers 2025-…


@pytest.fixture
def searcher(signed_in: SignIn, coordinator_a: User) -> FlaskClient:
    return signed_in(coordinator_a)


def found(client: FlaskClient, query: str, page: int | None = None) -> list[str]:
    """The family names on the search page for ``query``, in the order shown."""
    response = client.get("/t/alpha/search", query_string={"q": query, **({"page": page} if page else {})})
    assert response.status_code == 200, response.text[:500]
    return re.findall(r'<li class="search-result">\s*<p><a href="[^"]+"><strong>([^<]+)</strong>', response.text)


def family(app: Flask, tenant: Tenant, name: str, seq: int | None = None, **members: str) -> Family:
    """A family referred on REFERRED (its number ``seq`` when given) with members ``role=first name``."""
    created = create_family(app, tenant, family_name=name, referred_on=REFERRED,
                            **({"case_seq": seq} if seq is not None else {}))
    for role, first_name in members.items():
        add_member(app, tenant, created, role=MemberRole(role.rstrip("0123456789")), first_name=first_name)
    return created


# Folding ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "key"), [
    ("Aydın", "aydin"), ("ÇELİK", "celik"), ("Ünal", "unal"), ("Straße", "strasse"), ("IJsselmeer", "ijsselmeer"),
    ("Şahin  \t Öztürk", "sahin ozturk"), ("Bakker-IJzerman", "bakker-ijzerman"), ("a\x00b", "a b"),
    ("zero\u200bwidth", "zero width"), ("", ""),
])
def test_fold_makes_ascii_lower_case_single_spaced_keys(typed: str, key: str) -> None:
    assert fold(typed) == key


def test_query_words_are_folded_distinct_and_limited() -> None:
    assert query_words("  Bakker  bakker YILMAZ ") == ["bakker", "yilmaz"]
    assert query_words(None) == [] and query_words("   ") == []
    assert len(query_words(" ".join(f"w{n}" for n in range(50)))) == 8


# What is found -----------------------------------------------------------------------------------


def test_accents_and_capitals_do_not_matter(app: Flask, searcher: FlaskClient, tenant_a: Tenant) -> None:
    family(app, tenant_a, "Familie Aydın")
    family(app, tenant_a, "Familie Çelik")
    family(app, tenant_a, "Familie Visser")
    for query in ("Aydin", "aydın", "AYDIN", "aYdI"):
        assert found(searcher, query) == ["Familie Aydın"], query
    assert found(searcher, "celik") == ["Familie Çelik"]
    assert found(searcher, "ÇELİK") == ["Familie Çelik"]


def test_every_word_is_found_in_any_field(app: Flask, searcher: FlaskClient, tenant_a: Tenant) -> None:
    family(app, tenant_a, "Familie Bakker", parent="Ayşe Yılmaz", child="Yusuf")
    family(app, tenant_a, "Familie de Bakker", parent="Sanne")
    family(app, tenant_a, "Familie Yılmaz")
    assert found(searcher, "bakker yilmaz") == ["Familie Bakker"]
    assert found(searcher, "yilmaz") == ["Familie Bakker", "Familie Yılmaz"]
    assert found(searcher, "bakker visser") == []


def test_a_childs_first_name_finds_the_family_and_says_why(app: Flask, searcher: FlaskClient, tenant_a: Tenant) -> None:
    family(app, tenant_a, "Familie Bakker", parent="Sara", child="Yusuf", child2="Noor")
    family(app, tenant_a, "Familie Jansen", child="Yara")
    page = searcher.get("/t/alpha/search?q=yusuf").text
    assert found(searcher, "yusuf") == ["Familie Bakker"]
    assert "child: <bdi>Yusuf</bdi>" in page and "Noor" not in page and "Sara" not in page
    assert "family found." in page
    both = searcher.get("/t/alpha/search?q=bakker+sara").text
    assert "family name: <bdi>Familie Bakker</bdi>" in both and "parent: <bdi>Sara</bdi>" in both


@pytest.mark.parametrize("query", ["0047", "47", "2025-47", "2025-0047", " 2025-0047 "])
def test_a_case_number_with_or_without_its_year_finds_the_file(
        app: Flask, searcher: FlaskClient, tenant_a: Tenant, query: str) -> None:
    family(app, tenant_a, "Familie Zevenenveertig", seq=47)
    family(app, tenant_a, "Familie Anders", seq=12)
    family(app, tenant_a, "Familie Later", seq=470)  # 2025-0470 holds "047" and "47" but is not 2025-47
    results = found(searcher, query)
    assert results[0] == "Familie Zevenenveertig"
    if "-" in query:
        assert results == ["Familie Zevenenveertig"]
    assert "Familie Anders" not in results


def test_the_exact_case_number_comes_first(app: Flask, searcher: FlaskClient, tenant_a: Tenant) -> None:
    family(app, tenant_a, "Familie Aa", seq=147)
    family(app, tenant_a, "Familie Zz", seq=47)
    assert found(searcher, "47") == ["Familie Zz", "Familie Aa"]
    page = searcher.get("/t/alpha/search?q=2025-47").text
    assert "case number: <bdi>2025-0047</bdi>" in page


def test_the_key_follows_changes_to_the_family_and_its_household(
        app: Flask, searcher: FlaskClient, tenant_a: Tenant, coordinator_a: User) -> None:
    created = family(app, tenant_a, "Familie Bakker")
    member = add_member(app, tenant_a, created, role=MemberRole.CHILD, first_name="Émile")
    assert found(searcher, "emile") == ["Familie Bakker"]
    with in_tenant(app, tenant_a) as session:
        stored = session.get(Family, (tenant_a.id, created.id))
        operations.update_family(coordinator_a, stored, {"family_name": "Familie Öztürk"})
        session.get(FamilyMember, (tenant_a.id, member.id)).first_name = "Zoë"
        session.commit()
    assert found(searcher, "bakker") == [] and found(searcher, "emile") == []
    assert found(searcher, "ozturk zoe") == ["Familie Öztürk"]
    with in_tenant(app, tenant_a) as session:
        stored = session.get(Family, (tenant_a.id, created.id))
        operations.remove_member(coordinator_a, stored, session.get(FamilyMember, (tenant_a.id, member.id)))
        session.commit()
    assert found(searcher, "zoe") == []


def test_a_name_in_arabic_script_is_found_as_typed(app: Flask, searcher: FlaskClient, tenant_a: Tenant) -> None:
    family(app, tenant_a, "عائلة الحسن", child="يوسف")
    family(app, tenant_a, "Familie Visser")
    assert found(searcher, "يوسف") == ["عائلة الحسن"]
    assert found(searcher, "الحسن") == ["عائلة الحسن"]


def test_the_family_list_searches_the_same_way(app: Flask, searcher: FlaskClient, tenant_a: Tenant) -> None:
    family(app, tenant_a, "Familie Aydın", child="Yusuf")
    family(app, tenant_a, "Familie Visser")
    text = searcher.get("/t/alpha/families/?q=aydin+yusuf").text
    assert "Familie Aydın" in text and "Familie Visser" not in text


# Pages and statements --------------------------------------------------------------------------


def test_results_are_paginated_and_keep_the_query(app: Flask, searcher: FlaskClient, tenant_a: Tenant) -> None:
    for n in range(30):
        family(app, tenant_a, f"Familie Zoek {n:02d}")
    first, second = found(searcher, "zoek"), found(searcher, "zoek", page=2)
    assert first == [f"Familie Zoek {n:02d}" for n in range(25)]
    assert second == [f"Familie Zoek {n:02d}" for n in range(25, 30)]
    page = searcher.get("/t/alpha/search?q=zoek").text
    assert "30 families found." in page and 'href="/t/alpha/search?page=2&amp;q=zoek"' in page
    assert found(searcher, "zoek", page=9) == []  # past the last page: empty, not an error


def test_the_statement_count_does_not_grow_with_the_results(
        app: Flask, searcher: FlaskClient, tenant_a: Tenant) -> None:
    family(app, tenant_a, "Familie Klein", parent="Sara", child="Yusuf")
    few = page_statements(app, searcher, "/t/alpha/search?q=klein")
    for n in range(20):
        family(app, tenant_a, f"Familie Klein {n:02d}", parent=f"Ouder {n}", child=f"Kind {n}")
    assert page_statements(app, searcher, "/t/alpha/search?q=klein") == few
    assert page_statements(app, searcher, "/t/alpha/search?q=klein+kind+ouder") == few  # more words, same statements


# Isolation and roles -------------------------------------------------------------------------------


def test_another_tenants_family_is_never_found(
        app: Flask, searcher: FlaskClient, tenant_a: Tenant, tenant_b: Tenant) -> None:
    family(app, tenant_b, "Familie Aydın", seq=47, child="Yusuf")
    family(app, tenant_a, "Familie Eigen")
    for query in ("aydin", "yusuf", "47", "2025-0047", "familie"):
        assert "Familie Aydın" not in found(searcher, query), query


def test_another_tenants_member_gets_404(signed_in: SignIn, manager_b: User, tenant_a: Tenant) -> None:
    assert signed_in(manager_b).get("/t/alpha/search?q=bakker").status_code == 404


def test_only_coordinators_and_managers_search(
        app: Flask, coordinator_a: User, manager_a: User, volunteer_a: User, report_viewer_a: User) -> None:
    for person, status in ((coordinator_a, 200), (manager_a, 200), (volunteer_a, 403), (report_viewer_a, 403)):
        client = app.test_client()
        sign_in(client, person)
        assert client.get("/t/alpha/search?q=bakker").status_code == status, person.email
        home = client.get("/t/alpha/")
        # The box in the menu is there for staff only.
        assert ('id="site-search-q"' in home.text) == (status == 200), person.email


# Bad input ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("query", "status", "message"), [
    ("x" * 300, 422, "Use at most 200 characters."),
    ("bakker\x00", 422, "This text contains characters that are not allowed."),
    ("   ", 200, None),
    ("", 200, None),
    ("%", 200, None),
    ("_ \\", 200, None),
    ("يوسف " * 40, 200, None),
], ids=["too-long", "nul-byte", "only-spaces", "empty", "percent", "underscore-backslash", "arabic-letters"])
def test_bad_input_gives_a_clear_message_or_nothing_found(
        app: Flask, searcher: FlaskClient, tenant_a: Tenant, query: str, status: int, message: str | None) -> None:
    family(app, tenant_a, "Familie Bakker")
    response = searcher.get("/t/alpha/search", query_string={"q": query, "page": "abc"})
    assert response.status_code == status
    if message:
        assert message in response.text and "Familie Bakker" not in response.text
    elif query.strip():
        assert "Familie Bakker" not in response.text  # wildcards stand for themselves
        assert "0 families found." in response.text
    else:
        assert 'class="search-result"' not in response.text and "families found" not in response.text
