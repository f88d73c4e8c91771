"""Translations: the one place that exports ``_`` and friends, and picks the language.

Rules (enforced by review and by tests/test_i18n.py):

* ``_`` for text built during a request, ``L_`` (lazy) for text defined at import time.
* Placeholders are filled *after* translation: ``_("{n} members").format(n=3)`` or
  ``_("%(n)s members", n=3)``; never an f-string inside ``_()``.
* Templates use ``{% trans trimmed %}``; ``# i18n:`` comments explain ambiguous words.
* Numbers, dates and times a person reads go through Babel (``format_date``, ``format_hours``…) in
  the reader's locale, never ``f"{x:.1f}"`` or ``isoformat()``. English is formatted the British
  way (``interface_locale``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from babel import Locale
from babel.localedata import LocaleDataDict
from babel.support import NullTranslations
from flask import Flask, current_app, g, has_app_context, has_request_context, request, session
from flask_babel import Babel, format_decimal, get_locale, get_translations
from flask_babel import force_locale as _force_babel_locale
from flask_babel.speaklater import LazyString

#: Supported interface languages, in the order the switcher shows them (each in its own name).
LANGUAGES = {"nl": "Nederlands", "en": "English", "ar": "العربية"}
RTL_LANGUAGES = frozenset({"ar"})

babel = Babel()

#: Where a request (or a job's app context) keeps the catalogue of the language it reads.
_BOUND = "_saas_translations"
_NO_TRANSLATIONS = NullTranslations()


def _translations() -> NullTranslations:
    """The catalogue of the language being read, bound once per request (and anew inside
    :func:`force_locale`). Flask-Babel's own ``gettext`` resolves the domain, the locale and the
    catalogue cache on every call — a few microseconds each, a tenth of a page's time over the
    couple of hundred texts a page translates."""
    try:
        bound = g.get(_BOUND)
    except RuntimeError:  # no app context: text read outside the app (a script, an import)
        return _NO_TRANSLATIONS
    if bound is None:
        bound = get_translations()
        setattr(g, _BOUND, bound)
    return bound


def _(string: str, **variables: object) -> str:
    """The translation of ``string`` in the reader's language, ``%(name)s`` placeholders filled."""
    text = _translations().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables: object) -> str:
    """The singular or plural translation for ``num`` (available as ``%(num)s``)."""
    variables.setdefault("num", num)
    return _translations().ungettext(singular, plural, num) % variables


def pgettext(context: str, string: str, **variables: object) -> str:
    """The translation of ``string`` in ``context`` (the same English word, different Dutch ones)."""
    text = _translations().upgettext(context, string)
    return text % variables if variables else text


def L_(string: str, **variables: object) -> LazyString:  # noqa: N802 - the conventional name
    """``_`` for text defined at import time: translated each time it is read."""
    return LazyString(_, string, **variables)


def install_template_translations(app: Flask) -> None:
    """Let ``{% trans %}`` and ``_()`` in templates read the request's bound catalogue too."""
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda string: _translations().ugettext(string),
        ngettext=lambda singular, plural, num: _translations().ungettext(singular, plural, num),
        pgettext=lambda context, string: _translations().upgettext(context, string),
        npgettext=lambda context, singular, plural, num: _translations().unpgettext(context, singular, plural, num),
        newstyle=True,
    )


class _BritishEnglish(Locale):
    """English named "en" (the catalogue, ``str(get_locale())`` as a key for instrument texts and
    figures) but formatting with en_GB's data: our English readers are Dutch organisations, who
    expect "7 Dec 2026, 16:46", not the US "12/7/26, 4:46 PM". tests/test_formatting.py guards the
    override of Babel's ``_data``, should a Babel upgrade change it."""

    _british = Locale("en", "GB")

    def __init__(self) -> None:
        super().__init__("en")

    @property
    def _data(self) -> LocaleDataDict:
        return self._british._data


@cache
def interface_locale(language: str) -> Locale:
    """The Babel locale for an interface language: British English for "en", else the language."""
    return _BritishEnglish() if language == "en" else Locale.parse(language)


@contextmanager
def force_locale(language: str) -> Iterator[None]:
    """Render in ``language`` (a mail, a PDF), formatted like the pages in that language."""
    with _force_babel_locale(interface_locale(language)):
        outer = g.pop(_BOUND, None) if has_app_context() else None
        try:
            yield
        finally:
            if has_app_context():
                g.pop(_BOUND, None)
                if outer is not None:
                    setattr(g, _BOUND, outer)


def format_hours(hours: float | int | None) -> str:
    """Hours (of a course, a module, a volunteer's learning) in the reader's locale: "2,5" in Dutch;
    one decimal at most, as the module hours are entered."""
    return format_decimal(hours or 0, "#,##0.#")


def format_number(value: float | int | Decimal, decimals: int = 0, *, signed: bool = False) -> str:
    """A figure in the reader's locale with exactly ``decimals`` decimals ("7,8" in Dutch). A value
    that rounds to zero is written without a sign: "-0,0" would suggest a direction that is not
    there. ``signed`` puts "+" before a positive change, so a rise reads as one."""
    amount = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    if amount.is_zero():
        amount = abs(amount)  # Decimal keeps the sign of -0.0; Babel would print it
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    if signed and not amount.is_zero():
        pattern = f"+{pattern};-{pattern}"
    return format_decimal(amount, pattern)


def select_locale() -> Locale:
    """The user's choice, else the tenant's default, else the browser's, else Dutch."""
    return interface_locale(_chosen_language())


def _chosen_language() -> str:
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


__all__ = ["LANGUAGES", "L_", "_", "babel", "force_locale", "format_hours", "format_number", "get_locale",
           "interface_locale", "ngettext", "pgettext", "select_locale", "text_direction"]
