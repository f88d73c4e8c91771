"""Realistic tenant data for the end-to-end test of the national figures
(tests/foundation/test_national_end_to_end.py): four tenants, each with families of both tracks
(one tenant: the regular track only), matches started and ended across 2024 and 2025, measurements
with domain scores, closures, volunteers, VOGs, course completions and training sessions.

The rows are made up by a seeded random generator (the same every run) and written in bulk, one
INSERT per table and tenant. Nothing here computes a figure: the test reads the rows back, inside
each tenant, and counts them itself.

Shapes the data has on purpose: a family closed a few days after its match ended (often in the next
quarter), families closed without ever being matched, a closed family without a reason, a second
match after a volunteer stopped, a T0 still in progress, scores left empty, children of every age
band (18–23 only at two tenants) and without a birth date, a reason ("moved") used by one tenant
only, VOGs too old at approval or expired, a course completed after the first match or no longer
valid then, a tenant's own required course (not the foundation's: ignored), a training session
just after midnight on New Year's Day (local time; UTC still in the old year), and families matched,
measured and closed — volunteers stopped — on the first or last day of a period (EDGE_FAMILIES,
EDGE_STOPS), with changes of exactly −0.25 and just under 0.25.
"""

from __future__ import annotations

import itertools
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask
from sqlalchemy import insert

from saas.auth.roles import Role
from saas.tenancy.models import Tenant
from tenants.families.models import Family, FamilyMember, Intake
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
from tenants.impact.instruments.models import Instrument
from tenants.impact.measurements.models import DomainScore, Measurement
from tenants.impact.vocabulary import MeasurementStatus, Moment
from tenants.matching.models import Match
from tenants.matching.states import MatchState
from tenants.trainings.models import Course, CourseCompletion, Enrolment, TrainingSession
from tenants.trainings.states import EnrolmentStatus
from tenants.volunteers.models import Screening, Volunteer
from tenants.volunteers.states import VolunteerState
from tests.factories.dashboard import create_instrument
from tests.factories.platform import create_tenant, create_user, in_tenant
from tests.factories.trainings import create_course

DOMAINS = {"finances": {"nl": "Financiën", "en": "Finances"}, "housing": {"nl": "Wonen", "en": "Housing"},
           "social_network": {"nl": "Netwerk", "en": "Social network"}}
MODULES = [{"name": "Start", "hours": 2}, {"name": "Gesprek", "hours": 1.5}, {"name": "Veiligheid", "hours": 2.25}]
#: Nothing happens after this day (matches still running then stay open).
LAST_DAY = date(2026, 10, 31)
_CASE_SEQ = itertools.count(1)
#: Families of the first tenant on the periods' edges: (match start, match end, closed on).
EDGE_FAMILIES = ((date(2024, 3, 31), date(2025, 4, 1), date(2025, 4, 1)),
                 (date(2024, 10, 1), date(2025, 12, 31), date(2026, 1, 5)),
                 (date(2025, 1, 1), date(2025, 6, 30), date(2025, 7, 1)),
                 (date(2024, 7, 1), date(2025, 10, 1), date(2025, 12, 31)),
                 (date(2024, 12, 31), date(2025, 1, 1), date(2025, 1, 1)))
#: Days a volunteer of the first tenant stopped on, on the periods' edges.
EDGE_STOPS = (date(2024, 12, 31), date(2025, 1, 1), date(2025, 3, 31), date(2025, 4, 1))


@dataclass(frozen=True)
class TenantSpec:
    slug: str
    name: str
    families: int
    tracks: tuple[Track, ...]
    municipalities: tuple[str, ...]
    reasons: tuple[ClosureReason, ...]
    young_adults: bool          #: some families have a child aged 18–23
    seed: int


