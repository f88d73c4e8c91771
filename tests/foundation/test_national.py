"""The national figures against an independent computation from the published cells.

Every expected value here is computed in plain Python from the cells the tenants published
(tests/foundation/national_dataset.py): sums over tenants, then the disclosure rules written out
(1–9 hidden, others rounded to 5; a part from one or two tenants hidden; a mean over ≥ 10 families
whose count is shown) — the secondary suppression's choices are checked where the dataset forces
them. The paired changes' intervals come from the families' own differences via ``statistics``.
"""

from __future__ import annotations

import math
import statistics
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
import scipy.stats
from flask import Flask

from saas.clock import local_today
from saas.db import bind_context, db
from saas.foundation.measures import SCORE_SCALE, Measure
from saas.foundation.models import PublicationStatus, PublicationTrigger
from saas.foundation.national import NationalFigures, national_figures
from saas.foundation.release import release_date
from saas.tenancy.models import Tenant
from tenants.publishing.cells import Cell
from tests.factories.foundation import freeze_year, publish
from tests.factories.platform import create_tenant
from tests.foundation.national_dataset import BANDS, TenantData, tenant_data
from tests.support.queries import count_queries

YEAR = "2025"


class Published:
    """The published cells of every tenant, summed like a person would."""

    def __init__(self, datas: list[TenantData]) -> None:
        self.datas = datas

    def sum(self, period: str, measure: Measure, track: str | None = None, *, domain: str = "", moment: str = "",
            category: str = "", field: str = "n") -> int:
        return sum(getattr(cell, field) for data in self.datas for cell in self._cells(data, period, measure, track,
                                                                                       domain, moment, category))

    def tenants(self, period: str, measure: Measure, track: str | None = None, *, domain: str = "",
                moment: str = "", category: str = "") -> int:
        return sum(any(cell.n for cell in self._cells(data, period, measure, track, domain, moment, category))
                   for data in self.datas)

    @staticmethod
    def _cells(data: TenantData, period: str, measure: Measure, track: str | None, domain: str, moment: str,
               category: str) -> list[Cell]:
        return [cell for cell in data.cells if cell.period == period and cell.measure == measure
                and (track is None or cell.track == track) and cell.domain == domain and cell.moment == moment
                and cell.category == category]


def rounded(n: int) -> int:
    return 5 * math.floor(n / 5 + 0.5)


def expected(n: int, tenants: int = 3, *, part: bool = True) -> int | None:
    """A count after the primary rules: small counts and parts from one or two tenants hidden."""
    if 0 < n < 10 or (part and 0 < tenants < 3):
        return None
    return rounded(n)


@pytest.fixture
def published(app: Flask) -> Published:
    datas = [tenant_data(index) for index in range(4)]
    for index, data in enumerate(datas):
        tenant = create_tenant(app, f"national-{index}", name=f"Organisation {'ABCD'[index]}")
        publish(app, tenant, data.cells, started_at=datetime(2026, 1, 10 + index, tzinfo=UTC))
    return Published(datas)


def figures(app: Flask, year: int | None = 2025, track: str | None = None) -> NationalFigures:
    with app.app_context():
        bind_context(db.session, reader="foundation")
        return national_figures(year, track, "en")


