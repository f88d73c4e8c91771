"""Run the whole suite on another day: ``SAAS_TEST_NOW=2028-02-29 make test``.

The demo data, signals, reports and published statistics all move with the calendar, so a test
that only passes on the day it was written is a bug. CI runs the date-sensitive tests again with the
clock moved to awkward days (``.ci/run``); this module does the moving. The value is an ISO date
(noon in Amsterdam) or an ISO date and time (read as Amsterdam wall-clock time, so ``2027-01-01T00:30``
is still 31 December in UTC). The clock keeps ticking from there, so durations stay real.

Chromium is not moved (it runs in its own process), which is why the days CI uses lie after the
real date: cookies the moved server sets must not be expired already in the real browser.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import time_machine

from saas.foundation.release import release_date

ENV = "SAAS_TEST_NOW"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")

_traveller: time_machine.travel | None = None


def moved_now() -> datetime | None:
    """The moment the suite runs at, from ``SAAS_TEST_NOW`` (None: the real clock)."""
    value = os.environ.get(ENV, "").strip()
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value) if "T" in value else datetime.combine(date.fromisoformat(value),
                                                                                     time(12))
    except ValueError as error:
        raise SystemExit(f"{ENV}={value!r} is not an ISO date (2028-02-29) or date and time: {error}") from error
    return moment if moment.tzinfo else moment.replace(tzinfo=AMSTERDAM)


def start() -> datetime | None:
    """Move the clock for the rest of the process, if asked to; returns the moment or None."""
    global _traveller
    moment = moved_now()
    if moment is not None and _traveller is None:
        _traveller = time_machine.travel(moment, tick=True)
        _traveller.start()
    return moment


@contextmanager
def while_open(year: int) -> Iterator[datetime]:
    """The clock on a day when ``year`` is over but its national figures are not yet released
    (saas.foundation.release): the publishing job still writes it, the foundation does not see it."""
    moment = datetime.combine(release_date(year) - timedelta(days=10), time(12), tzinfo=AMSTERDAM)
    with time_machine.travel(moment, tick=True):
        yield moment


def stop() -> None:
    global _traveller
    if _traveller is not None:
        _traveller.stop()
        _traveller = None
