"""Input of the measurement pages: starting a measurement, and the answers of one domain page.

Answers arrive as ``item-<item id>`` fields (a form's radio groups; "" is "not answered") or, for
JSON clients, as ``{"answers": {"<item id>": value or null}}``. :func:`check_answers` accepts only
items of the measurement's own instrument and values on its scale, so bad input is refused whole.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from marshmallow import validates_schema

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
    moment = Choice(Moment, required=True)
    taken_on = Date(required=True)
    mode = Choice(Mode, required=True)
    language = Choice(list(LANGUAGES), required=True)

    @validates_schema
    def _not_in_future(self, data: dict[str, Any], **_kwargs: Any) -> None:
        errors: dict[str, list[Any]] = {}
        refuse_future_dates(errors, data, "taken_on")
        raise_errors(errors)


def raw_answers(form: Any, json: Any) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The submitted answers as {item id text: raw value}, from a JSON body or the form fields."""
    if json is not None:
        answers = json.get("answers") if isinstance(json, dict) else None
        if not isinstance(answers, dict):
            return {}, {"answers": [str(L_("Send the answers as an object of item ids and values."))]}
        return dict(answers), {}
    return {key.removeprefix(ITEM_PREFIX): value for key, value in form.items() if key.startswith(ITEM_PREFIX)}, {}


def check_answers(instrument: Instrument, raw: dict[str, Any]) -> tuple[dict[uuid.UUID, int | None],
                                                                        dict[str, list[str]]]:
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
