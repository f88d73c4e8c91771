"""Publication safe over time (saas.foundation.release): two nights, one family changed between
them, and the foundation learns nothing about that family.

Hypothesis builds small random tenants (families on both tracks, some closed with a reason, care
outcomes, referral answers, a satisfaction grade, children), picks a night around the release of
their year — well before it, the night before the release date, just after — publishes every tenant
as the nightly job does and reads every view the foundation has (each released year, each track
and all tracks). Then it changes one family (closes it, changes its outcome or its track), moves
the clock a day, publishes again and reads again.

Whatever the two nights and the change, every figure of a year the foundation saw on the first
night is the same on the second: there is no difference from which a hidden count or the changed
family's attributes could be worked out. A year first seen on the second night was not visible on
the first, so it too has only one version. (Within one night, tests/foundation/test_differencing.py
checks that no two views or figures can be combined.)
"""

from __future__ import annotations

import dataclasses
import itertools
import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

import time_machine
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, select, update

from saas.db import bind_context, db
from saas.foundation.models import PublicationTrigger
from saas.foundation.national import NationalFigures, national_figures
from saas.foundation.release import release_date
from saas.tenancy.models import Tenant
from tenants.families.models import Family, FamilyMember
from tenants.families.states import CaseState
from tenants.families.vocabulary import (
    CareOutcome,
    Channel,
    ClosureReason,
    MemberRole,
    ReferrerType,
    Track,
    YesNoUnknown,
)
from tenants.publishing import job
from tests.factories.platform import create_tenant, in_tenant
from tests.support.clock import AMSTERDAM

YEAR = 2025
_SLUGS = itertools.count(1)
_CASES = itertools.count(1)

#: Nights around the release of YEAR: the year open, the night before its release date, after it.
NIGHTS = [date(YEAR, 11, 20), release_date(YEAR) - timedelta(days=1), release_date(YEAR) + timedelta(days=9)]

family_strategy = st.fixed_dictionaries({
    "track": st.sampled_from(list(Track)),
    "referred_month": st.integers(1, 12),
    "closed": st.booleans(),
    "reason": st.sampled_from(list(ClosureReason)),
    "care": st.booleans(),
    "care_at_end": st.sampled_from(list(CareOutcome)),
    "otherwise_referred": st.sampled_from(list(YesNoUnknown)),
    "prevented": st.sampled_from(list(YesNoUnknown)),
    "satisfaction": st.integers(1, 10),
    "children": st.integers(0, 3),
})
CHANGES = ("close", "outcome", "track")


def _family_rows(tenant_id: uuid.UUID, municipality: str, spec: dict[str, Any]) -> tuple[dict, list[dict]]:
    family_id = uuid.uuid4()
    referred_on = date(YEAR, spec["referred_month"], 1)
    closed = spec["closed"]
    family = {
        "id": family_id, "tenant_id": tenant_id, "case_year": 1900, "case_seq": next(_CASES),
        "family_name": f"Familie {family_id.hex[:6]}", "municipality": municipality, "track": spec["track"],
        "state": CaseState.CLOSED if closed else CaseState.INTAKE_DONE, "referred_on": referred_on,
        "channel": Channel.PHONE, "referrer_type": ReferrerType.CJG, "professional_care_involved": spec["care"],
        "would_otherwise_be_referred": spec["otherwise_referred"],
        "closed_on": min(referred_on + timedelta(days=40), date(YEAR, 12, 31)) if closed else None,
        "closure_reason": spec["reason"] if closed else None,
        "professional_care_at_end": spec["care_at_end"] if closed and spec["care"] else None,
        "prevented_referral_confirmed": spec["prevented"] if closed else None,
        "satisfaction": spec["satisfaction"] if closed else None}
    children = [{"id": uuid.uuid4(), "tenant_id": tenant_id, "family_id": family_id, "role": MemberRole.CHILD,
                 "first_name": "Kind", "birth_date": date(YEAR - 1 - 4 * n, 3, 1)} for n in range(spec["children"])]
    return family, children


