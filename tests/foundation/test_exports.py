"""The dashboard's tables as CSV and XLSX: the same protected values as the page, header rows,
clear file names, "<10" for suppressed counts, and no formula a spreadsheet would run.

These tests are about the files, so the figures are a fixed, hand-built set
(tests/foundation/sample_figures.py); computing them is tested with published cells elsewhere.
"""

from __future__ import annotations

import csv
import io

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from saas.auth.roles import FoundationRole
from saas.foundation import national
from saas.foundation.tables import TABLE_KEYS, TITLES
from saas.i18n import force_locale
from tests.factories.platform import create_user
from tests.foundation.sample_figures import FORMULA_NAME, sample_figures
from tests.foundation.view_support import normalised, page_tables
from tests.support.sessions import SignIn


@pytest.fixture
def staff(app: Flask, signed_in: SignIn, monkeypatch: pytest.MonkeyPatch) -> FlaskClient:
    """Foundation staff reading English, with the sample figures whatever is asked."""
    asked: list[tuple[object, ...]] = []

    def figures(year: int | None, track: str | None, language: str) -> national.NationalFigures:
        asked.append((year, track, language))
        return sample_figures(track=track if track == "youth" else None)

    monkeypatch.setattr(national, "national_figures", figures, raising=False)
    client = signed_in(create_user(app, "staff@stichting.example", foundation_role=FoundationRole.STAFF,
                                   locale="en"))
    client.asked = asked  # type: ignore[attr-defined]
    return client


def read_csv(response: object) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))  # type: ignore[attr-defined]


def test_every_csv_holds_the_values_of_the_table_on_the_page(staff: FlaskClient) -> None:
    with staff.application.test_request_context(), force_locale("en"):
        titles = {key: str(TITLES[key]) for key in TABLE_KEYS}
    shown = page_tables(staff.get("/foundation/").text)
    # The page shows the impact table in two parts (the means; the paired change): join them back.
    means, change = shown["Mean score per life domain and moment"], shown["Change from T0 to Tend per life domain"]
    shown[titles["impact"]] = [left + right[1:] for left, right in zip(means, change, strict=True)]
    for key in TABLE_KEYS:
        response = staff.get(f"/foundation/export/{key}.csv")
        assert response.status_code == 200 and response.mimetype == "text/csv", key
        header, *rows = read_csv(response)
        page_header, *page_rows = shown[titles[key]]
        assert header == page_header, key
        assert len(rows) == len(page_rows) > 0, key
        for row, page_row in zip(rows, page_rows, strict=True):
            label, *figures = row
            assert label.removeprefix("'") == page_row[0], key  # a defused name reads the same
            assert figures == [normalised(text) for text in page_row[1:]], (key, label)


def test_a_csv_writes_suppressed_counts_as_under_ten_and_hidden_means_as_a_dash(staff: FlaskClient) -> None:
    rows = read_csv(staff.get("/foundation/export/impact.csv"))
    finances = next(row for row in rows if row[0] == "Financiën")
    assert finances[1:5] == ["120", "2.12", "<10", "–"]
    assert finances[8:10] == ["0.46", "0.30"]
    headlines = read_csv(staff.get("/foundation/export/headlines.csv"))
    assert ["Families supported", "1235"] in headlines and ["Active volunteers", "<10"] in headlines


def test_a_csv_cannot_smuggle_a_formula_in_through_a_tenant_name(staff: FlaskClient) -> None:
    rows = read_csv(staff.get("/foundation/export/fidelity.csv"))
    assert rows[0] == ["Organisation", "T0 done", "Caseload"]
    assert rows[1] == ["'" + FORMULA_NAME, "84%", "11.3"]
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)


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


def test_an_xlsx_leaves_hidden_figures_empty_and_explains_why(staff: FlaskClient) -> None:
    workbook = load_workbook(io.BytesIO(staff.get("/foundation/export/impact.xlsx").data))
    assert workbook.sheetnames == ["about", "impact"]
    sheet = workbook["impact"]
    assert sheet["A1"].value == "Life domain" and sheet["B1"].value == "Families at T0"
    assert [cell.value for cell in sheet[2]][:5] == ["Financiën", 120, 2.12, None, None]
    about = {row[0]: row[1] for row in workbook["about"].iter_rows(values_only=True)}
    assert "Empty cells" in about and "<10" in about["Empty cells"]
    assert about["Year"] == "2025" and "counts under 10" in about["Disclosure control"]


def test_an_xlsx_keeps_a_formula_like_name_as_text(staff: FlaskClient) -> None:
    sheet = load_workbook(io.BytesIO(staff.get("/foundation/export/fidelity.xlsx").data))["fidelity"]
    assert sheet["A2"].value == FORMULA_NAME and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == pytest.approx(0.84) and sheet["B2"].number_format == "0%"


def test_all_tables_in_one_workbook(staff: FlaskClient) -> None:
    response = staff.get("/foundation/export/all.xlsx")
    assert response.headers["Content-Disposition"] == 'attachment; filename="samen-oplopen-statistics-2025.xlsx"'
    assert load_workbook(io.BytesIO(response.data)).sheetnames == ["about", *TABLE_KEYS]


def test_charts_are_svg_images_with_their_own_narrow_policy(staff: FlaskClient) -> None:
    for name in ("trend", "means", "change", "directions", "closure_reasons", "children", "growth"):
        response = staff.get(f"/foundation/charts/{name}.svg?year=2025&track=youth")
        assert response.status_code == 200 and response.mimetype == "image/svg+xml", name
        assert response.headers["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"
        assert b"<script" not in response.data, name
    assert (2025, "youth", "en") in staff.asked  # type: ignore[attr-defined]
