"""Times for the demo seeders: wall-clock times in the local zone, and timelines stamped in order."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from saas.clock import local_zone


def local_time(day: date, minute: int) -> datetime:
    """A local wall-clock time on ``day`` (minutes after midnight) as an aware UTC datetime."""
    return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=local_zone()).astimezone(UTC)


def stamp_timeline(rng: random.Random, owner: Any, timeline: list[tuple[date, Any, Any]]) -> None:
    """Give each ``(day, event, about)`` an office-hour time, in order; ``about`` (a row the event
    created) takes the event's time, and ``owner`` gets its created and state-changed times."""
    timeline.sort(key=lambda item: item[0])  # stable: steps on one day keep the order they happened in
    previous, previous_day = None, None
    for day, event, about in timeline:
        event.at = local_time(day, rng.randint(9 * 60, 16 * 60))
        if previous is not None and (event.at <= previous or day == previous_day):  # one sitting: minutes apart
            event.at = previous + timedelta(minutes=rng.randint(1, 12))
        previous, previous_day = event.at, day
        if about is not None:
            about.created_at = event.at
        if event.kind in ("registered", "state_changed"):
            owner.state_changed_at = event.at
    owner.created_at = timeline[0][1].at
