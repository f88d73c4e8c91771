"""The differencing test: no two views of the national dashboard, taken together, reveal a small cell.

Over random published datasets (small counts on purpose, tenants with and without each track), the
test opens every view the dashboard offers — each year × each track choice, all tracks included —
and collects every count shown anywhere under the name of the quantity it counts ("families new in
2025-Q3, track a"). Then, with the true values summed independently from the tenants' cells:

* a quantity shown in several places (a headline and a trend row, a year's own view and the next
  year's trend, the growth table, …) is shown the same everywhere — so nothing hidden in one view is
  shown in another (no shown figure equals a hidden small count elsewhere);
* for every relation "total = sum of parts" between quantities (tracks of all tracks, quarters of a
  year for the flows, closure reasons of the closed families, age bands of the children, change
  directions of the paired changes, the nested outcomes of the closed families): the entries hidden
  are never exactly one, and where the total is shown the hidden parts together never hold 1–9 (so
  "total minus the shown parts" never tells a small count, whatever the rounding). The outcomes nest
  (care stopped or reduced ⊆ with care ⊆ closed; otherwise referred ⊆ closed and, independently,
  referral prevented ⊆ closed), so each such line has a part no view displays — what is left of its
  total (:data:`REMAINDERS`): it counts as hidden, and only the sum rule applies to its line;
* every shown count is 0 or ≥ 10 and a multiple of 5, and a track's part is built from at least
  three tenants; every shown mean is over ≥ 10 families, with its count shown.

The views are built by saas.foundation.national.build_national_figures from data aggregated here
like saas.foundation.published's SQL does (the test at the end checks that against the database),
so hypothesis can try many datasets in seconds.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saas.db import bind_context, db
from saas.foundation.measures import AGE_BAND_CATEGORIES, CHANGE_DIRECTIONS, OUTCOME_CATEGORIES, Measure
from saas.foundation.national import NationalFigures, build_national_figures, national_figures
from saas.foundation.published import CellKey, CellSum, PublishedData
from tenants.publishing.cells import Cell
from tests.factories.foundation import publish
from tests.factories.platform import create_tenant

YEARS = (2023, 2024, 2025)
TRACKS = ("a", "b", "c")
REASONS = ("done", "moved", "referred")
ALL = "*"
TOTAL = "="
TODAY = date(2026, 6, 1)
GROWTH = {Measure.FAMILIES.value, Measure.VOLUNTEERS.value, Measure.MUNICIPALITIES.value}
#: The outcomes' remainders: never displayed, but "total − its displayed parts" is what a reader can
#: compute (tenants/impact/dashboard/reach.py outcomes(): stopped and reduced are two values of the care
#: at the end of the families with care; both referral questions are asked of every closed family).
REMAINDERS = {"care_other": ("with_care", ("care_stopped", "care_reduced")),
              "without_care": ("closed", ("with_care",)),
              "not_would_otherwise_be_referred": ("closed", ("would_otherwise_be_referred",)),
              "not_prevented_referral_confirmed": ("closed", ("prevented_referral_confirmed",)),
              "expected_not_prevented": ("would_otherwise_be_referred", ("prevented_as_expected",)),
              "prevented_unexpectedly": ("prevented_referral_confirmed", ("prevented_as_expected",)),
              "closed_not_measured": ("closed", ("measured_t0_and_tend",))}
#: Numerators of headline shares that add outcomes up: never displayed as a count, but a shown
#: share tells them (nearly) exactly, so they count as shown wherever their share is.
GROUPS = {"care_stopped_or_reduced": ("care_stopped", "care_reduced")}
#: Each headline share: (its numerator, its whole), as quantities of a year and track.
SHARES = {"care_stopped_or_reduced": ("care_stopped_or_reduced", "with_care"),
          "referral_prevented": ("prevented_as_expected", "would_otherwise_be_referred"),
          "response": ("measured_t0_and_tend", "closed")}

Quantity = tuple[str, ...]
Tenant = list[Cell]


# A random dataset ------------------------------------------------------------------------------


def random_tenants(seed: int, tenants: int, high: int) -> list[Tenant]:
    """Cells of ``tenants`` tenants, counts mostly small (up to ``high``) so every rule gets used."""
    rng = random.Random(seed)
    result = []
    for _index in range(tenants):
        cells: Tenant = []
        tracks = rng.sample(TRACKS, rng.randint(1, len(TRACKS)))
        for year in rng.sample(YEARS, rng.randint(1, len(YEARS))):
            for track in tracks:
                _track_year(cells, rng, year, track, high)
            _volunteers(cells, rng, year, high)
        result.append(cells)
    return result


def _count(rng: random.Random, high: int) -> int:
    return 0 if rng.random() < 0.25 else rng.randint(1, high)


def _track_year(cells: Tenant, rng: random.Random, year: int, track: str, high: int) -> None:
    add = cells.append
    flows = {"new": 0, "closed": 0}
    for quarter in range(1, 5):
        period = f"{year}-Q{quarter}"
        add(Cell(period, Measure.FAMILIES, _count(rng, 3 * high), track=track, category="supported"))
        for category in flows:
            n = _count(rng, high)
            flows[category] += n
            add(Cell(period, Measure.FAMILIES, n, track=track, category=category))
    add(Cell(str(year), Measure.FAMILIES, _count(rng, 4 * high), track=track, category="supported"))
    for category, n in flows.items():
        add(Cell(str(year), Measure.FAMILIES, n, track=track, category=category))
    left = flows["closed"]  # the reasons partition the closed families
    for reason in REASONS:
        n = left if reason == REASONS[-1] else rng.randint(0, left)
        left -= n
        add(Cell(str(year), Measure.CLOSURE_REASON, n, track=track, category=reason))
    for band in AGE_BAND_CATEGORIES:
        add(Cell(str(year), Measure.CHILDREN, _count(rng, high), track=track, category=band))
    for category, n in _outcomes(rng, flows["closed"]).items():
        add(Cell(str(year), Measure.OUTCOME, n, track=track, category=category))
    for moment in ("t0", "tend"):
        n = _count(rng, high)
        add(Cell(str(year), Measure.DOMAIN_SCORE, n, total=n * rng.randint(10_000, 40_000), track=track,
                 domain="d1", moment=moment))
    differences = [rng.randint(-10_000, 15_000) for _ in range(_count(rng, high))]
    add(Cell(str(year), Measure.PAIRED_CHANGE, len(differences), total=sum(differences),
             squares=sum(d * d for d in differences), track=track, domain="d1"))
    directions = {"improved": sum(d >= 2500 for d in differences), "worse": sum(d <= -2500 for d in differences)}
    directions["stable"] = len(differences) - directions["improved"] - directions["worse"]
    for direction, n in directions.items():
        add(Cell(str(year), Measure.CHANGE_DIRECTION, n, track=track, domain="d1", category=direction))
    graded = _count(rng, high)
    add(Cell(str(year), Measure.SATISFACTION, graded, total=7 * graded, track=track))


def _outcomes(rng: random.Random, closed: int) -> dict[str, int]:
    """Outcomes nested as the publisher's are (see REMAINDERS), remainders from 0 to all."""
    with_care = rng.randint(0, closed)
    stopped = rng.randint(0, with_care)
    outcomes = {"closed": closed, "with_care": with_care, "care_stopped": stopped,
                "care_reduced": rng.randint(0, with_care - stopped),
                "would_otherwise_be_referred": rng.randint(0, closed),
                "prevented_referral_confirmed": rng.randint(0, closed)}
    outcomes["prevented_as_expected"] = rng.randint(0, min(outcomes["would_otherwise_be_referred"],
                                                           outcomes["prevented_referral_confirmed"]))
    outcomes["measured_t0_and_tend"] = rng.randint(0, closed)
    assert list(outcomes) == list(OUTCOME_CATEGORIES)
    return outcomes


