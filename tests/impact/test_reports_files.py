"""The files of a municipality report in the report's language: Dutch labels and numbers in the
PDF, a spreadsheet made for people (translated sheets, numbers as numbers, a legend, frozen
headers) with one tidy sheet for machines, and tagged PDFs (structure tree, document language)."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from flask import Flask
from pypdf import PdfReader

from saas.db import db, tenant_context
from saas.i18n import _, force_locale, format_number
from saas.tenancy.models import Tenant
from tenants.impact.reports.jobs import render_report
from tenants.impact.reports.labels import category_label, format_value
from tenants.impact.reports.models import MunicipalityReport
from tenants.impact.vocabulary import ReportStatus
from tests.factories.reports import add_report, last_year, populate_municipality


def made_in(app: Flask, tenant: Tenant, language: str) -> MunicipalityReport:
    """A report of twelve families generated in ``language``, as the background job makes it."""
    populate_municipality(app, tenant, last_year(), families=12)
    period = last_year()
    report = add_report(app, tenant, None, status=ReportStatus.READY, pdf=None, xlsx=None, figures={},
                        municipality="Alpha", period_start=period.start, period_end=period.end)
    with app.app_context(), tenant_context(db.session, tenant.id), force_locale(language):
        report = db.session.get_one(MunicipalityReport, (tenant.id, report.id))
        render_report(report, tenant.name)
        db.session.commit()
        db.session.refresh(report)
        db.session.expunge(report)
    return report


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_labels_are_read_in_the_language_of_the_file(app: Flask) -> None:
    with app.app_context():
        with force_locale("nl"):
            dutch = [category_label(code) for code in ("cjg", "goals_reached", "yes", "t0", "finances", "total")]
        with force_locale("en"):
            english = [category_label(code) for code in ("cjg", "goals_reached", "yes", "t0", "finances", "total")]
    assert dutch[:2] == ["Centrum voor Jeugd en Gezin (CJG)", "Doelen bereikt"]
    assert english[:2] == ["Youth and family centre (CJG)", "Goals reached"]
    assert all(nl != en for nl, en in zip(dutch, english, strict=True))


@pytest.mark.parametrize(("value", "unit", "expected"), [
    (7.8, "grade", "7,8"), (-0.0, "change", "0,00"), (-0.004, "change", "0,00"), (0.5, "change", "+0,50"),
    (-1.25, "change", "-1,25"), (1234, "count", "1.234"), (None, "count", "<10"), (None, "grade", "–"),
])
def test_figures_are_written_the_dutch_way_and_never_as_minus_zero(
        app: Flask, value: Any, unit: str, expected: str) -> None:
    with app.app_context(), force_locale("nl"):
        assert format_value({"value": value, "unit": unit}) == expected


def test_format_number_in_british_english(app: Flask) -> None:
    with app.app_context(), force_locale("en"):
        assert (format_number(2.5, 1), format_number(-0.04, 1), format_number(1234)) == ("2.5", "0.0", "1,234")


def test_the_dutch_report_pdf_is_dutch_and_tagged(app: Flask, tenant_a: Tenant) -> None:
    report = made_in(app, tenant_a, "nl")

    reader = PdfReader(io.BytesIO(report.pdf))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/Lang"] == "nl"
    text = pdf_text(report.pdf)
    assert "Centrum voor Jeugd en Gezin (CJG)" in text and "Doelen bereikt" in text
    for english in ("Youth and family centre", "Goals reached", "T0: at intake", "Midwife"):
        assert english not in text
    assert "8,0" in text and "8.0" not in text  # the mean satisfaction grade, with a decimal comma
    assert "-0,0" not in text and "-0.0" not in text


def test_the_arabic_report_pdf_runs_right_to_left(app: Flask, tenant_a: Tenant) -> None:
    report = made_in(app, tenant_a, "ar")

    root = PdfReader(io.BytesIO(report.pdf)).trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/Lang"] == "ar"
    assert "Goals reached" not in pdf_text(report.pdf)
    workbook = openpyxl.load_workbook(io.BytesIO(report.xlsx))
    assert workbook.worksheets[0].sheet_view.rightToLeft and not workbook["data"].sheet_view.rightToLeft


def test_the_dutch_spreadsheet_is_made_for_people_and_for_machines(app: Flask, tenant_a: Tenant) -> None:
    report = made_in(app, tenant_a, "nl")

    workbook = openpyxl.load_workbook(io.BytesIO(report.xlsx))
    with app.app_context(), force_locale("nl"):
        about, legend = str(_("About")), str(_("Legend"))
    assert workbook.sheetnames[:3] == [about, legend, "Bereik"] and workbook.sheetnames[-1] == "data"
    reach = workbook["Bereik"]
    assert reach.freeze_panes == "B3" and reach["A2"].value == "Indicator" and reach["B2"].value == "Waarde"
    values = {row[0]: row[1] for row in reach.iter_rows(min_row=3, values_only=True)}
    assert values["Ondersteunde gezinnen"] == 10
    assert reach.column_dimensions["A"].width > 20
    for sheet in workbook.worksheets[2:-1]:  # the tables: a number, or an empty (not shown) cell
        for row in sheet.iter_rows(min_row=3, min_col=2, values_only=True):
            assert all(value is None or isinstance(value, int | float) for value in row), (sheet.title, row)
    assert workbook[legend]["A2"].value and workbook[legend].freeze_panes == "A2"

    data = workbook["data"]
    assert [cell.value for cell in data[1]] == ["table", "measure", "category", "period_start", "period_end",
                                                "unit", "value", "suppressed"]
    rows = {(r[0], r[1], r[2]): r for r in data.iter_rows(min_row=2, values_only=True)}
    assert rows[("referral_channels", "families_referred", "cjg")][6:] == (10, False)
    assert rows[("referral_channels", "families_referred", "midwife")][6:] == (0, False)
    assert rows[("domain_means", "grade_t1", "finances")][6:] == (None, True)
    assert rows[("reach", "families_supported", "all")][3].year == last_year().start.year
