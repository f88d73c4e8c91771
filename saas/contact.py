"""Phone numbers and Dutch postcodes: one normal form each, and the form fields that produce it.

A postcode is kept as ``"3511AB"`` (four digits, the first not 0, and two capitals; SA, SD and SS
are never handed out) and shown as ``"3511 AB"``. A phone number is kept as typed (tidied) and
read through :func:`normalise_phone`, which gives its international form (``"+31612345678"``
for ``"06-1234 5678"``, ``"+31 6 12345678"`` or ``"0031612345678"``): the ``tel:`` link and the
search use that form, so a number is found however it was typed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from saas.forms import String
from saas.i18n import L_

POSTCODE = re.compile(r"([1-9][0-9]{3}) ?([A-Z]{2})")
#: Letter pairs PostNL never uses (they read as abbreviations of the Nazi era).
EXCLUDED_LETTERS = frozenset({"SA", "SD", "SS"})
#: What people put between the digits of a phone number.
PHONE_SEPARATORS = re.compile(r"[\s\-./()]")
#: Digits after the country code: 9 for a Dutch number, 6 to 14 for a number abroad (E.164).
DUTCH_DIGITS = 9
INTERNATIONAL = re.compile(r"\+([1-9][0-9]{6,14})")


def normalise_postcode(text: str | None) -> str | None:
    """``"3511 ab"`` → ``"3511AB"``; None when ``text`` is not a Dutch postcode."""
    match = POSTCODE.fullmatch(" ".join((text or "").upper().split()))
    if match is None or match[2] in EXCLUDED_LETTERS:
        return None
    return match[1] + match[2]


def format_postcode(postcode: str | None) -> str:
    """``"3511AB"`` → ``"3511 AB"`` (as it is written on an envelope)."""
    return f"{postcode[:4]} {postcode[4:]}" if postcode else ""


def normalise_phone(text: str | None) -> str | None:
    """The international form of a phone number (``"+31612345678"``), or None when it is not one.

    Dutch numbers are written with a leading 0 (10 digits), +31 or 0031; other countries with + or 00.
    """
    compact = PHONE_SEPARATORS.sub("", text or "")
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if compact.startswith("+31"):
        compact = "0" + compact[3:].removeprefix("0")  # "+31 (0)6 …" is written too
    if compact.startswith("0") and compact[1:2] != "0":
        digits = compact[1:]
        return f"+31{digits}" if digits.isdigit() and len(digits) == DUTCH_DIGITS else None
    return compact if INTERNATIONAL.fullmatch(compact) else None


def tel_uri(phone: str | None) -> str:
    """The ``tel:`` address of a phone number (its international form), or "" when it is not one."""
    normalised = normalise_phone(phone)
    return f"tel:{normalised}" if normalised else ""


def phone_in_query(words: Sequence[str]) -> str | None:
    """The international form of a phone number typed as a search, spaces and all ("06 1234 5678"),
    or None when the query is not one. Nine digits alone ("612345678") are read as a Dutch number
    without its 0."""
    joined = "".join(words)
    if joined.isdigit() and len(joined) == DUTCH_DIGITS and not joined.startswith("0"):
        joined = "0" + joined
    return normalise_phone(joined)


class Postcode(String):
    """A Dutch postcode, stored as ``"3511AB"``."""

    default_error_messages = {
        **String.default_error_messages,
        "invalid": L_("Enter a Dutch postcode: four digits and two letters, for example 3511 AB."),
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=10, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        postcode = normalise_postcode(super()._deserialize(value, attr, data, **kwargs))
        if postcode is None:
            raise self.make_error("invalid")
        return postcode

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return format_postcode(value) or None


class Phone(String):
    """A phone number, kept as typed (without surrounding spaces) once it reads as one."""

    default_error_messages = {
        **String.default_error_messages,
        "invalid": L_("Enter a phone number, for example 06 12345678 or +31 6 12345678."),
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=40, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        phone = super()._deserialize(value, attr, data, **kwargs)
        if normalise_phone(phone) is None:
            raise self.make_error("invalid")
        return " ".join(phone.split())
