"""End to end: tenant data → the real publishing job → the national figures, compared cell by cell
with figures computed independently from the tenants' own rows.

Four tenants get realistic data (tests/foundation/end_to_end_dataset.py); each is published by
``tenants.publishing.job.publish_tenant``; ``national_figures`` is asked for 2025, for all tracks
and for each track. The expected figures come from the rows read back inside each tenant and
counted in plain Python (tests/foundation/end_to_end_counts.py), summed over the tenants and
passed through the disclosure rules (tests/foundation/end_to_end_protection.py): the true counts
and the lines "total = sum of parts" the national view is documented to protect together go to the
public ``disclosure.protect_entries`` — the one rule tested on its own elsewhere — and the counts
themselves are ours. A second test compares the true counts and sums before disclosure control,
where rounding to 5 would hide a difference of one. Means are shown over ≥ 10 families whose count is
shown; the paired change's interval comes from the families' differences via ``statistics``.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from flask import Flask

from saas.clock import local_today
from saas.db import bind_context, db
from saas.foundation.disclosure import protect_count, protect_entries, round_count
from saas.foundation.inference import t_quantile
from saas.foundation.measures import HOURS_SCALE, SCORE_SCALE, Measure
from saas.foundation.models import PublicationStatus, PublicationTrigger
from saas.foundation.national import NationalFigures, national_figures
from saas.foundation.national_protection import protect_year
from saas.foundation.periods import Period
from saas.foundation.published import read_published
from saas.foundation.release import is_released
from tenants.families.vocabulary import ClosureReason
from tenants.publishing.job import publish_tenant
from tests.foundation.end_to_end_counts import TenantCounts, tenant_counts
from tests.foundation.end_to_end_dataset import DOMAINS, SPECS, create_platform, seed_tenant
from tests.foundation.end_to_end_protection import ALL, BANDS, OUTCOMES, TRACKS, National, Protection
from tests.support.clock import while_open

YEAR = 2025
INDICATORS = ("t0_done", "home_visit_intake", "trained_before_first_match", "valid_vog", "caseload")
CENT, TENTH = Decimal("0.01"), Decimal("0.1")
#: Domain scores (1–4) are shown as grades, changes in grade points (saas.foundation.national).
GRADE = Decimal("2.5")


def places(value: Decimal, unit: Decimal) -> Decimal:
    return value.quantize(unit, rounding=ROUND_HALF_UP)


# The dataset, published -------------------------------------------------------------------------


@dataclass
class World:
    national: National
    today: date
    protected: dict[int, Protection]


@pytest.fixture
def world(app: Flask) -> World:
    """The tenants publish every night; what counts is each year's last night before its release
    (in January of the next year: saas.foundation.release). The figures are read later, once 2025
    is released."""
    platform = create_platform(app)
    tenants = [seed_tenant(app, platform, spec) for spec in SPECS]
    for year in range(2023, YEAR + 1):
        with while_open(year), app.app_context():
            today = local_today()
            for tenant in tenants:
                publication = publish_tenant(tenant.id, PublicationTrigger.COMMAND)
                assert publication.status == PublicationStatus.SUCCEEDED, publication.error
    periods = [Period(year) for year in range(2023, today.year + 1)]
    periods += [quarter for year in (YEAR - 1, YEAR) for quarter in Period(year).quarters()]
    national = National([tenant_counts(app, tenant, periods, YEAR, today) for tenant in tenants])
    return World(national, today, {year: Protection(national, Period(year)).build() for year in (YEAR - 1, YEAR)})


def figures(app: Flask, track: str | None) -> NationalFigures:
    with app.app_context():
        bind_context(db.session, reader="foundation")
        return national_figures(YEAR, track, "nl")


class Comparison:
    """Every cell compared, every difference collected (one failure lists them all)."""

    def __init__(self) -> None:
        self.compared = 0
        self.shown = self.hidden = 0
        self.differences: list[str] = []

    def equal(self, where: str, actual: object, expected: object) -> None:
        self.compared += 1
        self.shown += expected is not None
        self.hidden += expected is None
        if actual != expected:
            self.differences.append(f"{where}: dashboard {actual!r}, independent {expected!r}")

    def close(self, where: str, actual: Decimal | None, expected: Decimal | None) -> None:
        """``actual`` (rounded to 0.01) within half a cent of the unrounded ``expected``."""
        self.compared += 1
        if (actual is None) != (expected is None) or (
                actual is not None and abs(actual - expected) > Decimal("0.005") + Decimal("1e-12")):
            self.differences.append(f"{where}: dashboard {actual}, independent {expected}")


def mean_shown(count: int | None, values: list[Decimal], unit: Decimal) -> Decimal | None:
    if count is None or len(values) < 10:
        return None
    return places(sum(values, Decimal(0)) / len(values), unit)


# The comparison ---------------------------------------------------------------------------------


@pytest.mark.parametrize("track", [None, *TRACKS])
def test_national_figures_equal_an_independent_count_of_the_tenant_data(
        app: Flask, world: World, track: str | None) -> None:
    result = figures(app, track)
    view = track or ALL
    national, shown, year = world.national, world.protected[YEAR].shown, str(YEAR)
    check = Comparison()

    with app.app_context():
        released = [year for year in range(2023, world.today.year + 1) if is_released(year, (), local_today())]
    published = [year for year in released if any(_published(counts, year) for counts in national.tenants)]
    check.equal("years", result.years, sorted(published, reverse=True))
    check.equal("tenants", result.tenants, sum(_published(c, YEAR) for c in national.tenants))
    check.equal("track", result.track, track)
    check.equal("tracks offered", sorted(code for code, _label in result.tracks), TRACKS)

    hours = sum(national.items(year, "training", ""), Decimal(0))
    headlines = {
        "families_supported": shown[("families_supported", year, view)],
        "families_new": shown[("families_new", year, view)],
        "families_closed": shown[("families_closed", year, view)],
        "children": shown[("children", "=", view)],
        "volunteers_active": shown[("volunteers_active", year)],
        "volunteers_new": shown[("volunteers_new", year)],
        "volunteers_stopped": shown[("volunteers_stopped", year)],
        "training_hours": None if shown[("training_attendances",)] is None else round_count(
            int(places(hours, Decimal(1)))),
    }
    for headline in result.headlines:
        check.equal(f"headline {headline.key}", headline.count.value, headlines[headline.key])
    check.equal("headline keys", [h.key for h in result.headlines], list(headlines))

    expected_trend = [(q.key, world.protected[q.year].shown) for y in (YEAR - 1, YEAR) for q in Period(y).quarters()]
    check.equal("trend periods", [row.period for row in result.trend], [key for key, _ in expected_trend])
    for row, (quarter, counts) in zip(result.trend, expected_trend, strict=False):
        for column, entry in (("families_supported", ("families_supported", quarter, view)),
                              ("families_new", ("families_new", quarter, view)),
                              ("families_closed", ("families_closed", quarter, view)),
                              ("volunteers_active", ("volunteers_active", quarter)),
                              ("volunteers_new", ("volunteers_new", quarter))):
            check.equal(f"trend {quarter} {column}", row.values[column].value, counts[entry])

    _compare_impact(check, result, national, shown, year, view)
    grades = [Decimal(g) for g in national.items(year, "satisfaction", view)]
    check.equal("satisfaction", result.satisfaction, mean_shown(shown[("satisfaction", view)], grades, TENTH))
    outcomes = {"closed": shown[("families_closed", year, view)],
                **{category: shown[("outcome", category, view)] for category in OUTCOMES}}
    check.equal("outcome keys", [o.key for o in result.outcomes], list(outcomes))
    for outcome in result.outcomes:
        check.equal(f"outcome {outcome.key}", outcome.count.value, outcomes[outcome.key])

    reasons = [reason.value for reason in ClosureReason if reason.value in national.codes(year, "closure_reason", 0)]
    if world.protected[YEAR].true[("closure_reason", "unrecorded", view)]:
        reasons.append("unrecorded")
    check.equal("closure reason rows", [row.key for row in result.closure_reasons.rows], reasons)
    for row in result.closure_reasons.rows:
        check.equal(f"closure reason {row.key}", row.count.value, shown.get(("closure_reason", row.key, view)))
    check.equal("closure reasons total", result.closure_reasons.total.value, shown[("families_closed", year, view)])
    check.equal("age bands", [row.key for row in result.children.rows], BANDS)
    for row in result.children.rows:
        check.equal(f"children {row.key}", row.count.value, shown[("children", row.key, view)])
    check.equal("children total", result.children.total.value, shown[("children", "=", view)])

    _compare_fidelity(check, result, national, year)
    _compare_growth(check, result, national, published)

    assert not check.differences, f"{len(check.differences)} of {check.compared} cells differ:\n" + "\n".join(
        check.differences)
    # The dataset is meant to make disclosure control bite, and to leave most figures shown.
    assert check.hidden >= 5 and check.shown >= 40, (check.hidden, check.shown)


def test_the_published_sums_and_true_counts_equal_an_independent_count(app: Flask, world: World) -> None:
    """Before disclosure control, where rounding to 5 would hide a difference of one: every true
    count the national view protects, and the sums behind its means, as read from the published
    cells, equal ours."""
    with app.app_context():
        bind_context(db.session, reader="foundation")
        data = read_published(YEAR)
    check = Comparison()
    for year, mine in world.protected.items():
        theirs = protect_year(data, year).true
        for entry in sorted(set(theirs) | set(mine.true)):
            check.equal(f"true count {entry}", theirs.get(entry), mine.true.get(entry))
    national, year = world.national, str(YEAR)

    def scaled(value: Decimal) -> int:
        return int(value * SCORE_SCALE)

    for key, cell in data.cells.items():
        if key.period != year or key.track == ALL:
            continue
        if key.measure == Measure.DOMAIN_SCORE:
            expected = sum(map(scaled, national.items(year, "domain_score", key.track, key.domain, key.moment)))
            check.equal(f"sum {key}", cell.total, expected)
        elif key.measure == Measure.PAIRED_CHANGE:  # moment "t1": T0 → T1, else T0 → Tend
            name = "change_t1" if key.moment == "t1" else "change"
            differences = [scaled(d) for d in national.items(year, name, key.track, key.domain)]
            check.equal(f"sums {key}", (cell.total, cell.squares), (sum(differences), sum(d * d for d in differences)))
        elif key.measure == Measure.SATISFACTION:
            check.equal(f"sum {key}", cell.total, sum(national.items(year, "satisfaction", key.track)))
        elif key.measure == Measure.TRAINING_HOURS:
            hours = sum(national.items(year, "training", ""), Decimal(0))
            check.equal(f"sum {key}", cell.total, int(places(hours * HOURS_SCALE, Decimal(1))))
    assert not check.differences, f"{len(check.differences)} of {check.compared} differ:\n" + "\n".join(
        check.differences)
    assert check.compared > 300

def _published(counts: TenantCounts, year: int) -> bool:
    """The tenant has a non-empty cell in the year (the publishing job writes no empty cells)."""
    return any(items and (key[1] != "fidelity" or any(items)) for key, items in counts.lists.items()
               if key[0] == str(year))


def _compare_impact(check: Comparison, result: NationalFigures, national: National,
                    shown: dict[tuple[str, ...], int | None], year: str, view: str) -> None:
    found = set(national.codes(year, "domain_score", 0)) | set(national.codes(year, "change", 0))
    domains = [code for code in DOMAINS if code in found]
    moments = [moment for moment in ("t0", "t1", "tend") if moment in national.codes(year, "domain_score", 1)]
    check.equal("domains", [impact.code for impact in result.impact], domains)
    for impact in result.impact:
        d = impact.code
        check.equal(f"{d} moments", list(impact.means), moments)
        for moment, (count, mean) in impact.means.items():
            expected = shown[("domain_score", d, moment, view)]
            check.equal(f"{d} {moment} families", count.value, expected)
            grades = [score * GRADE for score in national.items(year, "domain_score", view, d, moment)]
            check.equal(f"{d} {moment} mean", mean, mean_shown(expected, grades, TENTH))
        for name, change, n_shown, n_name in (
                ("change", (impact.change_mean, impact.change_low, impact.change_high), impact.change_n, "change"),
                ("change_t1", (impact.change_t1.mean, impact.change_t1.low, impact.change_t1.high)
                 if impact.change_t1 else (None, None, None), impact.change_t1_n, "change_t1")):
            expected_n = shown[(name, d, "=", view)] if name == "change" else shown[(name, d, view)]
            check.equal(f"{d} {name} families", n_shown.value, expected_n)
            differences = national.items(year, n_name, view, d)
            mean = low = high = None
            if expected_n is not None and len(differences) >= 10:  # in grade points: × 2.5
                mean = statistics.mean(differences) * GRADE
                margin = (t_quantile(len(differences) - 1) * statistics.stdev(differences) * GRADE
                          / Decimal(len(differences)).sqrt())
                low, high = mean - margin, mean + margin
            for part, actual, expected in zip(("mean", "low", "high"), change, (mean, low, high), strict=True):
                check.close(f"{d} {name} {part}", actual, expected)
        for direction, count in impact.directions.items():
            check.equal(f"{d} {direction}", count.value, shown[("change", d, direction, view)])


def _compare_fidelity(check: Comparison, result: NationalFigures, national: National, year: str) -> None:
    """Each tenant's shares over ≥ 20 cases in whole percents (caseload: families per coordinator,
    a whole number, over ≥ 20 families) and the median of the shown ones."""
    expected: dict[str, dict[str, Decimal | None]] = {}
    for counts in national.tenants:
        cells = {key: counts.lists[(year, "fidelity", "", key)] for key in INDICATORS}
        if not any(n or total for n, total in cells.values()):
            continue
        expected[counts.rows.name] = {
            key: places(Decimal(total) / n, Decimal(1) if key == "caseload" else CENT)
            if n and (total if key == "caseload" else n) >= 20 else None
            for key, (n, total) in cells.items()}
    check.equal("fidelity tenants", [row.tenant_name for row in result.fidelity.rows], sorted(expected))
    for row in result.fidelity.rows:
        for key in INDICATORS:
            check.equal(f"fidelity {row.tenant_name} {key}", row.values[key],
                        expected.get(row.tenant_name, {}).get(key))
    for key in INDICATORS:
        values = [values[key] for values in expected.values() if values[key] is not None]
        check.equal(f"fidelity median {key}", result.fidelity.median[key],
                    places(statistics.median(values), Decimal(1) if key == "caseload" else CENT) if values else None)


def _compare_growth(check: Comparison, result: NationalFigures, national: National, years: list[int]) -> None:
    check.equal("growth years", [row.period for row in result.growth], [str(year) for year in years])
    for row in result.growth:
        year = Period.parse(row.period)
        families = Protection(national, year)
        families.by_track(("families_supported", year.key), year.key, "families", "supported")
        check.equal(f"growth {year} tenants", row.tenants, sum(_published(c, year.year) for c in national.tenants))
        check.equal(f"growth {year} municipalities", row.municipalities, len(set().union(
            *(c.lists.get((year.key, "municipalities", ""), []) for c in national.tenants))))
        check.equal(f"growth {year} families", row.families.value, protect_entries(
            families.true, families.lines, families.hide)[("families_supported", year.key, ALL)])
        check.equal(f"growth {year} volunteers", row.volunteers.value,
                    protect_count(national.n(year.key, "volunteers", "", "active")))
