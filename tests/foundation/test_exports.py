"""The dashboard's tables as files: an XLSX made for people (named sheets, frozen headers,
numbers as numbers, hidden figures as empty grey cells explained in a legend) with a tidy sheet
for machines, and a CSV in that same long format; clear file names, the request's language, and
no formula a spreadsheet would run.

These tests are about the files, so the figures are a fixed, hand-built set
(tests/foundation/sample_figures.py); computing them is tested with published cells elsewhere.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import format_datetime
from openpyxl import load_workbook
from openpyxl.workbook import Workbook

from saas.auth.roles import FoundationRole
from saas.foundation import national
from saas.foundation.exports import MACHINE_COLUMNS, SHEET_NAMES
from saas.foundation.tables import NOT_SHOWN, SUPPRESSED, TABLE_KEYS, TITLES, Cell, Kind
from saas.i18n import _, force_locale
from saas.spreadsheets import HIDDEN_COLOUR
from tests.factories.platform import create_user
from tests.foundation.sample_figures import FORMULA_NAME, sample_figures
from tests.foundation.view_support import normalised, page_tables
from tests.support.sessions import SignIn

Reader = Callable[[str], FlaskClient]


@pytest.fixture
def staff_in(app: Flask, signed_in: SignIn, monkeypatch: pytest.MonkeyPatch) -> Reader:
    """``staff_in(language)``: foundation staff reading that language, with the sample figures
    (frozen) whatever is asked."""
    asked: list[tuple[object, ...]] = []

    def figures(year: int | None, track: str | None, language: str) -> national.NationalFigures:
        asked.append((year, track, language))
        return sample_figures(track=track if track == "youth" else None, frozen=True)

    monkeypatch.setattr(national, "national_figures", figures, raising=False)

    def reader(language: str) -> FlaskClient:
        client = signed_in(create_user(app, f"staff-{language}@stichting.example",
                                       foundation_role=FoundationRole.STAFF, locale=language))
        client.asked = asked  # type: ignore[attr-defined]
        return client

    return reader


@pytest.fixture
def staff(staff_in: Reader) -> FlaskClient:
    """Foundation staff reading English."""
    return staff_in("en")


def read_csv(response: Any) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


def read_xlsx(response: Any) -> Workbook:
    return load_workbook(io.BytesIO(response.data))


def figures_of(rows: list[dict[str, str]]) -> dict[tuple[str, str], dict[str, str]]:
    """A long CSV's rows by (row code, column code)."""
    return {(row["row"], row["column"]): row for row in rows}


def sheet_names(app: Flask, language: str) -> list[str]:
    """The workbook's sheets as the catalogue names them in ``language``."""
    with app.test_request_context(), force_locale(language):
        return [str(_("About")), str(_("Legend")),
                *(str(SHEET_NAMES.get(key, TITLES[key])) for key in TABLE_KEYS), "data"]


def test_every_csv_holds_the_values_of_the_table_on_the_page(staff: FlaskClient) -> None:
    with staff.application.test_request_context(), force_locale("en"):
        titles = {key: str(TITLES[key]) for key in TABLE_KEYS}
    shown = page_tables(staff.get("/foundation/").text)
    # The page shows the impact table in three parts (the means; the changes to Tend and to T1): join them back.
    parts = (shown["Mean grade per life domain and moment"], shown["Change from T0 to Tend per life domain"],
             shown["Change from T0 to T1 (after a year) per life domain"])
    shown[titles["impact"]] = [means + change + later for means, change, later in zip(
        parts[0], [row[1:] for row in parts[1]], [row[1:] for row in parts[2]], strict=True)]
    for key in TABLE_KEYS:
        response = staff.get(f"/foundation/export/{key}.csv")
        assert response.status_code == 200 and response.mimetype == "text/csv", key
        rows = read_csv(response)
        assert {row["table"] for row in rows} == {key}
        page_header, *page_rows = shown[titles[key]]
        # Long format: one figure per row, the page's rows and columns in the page's order (a defused
        # organisation name reads the same, behind its apostrophe).
        labels = list(dict.fromkeys(row["row_label"].removeprefix("'") for row in rows))
        assert labels == [page_row[0] for page_row in page_rows], key
        assert list(dict.fromkeys(row["column_label"] for row in rows)) == page_header[1:], key
        for row, text in zip(rows, (text for page_row in page_rows for text in page_row[1:]), strict=True):
            if text in (SUPPRESSED, NOT_SHOWN):
                assert row["value"] == "" and row["suppressed"] == "true", (key, row)
            else:
                page_value = Decimal(normalised(text).removesuffix("%")) / (100 if text.endswith("%") else 1)
                assert Decimal(row["value"]) == page_value and row["suppressed"] == "false", (key, row)