@pytest.mark.parametrize("track", [None, "regular", "first_1000_days"])
def test_headlines_and_trend_equal_the_sums(app: Flask, published: Published, track: str | None) -> None:
    result = figures(app, 2025, track)
    assert result.year == 2025 and result.track == track and result.years == [2025, 2024] and result.tenants == 4
    part = track is not None
    headline = {h.key: h.count.value for h in result.headlines}
    families = {category: published.sum(YEAR, Measure.FAMILIES, track, category=category)
                for category in ("supported", "new", "closed")}
    assert headline["families_supported"] == rounded(families["supported"])
    assert headline["families_new"] == rounded(families["new"])
    assert headline["families_closed"] == rounded(families["closed"])
    assert headline["children"] == rounded(sum(published.sum(YEAR, Measure.CHILDREN, track, category=band)
                                               for band in BANDS))
    for category in ("active", "new", "stopped"):  # national: the same in every track's view
        assert headline[f"volunteers_{category}"] == rounded(published.sum(YEAR, Measure.VOLUNTEERS,
                                                                           category=category))
    hours = published.sum(YEAR, Measure.TRAINING_HOURS, field="total") / 100
    assert headline["training_hours"] == rounded(round(hours))

    assert [row.period for row in result.trend] == [f"{y}-Q{q}" for y in (2024, 2025) for q in range(1, 5)]
    small_quarter = "2025-Q3"  # 7 volunteers new: hidden, and with it the smallest other quarter of 2025
    others = {f"2025-Q{q}": published.sum(f"2025-Q{q}", Measure.VOLUNTEERS, category="new") for q in (1, 2, 4)}
    second = min(others, key=others.get)
    for row in result.trend:
        for key, category in (("families_supported", "supported"), ("families_new", "new"),
                              ("families_closed", "closed")):
            n = published.sum(row.period, Measure.FAMILIES, track, category=category)
            assert row.values[key].value == expected(n, published.tenants(row.period, Measure.FAMILIES, track,
                                                                          category=category), part=part)
        assert row.values["volunteers_active"].value == rounded(
            published.sum(row.period, Measure.VOLUNTEERS, category="active"))
        new = row.values["volunteers_new"].value
        if row.period in (small_quarter, second):
            assert new is None
        else:
            assert new == rounded(published.sum(row.period, Measure.VOLUNTEERS, category="new"))


@pytest.mark.parametrize("track", [None, "regular", "first_1000_days"])
def test_impact_means_and_changes(app: Flask, published: Published, track: str | None) -> None:
    result = figures(app, 2025, track)
    assert [domain.code for domain in result.impact] == ["d1", "d2"]
    for domain in result.impact:
        for moment, (count, mean) in domain.means.items():
            n = published.sum(YEAR, Measure.DOMAIN_SCORE, track, domain=domain.code, moment=moment)
            total = published.sum(YEAR, Measure.DOMAIN_SCORE, track, domain=domain.code, moment=moment,
                                  field="total")
            if (domain.code, moment) == ("d2", "t1"):  # 8 families (4 + 4 at two tenants, regular track)
                assert n == (0 if track == "first_1000_days" else 8)
                assert count.value == (0 if n == 0 else None) and mean is None
                continue
            assert count.value == rounded(n)
            assert mean == (Decimal(total) / n / SCORE_SCALE * Decimal("2.5")).quantize(Decimal("0.1"), ROUND_HALF_UP)
        differences = [d for data in published.datas for (t, code), values in data.differences.items()
                       if code == domain.code and (track is None or t == track) for d in values]
        n = len(differences)
        assert domain.change_n.value == rounded(n)
        mean = statistics.mean(differences) / SCORE_SCALE * 2.5  # in grade points
        margin = _t_975(n - 1) * statistics.stdev(differences) / SCORE_SCALE / math.sqrt(n) * 2.5
        assert float(domain.change_mean) == pytest.approx(mean, abs=0.005)
        assert float(domain.change_low) == pytest.approx(mean - margin, abs=0.005)
        assert float(domain.change_high) == pytest.approx(mean + margin, abs=0.005)
        directions = {"improved": sum(d >= 2500 for d in differences), "worse": sum(d <= -2500 for d in differences)}
        directions["stable"] = n - directions["improved"] - directions["worse"]
        assert {key: count.value for key, count in domain.directions.items()} == {
            key: rounded(value) for key, value in directions.items()}
    grades = [g for data in published.datas for t, values in data.grades.items()
              if track is None or t == track for g in values]
    assert result.satisfaction == Decimal(sum(grades) / len(grades)).quantize(Decimal("0.1"))


def _t_975(df: int) -> float:
    """Student's t(0.975) straight from scipy (not through saas.foundation.inference)."""
    return float(scipy.stats.t.ppf(0.975, df))


