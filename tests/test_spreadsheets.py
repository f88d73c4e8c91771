"""The platform's recipe for figures in spreadsheet files (saas.spreadsheets), which the
municipality report's workbook and the foundation's exports both follow: sheet names Excel
accepts, numbers stored as numbers, a hidden figure as an empty grey cell, text never run as a
formula, right to left only for people, and a long format for machines (as a sheet or a CSV)."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from flask import Flask
from openpyxl import load_workbook

from saas.i18n import force_locale
from saas.spreadsheets import (
    HIDDEN_COLOUR,
    INTEGER,
    MACHINE_SHEET,
    Figure,
    Spreadsheet,
    defused,
    number,
    number_format,
    sheet_name,
    tidy_csv,
    write_figure_table,
    write_machine_table,
    write_text_table,
)

FORMULA = '=HYPERLINK("http://evil.example","x")'


def test_a_sheet_name_is_one_excel_accepts_and_unique_in_its_workbook() -> None:
    taken: set[str] = set()
    assert sheet_name("Grades [1/10]: mean?", taken) == "Grades -1-10-- mean-"
    long = "Children in the supported families, by age"
    assert sheet_name(long, taken) == long[:31]
    assert sheet_name(long.upper(), taken) == long.upper()[:28] + " 2"  # Excel compares names without case
    assert sheet_name(long, taken) == long[:28] + " 3"
    assert all(len(name) <= 31 for name in taken)


def test_number_formats_keep_the_decimals_and_the_sign_of_a_change() -> None:
    assert INTEGER == number_format() == "#,##0"
    assert number_format(1) == "#,##0.0"
    assert number_format(2, signed=True) == "+#,##0.00;-#,##0.00;#,##0.00"
    assert number_format(0, percentage=True) == "0%"


def test_a_number_is_stored_as_one_every_reader_takes() -> None:
    assert str(number(-0.0)) == "0.0"  # a mean that rounds to nothing has no direction
    assert number(Decimal("3.00")) == 3 and isinstance(number(Decimal("3.00")), int)
    assert number(Decimal("0.84")) == pytest.approx(0.84) and isinstance(number(Decimal("0.84")), float)
    assert number(12) == 12 and number(None) is None


def test_a_figure_table_stores_numbers_and_greys_out_what_is_not_shown(app: Flask) -> None:
    with app.test_request_context(), force_locale("en"):
        spreadsheet = Spreadsheet()
        sheet = spreadsheet.sheet("Figures")
        write_figure_table(sheet, "Families per quarter", ["Quarter", "Families", "Mean", "Note"], [
            ("Q1", [Figure(120, INTEGER), Figure(None, number_format(2)), None]),
            (FORMULA, [Figure(Decimal("2.125"), number_format(2)), Figure(-0.0, number_format(2)), "=1+1"]),
        ])
        workbook = load_workbook(io.BytesIO(spreadsheet.save()))
    assert workbook.sheetnames == ["Figures"]  # the first sheet replaces openpyxl's empty one
    sheet = workbook["Figures"]
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["Families per quarter", None, None, None], ["Quarter", "Families", "Mean", "Note"],
        ["Q1", 120, None, None], [FORMULA, 2.125, 0, "=1+1"]]
    assert sheet["A1"].font.bold and sheet["B2"].font.bold and sheet.freeze_panes == "B3"
    assert sheet["B3"].number_format == "#,##0" and sheet["C4"].number_format == "#,##0.00"
    assert sheet["C3"].fill.fgColor.rgb.endswith(HIDDEN_COLOUR)  # hidden: empty and grey
    assert sheet["D3"].fill.fill_type is None  # no figure there at all: nothing hidden
    assert sheet["A4"].data_type == "s" and sheet["D4"].data_type == "s"  # text, never a formula
    assert sheet.column_dimensions["A"].width == len(FORMULA) + 2
    assert 12 <= sheet.column_dimensions["B"].width <= 24


@pytest.mark.parametrize(("language", "right_to_left"), [("ar", True), ("nl", False)])
def test_people_read_in_their_direction_machines_left_to_right(app: Flask, language: str,
                                                                right_to_left: bool) -> None:
    with app.test_request_context(), force_locale(language):
        spreadsheet = Spreadsheet()
        write_text_table(spreadsheet.sheet("Legend"), ("Term", "Meaning"), [("Empty", "Not shown")], widths=(20, 80))
        write_machine_table(spreadsheet.sheet(MACHINE_SHEET, for_machines=True), ("code", "value"), [("a", 1)])
        workbook = load_workbook(io.BytesIO(spreadsheet.save()))
    assert workbook["Legend"].sheet_view.rightToLeft == right_to_left
    assert not workbook[MACHINE_SHEET].sheet_view.rightToLeft
    assert workbook["Legend"].freeze_panes == "A2" and workbook["Legend"].column_dimensions["B"].width == 80


def test_a_machine_table_is_long_with_dates_as_dates(app: Flask) -> None:
    with app.test_request_context():
        spreadsheet = Spreadsheet()
        write_machine_table(spreadsheet.sheet(MACHINE_SHEET, for_machines=True), ("table", "start", "value", "hidden"),
                            [("reach", date(2026, 1, 1), Decimal("0.50"), False), ("reach", date(2026, 1, 1), None,
                                                                                  True)])
        sheet = load_workbook(io.BytesIO(spreadsheet.save()))[MACHINE_SHEET]
    assert [cell.value for cell in sheet[1]] == ["table", "start", "value", "hidden"] and sheet.freeze_panes == "A2"
    assert sheet["B2"].value.date() == date(2026, 1, 1) and sheet["B2"].number_format == "yyyy-mm-dd"
    assert (sheet["C2"].value, sheet["D2"].value, sheet["C3"].value, sheet["D3"].value) == (0.5, False, None, True)
    assert sheet.column_dimensions["B"].width == len("2026-01-01") + 2


def test_a_tidy_csv_holds_plain_numbers_flags_and_defused_text() -> None:
    data = tidy_csv(("row", "value", "suppressed", "day"),
                    [(FORMULA, Decimal("2.50"), False, date(2026, 3, 31)), ("-1", None, True, None),
                     ("Financiën", -0.0, False, None)])
    assert data.startswith("\ufeff".encode()) and b"\r\n" in data
    assert list(csv.reader(io.StringIO(data.decode("utf-8-sig")))) == [
        ["row", "value", "suppressed", "day"], ["'" + FORMULA, "2.5", "false", "2026-03-31"],
        ["'-1", "", "true", ""], ["Financiën", "0.0", "false", ""]]


@pytest.mark.parametrize("text", ["=1+1", "+31 6", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_text_a_spreadsheet_would_evaluate_is_defused(text: str) -> None:
    assert defused(text) == "'" + text and defused("Samen Oplopen") == "Samen Oplopen"