SPECS = (
    TenantSpec("e2e-amstel", "Amstelland", 40, tuple(Track), ("Amstelveen", "Ouder-Amstel", "Aalsmeer"),
               (ClosureReason.GOALS_REACHED, ClosureReason.MOVED, ClosureReason.FAMILY_STOPPED,
                ClosureReason.MAXIMUM_DURATION), True, 11),
    TenantSpec("e2e-brabant", "Brabant Noord", 32, tuple(Track), ("Oss", "Uden"),
               (ClosureReason.GOALS_REACHED, ClosureReason.FAMILY_STOPPED, ClosureReason.VOLUNTEER_STOPPED,
                ClosureReason.MAXIMUM_DURATION), True, 22),
    TenantSpec("e2e-drenthe", "Drenthe Zuid", 26, tuple(Track), ("Emmen", "Coevorden", "Hoogeveen"),
               (ClosureReason.GOALS_REACHED, ClosureReason.FAMILY_STOPPED, ClosureReason.REFERRED_TO_PROFESSIONAL_CARE),
               False, 33),
    TenantSpec("e2e-zeeland", "Zeeuws-Vlaanderen", 9, (Track.REGULAR,), ("Terneuzen",),
               (ClosureReason.GOALS_REACHED, ClosureReason.FAMILY_STOPPED), False, 44),
)


@dataclass(frozen=True)
class Platform:
    """What every tenant shares: the instrument and the foundation's required course."""

    instrument: Instrument
    course: Course


def create_platform(app: Flask) -> Platform:
    instrument = create_instrument(app, DOMAINS, code="end-to-end")
    course = create_course(app, None, name="Basistraining", modules=MODULES, validity_months=None,
                           required_before_first_match=True)
    create_course(app, None, name="Oude basistraining", modules=MODULES, required_before_first_match=True,
                  is_active=False)  # inactive: required by nobody any more
    return Platform(instrument, course)


