"""Filters that packages above volunteers add to the volunteer list: one more select on its filter
form and the SQL behind it. Trainings adds "Course completed" from its contribute(); volunteers
never imports it, the list shows and applies the filters registered here, after its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from marshmallow.fields import Field
from sqlalchemy import ColumnElement


@dataclass(frozen=True)
class ListFilter:
    """One more filter of the volunteer list."""

    #: The query-string parameter, also the select's name.
    name: str
    #: The select's label.
    label: Any
    #: Validates the parameter (a saas.forms field; a bad value is dropped like any in the query).
    field: Field
    #: The select's options as (value, label), the first one filtering nothing; read when the list shows.
    options: Callable[[], list[tuple[Any, Any]]]
    #: ``condition(value, today)``: SQL correlated to Volunteer for a chosen value, or None when the
    #: value filters nothing (an id that is no id, say).
    condition: Callable[[str, date], ColumnElement[bool] | None]


_FILTERS: list[ListFilter] = []


def add_list_filter(list_filter: ListFilter) -> None:
    """Register ``list_filter`` (from a package's contribute(); registering it again changes nothing)."""
    if list_filter not in _FILTERS:
        _FILTERS.append(list_filter)


def list_filters() -> list[ListFilter]:
    """The registered filters, in order of registration (the order the form shows them)."""
    return list(_FILTERS)
