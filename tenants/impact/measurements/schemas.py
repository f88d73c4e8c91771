"""Input of the measurement pages: starting a measurement, and the answers of one domain page.

Answers arrive as ``item-<item id>`` fields (a form's radio groups; "" is "not answered") or, for
JSON clients, as ``{"answers": {"<item id>": value or null}}``. :func:`check_answers` accepts only
items of the measurement's own instrument and values on its scale, so bad input is refused whole.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import marshmallow as ma
from marshmallow import pre_load, validates_schema

from saas.forms import Choice, Date, Form, raise_errors, refuse_future_dates
from saas.i18n import L_
from tenants.impact.instruments.models import Instrument
from tenants.impact.vocabulary import Mode, Moment

#: The languages the items can be shown in.
LANGUAGES = {"nl": L_("Dutch"), "en": L_("English"), "ar": L_("Arabic")}
#: The prefix of a form field holding the answer to one item.
ITEM_PREFIX = "item-"

UNKNOWN_ITEM = L_("This question is not part of the measurement's questionnaire.")
OFF_SCALE = L_("Choose one of the points of the scale.")


class StartForm(Form):
    """Starting a measurement: the moment, the day it was taken, how and in which language."""

    moment = Choice(Moment, required=True)
    taken_on = Date(required=True)
    mode = Choice(Mode, required=True)
    language = Choice(list(LANGUAGES), required=True)

    @validates_schema
    def _not_in_future(self, data: dict[str, Any], **_kwargs: Any) -> None:
        errors: dict[str, list[Any]] = {}
        refuse_future_dates(errors, data, "taken_on")
        raise_errors(errors)


class PageChoice(ma.fields.Raw):
    """Text that only chooses the page shown next (the domain code, where to go): anything that is
    not text counts as absent rather than as an error, and an unknown value shows the first page."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(load_default=None, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str | None:
        return value if isinstance(value, str) else None


class AnswersForm(Form):
    """One domain page of a measurement: its answers, the page it came from and where to go next.

    ``answers`` comes out as {item id: value or None}; only items of ``instrument`` with values on
    its scale pass (:func:`check_answers`), else the whole page is refused. ``from_json`` says
    where the answers are: a JSON ``answers`` object, or the form's ``item-<id>`` fields."""

    domain = PageChoice()
    go = PageChoice()
    answers = ma.fields.Raw(load_default=dict)

    def __init__(self, instrument: Instrument, *, from_json: bool, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.instrument = instrument
        self.from_json = from_json

    @pre_load
    def _checked_answers(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        raw, errors = raw_answers(data, data if self.from_json else None)
        clean: dict[uuid.UUID, int | None] = {}
        if not errors:
            clean, errors = check_answers(self.instrument, raw)
        raise_errors(errors)
        return {**data, "answers": clean}


def raw_answers(form: Any, json: Any) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The submitted answers as {item id text: raw value}, from a JSON body or the form fields."""
    if json is not None:
        answers = json.get("answers") if isinstance(json, dict) else None
        if not isinstance(answers, dict):
            return {}, {"answers": [str(L_("Send the answers as an object of item ids and values."))]}
        return dict(answers), {}
    return {key.removeprefix(ITEM_PREFIX): value for key, value in form.items() if key.startswith(ITEM_PREFIX)}, {}


def check_answers(
    instrument: Instrument, raw: dict[str, Any]
) -> tuple[dict[uuid.UUID, int | None], dict[str, list[str]]]:
    """The answers as {item id: value or None}, or the errors (keyed ``item-<id>``) when any item
    is not of ``instrument`` or any value is off its scale."""
    items = {str(item.id): item.id for item in instrument.items}
    scale = {int(point["value"]) for point in instrument.scale}
    clean: dict[uuid.UUID, int | None] = {}
    errors: dict[str, list[str]] = {}
    for key, value in raw.items():
        field = ITEM_PREFIX + str(key)
        item_id = items.get(str(key).strip().lower())
        if item_id is None:
            errors[field] = [str(UNKNOWN_ITEM)]
            continue
        if value is None or value == "":
            clean[item_id] = None
            continue
        number = _whole_number(value)
        if number is None or number not in scale:
            errors[field] = [str(OFF_SCALE)]
            continue
        clean[item_id] = number
    return ({}, errors) if errors else (clean, {})


def _whole_number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None  # JSON true is not 1
    if isinstance(value, int):
        return value
    # ASCII digits only: "³".isdigit() is true, but int() refuses it.
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,6}", value.strip()):
        return int(value.strip())
    return None
