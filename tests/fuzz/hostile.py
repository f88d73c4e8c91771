"""What the fuzz test sends: a plausible value for every form field the app declares, some of them
replaced by hostile ones, as form data, as JSON, or as a body no parser should choke on.

A plausible value per field lets a request get past the fields that are not under attack, so the
hostile one reaches the checks (and, when a check is missing, the database) instead of stopping at
the first required field.
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from typing import Any

import marshmallow as ma
from hypothesis import strategies as st

from saas import forms

#: Texts that have broken an app somewhere: NUL and other controls, bidi overrides, numbers beyond
#: every column, dates at the calendar's edges, huge texts, markup and SQL.
HOSTILE_TEXTS = [
    "\x00", "a\x00b", "\x1b[31mred", "\x7f", "\u0085", "\u202eevil", "\ufeff", "\r\n\r\n", "\t",
    "9" * 30, "-" + "9" * 30, "9" * 5000, "2147483648", "-2147483649", "9223372036854775808",
    "1e400", "-1e400", "NaN", "Infinity", "-0", "0x10", "1_000", "٣", "1.5",
    "0001-01-01", "9999-12-31", "10000-01-01", "0000-00-00", "2026-02-30", "2026-13-01T25:61",
    "1900-01-01T00:00", "9999-12-31T23:59", "-2026-01-01", "2026-01-01T00:00+99:00",
    "x" * 100_000, "é" * 5000, "😀" * 3000, "", " ", "[]", "{}", "null", "true",
    "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd", "%00", "00000000-0000-0000-0000-000000000000",
    # One past the usual column lengths: a field that allows more than its column shows here (on PostgreSQL).
    *("x" * (length + 1) for length in (36, 40, 60, 80, 120, 160, 200, 254, 255, 300, 500, 1000, 2000, 4000, 8000)),
]

#: Values of other JSON types than a form can send.
HOSTILE_JSON: list[Any] = [None, True, False, 0, -1, 10**30, -(10**30), 2**63, 1.5, 1e308, float("nan"), float("inf"),
                [], [None], ["\x00"], [[[]]], {}, {"a": {"b": {"c": 1}}}, ["x"] * 1000]

#: Bodies no parser of ours may turn into a server error: deep JSON (a RecursionError in the json
#: module), JSON beyond the depth any form has, and JSON that is no JSON at all.
DEEP_JSON_BODIES = ["[" * 5000 + "]" * 5000, '{"a":' * 3000 + "1" + "}" * 3000, "[" * 100_000,
                    "[" * 40 + "]" * 40, '{"email": ', "\x00", '"' + "\\ud800" + '"']

#: Form bodies that are not UTF-8 (werkzeug decodes them with replacement characters).
BAD_UTF8_BODIES = [b"name=%FF%FE&email=\xff\xfe", b"\xc3\x28=\xa0\xa1", b"title=\xed\xa0\x80&note=\xf8\x88\x80\x80\x80"]


def _all_forms() -> list[type[ma.Schema]]:
    found: list[type[ma.Schema]] = []
    pending: list[type[ma.Schema]] = [forms.Form]
    while pending:
        schema = pending.pop()
        found.append(schema)
        pending.extend(schema.__subclasses__())
    return found


def plausible_value(field: ma.fields.Field[Any]) -> Any:
    """A value of the field's kind that would pass its checks on its own, as a form sends it."""
    if isinstance(field, forms.ChoiceList):
        choices = getattr(field.inner, "choices", None)
        return [choices[0]] if choices else []
    if isinstance(field, forms.StringList):
        return "Eerste\nTweede"
    if isinstance(field, forms.Choice):
        return field.choices[0] if field.choices else "x"
    if isinstance(field, forms.RowId):
        return str(uuid.uuid4())
    if isinstance(field, forms.Email):
        return "fuzz@example.org"
    if isinstance(field, forms.Password):
        return "correct horse battery staple"
    if isinstance(field, forms.LocalDateTime):
        return "2026-03-02T10:00"
    if isinstance(field, forms.Date):
        return "2026-03-02"
    if isinstance(field, forms.Integer):
        lowest = [v.min for v in field.validators if isinstance(v, ma.validate.Range) and v.min is not None]
        return str(max(1, *lowest) if lowest else 1)
    if isinstance(field, forms.Boolean):
        return "1"
    return "Fuzz"


@functools.cache
def plausible_form() -> dict[str, Any]:
    """A plausible value under the name of every field any form declares (the first kind wins when
    two forms use a name differently), and ``confirmed``, so irreversible actions get that far."""
    values: dict[str, Any] = {"confirmed": "1"}
    for schema in _all_forms():
        for name, field in schema._declared_fields.items():
            values.setdefault(field.data_key or name, plausible_value(field))
    return values


@dataclass(frozen=True)
class Attack:
    """One request's body: ``kind`` is form, json, raw (a JSON content type) or bad_utf8."""

    kind: str
    values: dict[str, Any] | None = None
    body: str | bytes | None = None

    def request_kwargs(self) -> dict[str, Any]:
        if self.kind == "form":
            return {"data": self.values}
        if self.kind == "json":
            return {"json": self.values}
        if self.kind == "raw":
            return {"data": self.body, "content_type": "application/json"}
        return {"data": self.body, "content_type": "application/x-www-form-urlencoded"}

    def __repr__(self) -> str:  # hypothesis prints the falsifying example: keep it readable
        shown = {k: (v if len(repr(v)) < 80 else f"{repr(v)[:60]}… ({len(repr(v))} chars)")
                 for k, v in (self.values or {}).items() if v != plausible_form().get(k)}
        return f"Attack({self.kind}, {shown if self.values is not None else repr(self.body)[:80]})"


def _with_hostile(hostile: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    names = st.sampled_from(sorted(plausible_form()))
    return st.dictionaries(names, hostile, min_size=1, max_size=4).map(lambda bad: {**plausible_form(), **bad})


form_texts = st.one_of(st.sampled_from(HOSTILE_TEXTS), st.text(max_size=50))
json_values = st.one_of(form_texts, st.sampled_from(HOSTILE_JSON),
                        st.recursive(st.none() | st.integers() | st.text(max_size=5),
                                     lambda inner: st.lists(inner, max_size=3), max_leaves=6))

@functools.cache
def attacks() -> st.SearchStrategy[Attack]:
    """Every kind of attack; built once the app has imported every form (the field names come from them)."""
    return st.one_of(
        _with_hostile(form_texts).map(lambda values: Attack("form", values)),
        _with_hostile(json_values).map(lambda values: Attack("json", values)),
        st.sampled_from(DEEP_JSON_BODIES).map(lambda body: Attack("raw", body=body)),
        st.sampled_from(BAD_UTF8_BODIES).map(lambda body: Attack("bad_utf8", body=body)),
    )


def everywhere(value: Any) -> dict[str, Any]:
    """``value`` under every field name at once."""
    return {name: value for name in plausible_form()}


def explicit_attacks() -> list[Attack]:
    """Attacks every route gets whatever hypothesis draws: one of each kind that broke the app once."""
    return [
        Attack("raw", body="[" * 100_000),
        Attack("bad_utf8", body=BAD_UTF8_BODIES[0]),
        Attack("form", everywhere("a\x00b")),
        Attack("form", everywhere("9" * 30)),
        Attack("form", everywhere("9999-12-31")),
        Attack("json", everywhere(10**30)),
    ]