def _seed(app: Flask, tenants: list[list[dict[str, Any]]]) -> list[tuple[Any, list[uuid.UUID]]]:
    """The example's tenants; earlier examples' tenants stop publishing (their cells, which stay
    as they are, still count nationally, as a deactivated tenant's do)."""
    with app.app_context():
        db.session.execute(update(Tenant).values(is_active=False))
        db.session.commit()
    seeded = []
    for specs in tenants:
        tenant = create_tenant(app, f"over-time-{next(_SLUGS)}")
        rows = [_family_rows(tenant.id, tenant.municipalities[0], spec) for spec in specs]
        with in_tenant(app, tenant) as session:
            if rows:
                session.execute(insert(Family), [family for family, _children in rows])
            members = [child for _family, children in rows for child in children]
            if members:
                session.execute(insert(FamilyMember), members)
            session.commit()
        seeded.append((tenant, [family["id"] for family, _children in rows]))
    return seeded


def _change(app: Flask, tenant: Any, family_id: uuid.UUID, change: str) -> None:
    with in_tenant(app, tenant) as session:
        family = session.scalars(select(Family).where(Family.id == family_id)).one()
        if change == "close" or family.closed_on is None:
            family.state, family.closed_on = CaseState.CLOSED, date(YEAR, 12, 20)
            family.closure_reason = ClosureReason.MOVED
            family.prevented_referral_confirmed = YesNoUnknown.YES
            family.satisfaction = 3
        elif change == "outcome":
            family.professional_care_involved = True
            family.professional_care_at_end = CareOutcome.STOPPED
            family.closure_reason = ClosureReason.GOALS_REACHED
        else:
            family.track = Track.FIRST_1000_DAYS if family.track == Track.REGULAR else Track.REGULAR
        session.commit()


def _publish_and_read(app: Flask, night: date) -> dict[int, dict[str | None, dict[str, Any]]]:
    """Publish every tenant at 02:00 on ``night`` as the nightly job does, then every view of
    every year the foundation can choose: {year: {track: the figures, as plain data}}."""
    with time_machine.travel(datetime.combine(night, time(2), tzinfo=AMSTERDAM), tick=False):
        with app.app_context():
            job.publish_all(PublicationTrigger.NIGHTLY)
        with app.app_context():
            bind_context(db.session, reader="foundation")
            first = national_figures(None, None, "en")
            views: dict[int, dict[str | None, dict[str, Any]]] = {}
            for year in first.years:
                for track in [None, *(code for code, _label in national_figures(year, None, "en").tracks)]:
                    views.setdefault(year, {})[track] = _seen(national_figures(year, track, "en"))
            return views


def _seen(figures: NationalFigures) -> dict[str, Any]:
    """Every figure of a view; not the publications table (when each tenant last ran: it changes
    every night and says nothing about families) nor the next release."""
    data = dataclasses.asdict(figures)
    for operational in ("publications", "upcoming"):
        data.pop(operational)
    return data


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(tenants=st.lists(st.lists(family_strategy, min_size=0, max_size=14), min_size=3, max_size=4),
       night=st.sampled_from(NIGHTS), change=st.sampled_from(CHANGES), pick=st.integers(0, 10_000))
def test_one_familys_change_between_two_nights_changes_nothing_the_foundation_sees(
        app: Flask, tenants: list[list[dict[str, Any]]], night: date, change: str, pick: int) -> None:
    seeded = _seed(app, tenants)
    families = [(tenant, family_id) for tenant, ids in seeded for family_id in ids]
    before = _publish_and_read(app, night)
    if families:
        _change(app, *families[pick % len(families)], change)
    after = _publish_and_read(app, night + timedelta(days=1))

    assert YEAR not in before or night >= release_date(YEAR)  # never shown while it can change
    assert YEAR not in after or night + timedelta(days=1) >= release_date(YEAR)
    for year, views in before.items():
        assert after[year] == views, f"the figures of {year} changed between two nights"
