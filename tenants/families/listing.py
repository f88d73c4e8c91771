"""Helpers that let a list page render its rows from memory: each label is translated, each link
built and each date formatted once per page, not once per row (issue 19: a 25-row list spent most
of its time on per-row translation, url_for and Babel calls).

``list_helpers()`` gives the template ``file_url``, ``state_labels``, ``format_day`` and ``case_number``;
the volunteer list uses the same recipe for its own links and labels.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from flask import url_for
from flask_babel import format_date

#: Stands in for the id while the link is built once; every id is put in its place.
_PLACEHOLDER = uuid.UUID(int=0)


def link_maker(endpoint: str, argument: str) -> Callable[[uuid.UUID], str]:
    """``make(id)`` gives what ``url_for(endpoint, **{argument: id})`` gives, at the cost of one url_for."""
    head, tail = url_for(endpoint, **{argument: _PLACEHOLDER}).split(str(_PLACEHOLDER))
    return lambda value: f"{head}{value}{tail}"


class EnumLabels(dict[enum.Enum, str]):
    """The translated label of each enum member a page shows, translated at its first use."""

    def __missing__(self, member: enum.Enum) -> str:
        text = self[member] = str(member.label)  # type: ignore[attr-defined]
        return text


class DayFormatter(dict[date | datetime, str]):
    """``format_date`` of each day a page shows, computed once per day (call it like format_date)."""

    def __call__(self, day: date | datetime | None) -> str:
        if day is None:
            return ""
        text = self.get(day)
        if text is None:
            text = self[day] = format_date(day)
        return text


def case_number(row: Any) -> str:
    """The case number of a list row (tenants.families.queries.LIST_COLUMNS), as Family.case_number writes it."""
    return f"{row.case_year}-{row.case_seq:04d}"


def list_helpers() -> dict[str, Any]:
    """What the family list and the waiting list render their rows with."""
    return {
        "file_url": link_maker("families.show", "family_id"),
        "state_labels": EnumLabels(),
        "format_day": DayFormatter(),
        "case_number": case_number,
    }
