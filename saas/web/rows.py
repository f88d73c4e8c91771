"""Helpers that let a page of many rows or cards render them from memory: each label translated,
each link built and each date formatted once per page, not once per row (issue 19: a 25-row list
spent most of its time on per-row translation, url_for and Babel calls).

Made per page (they hold the request's language and tenant), e.g. in the view's template context.
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


def link_maker(endpoint: str, argument: str, **fixed: Any) -> Callable[[uuid.UUID], str]:
    """``make(id)`` gives what ``url_for(endpoint, **{argument: id}, **fixed)`` gives, at the cost
    of one url_for."""
    values: dict[str, Any] = {argument: _PLACEHOLDER, **fixed}
    head, tail = url_for(endpoint, **values).split(str(_PLACEHOLDER))
    return lambda value: f"{head}{value}{tail}"


class Links:
    """``links(endpoint, **values)`` gives what ``url_for(endpoint, **values)`` gives; for a link
    with one id, as every row of a list has, one url_for per endpoint (:func:`link_maker`)."""

    def __init__(self) -> None:
        self._makers: dict[tuple[str, str], Callable[[uuid.UUID], str]] = {}

    def __call__(self, endpoint: str, **values: Any) -> str:
        if len(values) != 1:
            return url_for(endpoint, **values)
        ((argument, value),) = values.items()
        if not isinstance(value, uuid.UUID):
            return url_for(endpoint, **values)
        maker = self._makers.get((endpoint, argument))
        if maker is None:
            maker = self._makers[endpoint, argument] = link_maker(endpoint, argument)
        return maker(value)


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