def _volunteers(cells: Tenant, rng: random.Random, year: int, high: int) -> None:
    flows = {"new": 0, "stopped": 0}
    for quarter in range(1, 5):
        period = f"{year}-Q{quarter}"
        cells.append(Cell(period, Measure.VOLUNTEERS, _count(rng, 2 * high), category="active"))
        for category in flows:
            n = _count(rng, high)
            flows[category] += n
            cells.append(Cell(period, Measure.VOLUNTEERS, n, category=category))
    cells.append(Cell(str(year), Measure.VOLUNTEERS, _count(rng, 3 * high), category="active"))
    for category, n in flows.items():
        cells.append(Cell(str(year), Measure.VOLUNTEERS, n, category=category))
    cells.extend(Cell(str(year), Measure.MUNICIPALITIES, 1, category=f"M{number}")
                 for number in range(rng.randint(1, 3)))
    hours = _count(rng, high)
    cells.append(Cell(str(year), Measure.TRAINING_HOURS, hours, total=hours * 250))


# What the database would return ------------------------------------------------------------------


def aggregate(tenants: list[Tenant], year: int) -> PublishedData:
    """The cells read for the view of ``year``, summed over tenants per track and over all tracks."""
    periods = {f"{y}{suffix}" for y in (year, year - 1) for suffix in ("", "-Q1", "-Q2", "-Q3", "-Q4")}
    sums: dict[CellKey, list[int]] = defaultdict(lambda: [0, 0, 0])
    contributors: dict[CellKey, set[int]] = defaultdict(set)
    for index, cells in enumerate(tenants):
        for cell in cells:
            wanted = (cell.period in periods and cell.measure != Measure.FIDELITY) or (
                cell.measure in GROWTH and "-Q" not in cell.period)
            if not wanted:
                continue
            for track in (cell.track, ALL):
                key = CellKey(cell.period, str(cell.measure), track, cell.domain, cell.moment, cell.category)
                for position, value in enumerate((cell.n, cell.total, cell.squares)):
                    sums[key][position] += value
                if cell.n:
                    contributors[key].add(index)
    return PublishedData(cells={key: CellSum(*values, len(contributors[key])) for key, values in sums.items()})


