"""Time as people see it: stored in UTC, shown and entered in the configured zone (Amsterdam)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def local_today() -> date:
    """Today's date where the people using the app are (not in UTC)."""
    return datetime.now(UTC).astimezone(local_zone()).date()


def from_local(value: datetime) -> datetime:
    """A wall-clock time typed by a person (naive, local) as an aware UTC datetime."""
    return value.replace(tzinfo=local_zone()).astimezone(UTC)


def to_local_input(value: datetime | None) -> str:
    """A stored UTC time as a ``datetime-local`` input value in the local zone ("" for none)."""
    return value.astimezone(local_zone()).strftime("%Y-%m-%dT%H:%M") if value else ""
