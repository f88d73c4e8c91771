"""The suggestions page asks the database who can be matched (eligibility.eligible_condition); these
tests hold that to the rule in Python (eligibility.fits), for volunteers on either side of each part
of it: state, VOG, the required courses, room. The list must be what judging every volunteer in
Python gave: the same volunteers who can be matched, ranked alike with the same scores, and the same
others, by name, with the same reasons and counts."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from saas.auth.models import User
from saas.i18n import force_locale
from saas.tenancy.models import Tenant
from tenants.families.models import Family
from tenants.families.queries import family_file
from tenants.matching import eligibility, scoring
from tenants.matching.suggestions import listing
from tenants.trainings.models import CourseCompletion
from tenants.volunteers.models import Volunteer
from tenants.volunteers.readiness import MATCHABLE
from tenants.volunteers.states import VolunteerState
from tests.factories.matching import create_match, ready_volunteer, waiting_family
from tests.factories.platform import in_tenant, today
from tests.factories.trainings import create_course
from tests.factories.volunteers import create_volunteer

S = VolunteerState


def complete(app: Flask, tenant: Tenant, volunteer: Volunteer, course_id: Any, valid_until: date | None) -> None:
    with in_tenant(app, tenant) as session:
        session.add(CourseCompletion(volunteer_id=volunteer.id, course_id=course_id, completed_on=today(app),
                                     valid_until=valid_until, certificate_number=f"2026-{volunteer.name[:4]}"))
        session.commit()


@pytest.fixture
def family(app: Flask, tenant_a: Tenant) -> Family:
    return waiting_family(app, tenant_a, languages=["Arabisch"], neighbourhood="Centrum", municipality="Alpha",
                          help_domains=["finances"], wishes={"wish_day_parts": ["weekend"]})


@pytest.fixture
def mix(app: Flask, tenant_a: Tenant, coordinator_a: User) -> dict[str, Volunteer]:
    """Volunteers on either side of every part of the rule; a required course that some completed."""
    day = today(app)
    course = create_course(app, None, name="Basistraining", validity_months=24, required_before_first_match=True)
    made = {
        "ready": ready_volunteer(app, tenant_a, "Anna Klaar", languages=["Arabisch"], day_parts=["weekend"]),
        "ready too": ready_volunteer(app, tenant_a, "Bram Klaar", municipality="Alpha", max_families=3),
        "full": ready_volunteer(app, tenant_a, "Carla Vol"),
        "room left": ready_volunteer(app, tenant_a, "Dirk Ruimte", max_families=2, languages=["arabisch"]),
        "no vog": create_volunteer(app, tenant_a, "Eva Geen VOG", state=S.AVAILABLE),
        "expired vog": create_volunteer(app, tenant_a, "Frits Verlopen", state=S.MATCHED,
                                        approved_on=day - timedelta(days=4 * 365),
                                        vogs=[day - timedelta(days=4 * 365 + 20)]),
        "old vog at start": create_volunteer(app, tenant_a, "Gea Oud", state=S.AVAILABLE,
                                             approved_on=day - timedelta(days=10), vogs=[day - timedelta(days=200)]),
        "no course": ready_volunteer(app, tenant_a, "Hans Geen Cursus"),
        "lapsed course": ready_volunteer(app, tenant_a, "Ida Verlopen Cursus"),
        "paused": ready_volunteer(app, tenant_a, "Joop Pauze", state=S.PAUSED),
        "applicant": create_volunteer(app, tenant_a, "Karin Aanmelding"),
    }
    for key, volunteer in made.items():
        if key not in ("no course", "lapsed course"):
            complete(app, tenant_a, volunteer, course.id, None)
    complete(app, tenant_a, made["lapsed course"], course.id, day - timedelta(days=1))
    for key in ("full", "room left"):
        create_match(app, tenant_a, actor=coordinator_a, volunteer=made[key], family=waiting_family(app, tenant_a))
    return made


def judged_in_python(app: Flask, tenant: Tenant, family: Family) -> tuple[list[tuple[Any, int]], list[Any]]:
    """What the page showed before the database sorted the volunteers: every matchable volunteer
    judged by eligibility.fits and scored; (id, score) of those who can be matched, best first, and
    (id, name, reasons) of the others by name."""
    with in_tenant(app, tenant) as session, force_locale("en"):
        loaded = family_file(family.id)
        candidates = list(session.scalars(select(Volunteer).where(Volunteer.state.in_(MATCHABLE))
                                          .options(selectinload(Volunteer.screenings))
                                          .order_by(Volunteer.name, Volunteer.id)))
        found = eligibility.fits(candidates, today(app))
        policy = eligibility.policy_for_tenant()
        ranked = sorted(((volunteer, found[volunteer.id].load,
                          scoring.score(loaded, volunteer, found[volunteer.id].load, policy, today(app)))
                         for volunteer in candidates if not found[volunteer.id].reasons),
                        key=lambda item: (-item[2].total, item[1] - item[0].max_families))
        return ([(volunteer.id, score.total) for volunteer, _load, score in ranked],
                [(volunteer.id, volunteer.name, found[volunteer.id].reasons) for volunteer in candidates
                 if found[volunteer.id].reasons])


def listed(app: Flask, tenant: Tenant, family: Family) -> listing.SuggestionList:
    with in_tenant(app, tenant), force_locale("en"):
        return listing.suggestions_for(family_file(family.id), today(app))


def test_the_database_tells_the_same_volunteers_apart_as_the_rule_in_python(
        app: Flask, tenant_a: Tenant, family: Family, mix: dict[str, Volunteer]) -> None:
    eligible, others = judged_in_python(app, tenant_a, family)
    result = listed(app, tenant_a, family)
    assert [(s.volunteer.id, s.score.total) for s in result.eligible if s.score] == eligible
    assert [(s.volunteer.id, s.volunteer.name, list(s.reasons)) for s in result.ineligible] == others
    assert result.more_ineligible == 0
    assert {s.volunteer.id for s in result.eligible} == {mix[key].id for key in ("ready", "ready too", "room left")}
    reasons = {s.volunteer.id: s.reasons for s in result.ineligible}
    assert set(reasons) == {mix[key].id for key in ("full", "no vog", "expired vog", "old vog at start",
                                                     "no course", "lapsed course")}
    # Another volunteer's completion of the required course does not count for this one.
    assert reasons[mix["no course"].id] == ("Required course not completed: Basistraining.",)
    assert all(reasons.values())


def test_past_the_ones_shown_the_others_are_counted(
        app: Flask, tenant_a: Tenant, family: Family, mix: dict[str, Volunteer],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(listing, "INELIGIBLE_SHOWN", 2)
    _eligible, others = judged_in_python(app, tenant_a, family)
    result = listed(app, tenant_a, family)
    assert [s.volunteer.id for s in result.ineligible] == [volunteer_id for volunteer_id, _name, _reasons in others[:2]]
    assert result.more_ineligible == len(others) - 2 == 4
    assert len(result.eligible) == 3


def test_nobody_who_cannot_be_matched_leaves_nothing_to_count(app: Flask, tenant_a: Tenant, tenant_b: Tenant,
                                                             family: Family) -> None:
    ready_volunteer(app, tenant_a, "Anna Klaar")
    result = listed(app, tenant_a, family)
    assert (len(result.eligible), result.ineligible, result.more_ineligible) == (1, [], 0)
    empty = listed(app, tenant_b, waiting_family(app, tenant_b))
    assert empty == listing.SuggestionList([], [], 0, result.neighbourhood_rule)


def test_a_candidate_carries_everything_the_score_reads(app: Flask, tenant_a: Tenant, family: Family,
                                                        mix: dict[str, Volunteer]) -> None:
    profile = {name for name in dir(scoring.Profile) if not name.startswith("_")}
    assert profile <= {field for field in listing.Candidate.__slots__}
    with in_tenant(app, tenant_a) as session, force_locale("en"):
        loaded = family_file(family.id)
        policy = eligibility.policy_for_tenant()
        amira = session.scalars(select(Volunteer).where(Volunteer.id == mix["ready"].id)).one()
        as_candidate = listing.Candidate(**{name: getattr(amira, name) for name in listing.Candidate.__slots__})
        expected = scoring.score(loaded, amira, 0, policy, today(app)).as_details()
        assert scoring.score(loaded, as_candidate, 0, policy, today(app)).as_details() == expected