def published_years(tenants: list[Tenant]) -> dict[int, int]:
    return {year: count for year in YEARS
            if (count := sum(any(cell.period == str(year) for cell in cells) for cells in tenants))}


def every_view(tenants: list[Tenant]) -> list[NationalFigures]:
    years = published_years(tenants)
    views = []
    for year in years:
        data = aggregate(tenants, year)
        all_tracks = build_national_figures(data, years, year, None, "en", today=TODAY)
        views.append(all_tracks)
        views += [build_national_figures(data, years, year, code, "en", today=TODAY) for code, _ in all_tracks.tracks]
    return views


# What the views show -------------------------------------------------------------------------------


def shown_quantities(view: NationalFigures) -> Iterable[tuple[Quantity, int | None]]:
    """Every count the view shows, named by the quantity it counts."""
    year, track = str(view.year), view.track or ALL
    headline_quantities = {"families_supported": ("families_supported", year, track),
                           "families_new": ("families_new", year, track),
                           "families_closed": ("families_closed", year, track),
                           "children": ("children", year, TOTAL, track),
                           "volunteers_active": ("volunteers_active", year),
                           "volunteers_new": ("volunteers_new", year),
                           "volunteers_stopped": ("volunteers_stopped", year)}
    for headline in view.headlines:
        if headline.key in headline_quantities:
            yield headline_quantities[headline.key], headline.count.value
    for row in view.trend:
        for key, count in row.values.items():
            yield ((key, row.period) if key.startswith("volunteers") else (key, row.period, track)), count.value
    for outcome in view.outcomes:
        name = ("families_closed", year, track) if outcome.key == "closed" else ("outcome", year, outcome.key, track)
        yield name, outcome.count.value
    yield ("families_closed", year, track), view.closure_reasons.total.value
    for row in view.closure_reasons.rows:
        yield ("reason", year, row.key, track), row.count.value
    yield ("children", year, TOTAL, track), view.children.total.value
    for row in view.children.rows:
        yield ("children", year, row.key, track), row.count.value
    for domain in view.impact:
        for moment, (count, _mean) in domain.means.items():
            yield ("score_n", year, domain.code, moment, track), count.value
        yield ("change", year, domain.code, TOTAL, track), domain.change_n.value
        for direction, count in domain.directions.items():
            yield ("change", year, domain.code, direction, track), count.value
    for row in view.growth:
        yield ("families_supported", row.period, ALL), row.families.value
        yield ("volunteers_active", row.period), row.volunteers.value


