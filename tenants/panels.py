"""Panels one domain package adds to another package's page, so the page's package need not
import it: matching adds the matches panel to the family file and the volunteer page ("volunteer",
near the top), trainings its panel further down that page ("volunteer-qualifications", after the VOGs).

``add_panel("family", render)`` registers ``render(obj) -> str`` (rendered HTML); the page's
template shows ``panels("family", family)`` in order of registration.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from markupsafe import Markup

_PANELS: dict[str, list[Callable[[Any], str]]] = defaultdict(list)


def add_panel(page: str, render: Callable[[Any], str]) -> None:
    if render not in _PANELS[page]:
        _PANELS[page].append(render)


def panels(page: str, obj: Any) -> list[Markup]:
    return [Markup(render(obj)) for render in _PANELS[page]]  # noqa: S704 - rendered by Jinja (autoescaped)
