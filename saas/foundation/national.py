"""The national figures of one year, built from the published statistics only, every figure
through disclosure control (saas.foundation.disclosure) before anyone sees it.

Views are fixed (docs/architecture.md §5): a year, its four quarters, a track or all tracks, the fixed
breakdowns below. There is no free filter, so two views cannot be subtracted to isolate a family:
wherever one figure is the sum of others (quarters of a year for the flows, tracks of all tracks,
closure reasons of the closed families, age bands of the children, change directions of the paired
changes, the nested outcomes with their never-displayed remainders), the parts and their totals
are protected together — all of a year's counts at once, the same for every view
(saas.foundation.national_protection) — and a part built from fewer than ``disclosure.MIN_TENANTS``
tenants is hidden there (shown only inside the national total). A mean is shown only over
``MIN_FAMILIES_FOR_MEAN`` families and only where its count is shown.

:func:`national_figures` sends a fixed number of SQL statements, however many tenants and cells
(saas.foundation.published); :func:`build_national_figures` does the rest without a database.
The structure it builds (saas.foundation.national_types) is what the pages, the CSV/XLSX exports and
the annual PDF all show.
"""

from __future__ import annotations

import statistics
from datetime import date
from decimal import Decimal
from fractions import Fraction

from saas.clock import local_today
from saas.figures_cache import figures_cache
from saas.foundation import national_labels as names
from saas.foundation.disclosure import (
    MIN_FAMILIES_FOR_MEAN,
    RATIO_PLACES,
    SHARE_PLACES,
    protect_count,
    protect_ratio,
    protect_share,
    round_count,
)
from saas.foundation.inference import change_from_sums, rounded
from saas.foundation.labels import labels
from saas.foundation.measures import (
    AGE_BAND_CATEGORIES,
    ALL,
    CHANGE_DIRECTIONS,
    FIDELITY_INDICATORS,
    HOURS_SCALE,
    OUTCOME_CATEGORIES,
    SCORE_SCALE,
    Measure,
)
from saas.foundation.models import PublicationStatus
from saas.foundation.national_protection import (
    ALL_TRACKS,
    TOTAL,
    UNRECORDED,
    YearCounts,
    codes,
    protect_families_supported,
    protect_year,
    track_sum,
    year_tracks,
)
from saas.foundation.national_types import (
    Breakdown,
    BreakdownRow,
    Count,
    DomainImpact,
    Fidelity,
    FidelityRow,
    GradeChange,
    GrowthRow,
    Headline,
    NationalFigures,
    PublicationRow,
    Release,
    Share,
    TrendRow,
)
from saas.foundation.periods import Period
from saas.foundation.published import (
    CellKey,
    PublishedData,
    published_version,
    read_publications,
    read_published,
    released_years,
)
from saas.foundation.release import next_release, released_on
from saas.i18n import force_locale

__all__ = ["Breakdown", "BreakdownRow", "Count", "DomainImpact", "Fidelity", "FidelityRow", "GradeChange",
           "GrowthRow", "Headline", "NationalFigures", "PublicationRow", "Release", "Share", "TrendRow",
           "build_national_figures", "national_figures"]



#: Columns of the trend table, in order; stock figures are protected one by one, flows (new,
#: closed, stopped) per year together with the year's total.
TREND_COLUMNS = ("families_supported", "families_new", "families_closed", "volunteers_active", "volunteers_new")

#: Precision of the figures shown: grades (domain scores, satisfaction) and changes in grade points
#: (shares and ratios: saas.foundation.disclosure).
GRADE_PLACES, CHANGE_PLACES = Decimal("0.1"), Decimal("0.01")
#: A domain score (1–4) is shown as a school grade, score × 2.5, as in the municipality reports and
#: on the organisations' dashboards; a change of score in grade points likewise.
GRADE_POINTS = Decimal("2.5")


def national_figures(year: int | None, track: str | None, language: str) -> NationalFigures:
    """Every national figure of ``year`` (the newest released year when None or not released) for
    ``track`` (None or an unknown code: all tracks), labels in ``language``. Five SQL statements,
    however many tenants and cells (saas.foundation.published); a year still open is never read
    (saas.foundation.release), and before the first release only the publications are."""
    today = local_today()
    years, frozen = released_years(today)
    next_year, on = next_release(today, frozen)
    upcoming = Release(next_year, on, ended=next_year < today.year)
    if not years:
        return build_national_figures(read_publications(), {}, upcoming.year - 1, track, language, today, upcoming)
    chosen = year if year in years else max(years)
    return build_national_figures(read_published(chosen), years, chosen, track, language, today, upcoming)


