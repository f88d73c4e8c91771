"""Input validation for forms and JSON alike: marshmallow schemas with translated messages.

Every input passes a :class:`Form` (an allowlist: unknown keys are dropped) before an operation
sees it. The field classes here replace marshmallow's English messages with translated ones and
refuse control characters, which PostgreSQL would reject with an error instead of a message.

The same fields work the other way for an edit page: :meth:`Form.form_values` dumps a stored row
through the form's fields, each writing its value as the HTML form shows it and sends it back.
"""

from __future__ import annotations

import enum
import re
import uuid
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

import marshmallow as ma
from flask import Request, request
from marshmallow import EXCLUDE, ValidationError, validate, validates_schema
from sqlalchemy import Select
from werkzeug.exceptions import BadRequest

from saas.db import MAX_PAGE, db
from saas.i18n import L_

REQUIRED = L_("This field is required.")

_BASE_MESSAGES = {"required": REQUIRED, "null": REQUIRED, "validator_failed": L_("This value is not valid.")}


#: Fields the form recipe adds to a form besides its input: the CSRF token, the one-time submission
#: token (saas.submissions) and the draft marker of an autosave (saas.drafts). No form reads them.
RECIPE_FIELDS = frozenset({"csrf_token", "submission_token", "_draft"})

#: Whitespace controls a text area sends (a line break, a tab); a single line turns them into spaces.
_LAYOUT_CONTROLS = "\t\n\r"
#: A text longer than this is a text area unless its field says otherwise (``multiline=``).
_LONGEST_SINGLE_LINE = 200


def _without_control_characters(value: str) -> bool:
    """No C0 control character but tab and line breaks, no DEL and no C1 control: PostgreSQL refuses
    a NUL with an error, and the others only hide text from the person who reads it later."""
    return not any((ord(ch) < 32 and ch not in _LAYOUT_CONTROLS) or 0x7F <= ord(ch) <= 0x9F for ch in value)


def _on_one_line(value: str) -> str:
    """A single-line text with its tabs and line breaks (a paste from elsewhere) as spaces."""
    return re.sub(f"[{_LAYOUT_CONTROLS}]+", " ", value)


