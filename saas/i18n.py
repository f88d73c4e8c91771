"""Translations: the one place that exports ``_`` and friends, and picks the language.

Rules (enforced by review and by tests/test_i18n.py):

* ``_`` for text built during a request, ``L_`` (lazy) for text defined at import time.
* Placeholders are filled *after* translation: ``_("{n} members").format(n=3)`` or
  ``_("%(n)s members", n=3)``; never an f-string inside ``_()``.
* Templates use ``{% trans trimmed %}``; ``# i18n:`` comments explain ambiguous words.
"""

from __future__ import annotations

from flask import current_app, g, has_request_context, request, session
from flask_babel import Babel, force_locale, get_locale, lazy_gettext, ngettext, pgettext
from flask_babel import gettext as _

L_ = lazy_gettext

#: Supported interface languages, in the order the switcher shows them (each in its own name).
LANGUAGES = {"nl": "Nederlands", "en": "English", "ar": "العربية"}
RTL_LANGUAGES = frozenset({"ar"})

babel = Babel()


def select_locale() -> str:
    """The user's choice, else the tenant's default, else the browser's, else Dutch."""
    if not has_request_context():
        return current_app.config["DEFAULT_LOCALE"]
    from flask_login import current_user  # local: i18n is imported by the models

    if current_user and current_user.is_authenticated and current_user.locale in LANGUAGES:
        return current_user.locale
    if session.get("locale") in LANGUAGES:
        return session["locale"]
    tenant = g.get("tenant")
    if tenant is not None and tenant.default_locale in LANGUAGES:
        return tenant.default_locale
    return request.accept_languages.best_match(LANGUAGES) or current_app.config["DEFAULT_LOCALE"]


def text_direction() -> str:
    """"rtl" for right-to-left languages, else "ltr"."""
    return "rtl" if str(get_locale()) in RTL_LANGUAGES else "ltr"


__all__ = ["LANGUAGES", "L_", "_", "babel", "force_locale", "get_locale", "ngettext", "pgettext",
           "select_locale", "text_direction"]
