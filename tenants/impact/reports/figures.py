"""The figures of a municipality report: what the organisation did and achieved for one
municipality in one period, with disclosure control applied to every figure.

:func:`compute_figures` returns a JSON-ready dict that is stored on the report and is the only
source the PDF, the XLSX and the report pages read, so nothing unsuppressed leaves the tenant.
Each table is tidy: a list of rows ``{"measure", "category", "value", "unit"}`` where ``value`` is
None when it is suppressed. Counts go through ``protect_count`` (independent figures) or
``protect_table`` (categories that add up to a total, so secondary suppression applies); means
through ``protect_mean``; hours are shown only over enough people and rounded like counts.

Every table is one SQL statement (a few for training hours), aggregated in the database,
whatever the number of families (eleven in all). The measurement tables reuse
tenants.impact.dashboard.aggregates (the dashboard's definitions) with a scope of any period; reach and
closures are computed here, because the report breaks them down further than the dashboard
(referrers, every closure reason, age bands with "unknown") and for any period, not a calendar year.
The children's ages are taken on the last day of the period.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import and_, case, func, or_, select

from saas.clock import local_zone
from saas.db import db, utcnow
from saas.foundation import disclosure
from tenants.families.models import Family, FamilyMember
from tenants.families.states import CaseState
from tenants.families.vocabulary import CareOutcome, ClosureReason, MemberRole, ReferrerType, YesNoUnknown
from tenants.impact.dashboard import aggregates
from tenants.impact.vocabulary import Moment
from tenants.life_domains import LIFE_DOMAINS
from tenants.matching.models import ContactMoment, Match
from tenants.matching.vocabulary import ContactKind
from tenants.trainings.models import Course, Enrolment, TrainingSession
from tenants.trainings.queries import visible_courses
from tenants.trainings.states import EnrolmentStatus

#: Bump when the structure of the figures changes (stored reports keep the version they were made with).
FIGURES_VERSION = 1
#: Domains in the order of the approach's nine life domains (other instruments' codes follow).
DOMAIN_ORDER = {code: code for code in LIFE_DOMAINS}
#: Domain means are reported as a school grade (mean × 2.5), like the family file and dashboard.
GRADE_FACTOR = Decimal("2.5")
#: Age bands of the children (inclusive upper bounds; None = no upper bound).
AGE_BANDS = (("0-3", 3), ("4-11", 11), ("12-17", 17), ("18+", None))
UNKNOWN = "unknown"
ALL = "all"

# Units of a row: "count" and "hours" are rounded to 5 or suppressed; "grade" and "change" are means.
COUNT, HOURS, GRADE, CHANGE = "count", "hours", "grade", "change"
ROUNDED_UNITS = frozenset({COUNT, HOURS})

Row = dict[str, Any]


def compute_figures(municipality: str, start: date, end: date) -> dict[str, Any]:
    """The suppressed figures for ``municipality`` from ``start`` to ``end`` (both inclusive)."""
    scope = _Scope(municipality, start, end)
    tables = {
        "reach": scope.reach(),
        "children_by_age": scope.children_by_age(),
        "referral_channels": scope.referral_channels(),
        **scope.closures(),
        "measured_families": scope.measured_families(),
        "domain_means": scope.domain_means(),
        **scope.outcome_changes(),
    }
    return {
        "version": FIGURES_VERSION,
        "municipality": municipality,
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "computed_at": utcnow().isoformat(timespec="seconds"),
        "disclosure": {"threshold": disclosure.THRESHOLD, "rounding": disclosure.ROUNDING,
                       "min_families_for_mean": disclosure.MIN_FAMILIES_FOR_MEAN},
        "tables": tables,
    }


def row(measure: str, category: str, value: Any, unit: str = COUNT) -> Row:
    return {"measure": measure, "category": category, "value": value, "unit": unit}


def table_rows(measure: str, counts: dict[str, int], categories: list[str]) -> list[Row]:
    """Rows for one breakdown that adds up to a total: every category (also empty ones, so an
    absent category cannot be told from a suppressed one) and the total, through protect_table."""
    protected = disclosure.protect_table({category: {measure: counts.get(category, 0)} for category in categories})
    rows = [row(measure, category, protected.cells[category][measure]) for category in categories]
    rows.append(row(measure, "total", protected.grand_total))
    return rows


def protect_hours(hours: float, people: int) -> int | None:
    """Hours summed over ``people``: only over enough people (as a count would be), rounded to 5."""
    if disclosure.protect_count(people) is None:
        return None
    return int(disclosure.ROUNDING * round(hours / disclosure.ROUNDING))


def protect_grade(total: Decimal | Fraction | float, n: int) -> float | None:
    """The mean of ``n`` domain means as a school grade, or None under the mean threshold."""
    mean = disclosure.protect_mean(float(total), n)
    return None if mean is None else round(mean * float(GRADE_FACTOR), 1)


def local_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The UTC instants at which the local days ``start`` … ``end`` begin and end."""
    zone = local_zone()
    return (datetime.combine(start, time.min, zone).astimezone(UTC),
            datetime.combine(end + timedelta(days=1), time.min, zone).astimezone(UTC))