class Truth:
    """The true value of each quantity, summed from the tenants' cells."""

    def __init__(self, tenants: list[Tenant]) -> None:
        self.n: dict[tuple[str, str, str, str, str, str], int] = defaultdict(int)
        self.contributors: dict[tuple[str, str, str, str, str, str], set[int]] = defaultdict(set)
        for index, cells in enumerate(tenants):
            for cell in cells:
                for track in {cell.track, ALL}:
                    key = (cell.period, str(cell.measure), track, cell.domain, cell.moment, cell.category)
                    self.n[key] += cell.n
                    if cell.n:
                        self.contributors[key].add(index)
        #: year → the tracks with cells in it (a track without any has only zeros that year)
        self.tracks: dict[str, list[str]] = defaultdict(list)
        for year, track in sorted({(cell.period[:4], cell.track) for cells in tenants for cell in cells}):
            if track:
                self.tracks[year].append(track)

    def __call__(self, quantity: Quantity) -> int:
        if quantity[0] == "outcome" and quantity[2] in GROUPS:
            _name, year, group, track = quantity
            return sum(self(outcome(year, part, track)) for part in GROUPS[group])
        if is_remainder(quantity):
            _name, year, rest, track = quantity
            total, parts = REMAINDERS[rest]
            return self(outcome(year, total, track)) - sum(self(outcome(year, part, track)) for part in parts)
        return sum(self.n[key] for key in self._cells(quantity))

    def tenants(self, quantity: Quantity) -> int:
        """How many tenants a quantity is built from."""
        return len(set().union(*(self.contributors[key] for key in self._cells(quantity))))

    def _cells(self, quantity: Quantity) -> list[tuple[str, str, str, str, str, str]]:
        name, period, *rest = quantity
        track = rest[-1] if rest else ALL
        cell = {"families_supported": (Measure.FAMILIES, "", "", "supported"),
                "families_new": (Measure.FAMILIES, "", "", "new"),
                "families_closed": (Measure.FAMILIES, "", "", "closed"),
                "volunteers_active": (Measure.VOLUNTEERS, "", "", "active"),
                "volunteers_new": (Measure.VOLUNTEERS, "", "", "new"),
                "volunteers_stopped": (Measure.VOLUNTEERS, "", "", "stopped")}.get(name)
        if cell is None:
            if name == "children" and rest[0] == TOTAL:
                return [key for band in AGE_BAND_CATEGORIES for key in self._cells(("children", period, band, track))]
            measure, domain, moment, category = {
                "outcome": lambda: (Measure.OUTCOME, "", "", rest[0]),
                "reason": lambda: (Measure.CLOSURE_REASON, "", "", rest[0]),
                "children": lambda: (Measure.CHILDREN, "", "", rest[0]),
                "score_n": lambda: (Measure.DOMAIN_SCORE, rest[0], rest[1], ""),
                "change": lambda: ((Measure.PAIRED_CHANGE, rest[0], "", "") if rest[1] == TOTAL
                                   else (Measure.CHANGE_DIRECTION, rest[0], "", rest[1])),
            }[name]()
        else:
            measure, domain, moment, category = cell
        if measure == Measure.VOLUNTEERS:
            track = ALL
        return [(period, measure.value, track, domain, moment, category)]