def view_key(year: int | None, track: str | None, language: str) -> tuple[object, ...]:
    """What the figures of a view follow from (two statements): the published statistics' version
    (saas.foundation.published.published_version), the view asked for, and today (the release of a
    year and the trend's quarters follow it)."""
    return (published_version(), year, track, language, local_today())


def kept_national_figures(year: int | None, track: str | None, language: str,
                          key: tuple[object, ...] | None = None) -> NationalFigures:
    """:func:`national_figures`, kept between requests (saas.figures_cache) under :func:`view_key`
    (``key``, when the caller read it already): until a tenant publishes, a year is frozen or the day
    changes. Building the figures reads and protects every published cell of two years, which the
    page, its charts and exports would otherwise redo on every request. ``NationalFigures`` is
    immutable, so one copy serves every request."""
    return figures_cache("foundation.national").get_or_build(
        key or view_key(year, track, language), lambda: national_figures(year, track, language))


def build_national_figures(data: PublishedData, years: dict[int, int], year: int, track: str | None,
                           language: str, today: date | None = None,
                           upcoming: Release | None = None) -> NationalFigures:
    """The figures of one view from what was read (no database: the differencing test drives this)."""
    with force_locale(language):
        track_labels = labels("track", language)
        offered = names.ordered({*year_tracks(data, year), *year_tracks(data, year - 1)}, track_labels)
        if track not in {code for code, _label in offered}:
            track = None
        view = _View(data, year, track or ALL_TRACKS, language)
        return NationalFigures(
            year=year, track=track, years=sorted(years, reverse=True), tracks=offered, frozen_at=data.frozen_at,
            tenants=years.get(year, 0), headlines=view.headlines(), trend=view.trend(today or local_today()),
            impact=view.impact(), satisfaction=view.satisfaction(), outcomes=view.outcomes(), shares=view.shares(),
            satisfaction_n=view.satisfaction_count(), satisfaction_spread=view.satisfaction_spread(),
            closure_reasons=view.closure_reasons(), children=view.children(), fidelity=_fidelity(data),
            growth=_growth(data, years), publications=_publications(data),
            trend_columns=[(key, names.headline_labels()[key]) for key in TREND_COLUMNS],
            moments=list(names.moment_labels(language).items()),
            released_on=released_on(year, data.frozen_at) if year in years else None, upcoming=upcoming)


