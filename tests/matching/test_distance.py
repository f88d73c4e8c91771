"""The distance between a family's and a volunteer's postcodes in the suggestions (issue 17):
numeric proximity of the postcode areas, explained like the other criteria, counted only when the
family's postcode is known."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from saas.auth.models import User
from saas.tenancy.models import Tenant
from tenants.matching.distance import Nearness, nearness
from tests.factories.matching import ready_volunteer, waiting_family
from tests.families.test_contact_details import set_details
from tests.matching.test_suggestions import criterion, english, family, points, scored, volunteer
from tests.support.sessions import SignIn

english = english  # the explanations in English (the msgids), for every test here


@pytest.mark.parametrize(("first", "second", "expected"), [
    ("3511AB", "3511ZZ", Nearness.SAME_AREA), ("3511AB", "3514CD", Nearness.NEARBY),
    ("3511AB", "3581EF", Nearness.REGION), ("3511AB", "9711AA", Nearness.FAR), ("3511AB", "4511AB", Nearness.FAR),
])
def test_nearness_is_how_many_leading_digits_of_the_area_agree(first: str, second: str, expected: Nearness) -> None:
    assert nearness(first, second) == expected == nearness(second, first)


@pytest.mark.parametrize(("volunteer_postcode", "expected", "explanation"), [
    ("3511ZZ", (10, 10), "Lives in the family's postcode area (3511)."),
    ("3514CD", (7, 10), "Lives nearby: postcode area 3514, the family's is 3511."),
    ("3581EF", (4, 10), "Lives in the same region: postcode area 3581, the family's is 3511."),
    ("9711AA", (0, 10), "Lives further away: postcode area 9711, the family's is 3511."),
    (None, (0, 10), "The volunteer's postcode is not recorded."),
])
def test_the_distance_is_scored_and_explained(
        volunteer_postcode: str | None, expected: tuple[int, int], explanation: str) -> None:
    result = scored(family(postcode="3511AB"), volunteer(postcode=volunteer_postcode))
    assert points(result, "distance") == expected
    assert criterion(result, "distance").explanation == explanation
    assert criterion(result, "distance").label == "Distance"


def test_without_the_familys_postcode_the_distance_counts_for_nobody() -> None:
    result = scored(family(), volunteer(postcode="3511AB"))
    assert points(result, "distance") == (0, 0) and not criterion(result, "distance").applies
    assert criterion(result, "distance").explanation == "The family's postcode is not recorded."
    assert result.maximum == scored(family(), volunteer()).maximum
    # A known postcode adds what can be reached, as the gender wish does.
    assert scored(family(postcode="3511AB"), volunteer()).maximum - result.maximum == 10


def test_the_nearer_volunteer_ranks_higher_on_the_suggestions_page(
        app: Flask, tenant_a: Tenant, signed_in: SignIn, coordinator_a: User) -> None:
    waiting = waiting_family(app, tenant_a, family_name="Familie Bakker", municipality="Alpha")
    set_details(app, tenant_a, waiting, coordinator_a, postcode="3511AB")
    ready_volunteer(app, tenant_a, "Anna Ver", postcode="9711AA")
    ready_volunteer(app, tenant_a, "Bert Dichtbij", postcode="3512CD")
    client: FlaskClient = signed_in(coordinator_a)
    page = client.get(f"/t/alpha/families/{waiting.id}/suggestions")
    assert page.status_code == 200
    text = page.text
    assert text.index("Bert Dichtbij") < text.index("Anna Ver")
    assert "Lives nearby: postcode area 3512, the family&#39;s is 3511." in text
