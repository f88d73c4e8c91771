"""Parts of a page kept rendered between requests, under the tenant's data version (issue 19).

A part that costs most of its page to render — the start page's signal cards, a family's suggested
volunteers — looks the same to the same reader until the organisation's data, the day or the
language changes. :func:`render_kept` renders it once and keeps the HTML under the tenant's data
version (saas.tenancy.versions.kept_for_tenant) and a key saying what else it depends on.

What must differ per view is left out of the kept HTML: while a part is rendered to be kept, the
template globals ``csrf_token()`` and ``submission_token()`` give stand-ins, and every view puts its
own values back (the session's CSRF token; a fresh one-time submission token for each form, so two
forms never share one). The stand-ins are random per process, so no text on the page — a family's
name — can contain them.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Hashable
from typing import Any

from flask import g, has_request_context, render_template
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from saas.i18n import get_locale
from saas.submissions.once import new_token
from saas.tenancy.models import Tenant
from saas.tenancy.versions import kept_for_tenant

_CSRF_STAND_IN = secrets.token_urlsafe(24)
_SUBMISSION_STAND_IN = secrets.token_urlsafe(24)
#: In ``g`` while a part is rendered to be kept.
_RENDERING = "kept_part_rendering"


def render_kept(name: str, tenant: Tenant, key: Hashable, template: str, context: Callable[[], dict[str, Any]], *,
                size: int) -> Markup:
    """``render_template(template, **context())``, kept as :func:`keep_rendered` keeps. ``context`` is
    called only when the part is rendered: computing it is usually most of the work."""
    return keep_rendered(name, tenant, key, lambda: render_template(template, **context()), size=size)


def keep_rendered(name: str, tenant: Tenant, key: Hashable, render: Callable[[], str], *, size: int) -> Markup:
    """The HTML ``render()`` gives, kept (cache ``name``, ``size`` entries) for the bound ``tenant``
    under its data version, ``key`` and the reader's language, with this view's tokens put in."""

    def render_with_stand_ins() -> str:
        rendering_before = g.get(_RENDERING, False)  # a kept part inside another keeps the stand-ins
        setattr(g, _RENDERING, True)
        try:
            return render()
        finally:
            setattr(g, _RENDERING, rendering_before)

    html = kept_for_tenant(name, tenant, (key, str(get_locale())), render_with_stand_ins, size=size)
    if _CSRF_STAND_IN in html:
        html = html.replace(_CSRF_STAND_IN, generate_csrf())
    if _SUBMISSION_STAND_IN in html:
        head, *rest = html.split(_SUBMISSION_STAND_IN)
        html = head + "".join(new_token() + part for part in rest)
    return Markup(html)  # noqa: S704 - autoescaped output with URL-safe tokens put in


def query_key(values: dict[str, Any]) -> Hashable:
    """A key for a page's validated query ``values`` (filters, sort, page number)."""
    return tuple(sorted((name, repr(value)) for name, value in values.items()))


def csrf_token() -> str:
    """The template global ``csrf_token()``: Flask-WTF's token, or its stand-in in a kept part."""
    return _CSRF_STAND_IN if has_request_context() and g.get(_RENDERING) else generate_csrf()


def submission_token() -> str:
    """The template global ``submission_token()``: a fresh token, or its stand-in in a kept part."""
    return _SUBMISSION_STAND_IN if has_request_context() and g.get(_RENDERING) else new_token()
