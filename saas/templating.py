"""Jinja set-up shared by every page: language, direction, tenant and navigation helpers."""

from __future__ import annotations

from typing import Any

from flask import Flask, g
from flask_babel import format_date, format_datetime

from saas.i18n import LANGUAGES, get_locale, text_direction


def init_templating(app: Flask) -> None:
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.globals.update(
        LANGUAGES=LANGUAGES,
        format_datetime=format_datetime,
        format_date=format_date,
    )

    @app.context_processor
    def _page_context() -> dict[str, Any]:
        locale = str(get_locale())
        return {
            "locale": locale,
            "text_dir": text_direction(),
            "tenant": g.get("tenant"),
            "membership": g.get("membership"),
        }
