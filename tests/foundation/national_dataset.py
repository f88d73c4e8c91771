"""A published dataset for the national figures' tests: per tenant and track the cells the
publishing job writes, built from made-up families' numbers so a test can recompute every national
figure in plain Python (no saas.foundation code) and compare.

Shapes the dataset has on purpose (years 2024 and 2025, tracks "regular" and "first_1000_days"):

* tenant 3 works only in the regular track (so first_1000_days is built from three tenants);
* closure reason "moved" only at tenant 0 (one tenant: hidden wherever it is a part);
* children aged 18–23 only at tenants 0 and 1 (two tenants: hidden likewise);
* 7 volunteers new in 2025-Q3 nationally (a small count among the quarters of a flow);
* domain "d2" measured at T1 for 8 families only (count hidden, mean not shown).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from saas.foundation.measures import Measure
from tenants.publishing.cells import Cell

TRACKS = ("first_1000_days", "regular")
YEARS = (2024, 2025)
DOMAINS = ("d1", "d2")
REASONS = ("goals_reached", "moved", "stopped_early")
BANDS = ("0-3", "4-11", "12-17", "18-23", "other")
FIDELITY = {"t0_done": (40, 31), "home_visit_intake": (40, 36), "trained_before_first_match": (12, 11),
            "valid_vog": (9, 9), "caseload": (3, 45)}


@dataclass
class TenantData:
    """What one tenant published, and the families' differences behind its paired changes."""

    index: int
    cells: list[Cell] = field(default_factory=list)
    #: (track, domain) → each family's Tend − T0 in units of 1/SCORE_SCALE (for an independent CI)
    differences: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    grades: dict[str, list[int]] = field(default_factory=dict)


def tenant_data(index: int) -> TenantData:
    rng = random.Random(1000 + index)
    data = TenantData(index)
    add = data.cells.append
    tracks = ("regular",) if index == 3 else TRACKS
    for year in YEARS:
        quarters = [f"{year}-Q{q}" for q in range(1, 5)]
        for track in tracks:
            closed_year = 0
            for period in quarters:
                add(Cell(period, Measure.FAMILIES, rng.randint(30, 60), track=track, category="supported"))
                add(Cell(period, Measure.FAMILIES, rng.randint(10, 20), track=track, category="new"))
                closed = rng.randint(10, 20)
                closed_year += closed
                add(Cell(period, Measure.FAMILIES, closed, track=track, category="closed"))
            add(Cell(str(year), Measure.FAMILIES, rng.randint(80, 120), track=track, category="supported"))
            for category in ("new", "closed"):
                quarter_sum = sum(c.n for c in data.cells if c.period in quarters and c.track == track
                                  and c.measure == Measure.FAMILIES and c.category == category)
                add(Cell(str(year), Measure.FAMILIES, quarter_sum, track=track, category=category))
            moved = 12 if index == 0 and track == "regular" else 0
            stopped = rng.randint(10, 15)
            reasons = {"goals_reached": closed_year - moved - stopped, "moved": moved, "stopped_early": stopped}
            for reason, n in reasons.items():
                if n:
                    add(Cell(str(year), Measure.CLOSURE_REASON, n, track=track, category=reason))
            for band in BANDS:
                n = (15 if index < 2 and track == "regular" else 0) if band == "18-23" else rng.randint(10, 30)
                if n:
                    add(Cell(str(year), Measure.CHILDREN, n, track=track, category=band))
            _outcomes(add, rng, year, track, closed_year)
            if year == 2025:
                _impact(data, rng, track)
        for period in quarters:
            add(Cell(period, Measure.VOLUNTEERS, rng.randint(20, 40), category="active"))
            new = (3, 2, 2, 0)[index] if period == "2025-Q3" else rng.randint(10, 20)
            add(Cell(period, Measure.VOLUNTEERS, new, category="new"))
            add(Cell(period, Measure.VOLUNTEERS, rng.randint(10, 20), category="stopped"))
        add(Cell(str(year), Measure.VOLUNTEERS, rng.randint(40, 60), category="active"))
        for category in ("new", "stopped"):
            add(Cell(str(year), Measure.VOLUNTEERS, sum(c.n for c in data.cells if c.period in quarters
                                                       and c.measure == Measure.VOLUNTEERS and c.category == category),
                     category=category))
        # Tenant i works in municipalities 0 … i: municipality 0 is shared by all four.
        for number in range(index + 1):
            add(Cell(str(year), Measure.MUNICIPALITIES, 1, category=f"Gemeente {number}"))
        add(Cell(str(year), Measure.TRAINING_HOURS, 20 + index, total=(20 + index) * 350))
    for indicator, (n, total) in FIDELITY.items():  # tenant i: n + i cases, total + i meeting it
        add(Cell("2025", Measure.FIDELITY, n + index, total=total + index, category=indicator))
    return data


def _outcomes(add: object, rng: random.Random, year: int, track: str, closed: int) -> None:
    with_care = rng.randint(10, 14)
    values = {"closed": closed, "with_care": with_care, "care_stopped": rng.randint(3, 5),
              "care_reduced": rng.randint(3, 5), "would_otherwise_be_referred": rng.randint(10, 14),
              "prevented_referral_confirmed": rng.randint(4, 6)}
    for category, n in values.items():
        add(Cell(str(year), Measure.OUTCOME, n, track=track, category=category))  # type: ignore[operator]


def _impact(data: TenantData, rng: random.Random, track: str) -> None:
    add = data.cells.append
    for domain in DOMAINS:
        for moment in ("t0", "t1", "tend"):
            n = (4 if data.index < 2 and track == "regular" else 0) if (domain, moment) == ("d2", "t1") \
                else rng.randint(12, 25)
            if n:
                scores = [rng.randint(10_000, 40_000) for _ in range(n)]
                add(Cell("2025", Measure.DOMAIN_SCORE, n, total=sum(scores), track=track, domain=domain,
                         moment=moment))
        differences = [rng.randint(-8_000, 15_000) for _ in range(rng.randint(12, 20))]
        data.differences[(track, domain)] = differences
        add(Cell("2025", Measure.PAIRED_CHANGE, len(differences), total=sum(differences),
                 squares=sum(d * d for d in differences), track=track, domain=domain))
        directions = {"improved": sum(d >= 2500 for d in differences), "worse": sum(d <= -2500 for d in differences)}
        directions["stable"] = len(differences) - directions["improved"] - directions["worse"]
        for direction, n in directions.items():
            add(Cell("2025", Measure.CHANGE_DIRECTION, n, track=track, domain=domain, category=direction))
    grades = [rng.randint(5, 10) for _ in range(rng.randint(8, 14))]
    data.grades[track] = grades
    add(Cell("2025", Measure.SATISFACTION, len(grades), total=sum(grades), track=track))
