"""Enums whose members carry a translated label, stored by their stable string value."""

from __future__ import annotations

import enum
from typing import Any


class LabelledEnum(enum.StrEnum):
    """A string enum whose members carry a translated label: ``CJG = "cjg", L_("…")``."""

    _label: Any

    def __new__(cls, value: str, label: Any) -> LabelledEnum:
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label
        return member

    @property
    def label(self) -> str:
        return str(self._label)

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]