def test_a_csv_holds_numbers_only_and_flags_what_is_not_shown(staff: FlaskClient) -> None:
    rows = read_csv(staff.get("/foundation/export/impact.csv"))
    assert list(rows[0]) == list(MACHINE_COLUMNS)
    impact = figures_of(rows)
    assert impact[("finances", "families_t0")]["value"] == "120" and impact[("finances", "mean_t0")]["value"] == "2.1"
    assert [impact[("finances", column)]["value"] for column in ("mean_change", "change_ci_low")] == ["0.46", "0.3"]
    hidden = impact[("finances", "families_t1")]
    assert (hidden["value"], hidden["unit"], hidden["suppressed"]) == ("", "count", "true")
    assert (hidden["row_label"], hidden["column_label"]) == ("Financiën", "Families at T1")
    assert impact[("finances", "mean_t1")]["value"] == "" and impact[("finances", "mean_t1")]["unit"] == "grade"
    for row in rows:  # nothing but a number (or nothing) in the value column
        assert row["value"] == "" or Decimal(row["value"]).is_finite(), row
        assert row["suppressed"] == ("true" if row["value"] == "" else "false"), row
    headlines = figures_of(read_csv(staff.get("/foundation/export/headlines.csv")))
    assert headlines[("families_supported", "number")]["value"] == "1235"
    assert headlines[("volunteers_active", "number")]["suppressed"] == "true"


def test_a_csv_writes_labels_in_the_language_of_the_request_and_codes_in_english(staff_in: Reader) -> None:
    rows = figures_of(read_csv(staff_in("nl").get("/foundation/export/impact.csv")))
    assert rows[("finances", "families_t0")]["column_label"] == "Gezinnen bij T0"
    assert rows[("finances", "families_t0")]["unit"] == "count"


def test_a_csv_cannot_smuggle_a_formula_in_through_a_tenant_name(staff: FlaskClient) -> None:
    rows = read_csv(staff.get("/foundation/export/fidelity.csv"))
    first = [row for row in rows if row["row_label"] == "'" + FORMULA_NAME]
    caseload = str(Cell(Decimal("11.25"), Kind.RATIO).shown())  # the sample's caseload, as the page rounds it
    assert [(row["row"], row["column"], row["value"], row["unit"]) for row in first] == [
        ("'" + FORMULA_NAME, "t0_done", "0.84", "share"), ("'" + FORMULA_NAME, "caseload", caseload, "ratio")]
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row.values())


def test_files_are_attachments_with_clear_names(staff: FlaskClient) -> None:
    response = staff.get("/foundation/export/trend.csv?year=2025&track=youth")
    assert response.headers["Content-Disposition"] == 'attachment; filename="samen-oplopen-trend-2025-youth.csv"'
    assert "no-store" in response.headers["Cache-Control"]
    response = staff.get("/foundation/export/growth.xlsx")
    assert response.headers["Content-Disposition"] == 'attachment; filename="samen-oplopen-growth-2025.xlsx"'
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.mark.parametrize("url", ["/foundation/export/families.csv", "/foundation/export/all.csv",
                                 "/foundation/export/trend.pdf", "/foundation/export/..%2Ftrend.csv",
                                 "/foundation/charts/secret.svg"])
def test_an_unknown_table_or_chart_is_not_found(staff: FlaskClient, url: str) -> None:
    assert staff.get(url).status_code == 404


def test_an_xlsx_marks_hidden_figures_as_empty_grey_cells_and_explains_them(staff: FlaskClient) -> None:
    workbook = read_xlsx(staff.get("/foundation/export/impact.xlsx"))
    assert workbook.sheetnames == ["About", "Legend", "Impact per life domain", "data"]
    sheet = workbook["Impact per life domain"]
    assert sheet["A1"].value == "Impact per life domain" and sheet.freeze_panes == "B3"
    assert sheet["A2"].value == "Life domain" and sheet["B2"].value == "Families at T0"
    assert [cell.value for cell in sheet[3]][:5] == ["Financiën", 120, 2.1, None, None]
    assert sheet["B3"].number_format == "#,##0" and sheet["C3"].number_format == "#,##0.0"
    assert sheet["I3"].number_format.startswith("+")  # a change shows its sign
    assert sheet["D3"].fill.fgColor.rgb.endswith(HIDDEN_COLOUR) and sheet["B3"].fill.fill_type is None
    assert sheet.column_dimensions["A"].width >= len("Life domain")
    legend = {row[0]: row[1] for row in workbook["Legend"].iter_rows(min_row=2, values_only=True)}
    assert SUPPRESSED in legend["Empty grey cell"] and NOT_SHOWN in legend["Empty grey cell"]
    assert "1 to 9" in legend["Small counts"] and "nearest 5" in legend["Rounding"]
    assert "fewer than 3 organisations" in legend["Few organisations"]
    assert "10 or more families" in legend["Means and shares"]
    assert {"Hidden to protect another figure", "Numbers", "data", "CSV"} <= set(legend)
    about = {row[0]: row[1] for row in workbook["About"].iter_rows(min_row=2, values_only=True)}
    assert about["Year"] == "2025" and about["Track"] == "All tracks" and about["Tables"] == "Impact per life domain"