def outcome(year: str, category: str, track: str) -> Quantity:
    """The quantity of an outcome (or remainder): the closed families are families_closed."""
    return ("families_closed", year, track) if category == "closed" else ("outcome", year, category, track)


def is_group(quantity: Quantity) -> bool:
    return quantity[0] == "outcome" and quantity[2] in GROUPS


def is_remainder(quantity: Quantity) -> bool:
    return quantity[0] == "outcome" and quantity[2] in REMAINDERS


def relations(truth: Truth, years: Iterable[int]) -> Iterable[tuple[Quantity, list[Quantity]]]:
    """Every "total = sum of parts" between quantities the dashboard shows."""
    for year in map(str, years):
        tracks = truth.tracks[year]
        periods = [year, *(f"{year}-Q{q}" for q in range(1, 5))]
        by_track: list[Quantity] = [("outcome", year, c) for c in OUTCOME_CATEGORIES if c != "closed"]
        by_track += [("reason", year, r) for r in REASONS] + [("children", year, b) for b in (*AGE_BAND_CATEGORIES,
                                                                                               TOTAL)]
        by_track += [("change", year, "d1", d) for d in (*CHANGE_DIRECTIONS, TOTAL)]
        by_track += [("score_n", year, "d1", m) for m in ("t0", "tend")]
        by_track += [(name, period) for name in ("families_supported", "families_new", "families_closed")
                     for period in periods]
        for quantity in by_track:  # tracks are parts of all tracks
            yield (*quantity, ALL), [(*quantity, track) for track in tracks]
        for track in (*tracks, ALL):
            for flow in ("families_new", "families_closed"):  # quarters are parts of the year
                yield (flow, year, track), [(flow, period, track) for period in periods[1:]]
            yield ("families_closed", year, track), [("reason", year, r, track) for r in REASONS]
            yield ("children", year, TOTAL, track), [("children", year, b, track) for b in AGE_BAND_CATEGORIES]
            yield ("change", year, "d1", TOTAL, track), [("change", year, "d1", d, track) for d in CHANGE_DIRECTIONS]
            for rest, (total, parts) in REMAINDERS.items():  # the nested outcomes
                yield outcome(year, total, track), [outcome(year, part, track) for part in (*parts, rest)]
            for group, parts in GROUPS.items():  # a share's numerator: its parts, and the rest of its whole
                yield outcome(year, group, track), [outcome(year, part, track) for part in parts]
                yield outcome(year, "with_care", track), [outcome(year, group, track),
                                                          outcome(year, "care_other", track)]
        for flow in ("volunteers_new", "volunteers_stopped"):
            yield (flow, year), [(flow, period) for period in periods[1:]]


# The test ------------------------------------------------------------------------------------------


def assert_no_view_reveals_a_small_count(tenants: list[Tenant]) -> None:
    truth = Truth(tenants)
    shown: dict[Quantity, int | None] = {}
    for view in every_view(tenants):
        for quantity, value in shown_quantities(view):
            assert not is_remainder(quantity), quantity
            assert shown.setdefault(quantity, value) == value, (quantity, value, shown[quantity])
            assert value is None or (value % 5 == 0 and (value == 0 or value >= 10)), (quantity, value)
            if value is not None:  # a shown count is the true one, rounded
                assert abs(value - truth(quantity)) <= 2, (quantity, value, truth(quantity))
            if value and quantity[-1] not in (ALL, quantity[1]):  # a track's part: from enough tenants
                assert truth.tenants(quantity) >= 3, (quantity, value)
        _assert_means_over_enough_families(view, truth)
        for told in _shares_shown(view, truth):  # a shown share tells its numerator and its whole
            shown.setdefault(told, truth(told))
    for total, parts in relations(truth, published_years(tenants)):
        hidden = [part for part in parts if shown.get(part) is None]  # a remainder among them: never shown
        total_hidden = shown.get(total) is None
        # With a remainder, one hidden part is two unknowns; a share's numerator no view displays
        # unless its share is shown (then it is in ``shown``) is a sum, not a secret of its own.
        if not any(map(is_remainder, parts)) and not (total_hidden and is_group(total)):
            assert len(hidden) + total_hidden != 1, (total, parts, [shown.get(p) for p in parts], shown.get(total))
        if not total_hidden:
            assert not 0 < sum(truth(part) for part in hidden) < 10, (total, hidden)


