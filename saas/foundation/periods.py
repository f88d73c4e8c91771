"""The fixed reporting periods of the national statistics: calendar quarters and calendar years.

Statistics are only ever published and shown per whole period: there is no free date range, so
two views cannot be subtracted to isolate a few families (docs/architecture.md §5). A period is written as its
key: ``"2026"`` for a year, ``"2026-Q3"`` for a quarter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from saas.i18n import _

_KEY = re.compile(r"^(\d{4})(?:-Q([1-4]))?$")
#: Years a period can be asked for (anything else is refused).
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True, order=True)
class Period:
    """A calendar year (``quarter`` None) or one of its quarters (1–4)."""

    year: int
    quarter: int | None = None

    def __post_init__(self) -> None:
        if not FIRST_YEAR <= self.year <= LAST_YEAR:
            raise ValueError(f"year out of range: {self.year}")
        if self.quarter is not None and not 1 <= self.quarter <= 4:
            raise ValueError(f"no such quarter: {self.quarter}")

    @classmethod
    def parse(cls, key: str) -> Period:
        """The period written as ``key`` ("2026" or "2026-Q3"); ValueError for anything else."""
        match = _KEY.match(key or "")
        if not match:
            raise ValueError(f"not a period: {key!r}")
        return cls(int(match.group(1)), int(match.group(2)) if match.group(2) else None)

    @property
    def key(self) -> str:
        return str(self.year) if self.quarter is None else f"{self.year}-Q{self.quarter}"

    @property
    def start(self) -> date:
        return period_bounds(self.year, self.quarter)[0]

    @property
    def end(self) -> date:
        """The last day of the period."""
        return period_bounds(self.year, self.quarter)[1]

    def quarters(self) -> list[Period]:
        """The four quarters of a year (a quarter: itself)."""
        if self.quarter is not None:
            return [self]
        return [Period(self.year, quarter) for quarter in range(1, 5)]

    def label(self) -> str:
        if self.quarter is None:
            return str(self.year)
        return _("Q%(quarter)s %(year)s", quarter=self.quarter, year=self.year)

    def __str__(self) -> str:
        return self.key


def period_bounds(year: int, quarter: int | None) -> tuple[date, date]:
    """The first and last day of ``year`` (``quarter`` None) or of one of its quarters. Also
    tenants.impact.dashboard.aggregates.Scope's bounds: the tenant's dashboard and what it publishes count
    over the very same days."""
    if quarter is None:
        return date(year, 1, 1), date(year, 12, 31)
    first = date(year, 3 * quarter - 2, 1)
    after = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return first, date.fromordinal(after.toordinal() - 1)


def year_periods(year: int) -> list[str]:
    """The keys of ``year`` and its four quarters, the year first: what a snapshot of the year keeps
    still, and what the dashboard of the year reads."""
    period = Period(year)
    return [period.key, *(quarter.key for quarter in period.quarters())]


def periods_between(first: date, last: date) -> list[Period]:
    """Every year from ``first`` to ``last`` and each of its quarters that has begun by ``last``,
    oldest first (a year before its quarters)."""
    periods: list[Period] = []
    for year in range(max(first.year, FIRST_YEAR), min(last.year, LAST_YEAR) + 1):
        periods.append(Period(year))
        periods.extend(quarter for quarter in Period(year).quarters() if quarter.start <= last)
    return periods