@pytest.mark.parametrize("track", [None, "regular", "first_1000_days"])
def test_outcomes_and_breakdowns(app: Flask, published: Published, track: str | None) -> None:
    result = figures(app, 2025, track)
    closed = published.sum(YEAR, Measure.FAMILIES, track, category="closed")
    outcomes = {o.key: o.count.value for o in result.outcomes}
    assert outcomes["closed"] == rounded(closed) == rounded(published.sum(YEAR, Measure.OUTCOME, track,
                                                                          category="closed"))
    for category in ("with_care", "care_stopped", "care_reduced", "would_otherwise_be_referred",
                     "prevented_referral_confirmed"):
        assert outcomes[category] == rounded(published.sum(YEAR, Measure.OUTCOME, track, category=category))

    reasons = {row.key: row.count.value for row in result.closure_reasons.rows}
    assert result.closure_reasons.total.value == rounded(closed)
    assert reasons["goals_reached"] == rounded(published.sum(YEAR, Measure.CLOSURE_REASON, track,
                                                             category="goals_reached"))
    if track == "first_1000_days":  # nobody moved in this track: nothing to hide
        assert reasons["moved"] == 0
        assert reasons["stopped_early"] == rounded(published.sum(YEAR, Measure.CLOSURE_REASON, track,
                                                                 category="stopped_early"))
    else:  # "moved" is one tenant's figure: hidden, and the smaller other reason with it
        assert reasons["moved"] is None and reasons["stopped_early"] is None

    children = {row.key: row.count.value for row in result.children.rows}
    assert list(children) == list(BANDS)
    assert result.children.total.value == rounded(sum(published.sum(YEAR, Measure.CHILDREN, track, category=band)
                                                      for band in BANDS))
    if track != "first_1000_days":
        assert children["18-23"] is None  # two tenants only
    hidden = [band for band, value in children.items() if value is None]
    assert len(hidden) != 1
    for band, value in children.items():
        n = published.sum(YEAR, Measure.CHILDREN, track, category=band)
        assert value is None or value == rounded(n)


def test_fidelity_per_tenant_and_the_median(app: Flask, published: Published) -> None:
    fidelity = figures(app).fidelity
    assert [key for key, _label in fidelity.indicators] == ["t0_done", "home_visit_intake",
                                                            "trained_before_first_match", "valid_vog", "caseload"]
    assert [row.tenant_name for row in fidelity.rows] == ["Organisation A", "Organisation B", "Organisation C",
                                                          "Organisation D"]
    shown: dict[str, list[Decimal]] = {}
    for data, row in zip(published.datas, fidelity.rows, strict=True):
        for key in row.values:
            cell = next(cell for cell in data.cells if cell.measure == Measure.FIDELITY and cell.category == key)
            over = cell.total if key == "caseload" else cell.n  # caseload: families per coordinator
            unit = Decimal(1) if key == "caseload" else Decimal("0.01")  # whole numbers, whole percents
            value = (Decimal(cell.total) / cell.n).quantize(unit, ROUND_HALF_UP) if over >= 20 else None
            assert row.values[key] == value, (row.tenant_name, key)
            if value is not None:
                shown.setdefault(key, []).append(value)
    assert fidelity.rows[0].values["valid_vog"] is None  # 9 volunteers
    assert shown, "the dataset shows some indicators"
    for key, values in shown.items():
        unit = Decimal(1) if key == "caseload" else Decimal("0.01")
        assert fidelity.median[key] == Decimal(statistics.median(values)).quantize(unit, ROUND_HALF_UP)


def test_growth_and_publications(app: Flask, published: Published) -> None:
    result = figures(app)
    assert [row.period for row in result.growth] == ["2024", "2025"]
    for row in result.growth:
        assert row.tenants == 4
        assert row.municipalities == 4  # each counted once, however many tenants work there
        assert row.families.value == rounded(published.sum(row.period, Measure.FAMILIES, category="supported"))
        assert row.volunteers.value == rounded(published.sum(row.period, Measure.VOLUNTEERS, category="active"))
    headline = {h.key: h.count.value for h in result.headlines}
    assert result.growth[-1].families.value == headline["families_supported"]
    assert [(row.tenant_name, row.finished_at.day, row.status, row.failed) for row in result.publications] == [
        (f"Organisation {letter}", 10 + index, "Published", False) for index, letter in enumerate("ABCD")]