def seed_tenant(app: Flask, platform: Platform, spec: TenantSpec) -> Tenant:
    """A tenant with ``spec``'s families, volunteers and trainings (one INSERT per table)."""
    tenant = create_tenant(app, spec.slug, name=spec.name, municipalities=list(spec.municipalities))
    coordinators = [create_user(app, f"coordinator{n}@{spec.slug}.example", tenant=tenant, role=Role.COORDINATOR,
                                password=None, two_factor=False).id for n in range(1 if spec.families < 10 else 2)]
    if spec.slug == "e2e-brabant":  # the tenant's own required course: not the foundation's, so not counted
        create_course(app, tenant, name="Eigen module", modules=MODULES[:1], required_before_first_match=True)
    rows = _Rows(tenant.id, random.Random(spec.seed), platform)
    rows.volunteers(spec.families // 2 + 8)
    rng = random.Random(spec.seed)  # families in the order they were matched
    starts = sorted(_between(rng, date(2024, 1, 15), date(2025, 12, 15)) for _ in range(spec.families))
    for n, start in enumerate(starts):
        rows.family(n, start, spec, coordinators)
    if spec is SPECS[0]:
        rows.edges(coordinators[0])
    rows.trainings(ZoneInfo(app.config["TIMEZONE"]))
    with in_tenant(app, tenant) as session:
        for model, values in rows.tables.items():
            if values:
                session.execute(insert(model), values)
        session.commit()
    return tenant


def _between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


class _Rows:
    """The rows of one tenant, table by table."""

    def __init__(self, tenant_id: uuid.UUID, rng: random.Random, platform: Platform) -> None:
        self.tenant_id, self.rng, self.platform = tenant_id, rng, platform
        self.tables: dict[type, list[dict[str, Any]]] = {model: [] for model in (
            Volunteer, Screening, CourseCompletion, Family, FamilyMember, Intake, Match, Measurement, DomainScore,
            TrainingSession, Enrolment)}
        #: (id, applied on) of every volunteer: a match goes to someone who had applied by its start.
        self.volunteer_ids: list[tuple[uuid.UUID, date]] = []
        self.reasonless = False
        self.matched: set[uuid.UUID] = set()

    def add(self, model: type, **values: Any) -> uuid.UUID:
        row = {"id": uuid.uuid4(), "tenant_id": self.tenant_id, **values}
        self.tables[model].append(row)
        return row["id"]

    def volunteers(self, count: int) -> None:
        rng = self.rng
        for n in range(count):
            applied_on = _between(rng, date(2023, 6, 1), date(2025, 6, 30))
            approved_on = applied_on + timedelta(days=rng.randint(20, 60)) if rng.random() < 0.85 else None
            stopped_on = _between(rng, date(2024, 2, 1), date(2026, 6, 30)) if rng.random() < 0.3 else None
            volunteer = self.add(Volunteer, name=f"Vrijwilliger {n}", applied_on=applied_on, approved_on=approved_on,
                                 stopped_on=stopped_on, state=VolunteerState.STOPPED if stopped_on
                                 else VolunteerState.AVAILABLE)
            self.volunteer_ids.append((volunteer, applied_on))
            vog = rng.random()
            if vog < 0.12:      # only a VOG from long ago: expired
                issued = [date(2020, 3, 1) + timedelta(days=n)]
            elif vog < 0.25:    # issued well before the approval: too old when starting
                issued = [(approved_on or applied_on) - timedelta(days=rng.randint(100, 200))]
            elif vog < 0.3:
                issued = []
            else:
                issued = [(approved_on or applied_on) - timedelta(days=rng.randint(0, 80))]
                if rng.random() < 0.2:  # renewed later (after the year: ignored for 2025)
                    issued.append(date(2026, 3, 1))
            for issued_on in issued:
                self.add(Screening, volunteer_id=volunteer, issued_on=issued_on, screening_profile="45",
                         checked_on=issued_on)
            course = rng.random()
            if course < 0.65:
                completed_on = applied_on + timedelta(days=rng.randint(10, 300))
                valid_until = completed_on + timedelta(days=rng.randint(60, 200)) if course < 0.12 else None
                self.add(CourseCompletion, volunteer_id=volunteer, course_id=self.platform.course.id,
                         completed_on=completed_on, valid_until=valid_until,
                         certificate_number=f"E2E-{self.tenant_id.hex[:6]}-{n}")

    def edges(self, coordinator: uuid.UUID) -> None:
        """Families matched, measured and closed on the first or last day of a period, and
        volunteers who stopped on one: an off-by-one in a period's bounds changes a figure."""
        for n, (start, end, closed_on) in enumerate(EDGE_FAMILIES):
            family_id = uuid.uuid4()
            self._match(family_id, start, end)
            for moment, taken_on in ((Moment.T0, start), (Moment.TEND, end)):
                measurement = self.add(Measurement, family_id=family_id, instrument_id=self.platform.instrument.id,
                                       moment=moment, taken_on=taken_on, status=MeasurementStatus.COMPLETED)
                for code in DOMAINS:  # changes of exactly −0.25 (worse) and 0.2222 (stable) among them
                    after = {(0, "housing"): "2.2222", (1, "housing"): "1.75"}.get((n, code), "3.25")
                    self.add(DomainScore, measurement_id=measurement, domain_code=code, answered=4, items=4,
                             mean=Decimal(2) if moment == Moment.T0 else Decimal(after))
            self.add(FamilyMember, family_id=family_id, role=MemberRole.CHILD, first_name="Kind",
                     birth_date=date(2022, 1, 1))
            self.add(Family, id=family_id, family_name=f"Rand {n}", case_year=1901, case_seq=next(_CASE_SEQ),
                     track=Track.REGULAR, municipality="Amstelveen", channel=Channel.PHONE,
                     referrer_type=ReferrerType.CJG, referred_on=start - timedelta(days=30), coordinator_id=coordinator,
                     state=CaseState.CLOSED, closed_on=closed_on, closure_reason=ClosureReason.GOALS_REACHED,
                     professional_care_involved=True, professional_care_at_end=CareOutcome.STOPPED, satisfaction=8)
        for (volunteer, _applied_on), stopped_on in zip(self.volunteer_ids, EDGE_STOPS, strict=False):
            row = next(row for row in self.tables[Volunteer] if row["id"] == volunteer)
            row.update(stopped_on=stopped_on, state=VolunteerState.STOPPED)

    def family(self, n: int, start: date, spec: TenantSpec, coordinators: list[uuid.UUID]) -> None:
        rng = self.rng
        track = Track.FIRST_1000_DAYS if Track.FIRST_1000_DAYS in spec.tracks and rng.random() < 0.35 else Track.REGULAR
        family = {"family_name": f"Familie {n}", "case_year": 1901, "case_seq": next(_CASE_SEQ), "track": track,
                  "municipality": rng.choice(spec.municipalities), "channel": Channel.PHONE,
                  "referrer_type": ReferrerType.CJG, "referred_on": start - timedelta(days=rng.randint(10, 60)),
                  "coordinator_id": rng.choice(coordinators) if rng.random() < 0.95 else None,
                  "professional_care_involved": rng.random() < 0.4,
                  "would_otherwise_be_referred": rng.choice(list(YesNoUnknown)), "state": CaseState.MATCHED}
        family_id = uuid.uuid4()
        self._members(family_id, family, track, start, spec)
        self._intake(family_id, family, coordinators)
        chance = rng.random()
        if chance < 0.06:  # never matched: still waiting
            family["state"] = CaseState.WAITING
        elif chance < 0.12:  # never matched: closed for want of a volunteer
            self._close(family, _between(rng, date(2024, 3, 1), date(2025, 12, 20)),
                        ClosureReason.NO_SUITABLE_VOLUNTEER)
        else:
            end = self._matches(family_id, start)
            self._measurements(family_id, start, end)
            if end is not None and rng.random() < 0.9:
                # One closed family of the first tenant without a reason (an old file).
                reason = None if spec is SPECS[0] and not self.reasonless else rng.choice(spec.reasons)
                self.reasonless = self.reasonless or reason is None
                self._close(family, end + timedelta(days=rng.randint(0, 25)), reason)
            elif end is not None:
                family["state"] = CaseState.WAITING  # the match ended, a new volunteer is sought
        self.add(Family, id=family_id, **family)  # rows go in table by table: families before their members

    def _close(self, family: dict[str, Any], closed_on: date, reason: ClosureReason | None) -> None:
        rng = self.rng
        family.update(state=CaseState.CLOSED, closed_on=closed_on, closure_reason=reason,
                      professional_care_at_end=rng.choice([*CareOutcome, None]),
                      prevented_referral_confirmed=rng.choice([*YesNoUnknown, None]),
                      satisfaction=rng.randint(4, 10) if rng.random() < 0.8 else None)

    def _members(self, family_id: uuid.UUID, family: dict[str, Any], track: Track, start: date,
                 spec: TenantSpec) -> None:
        rng = self.rng
        self.add(FamilyMember, family_id=family_id, role=MemberRole.PARENT, first_name="Ouder",
                 birth_date=date(rng.randint(1975, 2000), rng.randint(1, 12), rng.randint(1, 28)))
        if track == Track.FIRST_1000_DAYS and rng.random() < 0.3:  # supported in pregnancy: born later
            due = start + timedelta(days=rng.randint(20, 200))
            births = [due] if rng.random() < 0.5 else [None]  # not yet recorded: only the due date is known
            family["expected_due_date"] = due
        elif track == Track.FIRST_1000_DAYS:
            births = [start - timedelta(days=rng.randint(0, 700))]
        else:
            births = [date(rng.randint(2008, 2023), rng.randint(1, 12), rng.randint(1, 28))
                      for _ in range(rng.randint(0, 3))]
            if spec.young_adults and rng.random() < 0.3:  # 18–23 at the end of 2024 and 2025
                births.append(date(rng.randint(2003, 2005), rng.randint(1, 12), rng.randint(1, 28)))
        if rng.random() < 0.1:
            births.append(None)
        for birth_date in births:
            self.add(FamilyMember, family_id=family_id, role=MemberRole.CHILD, first_name="Kind", birth_date=birth_date)

    def _intake(self, family_id: uuid.UUID, family: dict[str, Any], coordinators: list[uuid.UUID]) -> None:
        rng, chance = self.rng, self.rng.random()
        done_on = family["referred_on"] + timedelta(days=rng.randint(3, 9))
        if chance < 0.75:
            self.add(Intake, family_id=family_id, done_on=done_on, coordinator_id=rng.choice(coordinators))
        elif chance < 0.85:  # planned, never recorded
            self.add(Intake, family_id=family_id, planned_at=datetime(done_on.year, done_on.month, done_on.day, 10,
                                                                     tzinfo=UTC), coordinator_id=coordinators[0])
        elif chance < 0.92:  # recorded without the coordinator who visited
            self.add(Intake, family_id=family_id, done_on=done_on)

    def _matches(self, family_id: uuid.UUID, start: date) -> date | None:
        """One match (sometimes two: the first volunteer stopped); the last one's end, or None while running."""
        rng = self.rng
        if rng.random() < 0.15:
            first_end = start + timedelta(days=rng.randint(40, 150))
            self._match(family_id, start, first_end)
            start = first_end + timedelta(days=rng.randint(10, 40))
        end = start + timedelta(days=rng.randint(90, 540))
        end = end if end <= LAST_DAY else None
        self._match(family_id, start, end)
        return end

    def _match(self, family_id: uuid.UUID, started_on: date, ended_on: date | None) -> None:
        """A volunteer who had applied by the start, one without a family yet when there is one."""
        applied = [volunteer for volunteer, applied_on in self.volunteer_ids if applied_on <= started_on]
        waiting = [volunteer for volunteer in applied if volunteer not in self.matched]
        volunteer = self.rng.choice(waiting or applied or [self.volunteer_ids[0][0]])
        self.matched.add(volunteer)
        self.add(Match, family_id=family_id, volunteer_id=volunteer,
                 proposed_on=started_on - timedelta(days=7), started_on=started_on, ended_on=ended_on,
                 state=MatchState.ENDED if ended_on else MatchState.ACTIVE)

    def _measurements(self, family_id: uuid.UUID, start: date, end: date | None) -> None:
        rng = self.rng
        base = {code: rng.randint(4, 10) for code in DOMAINS}  # in quarters of a point: 1.0–2.5
        t1 = start + timedelta(days=rng.randint(170, 200))
        planned = [(Moment.T0, start - timedelta(days=rng.randint(0, 14)), 0)]
        if (end is None or t1 < end) and t1 <= LAST_DAY:
            planned.append((Moment.T1, t1, 1))
        if end is not None:
            planned.append((Moment.TEND, end + timedelta(days=rng.randint(0, 10)), 2))
        for moment, taken_on, step in planned:
            chance = rng.random()
            if chance < 0.1:
                continue
            status = MeasurementStatus.IN_PROGRESS if chance < 0.15 else MeasurementStatus.COMPLETED
            measurement = self.add(Measurement, family_id=family_id, instrument_id=self.platform.instrument.id,
                                   moment=moment, taken_on=taken_on, status=status)
            for code, quarters in base.items():
                if rng.random() < 0.08:
                    mean = None
                else:  # means of 3 or 4 items: thirds too (stored with four decimals)
                    points = Decimal(quarters + step * rng.randint(-1, 3)) / 4 + Decimal(rng.randint(0, 2)) / 3
                    mean = min(max(points, Decimal(1)), Decimal(4)).quantize(Decimal("0.0001"))
                self.add(DomainScore, measurement_id=measurement, domain_code=code, mean=mean, answered=3, items=4)

    def trainings(self, zone: ZoneInfo) -> None:
        rng = self.rng
        starts = [datetime(2025, 1, 1, 0, 30, tzinfo=zone)]  # New Year's night: 2024 in UTC, 2025 locally
        starts += [datetime.combine(_between(rng, date(2024, 1, 8), date(2025, 12, 20)), datetime.min.time(),
                                    tzinfo=zone).replace(hour=19) for _ in range(rng.randint(5, 9))]
        for starts_at in starts:
            session = self.add(TrainingSession, course_id=self.platform.course.id, module_index=rng.randint(0, 2),
                               starts_at=starts_at.astimezone(UTC), capacity=20)
            for volunteer, _applied_on in rng.sample(self.volunteer_ids, rng.randint(3, 8)):
                status = EnrolmentStatus.ATTENDED if rng.random() < 0.8 else EnrolmentStatus.ABSENT
                self.add(Enrolment, session_id=session, volunteer_id=volunteer, status=status)
