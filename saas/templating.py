"""Jinja set-up shared by every page: language, direction, tenant and navigation helpers."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Flask, current_app, g, request, url_for
from flask_babel import format_date, format_datetime, format_decimal, format_percent

from saas.contact import format_postcode, tel_uri
from saas.i18n import LANGUAGES, format_hours, format_number, get_locale, text_direction
from saas.navigation import main_navigation
from saas.web import kept


def _format_iso_date(value: str) -> str:
    """A date kept as ISO text (e.g. in an event's details), formatted for the reader."""
    try:
        return format_date(date.fromisoformat(value))
    except (TypeError, ValueError):
        return value or ""


def asset_url(filename: str) -> str:
    """``url_for("static", filename=filename)``, built once per process (the layout links seven)."""
    kept: dict[tuple[str, str], str] = current_app.extensions.setdefault("asset_urls", {})
    key = (request.script_root, filename)
    url = kept.get(key)
    if url is None:
        url = kept[key] = url_for("static", filename=filename)
    return url


def init_templating(app: Flask) -> None:
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.filters["iso_date"] = _format_iso_date
    app.jinja_env.filters["tel_uri"] = tel_uri
    app.jinja_env.filters["postcode"] = format_postcode
    app.jinja_env.globals.update(
        LANGUAGES=LANGUAGES,
        format_datetime=format_datetime,
        format_date=format_date,
        format_decimal=format_decimal,
        format_hours=format_hours,
        format_number=format_number,
        format_percent=format_percent,
        # A fresh one per rendered form (the csrf() macro): a repeat of the same send runs once.
        # Both tokens stand in for themselves in a part kept rendered (saas.web.kept); this
        # csrf_token replaces Flask-WTF's global and context function, which it calls.
        submission_token=kept.submission_token,
        csrf_token=kept.csrf_token,
        asset_url=asset_url,
        main_navigation=main_navigation,
    )

    @app.context_processor
    def _page_context() -> dict[str, Any]:
        locale = str(get_locale())
        return {
            "csrf_token": kept.csrf_token,
            "locale": locale,
            "text_dir": text_direction(),
            "tenant": g.get("tenant"),
            "membership": g.get("membership"),
        }