def test_an_xlsx_says_when_it_was_made_in_the_readers_language(app: Flask, staff_in: Reader) -> None:
    made = datetime(2026, 12, 7, 10, 30, tzinfo=UTC)
    with time_machine.travel(made, tick=False):
        workbook = read_xlsx(staff_in("nl").get("/foundation/export/growth.xlsx"))
    about_name = workbook.sheetnames[0]
    with app.test_request_context(), force_locale("nl"):
        generated = format_datetime(made)
    about = {row[0]: row[1] for row in workbook[about_name].iter_rows(min_row=2, values_only=True)}
    assert about["Jaar"] == "2025" and about["Gemaakt op"] == generated
    assert about["Vrijgegeven op"] == "1 februari 2026"


@pytest.mark.parametrize("language", ["nl", "en", "ar"])
def test_every_table_is_a_named_sheet_of_numbers_in_the_readers_language(
        app: Flask, staff_in: Reader, language: str) -> None:
    workbook = read_xlsx(staff_in(language).get("/foundation/export/all.xlsx"))
    assert workbook.sheetnames == sheet_names(app, language)
    if language == "nl":
        assert workbook.sheetnames[1:3] == ["Toelichting", "Landelijke cijfers"]
    for sheet in workbook.worksheets:  # an Arabic reader's sheets run right to left; the machines' never
        assert sheet.sheet_view.rightToLeft == (language == "ar" and sheet.title != "data"), sheet.title
    for sheet in workbook.worksheets[2:-1]:
        assert sheet.freeze_panes == "B3" and sheet["A2"].font.bold, sheet.title
        for row in sheet.iter_rows(min_row=3, min_col=2):
            for cell in row:  # a number, or an empty grey cell: never "<10" or "–" in a number column
                assert isinstance(cell.value, int | float) or (
                    cell.value is None and cell.fill.fgColor.rgb.endswith(HIDDEN_COLOUR)), (sheet.title, cell)


def test_the_data_sheet_holds_every_figure_of_the_tables_with_stable_codes(staff_in: Reader) -> None:
    workbook = read_xlsx(staff_in("ar").get("/foundation/export/all.xlsx"))
    header, *rows = workbook["data"].iter_rows(values_only=True)
    assert header == MACHINE_COLUMNS
    for key, sheet in zip(TABLE_KEYS, workbook.worksheets[2:-1], strict=True):
        figures = [cell.value for row in sheet.iter_rows(min_row=3, min_col=2) for cell in row]
        data = [row for row in rows if row[0] == key]
        assert [row[3] for row in data] == figures, key
        assert [row[5] for row in data] == [value is None for value in figures], key
        assert not any(str(row[1]).startswith("row_") or str(row[2]).startswith("column_") for row in data), key
    codes = {(row[0], row[1], row[2]): row for row in rows}
    assert codes[("impact", "finances", "mean_change")][3:6] == (0.46, "change", False)
    assert codes[("trend", "2025-Q1", "families_new")][3:6] == (None, "count", True)
    assert codes[("fidelity", "national_median", "t0_done")][3:5] == (0.84, "share")
    assert codes[("growth", "2025", "organisations")][3:5] == (12, "exact")


def test_an_xlsx_keeps_a_formula_like_name_as_text(staff: FlaskClient) -> None:
    workbook = read_xlsx(staff.get("/foundation/export/fidelity.xlsx"))
    sheet = workbook["Fidelity"]
    assert sheet["A3"].value == FORMULA_NAME and sheet["A3"].data_type == "s"
    assert sheet["B3"].value == pytest.approx(0.84) and sheet["B3"].number_format == "0%"
    data = workbook["data"]
    assert data["B2"].value == FORMULA_NAME and data["B2"].data_type == "s"


def test_all_tables_in_one_workbook(app: Flask, staff: FlaskClient) -> None:
    response = staff.get("/foundation/export/all.xlsx")
    assert response.headers["Content-Disposition"] == 'attachment; filename="samen-oplopen-statistics-2025.xlsx"'
    workbook = read_xlsx(response)
    assert workbook.sheetnames == sheet_names(app, "en")
    about = {row[0]: row[1] for row in workbook["About"].iter_rows(min_row=2, values_only=True)}
    with app.test_request_context(), force_locale("en"):
        assert about["Tables"].splitlines() == [str(TITLES[key]) for key in TABLE_KEYS]


def test_charts_are_svg_images_with_their_own_narrow_policy(staff: FlaskClient) -> None:
    for name in ("trend", "means", "change", "directions", "closure_reasons", "children", "growth"):
        response = staff.get(f"/foundation/charts/{name}.svg?year=2025&track=youth")
        assert response.status_code == 200 and response.mimetype == "image/svg+xml", name
        assert response.headers["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"
        assert b"<script" not in response.data, name
    assert (2025, "youth", "en") in staff.asked  # type: ignore[attr-defined]
