"""The true figures of one tenant, counted in plain Python from its rows (read inside the tenant),
for the end-to-end test of the national figures (tests/foundation/test_national_end_to_end.py).

Nothing from tenants.impact or tenants.publishing is used: each definition is written out below
from the documentation (saas.foundation.measures, the tenants.impact.dashboard.aggregates module docstring,
the tenants.publishing.indicators module docstring). Every figure is a *list* — of family ids,
children, scores, differences, grades, hours — so that a count is its length, a mean its mean,
and the number of tenants behind a national figure the number of tenants with a non-empty list.

Keys: ``(period, name, track, *dimensions)`` with track a Track code, or ``""`` for figures not
split by track (volunteers, training, municipalities, fidelity).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask
from sqlalchemy import select

from saas.foundation.periods import Period
from saas.tenancy.models import Tenant
from tenants.families.models import Family, FamilyMember, Intake
from tenants.families.states import CaseState
from tenants.families.vocabulary import CareOutcome, MemberRole, YesNoUnknown
from tenants.impact.measurements.models import DomainScore, Measurement
from tenants.impact.vocabulary import MeasurementStatus, Moment
from tenants.matching.models import Match
from tenants.trainings.models import Course, CourseCompletion, Enrolment, TrainingSession
from tenants.trainings.states import EnrolmentStatus
from tenants.volunteers.models import Screening, Volunteer
from tests.factories.platform import in_tenant

#: Children's age bands in whole years, inclusive (older or unknown: "other").
AGE_BANDS = {"0-3": (0, 3), "4-11": (4, 11), "12-17": (12, 17), "18-23": (18, 23)}
#: A change of at least this (either way, on the 1–4 scale) is an improvement or a worsening.
STABLE_BAND = Decimal("0.25")
#: The default screening policy: a VOG at most 90 days old at the start, renewed every 36 months.
VOG_MAX_AGE_AT_START, VOG_RENEWAL_YEARS = timedelta(days=90), 3

Key = tuple[str, ...]


@dataclass
class TenantRows:
    """Everything the figures are counted from, as loaded inside the tenant."""

    name: str
    families: list[Family]
    members: list[FamilyMember]
    intakes: list[Intake]
    matches: list[Match]
    measurements: list[Measurement]
    scores: list[DomainScore]
    volunteers: list[Volunteer]
    screenings: list[Screening]
    completions: list[CourseCompletion]
    sessions: list[TrainingSession]
    enrolments: list[Enrolment]
    courses: list[Course]


def load_rows(app: Flask, tenant: Tenant) -> TenantRows:
    with in_tenant(app, tenant) as session:
        def every(model: type) -> list[Any]:
            return list(session.scalars(select(model)))
        courses = [course for course in every(Course) if course.owner_tenant_id in (None, tenant.id)]
        return TenantRows(tenant.name, every(Family), every(FamilyMember), every(Intake), every(Match),
                          every(Measurement), every(DomainScore), every(Volunteer), every(Screening),
                          every(CourseCompletion), every(TrainingSession), every(Enrolment), courses)


def age_band(birth_date: date | None, day: date) -> str:
    if birth_date is None:
        return "other"
    age = day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))
    return next((band for band, (low, high) in AGE_BANDS.items() if low <= age <= high), "other")


def three_years_after(day: date) -> date:
    try:
        return day.replace(year=day.year + VOG_RENEWAL_YEARS)
    except ValueError:  # 29 February
        return day.replace(year=day.year + VOG_RENEWAL_YEARS, day=28)


def born(member: FamilyMember, family: Family, day: date) -> bool:
    """Born by ``day``: a child counts from its birth (an expected baby without a birth date from
    the family's due date)."""
    if member.birth_date is not None:
        return member.birth_date <= day
    return family.expected_due_date is None or family.expected_due_date <= day


class TenantCounts:
    """The figures of one tenant: ``lists[key]`` (see the module)."""

    def __init__(self, rows: TenantRows, today: date, zone: ZoneInfo) -> None:
        self.rows, self.today, self.zone = rows, today, zone
        self.lists: dict[Key, list[Any]] = defaultdict(list)
        self.matches_of: dict[uuid.UUID, list[Match]] = defaultdict(list)
        self.volunteer_matches: dict[uuid.UUID, list[Match]] = defaultdict(list)
        for match in rows.matches:
            if match.started_on is not None:
                self.matches_of[match.family_id].append(match)
                self.volunteer_matches[match.volunteer_id].append(match)
        self.completed = {m.id: m for m in rows.measurements if m.status == MeasurementStatus.COMPLETED}
        self.scores_of: dict[uuid.UUID, list[DomainScore]] = defaultdict(list)
        for score in rows.scores:
            if score.mean is not None and score.measurement_id in self.completed:
                self.scores_of[score.measurement_id].append(score)

    # Building blocks ------------------------------------------------------------------------------

    @staticmethod
    def running(match: Match, start: date, day: date) -> bool:
        """The match ran in the period: started by its reference day, not ended before its start."""
        return match.started_on <= day and (match.ended_on is None or match.ended_on >= start)

    def supported(self, family: Family, period: Period) -> bool:
        day = min(period.end, self.today)
        return (any(self.running(match, period.start, day) for match in self.matches_of[family.id])
                and (family.closed_on is None or family.closed_on >= period.start))

    def first_start(self, matches: list[Match]) -> date | None:
        return min((match.started_on for match in matches), default=None)

    @staticmethod
    def within(day: date | None, period: Period) -> bool:
        return day is not None and period.start <= day <= period.end

    # The figures ----------------------------------------------------------------------------------

    def count(self, periods: list[Period], fidelity_year: int) -> TenantCounts:
        for period in periods:
            self._families(period)
            self._measurements(period)
            self._volunteers(period)
            self._training(period)
        self._fidelity(Period(fidelity_year))
        return self

    def _families(self, period: Period) -> None:
        key, day, lists = period.key, min(period.end, self.today), self.lists
        for family in self.rows.families:
            track = family.track.value
            if self.supported(family, period):
                lists[(key, "families", track, "supported")].append(family.id)
                lists[(key, "municipalities", "")].append(family.municipality)
                if self.first_start(self.matches_of[family.id]) >= period.start:
                    lists[(key, "families", track, "new")].append(family.id)
                for member in self.rows.members:
                    if member.family_id == family.id and member.role == MemberRole.CHILD and born(member, family, day):
                        lists[(key, "children", track, age_band(member.birth_date, day))].append(member.id)
            if family.state == CaseState.CLOSED and self.within(family.closed_on, period):
                self._closed(key, track, family)

    def _closed(self, key: str, track: str, family: Family) -> None:
        """A family closed in the period: its reason and outcomes (measures: CLOSURE_REASON, OUTCOME)."""
        lists = self.lists
        lists[(key, "families", track, "closed")].append(family.id)
        if family.closure_reason is not None:
            lists[(key, "closure_reason", track, family.closure_reason.value)].append(family.id)
        care = family.professional_care_involved
        for category, met in (("with_care", care),
                              ("care_stopped", care and family.professional_care_at_end == CareOutcome.STOPPED),
                              ("care_reduced", care and family.professional_care_at_end == CareOutcome.REDUCED),
                              ("would_otherwise_be_referred", family.would_otherwise_be_referred == YesNoUnknown.YES),
                              ("prevented_referral_confirmed",
                               family.prevented_referral_confirmed == YesNoUnknown.YES),
                              ("prevented_as_expected",
                               family.would_otherwise_be_referred == YesNoUnknown.YES
                               and family.prevented_referral_confirmed == YesNoUnknown.YES),
                              ("measured_t0_and_tend", {Moment.T0, Moment.TEND} <= self._completed_moments(family))):
            if met:
                lists[(key, "outcome", track, category)].append(family.id)
        if family.satisfaction is not None:
            lists[(key, "satisfaction", track)].append(family.satisfaction)

    def _completed_moments(self, family: Family) -> set[Moment]:
        return {m.moment for m in self.rows.measurements
                if m.family_id == family.id and m.status == MeasurementStatus.COMPLETED}

    def _measurements(self, period: Period) -> None:
        """Domain means at each moment (measurements taken in the period) and the paired changes T0 →
        Tend and T0 → T1 of the families whose Tend (T1) was taken in the period (T0 whenever)."""
        tracks = {family.id: family.track.value for family in self.rows.families}
        t0: dict[tuple[uuid.UUID, str], Decimal] = {}
        tend: dict[tuple[uuid.UUID, str], Decimal] = {}
        t1: dict[tuple[uuid.UUID, str], Decimal] = {}
        for measurement in self.completed.values():
            track = tracks[measurement.family_id]
            in_period = self.within(measurement.taken_on, period)
            if in_period:
                self.lists[(period.key, "measured", track, measurement.moment.value)].append(measurement.family_id)
            for score in self.scores_of[measurement.id]:
                if in_period:
                    self.lists[(period.key, "domain_score", track, score.domain_code,
                                measurement.moment.value)].append(score.mean)
                if measurement.moment == Moment.T0:
                    t0[(measurement.family_id, score.domain_code)] = score.mean
                elif measurement.moment == Moment.TEND and in_period:
                    tend[(measurement.family_id, score.domain_code)] = score.mean
                elif measurement.moment == Moment.T1 and in_period:
                    t1[(measurement.family_id, score.domain_code)] = score.mean
        for (family_id, domain), after in tend.items():
            if (family_id, domain) in t0:
                change = after - t0[(family_id, domain)]
                self.lists[(period.key, "change", tracks[family_id], domain)].append(change)
                direction = "improved" if change >= STABLE_BAND else "worse" if change <= -STABLE_BAND else "stable"
                self.lists[(period.key, "direction", tracks[family_id], domain, direction)].append(change)
        for (family_id, domain), after in t1.items():  # T0 → T1, T1 taken in the period
            if (family_id, domain) in t0:
                self.lists[(period.key, "change_t1", tracks[family_id], domain)].append(after - t0[(family_id, domain)])

    def _volunteers(self, period: Period) -> None:
        key, day = period.key, min(period.end, self.today)
        for volunteer in self.rows.volunteers:
            matches = self.volunteer_matches[volunteer.id]
            if any(self.running(match, period.start, day) for match in matches):
                self.lists[(key, "volunteers", "", "active")].append(volunteer.id)
            if self.within(self.first_start(matches), period):
                self.lists[(key, "volunteers", "", "new")].append(volunteer.id)
            if self.within(volunteer.stopped_on, period):
                self.lists[(key, "volunteers", "", "stopped")].append(volunteer.id)

    def _training(self, period: Period) -> None:
        """Attendances at sessions held (local date) in the period, with their module's hours."""
        sessions = {session.id: session for session in self.rows.sessions
                    if self.within(session.starts_at.astimezone(self.zone).date(), period)}
        modules = {course.id: course.modules for course in self.rows.courses}
        for enrolment in self.rows.enrolments:
            session = sessions.get(enrolment.session_id)
            if session is not None and enrolment.status == EnrolmentStatus.ATTENDED:
                hours = modules[session.course_id][session.module_index]["hours"]
                self.lists[(period.key, "training", "")].append(Decimal(str(hours)))

    def _fidelity(self, year: Period) -> None:
        """The indicators as the tenants.publishing.indicators module docstring defines them."""
        key, day, rows = year.key, min(year.end, self.today), self.rows
        t0_done = {m.family_id for m in self.completed.values() if m.moment == Moment.T0}
        intake_done = {intake.family_id for intake in rows.intakes
                       if intake.done_on is not None and intake.coordinator_id is not None}
        starters = [family.id for family in rows.families
                    if self.within(self.first_start(self.matches_of[family.id]), year)]
        self._share(key, "t0_done", [family in t0_done for family in starters])
        self._share(key, "home_visit_intake", [family in intake_done for family in starters])
        required = [course.id for course in rows.courses
                    if course.owner_tenant_id is None and course.is_active and course.required_before_first_match]
        trained = []
        for volunteer, matches in self.volunteer_matches.items():
            start = self.first_start(matches)
            if self.within(start, year):
                done = {c.course_id for c in rows.completions if c.volunteer_id == volunteer
                        and c.completed_on <= start and (c.valid_until is None or c.valid_until >= start)}
                trained.append(all(course in done for course in required))
        self._share(key, "trained_before_first_match", trained)
        active = set(self.lists[(key, "volunteers", "", "active")])
        self._share(key, "valid_vog", [self._vog_valid(v, day) for v in rows.volunteers if v.id in active])
        caseload: dict[uuid.UUID, int] = defaultdict(int)
        for family in rows.families:
            running = any(m.started_on <= day and (m.ended_on is None or m.ended_on >= day)
                          for m in self.matches_of[family.id])
            if family.coordinator_id and running and (family.closed_on is None or family.closed_on >= day):
                caseload[family.coordinator_id] += 1
        self.lists[(key, "fidelity", "", "caseload")] = [len(caseload), sum(caseload.values())]

    def _share(self, key: str, indicator: str, met: list[bool]) -> None:
        self.lists[(key, "fidelity", "", indicator)] = [len(met), sum(met)]

    def _vog_valid(self, volunteer: Volunteer, day: date) -> bool:
        issued = [s.issued_on for s in self.rows.screenings if s.volunteer_id == volunteer.id and s.issued_on <= day]
        if not issued or three_years_after(max(issued)) <= day:
            return False
        start = volunteer.approved_on or day
        return any(start - VOG_MAX_AGE_AT_START <= issued_on <= start for issued_on in issued)


def tenant_counts(app: Flask, tenant: Tenant, periods: list[Period], fidelity_year: int, today: date) -> TenantCounts:
    return TenantCounts(load_rows(app, tenant), today, ZoneInfo(app.config["TIMEZONE"])).count(periods, fidelity_year)