def test_the_last_publication_may_have_failed_and_a_tenant_may_never_have_published(
        app: Flask, published: Published) -> None:
    with app.app_context():
        tenant = db.session.scalar(db.select(Tenant).where(Tenant.slug == "national-1"))
    publish(app, tenant, [], status=PublicationStatus.FAILED, trigger=PublicationTrigger.NIGHTLY,
            started_at=datetime(2026, 2, 1, tzinfo=UTC), error="boom")
    create_tenant(app, "newcomer", name="Organisation E")
    rows = {row.tenant_name: row for row in figures(app).publications}
    assert rows["Organisation B"].failed and rows["Organisation B"].trigger == "Nightly"
    assert rows["Organisation E"].finished_at is None and rows["Organisation E"].status is None
    assert not rows["Organisation A"].failed


def test_a_part_from_fewer_than_three_tenants_is_shown_only_in_the_national_total(app: Flask) -> None:
    tenants = [create_tenant(app, f"few-{index}") for index in range(3)]
    for index, tenant in enumerate(tenants):  # only tenant 0 works in the first-1000-days track
        cells = [Cell("2025", Measure.FAMILIES, 40, track="regular", category="supported")]
        if index == 0:
            cells.append(Cell("2025", Measure.FAMILIES, 25, track="first_1000_days", category="supported"))
        publish(app, tenant, cells)
    all_tracks = {h.key: h.count.value for h in figures(app, 2025, None).headlines}
    assert all_tracks["families_supported"] == 145
    for track in ("first_1000_days", "regular"):  # the other part would give the small one away
        assert {h.key: h.count.value for h in figures(app, 2025, track).headlines}["families_supported"] is None


def test_unknown_year_and_track_fall_back(app: Flask, published: Published) -> None:
    result = figures(app, 1999, "no-such-track")
    assert result.year == 2025 and result.track is None
    assert figures(app, None, None).year == 2025
    assert figures(app, 2024, "regular").year == 2024


def test_without_any_released_year_nothing_is_shown_but_the_next_release(app: Flask) -> None:
    result = figures(app, None, None)
    with app.app_context():
        today = local_today()  # in Amsterdam: on 31 December at 23:30 UTC it is already next year
    assert result.years == [] and result.tenants == 0 and result.released_on is None
    last_year = today.year - 1
    expected = last_year if today < release_date(last_year) else today.year
    assert (result.upcoming.year, result.upcoming.on) == (expected, release_date(expected))
    assert result.upcoming.ended == (expected == last_year)
    assert all(h.count.value == 0 for h in result.headlines)
    assert result.growth == [] and result.impact == [] and result.satisfaction is None


def test_a_frozen_year_shows_when_it_was_frozen(app: Flask, published: Published) -> None:
    frozen_at = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    freeze_year(app, 2024, frozen_at=frozen_at, tenants=4, cells=400)
    assert figures(app, 2024).frozen_at.replace(tzinfo=UTC) == frozen_at
    assert figures(app, 2024).released_on == release_date(2024)  # frozen after its release date
    assert figures(app, 2025).frozen_at is None


def test_a_fixed_number_of_statements(app: Flask) -> None:
    def count() -> int:
        with app.app_context():
            bind_context(db.session, reader="foundation")
            db.session.execute(db.select(1))  # the transaction (and PostgreSQL's settings) begin outside the count
            with count_queries(app) as statements:
                national_figures(2025, "regular", "en")
        return len(statements)

    for index in range(3):
        publish(app, create_tenant(app, f"count-{index}"), tenant_data(index).cells)
    with_three = count()
    for index in range(3, 30):
        publish(app, create_tenant(app, f"count-{index}"), tenant_data(index % 4).cells)
    assert count() == with_three
    # published_years, cells, fidelity, snapshot, last publications — and the domain names, when a
    # label provider that looks them up is registered (the publishing package's is).
    assert with_three <= 6