class String(ma.fields.String):
    """Text, stripped of surrounding whitespace; empty text counts as missing.

    ``max_length`` is the column's length. A text area (``multiline``; by default a text longer
    than a line) keeps its line breaks and tabs; a single line gets spaces for them. Any other
    control character is refused in both."""

    default_error_messages = {
        **_BASE_MESSAGES,
        "invalid": L_("Enter text."),
        "invalid_utf8": L_("Enter text."),
        "control": L_("This text contains characters that are not allowed."),
    }

    def __init__(self, *, max_length: int = 200, multiline: bool | None = None, **kwargs: Any) -> None:
        self.multiline = max_length > _LONGEST_SINGLE_LINE if multiline is None else multiline
        extra = kwargs.pop("validate", [])
        validators = [
            validate.Length(max=max_length, error=L_("Use at most {max} characters.")),
            *(extra if isinstance(extra, list) else [extra]),
        ]
        super().__init__(validate=validators, **kwargs)

    def deserialize(self, value: Any, attr: str | None = None, data: Any = None, **kwargs: Any) -> Any:
        if isinstance(value, str):
            value = value.strip()
            if value == "":
                value = None if (self.allow_none or not self.required) else ma.missing
        if value is None and not self.required:
            return None
        return super().deserialize(value, attr, data, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        result = super()._deserialize(value, attr, data, **kwargs)
        if not _without_control_characters(result):
            raise self.make_error("control")
        return result if self.multiline else _on_one_line(result)


class Password(String):
    """A password: kept exactly as typed (no stripping; a tab stays a tab)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(multiline=True, **kwargs)

    def deserialize(self, value: Any, attr: str | None = None, data: Any = None, **kwargs: Any) -> Any:
        if value == "":
            value = ma.missing
        return ma.fields.String.deserialize(self, value, attr, data, **kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> None:
        return None  # a password is never shown again, not even as a form's starting value


class Email(String):
    """An e-mail address, lowercased."""

    default_error_messages = {**String.default_error_messages, "invalid": L_("Enter a valid e-mail address.")}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=254, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        result = super()._deserialize(value, attr, data, **kwargs).lower()
        try:
            validate.Email()(result)
        except ValidationError:
            raise self.make_error("invalid") from None
        return result


class Boolean(ma.fields.Boolean):
    """A checkbox: present and truthy means yes; absent means no."""

    default_error_messages = {**_BASE_MESSAGES, "invalid": L_("Choose yes or no.")}
    truthy = {"1", "true", "on", "yes", True}
    falsy = {"0", "false", "off", "no", "", False}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(load_default=False, **kwargs)


class Choice(String):
    """One value from an enum (stored as its value) or a fixed list."""

    default_error_messages = {**String.default_error_messages, "choice": L_("Choose one of the options.")}

    def __init__(self, choices: type[enum.Enum] | list[str], **kwargs: Any) -> None:
        self.enum = choices if isinstance(choices, type) else None
        self.choices = [m.value for m in choices] if isinstance(choices, type) else list(choices)
        super().__init__(max_length=60, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        result = super()._deserialize(value, attr, data, **kwargs)
        if result not in self.choices:
            raise self.make_error("choice")
        return self.enum(result) if self.enum else result

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        # The option's value, which the form sends back (str() of a plain Enum would be its name).
        return super()._serialize(value.value if isinstance(value, enum.Enum) else value, attr, obj, **kwargs)


class RowId(String):
    """The id of a row the person may choose here, as a UUID: the one way a form's id becomes a row.

    ``allowed`` builds a select of the ids that may be chosen (the tenant's coordinators, the courses
    it sees …); it runs through the ORM, so the tenant guard and RLS apply, and an id of another
    tenant, of a row outside the choices or no id at all fails like any typo. One statement, only
    when a value was sent."""

    default_error_messages = {**String.default_error_messages, "choice": L_("Choose one of the options.")}

    def __init__(self, allowed: Callable[[], Select[Any]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.allowed = allowed
        self.validators = []  # they would run on the UUID, which String's Length cannot measure

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> uuid.UUID:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            chosen = uuid.UUID(text)
        except ValueError as error:
            raise self.make_error("choice") from error
        statement = self.allowed()
        if db.session.scalar(statement.where(statement.selected_columns[0] == chosen).limit(1)) is None:
            raise self.make_error("choice")
        return chosen


class StringList(ma.fields.List):
    """A list of short texts; a form sends it as lines of one text area."""

    default_error_messages = {**_BASE_MESSAGES, "invalid": L_("Enter a list.")}

    def __init__(self, *, max_items: int = 50, max_length: int = 120, min_items: int = 0, **kwargs: Any) -> None:
        validators = [validate.Length(max=max_items, error=L_("Enter at most {max} items."))]
        if min_items:
            validators.append(validate.Length(min=min_items, error=REQUIRED))
        super().__init__(String(max_length=max_length), validate=validators, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[Any]:
        if isinstance(value, str):
            value = value.splitlines()
        if isinstance(value, list):  # blank items (a JSON list or the CLI) are dropped like blank lines
            value = [item for item in value if item is not None and not (isinstance(item, str) and not item.strip())]
        return super()._deserialize(value, attr, data, **kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:  # type: ignore[override]
        # One text, an item per line of the text area (not a list): as _deserialize reads it back.
        items = super()._serialize(value, attr, obj, **kwargs)
        return None if items is None else "\n".join(items)


#: What an INTEGER column holds (PostgreSQL's and every other's): a number beyond it is refused as
#: input, rather than failing in the database ("integer out of range").
INTEGER_MIN, INTEGER_MAX = -(2**31), 2**31 - 1


class Integer(ma.fields.Integer):
    """A whole number within ``minimum``–``maximum`` (by default what an INTEGER column holds);
    empty text counts as missing."""

    default_error_messages = {
        **_BASE_MESSAGES,
        "invalid": L_("Enter a whole number."),
        "too_large": L_("Enter a whole number."),
    }

    def __init__(self, *, minimum: int | None = None, maximum: int | None = None, **kwargs: Any) -> None:
        validators = list(kwargs.pop("validate", []))
        minimum = INTEGER_MIN if minimum is None else max(minimum, INTEGER_MIN)
        maximum = INTEGER_MAX if maximum is None else min(maximum, INTEGER_MAX)
        validators.append(validate.Range(min=minimum, max=maximum, error=L_("Enter a number from {min} to {max}.")))
        super().__init__(strict=False, validate=validators, **kwargs)

    def deserialize(self, value: Any, attr: str | None = None, data: Any = None, **kwargs: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            value = None if not self.required else ma.missing
        if value is None and not self.required:
            return None
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise self.make_error("invalid")  # JSON true is not 1, and 24.9 is not 24
        return super().deserialize(value, attr, data, **kwargs)


#: The dates any form accepts: a birth date, a referral, a session. Year 1 or 9999 is a typo, and a
#: time that close to the calendar's edge cannot even be moved to UTC.
EARLIEST_DATE, LATEST_DATE = date(1900, 1, 1), date(2199, 12, 31)


class Date(ma.fields.Date):
    """A calendar date (YYYY-MM-DD, as a date input sends it) from EARLIEST_DATE to LATEST_DATE;
    empty counts as missing."""

    default_error_messages = {
        **_BASE_MESSAGES,
        "invalid": L_("Enter a valid date."),
        "format": L_("Enter a valid date."),
        "range": L_("Enter a date from 1900 to 2199."),
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        result = super()._deserialize(value, attr, data, **kwargs)
        self._check_range(result)
        return result

    def _check_range(self, moment: date | datetime) -> None:
        if not EARLIEST_DATE.year <= moment.year <= LATEST_DATE.year:
            raise self.make_error("range")

    def deserialize(self, value: Any, attr: str | None = None, data: Any = None, **kwargs: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            value = None if not self.required else ma.missing
        if value is None and not self.required:
            return None
        return super().deserialize(value, attr, data, **kwargs)


class LocalDateTime(Date):
    """A local date and time (YYYY-MM-DDTHH:MM, as a datetime-local input sends it), returned in UTC."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        from saas.clock import from_local

        if not isinstance(value, str):
            raise self.make_error("invalid")
        try:
            local = datetime.fromisoformat(value.strip()).replace(tzinfo=None)
        except ValueError:
            raise self.make_error("invalid") from None
        self._check_range(local)
        return from_local(local)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str:
        from saas.clock import to_local_input

        return to_local_input(value)


class ChoiceList(ma.fields.List):
    """Several values from a fixed list (checkboxes or a multiple select); duplicates removed."""

    default_error_messages = {**_BASE_MESSAGES, "invalid": L_("Choose from the options.")}
    #: A form sends one field per ticked box: read them all (see submitted_data).
    multiple = True

    def __init__(self, choices: type[enum.Enum] | list[str], **kwargs: Any) -> None:
        kwargs.setdefault("load_default", list)
        super().__init__(Choice(choices, required=True), **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[Any]:
        values = super()._deserialize(value, attr, data, **kwargs)
        return list(dict.fromkeys(v.value if isinstance(v, enum.Enum) else v for v in values))


class RowWithValues:
    """A row seen with ``values`` over its attributes of the same name: what a form shows that the row
    does not hold as it is (a decrypted text, a default where nothing is stored yet)."""

    def __init__(self, row: Any, values: Mapping[str, Any]) -> None:
        self._row, self._values = row, values

    def __getattr__(self, name: str) -> Any:
        return self._values[name] if name in self._values else getattr(self._row, name)


class Form(ma.Schema):
    """Base of every input schema: allowlist of declared fields, translated messages."""

    class Meta:
        unknown = EXCLUDE

    def form_values(self, row: Any, **extra: Any) -> dict[str, Any]:
        """``row`` as this form's starting values (an edit page's GET): each field reads its attribute
        (``attribute=`` where that differs from the field's name) and writes it as the HTML form shows
        it and sends it back: a date as ISO text, a list of texts as lines, an id as text, an enum as
        its value, nothing as "". ``extra`` gives values by attribute name over the row's own."""
        dumped = self.dump(RowWithValues(row, extra) if extra else row)
        return {key: "" if value is None else value for key, value in dumped.items()}


NOT_CONFIRMED = L_("Nothing has changed: this cannot be undone, so confirm first that you want to do it.")
#: What a confirmed action sends: the dialog's confirm button or the box ticked without JavaScript.
_CONFIRMED_VALUES = ("1", 1, True, "true", "on")


class Confirmed(Form):
    """An irreversible action (remove, submit, freeze …): refused unless the input carries
    ``confirmed=1``, which the dialog of ``macros/confirm.html`` (or its tick box, without JavaScript)
    sends. A refusal of the whole form, so run_form and back_with_refusal report it like any other;
    ``confirmed`` is no field, so the operation's data stays as it was."""

    @validates_schema(pass_original=True)
    def _require_confirmation(self, _data: dict[str, Any], original: Any, **_kwargs: Any) -> None:
        if not isinstance(original, Mapping) or original.get("confirmed") not in _CONFIRMED_VALUES:
            raise ValidationError(str(NOT_CONFIRMED), "_form")


class TenantForm(Form):
    """A form with a ``municipality`` field: the choices are the bound tenant's municipalities, given
    when the form is built (``FamilyForm(municipalities=current_tenant.municipalities)``)."""

    def __init__(self, *, municipalities: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if "municipality" in self.fields:
            self.fields["municipality"].choices = list(municipalities or [])


class PageQuery(Form):
    """A list's page number from the query string (a bad or huge one shows the first page)."""

    page = Integer(minimum=1, maximum=MAX_PAGE, allow_none=True)


class InvalidJSON(BadRequest):
    """The body claimed to be JSON but was not (or was nested deeper than any input of ours)."""

    description = L_("The request body is not valid JSON.")


#: How deep a JSON body may nest: a form is an object of values (answers: an object in an object).
#: Deeper is no input of ours, and thousands of levels would exhaust Python's recursion limit.
MAX_JSON_DEPTH = 16


def json_depth(value: Any) -> int:
    """How many objects and arrays ``value`` nests, counted without recursion."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        item, depth = pending.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_JSON_DEPTH:
            break
        pending.extend((child, depth + 1) for child in children)
    return deepest


def submitted_data(schema: ma.Schema | None = None) -> dict[str, Any]:
    """The request's input: the JSON object for JSON requests, else the form fields (all values
    of the fields ``schema`` reads as several, such as ticked checkboxes)."""
    if request.is_json:
        data = request.get_json()
        if not isinstance(data, dict):
            raise InvalidJSON()
        return data
    data = request.form.to_dict()
    for name, field in schema.fields.items() if schema is not None else ():
        if getattr(field, "multiple", False):
            data[name] = [value for value in request.form.getlist(field.data_key or name) if value]
    return data


def validate_query(schema: ma.Schema) -> dict[str, Any]:
    """A list page's query string through ``schema``; a bad value is dropped rather than refused,
    so a stale or hand-edited link still shows a list."""
    raw = request.args.to_dict()
    data, errors = validate_input(schema, raw)
    if errors:
        data, _errors = validate_input(schema, {key: value for key, value in raw.items() if key not in errors})
    return data


NOT_IN_FUTURE = L_("This date cannot be in the future.")


def refuse_future_dates(errors: dict[str, list[Any]], data: dict[str, Any], *names: str) -> None:
    """Add an error for each of the date fields ``names`` that lies after today (local time)."""
    from saas.clock import local_today

    today = local_today()
    for name in names:
        if data.get(name) is not None and data[name] > today:
            errors.setdefault(name, []).append(NOT_IN_FUTURE)


def raise_errors(errors: dict[str, list[Any]]) -> None:
    """In a ``@validates_schema`` method: report the collected ``errors``, if any."""
    if errors:
        raise ValidationError(errors)


def validate_input(schema: ma.Schema, data: dict[str, Any] | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Validate ``data`` (default: the request's input); returns ``(clean_data, errors)``."""
    try:
        return schema.load(submitted_data(schema) if data is None else data), {}
    except ValidationError as exc:
        return {}, _plain_messages(exc.messages)


def _plain_messages(messages: Any) -> Any:
    """Turn (lazy) messages into lists of text in the current language, for templates and JSON.

    marshmallow keeps a lazy message as it is rather than wrapping it in a list like a str.
    """
    if isinstance(messages, dict):
        return {key: _plain_messages(value) for key, value in messages.items()}
    if isinstance(messages, list):
        return [str(value) if not isinstance(value, (dict, list)) else _plain_messages(value) for value in messages]
    return [str(messages)]


class SaasRequest(Request):
    """The app's request class: malformed or too deeply nested JSON raises :class:`InvalidJSON`
    (translated). Flask's get_json turns only a ValueError into a refusal; a RecursionError from
    thousands of brackets would otherwise be a server error."""

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True) -> Any:
        try:
            data = super().get_json(force=force, silent=silent, cache=cache)
        except RecursionError:
            data = None if silent else self.on_json_loading_failed(None)
        if json_depth(data) > MAX_JSON_DEPTH:
            return None if silent else self.on_json_loading_failed(None)
        return data

    def on_json_loading_failed(self, e: ValueError | None) -> Any:
        raise InvalidJSON()