class _View:
    """One year for one track (or ALL_TRACKS), every count from that year's protect_year."""

    def __init__(self, data: PublishedData, year: int, track: str, language: str) -> None:
        self.data, self.year, self.track, self.language = data, year, track, language
        self.key = str(year)
        self.counts = protect_year(data, year)
        self.previous = protect_year(data, year - 1)

    def _cell(self, measure: Measure, domain: str = ALL, moment: str = ALL, category: str = ALL) -> CellKey:
        return CellKey(self.key, measure.value, self.track, domain, moment, category)

    def _count(self, *entry: str, counts: YearCounts | None = None) -> int | None:
        """The shown count of ``entry`` for the view's track, in ``counts`` (default: the year's)."""
        return (self.counts if counts is None else counts).track_count(*entry, track=self.track)

    def headlines(self) -> list[Headline]:
        counts, key = self.counts, self.key
        values = {
            "families_supported": self._count("families_supported", key),
            "families_new": self._count("families_new", key),
            "families_closed": self._count("families_closed", key),
            "children": self._count("children", TOTAL),
            "volunteers_active": counts.count("volunteers_active", key),
            "volunteers_new": counts.count("volunteers_new", key),
            "volunteers_stopped": counts.count("volunteers_stopped", key),
            "training_hours": self._training_hours(),
        }
        return [Headline(name, label, Count(values[name])) for name, label in names.headline_labels().items()]

    def _training_hours(self) -> int | None:
        """Hours of training attended, shown (rounded like a count) only over enough attendances."""
        if self.counts.count("training_attendances") is None:
            return None
        hours = self.data.cell(CellKey(self.key, Measure.TRAINING_HOURS.value, ALL)).total
        return round_count(int(Decimal(hours) / HOURS_SCALE + Decimal("0.5")))

    def trend(self, today: date) -> list[TrendRow]:
        rows = []
        for counts in (self.previous, self.counts):
            for quarter in Period(counts.year).quarters():
                if quarter.start > today:
                    continue
                values = {
                    "families_supported": self._count("families_supported", quarter.key, counts=counts),
                    "families_new": self._count("families_new", quarter.key, counts=counts),
                    "families_closed": self._count("families_closed", quarter.key, counts=counts),
                    "volunteers_active": counts.count("volunteers_active", quarter.key),
                    "volunteers_new": counts.count("volunteers_new", quarter.key),
                }
                rows.append(TrendRow(quarter.key, quarter.label(), {k: Count(values[k]) for k in TREND_COLUMNS}))
        return rows

    def impact(self) -> list[DomainImpact]:
        found = {*codes(self.data, self.year, Measure.DOMAIN_SCORE, "domain"),
                 *codes(self.data, self.year, Measure.PAIRED_CHANGE, "domain")}
        moments = [code for code, _label in names.ordered(
            codes(self.data, self.year, Measure.DOMAIN_SCORE, "moment"), names.moment_labels(self.language))]
        return [self._domain(code, label, moments)
                for code, label in names.ordered(found, labels("domain", self.language))]

    def _domain(self, code: str, label: str, moments: list[str]) -> DomainImpact:
        means = {}
        for moment in moments:
            shown = self._count("domain_score", code, moment)
            cell = track_sum(self.data, self._cell(Measure.DOMAIN_SCORE, code, moment), self.counts.tracks)
            grades = Fraction(cell.total, SCORE_SCALE) * Fraction(GRADE_POINTS)
            means[moment] = (Count(shown), _mean(shown, cell.n, grades, GRADE_PLACES))
        change_n = self._count("change", code, TOTAL)
        change = self._change(change_n, self._cell(Measure.PAIRED_CHANGE, code))
        after_a_year_n = self._count("change_t1", code)
        after_a_year = self._change(after_a_year_n, self._cell(Measure.PAIRED_CHANGE, code, moment="t1"))
        return DomainImpact(
            code=code, label=label, means=means, change_n=Count(change_n),
            change_mean=change.mean if change else None, change_low=change.low if change else None,
            change_high=change.high if change else None,
            directions={direction: Count(self._count("change", code, direction))
                        for direction in CHANGE_DIRECTIONS},
            improved_share=self._share(("change", code, "improved"), ("change", code, TOTAL)),
            change_t1_n=Count(after_a_year_n), change_t1=after_a_year)

    def _change(self, shown: int | None, cell: CellKey) -> GradeChange | None:
        """The paired change of ``cell`` in grade points with its interval, where its count is shown
        and taken over enough families."""
        paired = track_sum(self.data, cell, self.counts.tracks)
        if shown is None or paired.n < MIN_FAMILIES_FOR_MEAN:
            return None
        change = change_from_sums(paired.n, paired.total, paired.squares, SCORE_SCALE)
        return GradeChange(*(_places(None if value is None else value * GRADE_POINTS, CHANGE_PLACES)
                             for value in (change.mean, change.low, change.high)))

    def _share(self, part: tuple[str, ...], whole: tuple[str, ...]) -> Decimal | None:
        """The share ``part`` of ``whole`` for the view's track: from the exact counts, only where both
        are shown (saas.foundation.disclosure: shares)."""
        if self._count(*part) is None or self._count(*whole) is None:
            return None
        return protect_share(self.counts.true_count(*part, self.track), self.counts.true_count(*whole, self.track))

    def shares(self) -> list[Share]:
        """The headline shares, each the part of its whole (names.share_labels has their order)."""
        parts_and_wholes = {
            "care_stopped_or_reduced": (("outcome", "care_stopped_or_reduced"), ("outcome", "with_care")),
            "referral_prevented": (("outcome", "prevented_as_expected"), ("outcome", "would_otherwise_be_referred")),
            "response": (("outcome", "measured_t0_and_tend"), ("families_closed", self.key)),
        }
        return [Share(key, label, self._share(*parts_and_wholes[key]), Count(self._count(*parts_and_wholes[key][1])))
                for key, label in names.share_labels().items()]

    def satisfaction(self) -> Decimal | None:
        cell = track_sum(self.data, self._cell(Measure.SATISFACTION), self.counts.tracks)
        return _mean(self._count("satisfaction"), cell.n, Fraction(cell.total), GRADE_PLACES)

    def satisfaction_count(self) -> Count:
        return Count(self._count("satisfaction"))

    def satisfaction_spread(self) -> Decimal | None:
        """The standard deviation of the grades, where their mean is shown (from n, Σx and Σx²;
        None for cells published without Σx²)."""
        cell = track_sum(self.data, self._cell(Measure.SATISFACTION), self.counts.tracks)
        if self.satisfaction() is None or not cell.squares:
            return None
        variance = Fraction(cell.squares * cell.n - cell.total * cell.total, cell.n * (cell.n - 1))
        if variance < 0:  # inconsistent sums (not from one publisher's grades): no spread to show
            return None
        return _places((Decimal(variance.numerator) / Decimal(variance.denominator)).sqrt(), GRADE_PLACES)

    def outcomes(self) -> list[Headline]:
        def count(category: str) -> int | None:
            if category == "closed":  # one count with the families closed (and their reasons)
                return self._count("families_closed", self.key)
            return self._count("outcome", category)
        return [Headline(category, names.outcome_labels()[category], Count(count(category)))
                for category in OUTCOME_CATEGORIES]

    def closure_reasons(self) -> Breakdown:
        reasons = names.ordered(codes(self.data, self.year, Measure.CLOSURE_REASON, "category"),
                                labels("closure_reason", self.language))
        rows = [BreakdownRow(code, label, Count(self._count("closure_reason", code)))
                for code, label in reasons]
        if self.counts.true_count("closure_reason", UNRECORDED, self.track):
            rows.append(BreakdownRow(UNRECORDED, names.unrecorded_reason_label(),
                                     Count(self._count("closure_reason", UNRECORDED))))
        return Breakdown(rows, Count(self._count("families_closed", self.key)))

    def children(self) -> Breakdown:
        bands = [*AGE_BAND_CATEGORIES, *(band for band in codes(self.data, self.year, Measure.CHILDREN, "category")
                                        if band not in AGE_BAND_CATEGORIES)]
        return Breakdown([BreakdownRow(band, names.age_band_label(band),
                                       Count(self._count("children", band))) for band in bands],
                         Count(self._count("children", TOTAL)))


