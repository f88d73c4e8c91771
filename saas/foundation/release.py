"""When the foundation sees a year's figures: once, complete and settled, and never changed after.

Suppression and rounding protect one publication. Two publications of the same period protect
nothing: if the figures of a year are shown tonight and again tomorrow, after one family's file
was closed, the difference between the two is that family — its closure reason, its outcomes,
and (a count moving from 12 to 13 turns "10" into "15") the exact count behind the rounding. So
the national figures are never shown while they can still change:

* **A year is released once**, on :func:`release_date` — when it has ended and a month has passed
  for late entries to settle (``SETTLE_DAYS``: the 31 days of January). Until then the foundation
  sees nothing of it, neither the year nor its quarters; the organisations keep their own
  dashboards for the current year.
* **Released means final.** From the release date the publishing job neither writes nor deletes a
  period of that year (tenants.publishing.job), so every view of it, then and later, is built from
  the same cells: there is no second version to subtract. Corrections made afterwards stay in the
  organisation's own figures and reach the national figures of no year. A foundation admin can
  release an ended year earlier by freezing it (saas.foundation.operations.freeze_year), never a
  year still running.
* **Within one release everything is protected together** (saas.foundation.national_protection):
  a year with its quarters, each track and all tracks, the shares and the fidelity ratios, so no
  two views or two figures of the same release can be combined to isolate a family.

``tests/foundation/test_publication_over_time.py`` generates small tenants, changes one family,
publishes again and checks that nothing the foundation can see changed, before or after the release.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from saas.clock import local_zone

#: Days after the end of a year before its figures are released: time for late entries to settle.
SETTLE_DAYS = 31


def release_date(year: int) -> date:
    """The day the national figures of ``year`` are released (1 February of the next year)."""
    return date(year + 1, 1, 1) + timedelta(days=SETTLE_DAYS)


def is_released(year: int, frozen: Iterable[int], today: date) -> bool:
    """True when ``year``'s figures are final: frozen early by an admin, or past their release date."""
    return year in set(frozen) or today >= release_date(year)


def released_on(year: int, frozen_at: datetime | None) -> date:
    """The day ``year`` was (or will be) released: its release date, or the day it was frozen
    when that came first (in Amsterdam)."""
    on = release_date(year)
    if frozen_at is not None:
        on = min(on, frozen_at.astimezone(local_zone()).date() if frozen_at.tzinfo else frozen_at.date())
    return on


def open_years(first: date, today: date, frozen: Iterable[int]) -> list[int]:
    """The years from ``first`` to ``today`` whose figures may still change, oldest first (at
    most the current year and, in January, the one before)."""
    frozen = set(frozen)
    return [year for year in range(first.year, today.year + 1) if not is_released(year, frozen, today)]


def next_release(today: date, frozen: Iterable[int]) -> tuple[int, date]:
    """The oldest year not yet released and its release date (what the foundation waits for)."""
    frozen = set(frozen)
    year = today.year - 1
    while is_released(year, frozen, today):
        year += 1
    return year, release_date(year)