@dataclass(frozen=True)
class PeriodScope(aggregates.Scope):
    """tenants.impact.dashboard.aggregates' Scope with the report's own start and end (this year's report
    ends today)."""

    period_start: date | None = None
    period_end: date | None = None

    @property
    def start(self) -> date:
        return self.period_start or super().start

    @property
    def end(self) -> date:
        return self.period_end or super().end


class _Scope:
    """The statements of one report, sharing the municipality and period conditions."""

    def __init__(self, municipality: str, start: date, end: date) -> None:
        self.municipality, self.start, self.end = municipality, start, end
        self.scope: Any = PeriodScope(start.year, municipality, period_start=start, period_end=end)

    def _overlapping_matches(self) -> Any:
        """Matches of the municipality's families that were running at some time in the period."""
        return (select(Match).select_from(Match)
                .join(Family, and_(Family.tenant_id == Match.tenant_id, Family.id == Match.family_id))
                .where(Family.municipality == self.municipality, Match.started_on.is_not(None),
                       Match.started_on <= self.end, or_(Match.ended_on.is_(None), Match.ended_on >= self.start)))

    def _supported_family_ids(self) -> Any:
        return self._overlapping_matches().with_only_columns(Match.family_id)

    def _active_volunteer_ids(self) -> Any:
        return self._overlapping_matches().with_only_columns(Match.volunteer_id)

    def reach(self) -> list[Row]:
        matches = self._overlapping_matches().with_only_columns(
            func.count(func.distinct(Match.family_id)), func.count(func.distinct(Match.volunteer_id)),
            func.count(Match.id), func.count(case((Match.started_on >= self.start, Match.id))))
        supported, volunteers, running, started = db.session.execute(matches).one()
        referred, closed = db.session.execute(select(
            func.count(case((Family.referred_on.between(self.start, self.end), Family.id))),
            func.count(case((and_(Family.state == CaseState.CLOSED, Family.closed_on.between(self.start, self.end)),
                              Family.id)))).where(Family.municipality == self.municipality)).one()
        contacts, visits, visit_minutes, visitors = db.session.execute(
            select(func.count(ContactMoment.id), func.count(case((ContactMoment.kind == ContactKind.VISIT, 1))),
                   func.coalesce(func.sum(case((ContactMoment.kind == ContactKind.VISIT,
                                                ContactMoment.duration_minutes))), 0),
                   func.count(func.distinct(case((ContactMoment.kind == ContactKind.VISIT, ContactMoment.match_id)))))
            .select_from(ContactMoment)
            .join(Family, and_(Family.tenant_id == ContactMoment.tenant_id, Family.id == ContactMoment.family_id))
            .where(Family.municipality == self.municipality,
                   ContactMoment.happened_on.between(self.start, self.end))).one()
        trained, training_hours = self._training()
        count = disclosure.protect_count
        return [
            row("families_supported", ALL, count(supported)),
            row("families_referred", ALL, count(referred)),
            row("families_closed", ALL, count(closed)),
            row("active_volunteers", ALL, count(volunteers)),
            row("matches_running", ALL, count(running)),
            row("matches_started", ALL, count(started)),
            row("contact_moments", ALL, count(contacts)),
            row("volunteer_visits", ALL, count(visits)),
            # Estimated from the visits' logged durations, over the matches (volunteers) that logged them.
            row("volunteer_hours", ALL, protect_hours(float(visit_minutes) / 60, visitors), HOURS),
            row("trained_volunteers", ALL, count(trained)),
            row("training_hours", ALL, protect_hours(training_hours, trained), HOURS),
        ]

    def _training(self) -> tuple[int, float]:
        """Volunteers active in the municipality who attended training in the period, and their hours."""
        begin, finish = local_bounds(self.start, self.end)
        attended = (select(TrainingSession.course_id, TrainingSession.module_index, func.count(Enrolment.id))
                    .select_from(Enrolment)
                    .join(TrainingSession, and_(TrainingSession.tenant_id == Enrolment.tenant_id,
                                                TrainingSession.id == Enrolment.session_id))
                    .where(Enrolment.status == EnrolmentStatus.ATTENDED,
                           Enrolment.volunteer_id.in_(self._active_volunteer_ids()),
                           TrainingSession.starts_at >= begin, TrainingSession.starts_at < finish))
        groups = db.session.execute(attended.group_by(TrainingSession.course_id, TrainingSession.module_index)).all()
        if not groups:
            return 0, 0.0
        people = db.session.scalar(attended.with_only_columns(func.count(func.distinct(Enrolment.volunteer_id))))
        courses = {course.id: course for course in db.session.scalars(
            visible_courses().where(Course.id.in_({course_id for course_id, _index, _n in groups})))}
        hours = sum(courses[course_id].module_hours(index) * n for course_id, index, n in groups)
        return int(people or 0), hours

    def children_by_age(self) -> list[Row]:
        births = db.session.scalars(select(FamilyMember.birth_date).where(
            FamilyMember.role == MemberRole.CHILD, FamilyMember.family_id.in_(self._supported_family_ids())))
        counts = Counter(age_band(birth, self.end) for birth in births)
        return table_rows("children", counts, [band for band, _top in AGE_BANDS] + [UNKNOWN])

    def referral_channels(self) -> list[Row]:
        counts = dict(db.session.execute(
            select(Family.referrer_type, func.count(Family.id))
            .where(Family.municipality == self.municipality, Family.referred_on.between(self.start, self.end))
            .group_by(Family.referrer_type)).all())
        return table_rows("families_referred", {kind.value: n for kind, n in counts.items()},
                          [kind.value for kind in ReferrerType])

    def closures(self) -> dict[str, list[Row]]:
        """Closure reasons, professional care, prevented referrals and satisfaction of the families
        closed in the period (one statement, grouped in the database)."""
        grouped = db.session.execute(
            select(Family.closure_reason, Family.professional_care_involved, Family.professional_care_at_end,
                   Family.prevented_referral_confirmed, func.count(Family.id),
                   func.coalesce(func.sum(Family.satisfaction), 0), func.count(Family.satisfaction))
            .where(Family.municipality == self.municipality, Family.state == CaseState.CLOSED,
                   Family.closed_on.between(self.start, self.end))
            .group_by(Family.closure_reason, Family.professional_care_involved, Family.professional_care_at_end,
                      Family.prevented_referral_confirmed)).all()
        reasons: Counter[str] = Counter()
        care: Counter[str] = Counter()
        prevented: Counter[str] = Counter()
        grades, graded = 0, 0
        for reason, involved, care_at_end, prevented_referral, n, grade_sum, grade_n in grouped:
            reasons[reason.value if reason else UNKNOWN] += n
            if involved:
                care[care_outcome(care_at_end)] += n
            prevented[prevented_referral.value if prevented_referral else YesNoUnknown.UNKNOWN.value] += n
            grades, graded = grades + int(grade_sum), graded + grade_n
        satisfaction_mean = disclosure.protect_mean(float(grades), graded)
        return {
            "closure_reasons": table_rows("families_closed", reasons, [r.value for r in ClosureReason] + [UNKNOWN]),
            "professional_care": table_rows("families_with_professional_care", care,
                                            ["stopped_or_reduced", "unchanged_or_increased", UNKNOWN]),
            "prevented_referrals": table_rows("families_closed", prevented, [v.value for v in YesNoUnknown]),
            "satisfaction": [row("families_grading", ALL, disclosure.protect_count(graded)),
                             row("mean_grade", ALL, None if satisfaction_mean is None else round(satisfaction_mean, 1),
                                 GRADE)],
        }

    def measured_families(self) -> list[Row]:
        # Not a breakdown (a family measured at T0 and Tend counts twice), so each is its own count.
        counts = aggregates.measured(self.scope)
        return [row("families_measured", moment.value, disclosure.protect_count(counts[moment])) for moment in Moment]

    def domain_means(self) -> list[Row]:
        rows = []
        for domain in aggregates.domain_means(self.scope, DOMAIN_ORDER):
            for moment in Moment:
                n = domain.counts.get(moment, 0)
                rows.append(row(f"families_scored_{moment.value}", domain.code, disclosure.protect_count(n)))
                rows.append(row(f"grade_{moment.value}", domain.code,
                                protect_grade(domain.totals.get(moment, 0), n), GRADE))
        return rows

    def outcome_changes(self) -> dict[str, list[Row]]:
        """Paired change T0 → Tend per domain, for the families whose Tend falls in the period, and
        how many improved, stayed stable or got worse (the dashboard's definitions)."""
        changes = aggregates.paired_changes(self.scope, DOMAIN_ORDER)
        return {"outcome_changes": [r for change in changes for r in domain_change_rows(change)],
                "change_directions": direction_rows(changes)}


