"""Panels one domain package adds to another package's page, so the page's package need not
import it: matching adds the matches panel to the family file and the volunteer page ("volunteer",
near the top), trainings its panel further down that page ("volunteer-qualifications", after the VOGs).

``add_panel("family", render)`` registers ``render(obj) -> str`` (rendered HTML); the page's
template shows ``panels("family", family)`` in order of registration. A panel about a record (an
object with an ``id``) in a tenant page is kept rendered under the tenant's data version, per record,
day and language (saas.web.kept): a panel shows a summary (matches, contact counts, measurements),
never sealed text, and looks the same to every member of staff.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from flask import g
from markupsafe import Markup

from saas.clock import local_today
from saas.web.kept import keep_rendered

_PANELS: dict[str, list[Callable[[Any], str]]] = defaultdict(list)


def add_panel(page: str, render: Callable[[Any], str]) -> None:
    if render not in _PANELS[page]:
        _PANELS[page].append(render)


#: Rendered panels each process keeps.
KEPT_PANELS = 512


def panels(page: str, obj: Any) -> list[Markup]:
    return [_rendered(page, index, render, obj) for index, render in enumerate(_PANELS[page])]


def _rendered(page: str, index: int, render: Callable[[Any], str], obj: Any) -> Markup:
    tenant, record = g.get("tenant"), getattr(obj, "id", None)
    if tenant is None or record is None:
        return Markup(render(obj))  # noqa: S704 - rendered by Jinja (autoescaped)
    return keep_rendered(f"panels.{page}", tenant, (index, record, local_today()), lambda: render(obj),
                         size=KEPT_PANELS)
