"""The figures of a municipality report: what the organisation did and achieved for one
municipality in one period, with disclosure control applied to every figure.

:func:`compute_figures` returns a JSON-ready dict that is stored on the report and is the only
source the PDF, the XLSX and the report pages read, so nothing unsuppressed leaves the tenant.
Each table is tidy: a list of rows ``{"measure", "category", "value", "unit"}`` where ``value`` is
None when it is suppressed; the rows of the quarter table also carry their own ``period_start``
and ``period_end``. Counts go through ``protect_count`` (independent figures) or
``protect_table`` (categories that add up to a total, so secondary suppression applies); means
through ``protect_mean``; hours are shown only over enough people and rounded like counts.

Linked figures are protected together (:func:`protect_linked`, with ``protect_entries``): the
families referred and closed and the contact moments of the year are the sums of their quarters
(tenants.impact.reports.quarters), and the year's referred and closed families are also the
totals of the referrers, the closure reasons and the prevented referrals, and contain the
families with professional care and those who gave a grade. So no hidden quarter or category can
be worked out from the year minus what is shown. Stocks (families supported, children, active
volunteers) are no sums of their quarters and are protected each on its own.

Every table is one SQL statement (a few for training hours and the quarters), aggregated in the
database, whatever the number of families (fifteen in all). The measurement tables reuse
tenants.impact.dashboard.aggregates (the dashboard's definitions) with a scope of any period; reach and
closures are computed here, because the report breaks them down further than the dashboard
(referrers, every closure reason, age bands with "unknown") and for any period, not a calendar year.
The children's ages are taken on the last day of the period; a child born after a period's last
day (a baby that was expected then) is not counted in that period.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import and_, case, func, or_, select

from saas.clock import local_zone
from saas.db import db, utcnow
from saas.foundation import disclosure
from saas.foundation.inference import rounded
from tenants.families.models import Family, FamilyMember
from tenants.families.states import CaseState
from tenants.families.vocabulary import CareOutcome, ClosureReason, MemberRole, ReferrerType, YesNoUnknown
from tenants.impact.dashboard import aggregates
from tenants.impact.reports import quarters
from tenants.impact.reports.quarters import Span
from tenants.impact.vocabulary import Moment
from tenants.life_domains import LIFE_DOMAINS
from tenants.matching.models import ContactMoment, Match
from tenants.matching.vocabulary import ContactKind
from tenants.trainings.models import Course, Enrolment, TrainingSession
from tenants.trainings.queries import visible_courses
from tenants.trainings.states import EnrolmentStatus

#: Bump when the structure of the figures changes (stored reports keep the version they were made with).
#: 2: the quarter table, and the year's flows protected together with their quarters.
FIGURES_VERSION = 2
#: Domains in the order of the approach's nine life domains (other instruments' codes follow).
DOMAIN_ORDER = {code: code for code in LIFE_DOMAINS}
#: Domain means are reported as a school grade (mean × 2.5), like the family file and dashboard.
GRADE_FACTOR = Decimal("2.5")
#: Age bands of the children (inclusive upper bounds; None = no upper bound).
AGE_BANDS = (("0-3", 3), ("4-11", 11), ("12-17", 17), ("18+", None))
UNKNOWN = "unknown"
ALL = "all"
TOTAL = "total"
#: The categories of the breakdowns of the year's flows (also the empty ones: an absent category
#: cannot be told from a hidden one).
REFERRERS = [kind.value for kind in ReferrerType]
CLOSURE_REASONS = [reason.value for reason in ClosureReason] + [UNKNOWN]
CARE_OUTCOMES = ["stopped_or_reduced", "unchanged_or_increased", UNKNOWN]
PREVENTED = [value.value for value in YesNoUnknown]

# Units of a row: "count" and "hours" are rounded to 5 or suppressed; "grade" and "change" are means.
COUNT, HOURS, GRADE, CHANGE = "count", "hours", "grade", "change"
ROUNDED_UNITS = frozenset({COUNT, HOURS})

Row = dict[str, Any]
#: An entry of the figures protected together: (table or measure, category or period key).
Entry = tuple[str, str]


def compute_figures(municipality: str, start: date, end: date) -> dict[str, Any]:
    """The suppressed figures for ``municipality`` from ``start`` to ``end`` (both inclusive)."""
    scope = _Scope(municipality, start, end)
    year, spans = quarters.whole_span(start, end), quarters.quarter_spans(start, end)
    per_period = quarters.true_counts(municipality, [*spans, year])
    closed = scope.closed_families()
    linked = protect_linked(per_period, year, spans, scope.referrers(), closed)
    tables = {
        "reach": scope.reach(linked[("families_referred", year.key)], linked[("families_closed", year.key)],
                             linked[("contact_moments", year.key)]),
        "quarters": quarter_rows(per_period, linked, [*spans, year]),
        "children_by_age": scope.children_by_age(),
        "referral_channels": linked_rows(linked, "referral_channels", "families_referred",
                                         ("families_referred", year.key)),
        **closure_tables(closed, linked, ("families_closed", year.key)),
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
    rows.append(row(measure, TOTAL, protected.grand_total))
    return rows


@dataclass
class ClosedFamilies:
    """True counts of the families closed in the period, per breakdown (categories by code)."""

    reasons: Counter[str] = field(default_factory=Counter)
    #: Of the families that had professional care at referral: what became of it.
    care: Counter[str] = field(default_factory=Counter)
    prevented: Counter[str] = field(default_factory=Counter)
    grades: int = 0
    graded: int = 0


def protect_linked(per_period: dict[Entry, int], year: Span, spans: list[Span], referrers: Counter[str],
                   closed: ClosedFamilies) -> dict[Entry, int | None]:
    """The year's flows, their quarters and the breakdowns of the year's referred and closed
    families, protected together (``protect_entries``), so a hidden figure in one cannot be
    worked out through another. The lines:

    * each flow ``x[year] = Σ x[quarter]`` (quarters.FLOWS);
    * ``referred[year] = Σ referrer``; ``closed[year] = Σ closure reason = Σ prevented referral``;
    * ``with_care = Σ care outcome`` and ``closed[year] = with_care + without_care``;
    * ``closed[year] = graded + not_graded``.

    The remainders (without care, not graded) are never shown, yet "closed minus the subset"
    computes them, so they are entries like any count."""
    true = {(measure, span.key): per_period[(measure, span.key)] for measure in quarters.FLOWS
            for span in [*spans, year]}
    lines: list[tuple[Entry, list[Entry]]] = [((measure, year.key), [(measure, span.key) for span in spans])
                                              for measure in quarters.FLOWS]
    referred, ended, with_care = ("families_referred", year.key), ("families_closed", year.key), (
        "professional_care", TOTAL)

    def total_of(total: Entry, table: str, counts: Counter[str], categories: list[str]) -> None:
        true.update({(table, category): counts[category] for category in categories})
        lines.append((total, [(table, category) for category in categories]))

    def subset_of_closed(subset: Entry, count: int, rest: Entry) -> None:
        true[subset], true[rest] = count, true[ended] - count
        lines.append((ended, [subset, rest]))

    total_of(referred, "referral_channels", referrers, REFERRERS)
    total_of(ended, "closure_reasons", closed.reasons, CLOSURE_REASONS)
    total_of(ended, "prevented_referrals", closed.prevented, PREVENTED)
    subset_of_closed(with_care, sum(closed.care.values()), ("without_professional_care", ALL))
    total_of(with_care, "professional_care", closed.care, CARE_OUTCOMES)
    subset_of_closed(("families_grading", ALL), closed.graded, ("not_grading", ALL))
    return disclosure.protect_entries(true, lines)


def linked_rows(linked: dict[Entry, int | None], table: str, measure: str, total: Entry) -> list[Row]:
    """A breakdown protected by :func:`protect_linked`: its categories in order, then its total."""
    rows = [row(measure, category, value) for (key, category), value in linked.items()
            if key == table and category != TOTAL]
    return [*rows, row(measure, TOTAL, linked[total])]


def closure_tables(closed: ClosedFamilies, linked: dict[Entry, int | None], ended: Entry) -> dict[str, list[Row]]:
    satisfaction_mean = disclosure.protect_mean(float(closed.grades), closed.graded)
    return {
        "closure_reasons": linked_rows(linked, "closure_reasons", "families_closed", ended),
        "professional_care": linked_rows(linked, "professional_care", "families_with_professional_care",
                                         ("professional_care", TOTAL)),
        "prevented_referrals": linked_rows(linked, "prevented_referrals", "families_closed", ended),
        "satisfaction": [row("families_grading", ALL, linked[("families_grading", ALL)]),
                         row("mean_grade", ALL, None if satisfaction_mean is None else round(satisfaction_mean, 1),
                             GRADE)],
    }


def quarter_rows(per_period: dict[Entry, int], linked: dict[Entry, int | None], spans: list[Span]) -> list[Row]:
    """The quarter table: every measure of quarters.MEASURES in each quarter and the year, each row
    with its own days. Flows as protected with the year (:func:`protect_linked`), stocks each on its own."""
    return [{**row(measure, span.key, linked[(measure, span.key)] if measure in quarters.FLOWS
                   else disclosure.protect_count(per_period[(measure, span.key)])),
             "period_start": span.start.isoformat(), "period_end": span.end.isoformat()}
            for measure in quarters.MEASURES for span in spans]


def protect_hours(hours: float, people: int) -> int | None:
    """Hours summed over ``people``: only over enough people (as a count would be), rounded to 5."""
    if disclosure.protect_count(people) is None:
        return None
    return int(disclosure.ROUNDING * round(hours / disclosure.ROUNDING))


def protect_grade(total: Decimal | Fraction | int, n: int) -> float | None:
    """The mean of ``n`` domain means as a school grade (one decimal, half up from the exact
    mean), or None under the mean threshold."""
    if n < disclosure.MIN_FAMILIES_FOR_MEAN:
        return None
    return float(rounded(Fraction(total) / n * Fraction(GRADE_FACTOR), Decimal("0.1")))


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

    def reach(self, referred: int | None, closed: int | None, contacts: int | None) -> list[Row]:
        """The year's figures; the families referred and closed and the contact moments come
        protected together with their quarters and breakdowns (:func:`protect_linked`)."""
        matches = self._overlapping_matches().with_only_columns(
            func.count(func.distinct(Match.family_id)), func.count(func.distinct(Match.volunteer_id)),
            func.count(Match.id), func.count(case((Match.started_on >= self.start, Match.id))))
        supported, volunteers, running, started = db.session.execute(matches).one()
        visits, visit_minutes, visitors = db.session.execute(
            select(func.count(case((ContactMoment.kind == ContactKind.VISIT, 1))),
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
            row("families_referred", ALL, referred),
            row("families_closed", ALL, closed),
            row("active_volunteers", ALL, count(volunteers)),
            row("matches_running", ALL, count(running)),
            row("matches_started", ALL, count(started)),
            row("contact_moments", ALL, contacts),
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
        # A child born after the period (expected then) is not counted; quarters.Span.born_by_end is the same rule.
        births = db.session.scalars(select(FamilyMember.birth_date).where(
            FamilyMember.role == MemberRole.CHILD, FamilyMember.family_id.in_(self._supported_family_ids()),
            or_(FamilyMember.birth_date.is_(None), FamilyMember.birth_date <= self.end)))
        counts = Counter(age_band(birth, self.end) for birth in births)
        return table_rows("children", counts, [band for band, _top in AGE_BANDS] + [UNKNOWN])

    def referrers(self) -> Counter[str]:
        """The families referred in the period per referrer type."""
        return Counter({kind.value: n for kind, n in db.session.execute(
            select(Family.referrer_type, func.count(Family.id))
            .where(Family.municipality == self.municipality, Family.referred_on.between(self.start, self.end))
            .group_by(Family.referrer_type)).all()})

    def closed_families(self) -> ClosedFamilies:
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
        closed = ClosedFamilies()
        for reason, involved, care_at_end, prevented_referral, n, grade_sum, grade_n in grouped:
            closed.reasons[reason.value if reason else UNKNOWN] += n
            if involved:
                closed.care[care_outcome(care_at_end)] += n
            closed.prevented[prevented_referral.value if prevented_referral else YesNoUnknown.UNKNOWN.value] += n
            closed.grades, closed.graded = closed.grades + int(grade_sum), closed.graded + grade_n
        return closed

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
    mean = change.mean if n >= disclosure.MIN_FAMILIES_FOR_MEAN else None

    def grade_points(value: Any) -> float | None:
        """A change (or a bound of its interval) in grade points, two decimals half up from the exact value."""
        if mean is None or value is None:
            return None
        return float(rounded(Fraction(value) * Fraction(GRADE_FACTOR), Decimal("0.01")))

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