def _mean(shown: int | None, n: int, total: Fraction, places: Decimal) -> Decimal | None:
    """total / n, only where its count is shown (not hidden by secondary suppression) and n is enough;
    rounded half up from the exact quotient (a decimal quotient could fall just short of x.xx5)."""
    if shown is None or n < MIN_FAMILIES_FOR_MEAN:
        return None
    return rounded(total / n, places)


def _places(value: Decimal | None, places: Decimal) -> Decimal | None:
    return None if value is None else rounded(value, places)


def _fidelity(data: PublishedData) -> Fidelity:
    """Each tenant's indicators (names shown: only the foundation sees them) and their median,
    under the rules for shares and ratios (saas.foundation.disclosure): a share over at least
    MIN_SHARE_DENOMINATOR cases, in whole percents; the caseload (open cases per coordinator) as a
    whole number, over at least that many cases."""
    indicators = list(names.fidelity_labels().items())
    per_tenant: dict[str, dict[str, Decimal | None]] = {}
    for cell in data.fidelity:
        values = per_tenant.setdefault(cell.tenant_name, dict.fromkeys(FIDELITY_INDICATORS))
        if cell.indicator == "caseload":
            values[cell.indicator] = protect_ratio(cell.total, cell.n, counted=cell.total)
        else:
            values[cell.indicator] = protect_share(cell.total, cell.n)
    rows = [FidelityRow(name, values) for name, values in sorted(per_tenant.items())]
    median = {}
    for key in FIDELITY_INDICATORS:
        shown = [row.values[key] for row in rows if row.values.get(key) is not None]
        places = RATIO_PLACES if key == "caseload" else SHARE_PLACES
        median[key] = _places(statistics.median(shown), places) if shown else None
    return Fidelity(indicators, rows, median)


def _growth(data: PublishedData, years: dict[int, int]) -> list[GrowthRow]:
    """Per year: tenants and municipalities exactly, families and volunteers protected (the families
    by the same line as that year's own view)."""
    rows = []
    for year in sorted(years):
        period = Period(year)
        families = protect_families_supported(data, period)
        volunteers = data.cell(CellKey(period.key, Measure.VOLUNTEERS.value, ALL, category="active")).n
        rows.append(GrowthRow(
            period=period.key, label=period.label(), tenants=years[year],
            municipalities=sum(1 for key, cell in data.cells.items() if cell.n and key.period == period.key
                               and key.measure == Measure.MUNICIPALITIES.value and key.track == ALL),
            families=Count(families.count("families_supported", period.key, ALL_TRACKS)),
            volunteers=Count(protect_count(volunteers))))
    return rows


def _publications(data: PublishedData) -> list[PublicationRow]:
    return [PublicationRow(
        tenant_name=last.tenant_name, finished_at=last.finished_at,
        trigger=last.trigger.label if last.trigger is not None else None,
        status=last.status.label if last.status is not None else None,
        cells=last.cells, failed=last.status == PublicationStatus.FAILED) for last in data.publications]
