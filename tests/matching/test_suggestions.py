"""The suggestion score, criterion by criterion, with the points worked out by hand.

``score`` is pure, so these tests build unsaved families and volunteers; they run in English so
the explanations can be read (the msgids are English).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from flask import Flask

from saas.i18n import force_locale
from tenants.families.models import Family, FamilyMember, Intake
from tenants.families.vocabulary import Gender, MemberRole, Track
from tenants.matching.eligibility import ineligibility
from tenants.matching.models import MatchingPolicy
from tenants.matching.scoring import Criterion, Score, score
from tenants.matching.vocabulary import NeighbourhoodRule
from tenants.volunteers.models import Screening, ScreeningPolicy, Volunteer
from tenants.volunteers.states import VolunteerState

TODAY = date(2026, 6, 1)
PREFER, AVOID, IGNORE = NeighbourhoodRule.PREFER, NeighbourhoodRule.AVOID, NeighbourhoodRule.IGNORE


@pytest.fixture(autouse=True)
def english(app: Flask) -> Iterator[None]:
    with app.test_request_context(), force_locale("en"):
        yield


def family(*, wishes: dict[str, Any] | None = None, children: tuple[date | None, ...] = (), **fields: Any) -> Family:
    """An unsaved family with an intake; every list empty unless given."""
    values: dict[str, Any] = {"track": Track.REGULAR, "languages": [], "help_domains": [], "municipality": "Alpha",
                              "neighbourhood": "Centrum", **fields}
    result = Family(**values)
    result.intake = Intake(**{"wish_languages": [], "wish_day_parts": [], "wish_experience": [],
                              "wish_gender": Gender.ANY, **(wishes or {})})
    result.members = [FamilyMember(role=MemberRole.CHILD, first_name=f"Kind {n}", birth_date=born)
                      for n, born in enumerate(children)]
    return result


def volunteer(**fields: Any) -> Volunteer:
    values: dict[str, Any] = {"name": "Vera", "state": VolunteerState.AVAILABLE, "languages": [], "day_parts": [],
                              "experience_domains": [], "preferred_tracks": [], "max_families": 1, **fields}
    return Volunteer(**values)


def scored(the_family: Family, the_volunteer: Volunteer, load: int = 0, rule: NeighbourhoodRule = PREFER) -> Score:
    return score(the_family, the_volunteer, load, MatchingPolicy(neighbourhood_rule=rule), TODAY)


def criterion(result: Score, code: str) -> Criterion:
    [found] = [c for c in result.criteria if c.code == code]
    return found


def points(result: Score, code: str) -> tuple[int, int]:
    found = criterion(result, code)
    return found.points, found.maximum


# A family and a volunteer who fit well, with every criterion worked out by hand below.
def bakker() -> Family:
    return family(languages=["Arabisch", "Nederlands"], help_domains=["finances", "social_network"],
                  wishes={"wish_languages": ["Arabisch"], "wish_day_parts": ["weekday_morning", "weekend"],
                          "wish_experience": ["parenting"]},
                  children=(date(2022, 1, 10), date(2017, 3, 3)))  # 4 and 9 years old on TODAY


def amira(**fields: Any) -> Volunteer:
    values: dict[str, Any] = {"languages": ["arabisch"], "municipality": "alpha", "neighbourhood": "centrum ",
                              "day_parts": ["weekend"], "experience_domains": ["finances", "parenting"],
                              "preferred_child_age_min": 3, "preferred_child_age_max": 10, "max_families": 2,
                              **fields}
    return volunteer(**values)


def test_a_good_fit_scores_each_criterion_as_computed_by_hand() -> None:
    result = scored(bakker(), amira(), load=1)
    assert [(c.code, c.points, c.maximum) for c in result.criteria] == [
        ("language", 20, 20),       # speaks the wished language (case-insensitive)
        ("municipality", 10, 10),   # "alpha" is "Alpha"
        ("neighbourhood", 10, 10),  # same neighbourhood, and the policy prefers that
        ("availability", 13, 15),   # 1 of 2 wished day parts: 10 + 5 × 1/2 = 12.5, rounded up
        ("experience", 10, 15),     # 2 of the 3 domains (help question + wished experience): 15 × 2/3
        ("child_ages", 10, 10),     # 4 and 9 within 3–10
        ("track", 10, 10),          # no preference
        ("load", 5, 10),            # 1 of 2 families: room for 1, 10 × 1/2
        ("gender", 0, 0),           # no wish about the volunteer's gender: not counted
        ("distance", 0, 0),         # the family's postcode is not recorded: not counted
    ]
    assert (result.total, result.maximum) == (88, 100)
    assert criterion(result, "language").explanation == "Speaks arabisch with the family."
    assert criterion(result, "availability").explanation == "Free on Weekends: 1 of the 2 day parts the family wished."
    assert criterion(result, "experience").explanation == (
        "Experience with Finances and paperwork, Parenting and family life: 2 of the family's 3 life domains.")
    assert criterion(result, "load").explanation == "1 of 2 families: room for 1 more."


def test_the_neighbourhood_counts_for_or_against_as_the_organisation_chooses() -> None:
    same, other = amira(), amira(neighbourhood="Noord")
    assert points(scored(bakker(), same, rule=PREFER), "neighbourhood") == (10, 10)
    assert points(scored(bakker(), other, rule=PREFER), "neighbourhood") == (0, 10)
    assert points(scored(bakker(), same, rule=AVOID), "neighbourhood") == (0, 10)
    assert points(scored(bakker(), other, rule=AVOID), "neighbourhood") == (10, 10)
    assert "avoids this" in criterion(scored(bakker(), same, rule=AVOID), "neighbourhood").explanation
    # Avoid turns the ranking of the two round; ignore leaves the neighbourhood out altogether.
    assert scored(bakker(), same, rule=PREFER).total - scored(bakker(), other, rule=PREFER).total == 10
    assert scored(bakker(), other, rule=AVOID).total - scored(bakker(), same, rule=AVOID).total == 10
    ignored = scored(bakker(), same, rule=IGNORE)
    assert "neighbourhood" not in [c.code for c in ignored.criteria]
    assert (ignored.total, ignored.maximum) == (83, 90)  # 93 with the neighbourhood (load 0: all 10 load points)
    assert scored(bakker(), other, rule=IGNORE).total == 83


def test_a_neighbourhood_of_the_same_name_in_another_municipality_is_another_neighbourhood() -> None:
    elsewhere = amira(municipality="Beta", neighbourhood="Centrum")
    assert points(scored(bakker(), elsewhere, rule=PREFER), "neighbourhood") == (0, 10)
    assert points(scored(bakker(), elsewhere, rule=AVOID), "neighbourhood") == (10, 10)
    assert points(scored(bakker(), elsewhere), "municipality") == (0, 10)


@pytest.mark.parametrize(("languages", "wished", "volunteer_languages", "expected"), [
    (["Arabisch", "Nederlands"], ["Arabisch"], ["Arabisch"], (20, 20)),
    (["Arabisch", "Nederlands"], ["Arabisch"], ["NEDERLANDS"], (10, 20)),  # shared, but not the wished one
    (["Nederlands"], [], [" nederlands "], (20, 20)),
    (["Tigrinya"], [], ["Nederlands", "Engels"], (0, 20)),
    ([], [], ["Nederlands"], (0, 0)),  # nothing recorded: does not count
], ids=["wished", "other-shared", "household", "none", "unknown"])
def test_language(languages: list[str], wished: list[str], volunteer_languages: list[str],
                  expected: tuple[int, int]) -> None:
    the_family = family(languages=languages, wishes={"wish_languages": wished})
    assert points(scored(the_family, volunteer(languages=volunteer_languages)), "language") == expected


@pytest.mark.parametrize(("wished", "free", "expected"), [
    (["weekday_morning", "weekend"], ["weekend", "weekday_morning", "weekday_evening"], (15, 15)),
    (["weekday_morning", "weekday_afternoon", "weekday_evening", "weekend"], ["weekend"], (11, 15)),  # 10 + 1.25
    (["weekday_evening"], ["weekend"], (0, 15)),
    (["weekend"], [], (0, 15)),
    ([], ["weekend"], (0, 0)),  # no wishes: neutral
], ids=["all", "one-of-four", "none", "not-recorded", "no-wishes"])
def test_availability(wished: list[str], free: list[str], expected: tuple[int, int]) -> None:
    the_family = family(wishes={"wish_day_parts": wished})
    assert points(scored(the_family, volunteer(day_parts=free)), "availability") == expected


def test_experience_counts_the_share_of_the_family_domains_covered() -> None:
    the_family = family(help_domains=["finances", "housing"], wishes={"wish_experience": ["housing", "parenting"]})
    assert points(scored(the_family, volunteer(experience_domains=["housing"])), "experience") == (5, 15)
    assert points(scored(the_family, volunteer(experience_domains=["housing", "parenting", "finances"])),
                  "experience") == (15, 15)
    assert points(scored(the_family, volunteer(experience_domains=["wellbeing"])), "experience") == (0, 15)
    assert points(scored(family(), volunteer(experience_domains=["wellbeing"])), "experience") == (0, 0)


@pytest.mark.parametrize(("low", "high", "expected"), [
    (3, 10, (10, 10)),
    (0, 3, (0, 10)),
    (5, None, (5, 10)),      # only the 9-year-old
    (None, 4, (5, 10)),      # only the 4-year-old
    (None, None, (10, 10)),  # no preference: every age is fine
], ids=["both", "neither", "from-5", "up-to-4", "any"])
def test_childrens_ages_against_the_preferred_ages(low: int | None, high: int | None,
                                                   expected: tuple[int, int]) -> None:
    the_family = family(children=(date(2022, 1, 10), date(2017, 3, 3), None))  # 4, 9 and one without a birth date
    the_volunteer = volunteer(preferred_child_age_min=low, preferred_child_age_max=high)
    assert points(scored(the_family, the_volunteer), "child_ages") == expected


def test_childrens_ages_do_not_count_without_children_of_known_age() -> None:
    the_family = family(children=(None,))
    assert points(scored(the_family, volunteer(preferred_child_age_min=0, preferred_child_age_max=3)),
                  "child_ages") == (0, 0)
    explained = criterion(scored(family(children=(date(2022, 1, 10),)), volunteer(preferred_child_age_min=5)),
                          "child_ages").explanation
    assert explained == "0 of the 1 children (ages 4) within the preferred ages: From 5 years."


def test_track_preference() -> None:
    first_days = family(track=Track.FIRST_1000_DAYS)
    assert points(scored(first_days, volunteer(preferred_tracks=["first_1000_days"])), "track") == (10, 10)
    assert points(scored(first_days, volunteer(preferred_tracks=[])), "track") == (10, 10)
    refused = criterion(scored(first_days, volunteer(preferred_tracks=["regular"])), "track")
    assert (refused.points, refused.maximum) == (0, 10)
    assert refused.explanation == "Prefers another track (Family track); the family is in First 1000 days."


@pytest.mark.parametrize(("maximum", "load", "expected"), [(3, 0, 10), (3, 1, 7), (3, 2, 3), (1, 0, 10), (1, 1, 0)])
def test_more_room_gives_more_points(maximum: int, load: int, expected: int) -> None:
    assert points(scored(family(), volunteer(max_families=maximum), load=load), "load") == (expected, 10)


def test_the_breakdown_is_stored_as_json() -> None:
    details = scored(bakker(), amira(), load=1, rule=AVOID).as_details()
    assert json.loads(json.dumps(details)) == details
    assert (details["total"], details["maximum"], details["neighbourhood_rule"]) == (78, 100, "avoid")
    assert details["criteria"][0] == {"code": "language", "label": "Shared language", "points": 20, "maximum": 20,
                                      "explanation": "Speaks arabisch with the family."}


def test_reasons_a_volunteer_is_not_eligible() -> None:
    policy = ScreeningPolicy(max_age_at_start_days=90, renewal_months=36, warning_days=60)
    with_vog = volunteer(approved_on=date(2026, 5, 1), screenings=[
        Screening(issued_on=date(2026, 4, 1), screening_profile="45", checked_on=date(2026, 4, 1))])
    assert ineligibility(with_vog, 0, policy, TODAY, []) == []
    assert ineligibility(volunteer(), 0, policy, TODAY, []) == ["No certificate of conduct (VOG) recorded."]
    assert ineligibility(with_vog, 1, policy, TODAY, ["Basistraining"]) == [
        "Required course not completed: Basistraining.", "The volunteer has no room: 1 of 1 families."]


# The family's wish about the volunteer's gender (issue 17) ---------------------------------------


def test_a_gender_wish_is_scored_when_the_volunteers_gender_is_recorded() -> None:
    wished_woman = family(wishes={"wish_gender": Gender.FEMALE})
    woman, man, unknown = volunteer(gender=Gender.FEMALE), volunteer(gender=Gender.MALE), volunteer()
    assert points(scored(wished_woman, woman), "gender") == (10, 10)
    assert points(scored(wished_woman, man), "gender") == (0, 10)
    assert points(scored(wished_woman, unknown), "gender") == (0, 10)
    assert criterion(scored(wished_woman, woman), "gender").explanation == "Woman, as the family wished."
    assert criterion(scored(wished_woman, man), "gender").explanation == "Man; the family wished: Woman."
    assert criterion(scored(wished_woman, unknown), "gender").explanation == (
        "The family wished: Woman; the volunteer's gender is not recorded.")
    # The wish adds what can be reached: 100 plus the 10 gender points.
    assert scored(wished_woman, woman).maximum - scored(family(), woman).maximum == 10


def test_without_a_gender_wish_gender_counts_for_nobody() -> None:
    result = scored(family(), volunteer(gender=Gender.MALE))
    assert points(result, "gender") == (0, 0)
    assert not criterion(result, "gender").applies
    assert criterion(result, "gender").explanation == "The family has no wish about the volunteer's gender."
    assert result.total == scored(family(), volunteer()).total