def domain_change_rows(domain: aggregates.DomainChange) -> list[Row]:
    change, n = domain.change, domain.n
    mean = disclosure.protect_mean(float(change.mean) * n, n)

    def grade_points(value: Any) -> float | None:
        return None if mean is None or value is None else round(float(value) * float(GRADE_FACTOR), 2)

    return [
        row("families_paired", domain.code, disclosure.protect_count(n)),
        row("change", domain.code, grade_points(mean), CHANGE),
        row("change_ci_low", domain.code, grade_points(change.low), CHANGE),
        row("change_ci_high", domain.code, grade_points(change.high), CHANGE),
    ]


def direction_rows(changes: list[aggregates.DomainChange]) -> list[Row]:
    """Improved / stable / worse per domain; each domain's three add up to its paired families,
    so they are protected together (secondary suppression within and across domains)."""
    if not changes:
        return []
    columns = ("improved", "stable", "worse")
    protected = disclosure.protect_table({c.code: {"improved": c.improved, "stable": c.stable, "worse": c.worse}
                                          for c in changes})
    return [row(f"families_{column}", c.code, protected.cells[c.code][column]) for c in changes for column in columns]


def age_band(birth: date | None, on: date) -> str:
    if birth is None:
        return UNKNOWN
    age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    for band, top in AGE_BANDS:
        if top is None or age <= top:
            return band
    return UNKNOWN


def care_outcome(outcome: CareOutcome | None) -> str:
    if outcome in (CareOutcome.STOPPED, CareOutcome.REDUCED):
        return "stopped_or_reduced"
    if outcome in (CareOutcome.UNCHANGED, CareOutcome.INCREASED):
        return "unchanged_or_increased"
    return UNKNOWN


def shown_counts(figures: dict[str, Any]) -> list[int | None]:
    """Every count and hour total in ``figures`` (for checks: each must be None, 0 or a multiple
    of 5, and none under the threshold)."""
    return [r["value"] for rows in figures.get("tables", {}).values() for r in rows if r["unit"] in ROUNDED_UNITS]
