"""Numbers and dates in the reader's locale (issue #15): British English, Dutch decimal commas.

Every date here is fixed, so nothing depends on the day the suite runs.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
from babel.dates import format_date as babel_format_date
from flask import Flask, render_template
from flask_babel import format_date, format_datetime, get_translations

from saas.auth.models import User
from saas.i18n import force_locale, format_hours, get_locale
from saas.tenancy.models import Tenant
from tenants.impact.vocabulary import ReportStatus
from tenants.trainings.schemas import ModuleLines
from tests.factories.reports import add_report
from tests.support.sessions import sign_in

DAY = date(2026, 12, 7)
#: 15:46 UTC is 16:46 in Amsterdam (the configured zone) in December.
MOMENT = datetime(2026, 12, 7, 15, 46, tzinfo=UTC)


@pytest.mark.parametrize("language, day, moment", [
    ("en", "7 Dec 2026", "07/12/2026, 16:46"),
    ("nl", "7 dec 2026", "07-12-2026, 16:46"),
])
def test_dates_and_times_follow_the_interface_language(app: Flask, language: str, day: str, moment: str) -> None:
    with app.test_request_context(), force_locale(language):
        assert format_date(DAY) == day
        assert format_datetime(MOMENT, "short") == moment


def test_arabic_dates_are_babels_arabic(app: Flask) -> None:
    with app.test_request_context(), force_locale("ar"):
        assert format_date(DAY) == babel_format_date(DAY, locale="ar")


def test_english_is_british_but_keeps_its_name_and_catalogue(app: Flask) -> None:
    """``str(get_locale())`` keys instrument texts and figures: it must stay "en", and the en
    catalogue must still be the one loaded."""
    with app.test_request_context(), force_locale("en"):
        assert str(get_locale()) == "en"
        assert format_date(DAY, "long") == "7 December 2026"  # en_US would say "December 7, 2026"
        files = getattr(get_translations(), "files", [])
        assert any("/translations/en/" in name for name in files), files


@pytest.mark.parametrize("language, hours, expected", [
    ("nl", 2.5, "2,5"), ("nl", 11.5, "11,5"), ("nl", 3, "3"), ("nl", 7.25, "7,2"),
    ("en", 2.5, "2.5"), ("nl", None, "0"),
])
def test_hours_read_like_numbers_of_the_language(app: Flask, language: str, hours: float | None,
                                                 expected: str) -> None:
    with app.test_request_context(), force_locale(language):
        assert format_hours(hours) == expected


def test_the_course_form_shows_module_hours_with_a_decimal_comma_and_reads_them_back(app: Flask) -> None:
    modules = [{"name": "Luisteren", "hours": 2.5}, {"name": "Grenzen", "hours": 1.25}]
    field = ModuleLines()
    with app.test_request_context(), force_locale("nl"):
        text = field._serialize(modules, None, None)
        assert text == "Luisteren | 2,5\nGrenzen | 1,25"
        assert field.deserialize(text) == modules


def test_the_certificate_writes_hours_and_dates_in_the_readers_language(app: Flask) -> None:
    course = SimpleNamespace(name="Basistraining", modules=[{"name": "Luisteren", "hours": 2.5}], total_hours=11.5)
    completion = SimpleNamespace(certificate_number="SO-1", completed_on=DAY, valid_until=None)
    with app.test_request_context(), force_locale("nl"):
        html = render_template("trainings/certificate.html", completion=completion, course=course,
                               volunteer=SimpleNamespace(name="Sam"), tenant_name="Stichting")
    assert "11,5" in html and "(2,5 " in html and "7 december 2026" in html
    assert "11.5" not in html and "2.5" not in html


@pytest.mark.parametrize("language", ["en", "nl", "ar"])
def test_the_report_list_shows_the_period_in_the_readers_language(app: Flask, tenant_a: Tenant, manager_a: User,
                                                                   language: str) -> None:
    add_report(app, tenant_a, None, period_start=DAY, period_end=date(2026, 12, 31),
               status=ReportStatus.RUNNING, progress=40)
    client = app.test_client()
    sign_in(client, manager_a)
    with client.session_transaction() as session:
        session["locale"] = language

    html = client.get(f"/t/{tenant_a.slug}/reports/").get_data(as_text=True)

    expected = {"en": "7 Dec 2026", "nl": "7 dec 2026"}.get(language) or babel_format_date(DAY, locale="ar")
    assert expected in html
    assert "2026-12-07" not in html
