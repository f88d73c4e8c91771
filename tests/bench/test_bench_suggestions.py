"""Benchmark (``make bench``): the suggestion list for a tenant with 500 volunteers.

Prints the time to list the suggestions (the database tells who can be matched; only those are
scored) in-process and as the whole page, and the SQL statements sent; asserts only correctness, as
timings vary by machine. ``python -m tests.bench.pages`` measures the page on the benchmark dataset
(1,500 volunteers).
"""

from __future__ import annotations

import statistics
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from itertools import cycle

from flask import Flask

from saas.auth.models import User
from saas.db import db, tenant_context
from saas.tenancy.models import Tenant
from tenants.families.models import Family
from tenants.families.queries import family_file
from tenants.matching.models import Match
from tenants.matching.states import MatchState
from tenants.matching.suggestions.listing import suggestions_for
from tenants.volunteers.models import Screening, Volunteer
from tenants.volunteers.states import VolunteerState
from tests.factories.matching import waiting_family
from tests.factories.platform import today
from tests.support.queries import count_queries
from tests.support.sessions import SignIn

VOLUNTEERS = 500
MATCHED = 40  # volunteers with an open match (some of them full)
ROUNDS = 20

PROFILES = [
    {"languages": ["Arabisch", "Nederlands"], "day_parts": ["weekend", "weekday_evening"], "neighbourhood": "Centrum",
     "experience_domains": ["finances", "parenting"], "preferred_child_age_min": 0, "preferred_child_age_max": 12},
    {"languages": ["Nederlands"], "day_parts": ["weekday_morning"], "neighbourhood": "Noord",
     "experience_domains": ["social_network"], "preferred_tracks": ["regular"], "max_families": 2},
    {"languages": ["Tigrinya", "Engels"], "day_parts": ["weekend"], "experience_domains": ["housing"],
     "preferred_tracks": ["first_1000_days"], "preferred_child_age_max": 4, "max_families": 3},
    {"languages": ["Turks"], "municipality": "Beta"},
]


def seed(app: Flask, tenant: Tenant, family_ids: list[uuid.UUID]) -> None:
    """VOLUNTEERS volunteers in one commit: most ready, every 10th without a VOG, the first
    MATCHED with an open match for one of ``family_ids``."""
    day = today(app)
    profiles = cycle(PROFILES)
    matches: list[Match] = []
    with app.app_context(), tenant_context(db.session, tenant.id):
        for n in range(VOLUNTEERS):
            profile = {"municipality": "Alpha", "max_families": 1, **next(profiles)}
            volunteer = Volunteer(id=uuid.uuid4(), name=f"Vrijwilliger {n:03d}", applied_on=day - timedelta(days=90),
                                  approved_on=day - timedelta(days=10),
                                  state=VolunteerState.MATCHED if n < MATCHED else VolunteerState.AVAILABLE, **profile)
            db.session.add(volunteer)
            if n % 10 != 9:
                db.session.add(Screening(volunteer_id=volunteer.id, issued_on=day - timedelta(days=20),
                                         screening_profile="45", checked_on=day - timedelta(days=20)))
            if n < MATCHED:
                matches.append(Match(family_id=family_ids[n], volunteer_id=volunteer.id, state=MatchState.ACTIVE,
                                     proposed_on=day - timedelta(days=60), started_on=day - timedelta(days=50)))
        db.session.flush()  # the volunteers first: the matches refer to them
        db.session.add_all(matches)
        db.session.commit()


def timed(run: Callable[[], object]) -> tuple[float, float]:
    """Median and mean milliseconds of ROUNDS runs (the mean includes the garbage collector's pauses)."""
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), statistics.fmean(times)


def test_suggestions_for_500_volunteers(app: Flask, signed_in: SignIn, coordinator_a: User,
                                        tenant_a: Tenant) -> None:
    matched = [waiting_family(app, tenant_a, family_name=f"Familie {n}") for n in range(MATCHED)]
    family: Family = waiting_family(app, tenant_a, languages=["Arabisch"], neighbourhood="Centrum",
                                    help_domains=["finances", "social_network"],
                                    wishes={"wish_languages": ["Arabisch"], "wish_day_parts": ["weekend"],
                                            "wish_experience": ["parenting"]})
    seed(app, tenant_a, [f.id for f in matched])

    with app.test_request_context(), tenant_context(db.session, tenant_a.id):
        loaded = family_file(family.id)
        listing = suggestions_for(loaded)  # creates the policies
        with count_queries(app) as queries:
            scoring_ms = timed(lambda: suggestions_for(loaded))
        listing = suggestions_for(loaded)
        db.session.rollback()
    assert len(listing.eligible) + len(listing.ineligible) + listing.more_ineligible == VOLUNTEERS
    assert listing.eligible[0].score.total >= listing.eligible[-1].score.total

    client = signed_in(coordinator_a)
    url = f"/t/alpha/families/{family.id}/suggestions"
    with count_queries(app) as page_queries:
        assert client.get(url).status_code == 200
    page_ms = timed(lambda: client.get(url))
    print()
    print(f"suggestions_for, {VOLUNTEERS} volunteers: median {scoring_ms[0]:6.1f} ms, mean {scoring_ms[1]:6.1f} ms, "
          f"{len(queries) // ROUNDS} SQL statements")
    print(f"the suggestions page:            median {page_ms[0]:6.1f} ms, mean {page_ms[1]:6.1f} ms, "
          f"{len(page_queries)} SQL statements")
    print(f"eligible {len(listing.eligible)}, not eligible {len(listing.ineligible) + listing.more_ineligible}")