def _shares_shown(view: NationalFigures, truth: Truth) -> Iterable[Quantity]:
    """The numerator and whole of every share the view shows, after checking the share's rules:
    over at least 20 families, and never where its whole is hidden."""
    year, track = str(view.year), view.track or ALL
    shares = [(share.key, share.value, SHARES[share.key]) for share in view.shares]
    shares += [(f"improved {domain.code}", domain.improved_share, None) for domain in view.impact]
    for key, value, named in shares:
        if value is None:
            continue
        if named is None:  # improved of a domain's paired families
            code = key.split(" ", 1)[1]
            part, whole = ("change", year, code, "improved", track), ("change", year, code, TOTAL, track)
        else:
            part, whole = outcome(year, named[0], track), outcome(year, named[1], track)
        assert truth(whole) >= 20, (key, truth(whole))
        assert value == (Decimal(truth(part)) / truth(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP), key
        yield part
        yield whole


def _assert_means_over_enough_families(view: NationalFigures, truth: Truth) -> None:
    year, track = str(view.year), view.track or ALL
    for domain in view.impact:
        for moment, (count, mean) in domain.means.items():
            if mean is not None:
                assert count.value is not None and truth(("score_n", year, domain.code, moment, track)) >= 10
        if domain.change_mean is not None:
            assert domain.change_n.value is not None
            assert truth(("change", year, domain.code, TOTAL, track)) >= 10
    if view.satisfaction is not None:
        graded = truth.n[(year, Measure.SATISFACTION.value, track, "", "", "")]
        assert graded >= 10


_HEALTH = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=_HEALTH)
@given(seed=st.integers(0, 2**32), tenants=st.integers(1, 5), high=st.sampled_from([6, 12, 25]))
def test_no_pair_of_views_reveals_a_small_count(app: Flask, seed: int, tenants: int, high: int) -> None:
    with app.app_context():  # labels are translated
        assert_no_view_reveals_a_small_count(random_tenants(seed, tenants, high))


@settings(max_examples=10, deadline=None, database=None, suppress_health_check=_HEALTH)
@given(seed=st.integers(0, 2**32))
def test_many_tenants_with_large_counts(app: Flask, seed: int) -> None:
    with app.app_context():
        assert_no_view_reveals_a_small_count(random_tenants(seed, 8, 40))


def test_the_views_from_the_database_are_the_views_tested(app: Flask) -> None:
    """The aggregation above is what saas.foundation.published reads: the same views either way."""
    tenants = random_tenants(7, 4, 12)
    for index, cells in enumerate(tenants):
        publish(app, create_tenant(app, f"differencing-{index}"), cells, started_at=datetime(2026, 1, 1, tzinfo=UTC))
    years = published_years(tenants)
    with app.app_context():
        bind_context(db.session, reader="foundation")
        for year in years:
            expected = build_national_figures(aggregate(tenants, year), years, year, None, "en")
            for track in (None, *(code for code, _label in expected.tracks)):
                from_database = national_figures(year, track, "en")
                from_memory = build_national_figures(aggregate(tenants, year), years, year, track, "en")
                for field in ("year", "track", "years", "tracks", "tenants", "headlines", "trend", "impact",
                              "satisfaction", "outcomes", "closure_reasons", "children", "growth"):
                    assert getattr(from_database, field) == getattr(from_memory, field), (year, track, field)
