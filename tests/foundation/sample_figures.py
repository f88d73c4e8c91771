"""A hand-built NationalFigures for the view and export tests that are about layout, formatting
and files rather than about computing the figures (those use tests/factories/foundation.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from saas.foundation.national import (
    TREND_COLUMNS,
    Breakdown,
    BreakdownRow,
    Count,
    DomainImpact,
    Fidelity,
    FidelityRow,
    GrowthRow,
    Headline,
    NationalFigures,
    PublicationRow,
    TrendRow,
)

#: A tenant name a spreadsheet would run as a formula if it were written as it is.
FORMULA_NAME = '=HYPERLINK("http://evil.example","x")'


def sample_figures(*, year: int = 2025, track: str | None = None, frozen: bool = False) -> NationalFigures:
    trend = [TrendRow(f"{y}-Q{q}", f"Q{q} {y}", {column: Count(None if (q == 1 and column == "families_new")
                                                                   else 100 * q + 5) for column in TREND_COLUMNS})
             for y in (year - 1, year) for q in range(1, 5)]
    impact = [DomainImpact("finances", "Financiën",
                           {"t0": (Count(120), Decimal("2.1234")), "t1": (Count(None), None),
                            "tend": (Count(80), Decimal("2.8761"))},
                           Count(75), Decimal("0.4567"), Decimal("0.3012"), Decimal("0.6123"),
                           {"improved": Count(45), "stable": Count(25), "worse": Count(None)}),
              DomainImpact("housing", "Wonen", {"t0": (Count(15), Decimal("3.0")), "t1": (Count(0), None),
                                                "tend": (Count(None), None)},
                           Count(None), None, None, None, {"improved": Count(None), "stable": Count(None),
                                                           "worse": Count(0)})]
    return NationalFigures(
        year=year, track=track, years=[year, year - 1], tracks=[("family", "Gezinnen"), ("youth", "Jongeren")],
        frozen_at=datetime(2026, 3, 2, 10, 0, tzinfo=UTC) if frozen else None, tenants=12,
        released_on=date(year + 1, 2, 1),
        headlines=[Headline("families_supported", "Families supported", Count(1235)),
                   Headline("volunteers_active", "Active volunteers", Count(None))],
        trend=trend, impact=impact, satisfaction=Decimal("8.25"),
        outcomes=[Headline("closed", "Families closed", Count(310)),
                  Headline("care_stopped", "Professional care stopped", Count(None))],
        closure_reasons=Breakdown([BreakdownRow("goals_met", "Goals met", Count(200)),
                                   BreakdownRow("moved", "Moved away", Count(None))], Count(310)),
        children=Breakdown([BreakdownRow("0-3", "0 to 3 years", Count(140)),
                            BreakdownRow("4-11", "4 to 11 years", Count(None))], Count(455)),
        fidelity=Fidelity([("t0_done", "T0 done"), ("caseload", "Caseload")],
                          [FidelityRow(FORMULA_NAME, {"t0_done": Decimal("0.8449"), "caseload": Decimal("11.25")}),
                           FidelityRow("Samen Oplopen Zeist", {"t0_done": None, "caseload": Decimal("9")})],
                          {"t0_done": Decimal("0.8449"), "caseload": Decimal("10.125")}),
        growth=[GrowthRow(str(year - 1), str(year - 1), 10, 14, Count(900), Count(None)),
                GrowthRow(str(year), str(year), 12, 17, Count(1235), Count(640))],
        publications=[PublicationRow("Samen Oplopen Heusden", datetime(2026, 3, 1, 2, 0, tzinfo=UTC), "Nightly",
                                     "Published", 812),
                      PublicationRow("Samen Oplopen Zeist", datetime(2026, 3, 1, 2, 5, tzinfo=UTC), "Nightly",
                                     "Failed", 0, failed=True),
                      PublicationRow("Samen Oplopen Nieuw", None, None, None, None)])
