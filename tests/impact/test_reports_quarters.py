"""The quarters of a municipality report (issue #16): the year's flows and stocks per quarter,
protected together with the year, so no hidden quarter can be worked out from the year minus the
quarters shown; children counted only from their birth; and reports stored before the quarters
still shown as they were."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import openpyxl
import pytest
import time_machine
from flask import Flask
from pypdf import PdfReader

from saas.auth.models import User
from saas.auth.roles import Role
from saas.db import db, tenant_context
from saas.foundation import disclosure
from saas.i18n import force_locale
from saas.tenancy.models import Tenant
from tenants.families.models import Family, FamilyMember
from tenants.families.states import CaseState
from tenants.families.vocabulary import Channel, ClosureReason, MemberRole, ReferrerType
from tenants.impact.reports import figures as report_figures
from tenants.impact.reports import files, workbook
from tenants.impact.reports.labels import layouts
from tenants.impact.reports.quarters import FLOWS, quarter_spans
from tenants.matching.models import ContactMoment, Match
from tenants.matching.states import MatchState
from tenants.matching.vocabulary import ContactKind, ContactMode
from tenants.volunteers.models import Volunteer
from tenants.volunteers.states import VolunteerKind, VolunteerState
from tests.factories.platform import create_user
from tests.factories.reports import add_report
from tests.impact.test_report_viewers import FIGURES as FIGURES_BEFORE_QUARTERS
from tests.impact.test_reports import client_for, reports_url

#: The day the tests run on: this year's report runs to it, cutting its second quarter short.
TODAY = datetime(2026, 5, 14, 12, tzinfo=UTC)
YEAR = date(2025, 1, 1), date(2025, 12, 31)
THIS_YEAR = date(2026, 1, 1), TODAY.date()


@dataclass
class Group:
    """``n`` alike families of Alpha: referred on ``referred``, supported by a volunteer each from
    ``match[0]`` to ``match[1]`` (open: None), closed on ``closed``, with a child born on each of
    ``births`` and a contact moment on each of ``contacts``."""

    n: int
    referred: date
    match: tuple[date, date | None] | None = None
    closed: date | None = None
    births: tuple[date, ...] = ()
    contacts: tuple[date, ...] = ()


#: 2025 in the quarters: referred 12, 3, 15, 0; closed 0, 0, 15, 3; contact moments 12, 3, 12, 0.
#: The twelve supported all year have a child of six and, in 2026, a baby (born 20 April 2026).
GROUPS = (
    Group(12, date(2025, 2, 1), (date(2025, 2, 15), None), births=(date(2019, 6, 1), date(2026, 4, 20)),
          contacts=(date(2025, 3, 1), date(2025, 8, 1))),
    Group(3, date(2025, 5, 1), (date(2025, 5, 10), date(2025, 11, 20)), closed=date(2025, 11, 30),
          births=(date(2015, 1, 1),), contacts=(date(2025, 6, 1),)),
    Group(15, date(2025, 8, 1), closed=date(2025, 9, 15)),
)
#: The true flows of 2025 per quarter (what the groups above add up to).
TRUE_FLOWS = {"families_referred": (12, 3, 15, 0), "families_closed": (0, 0, 15, 3),
              "contact_moments": (12, 3, 12, 0)}


def populate(app: Flask, tenant: Tenant) -> None:
    seq = 0
    with app.app_context(), tenant_context(db.session, tenant.id):
        for group in GROUPS:
            for _ in range(group.n):
                seq += 1
                family = Family(case_year=2025, case_seq=seq, family_name=f"Familie {seq}", municipality="Alpha",
                                state=CaseState.CLOSED if group.closed else CaseState.MATCHED,
                                referred_on=group.referred, channel=Channel.PHONE, referrer_type=ReferrerType.CJG,
                                closed_on=group.closed,
                                closure_reason=ClosureReason.GOALS_REACHED if group.closed else None)
                db.session.add(family)
                db.session.flush()
                db.session.add_all([FamilyMember(family_id=family.id, role=MemberRole.CHILD, first_name="Kind",
                                                 birth_date=born) for born in group.births])
                if group.match:
                    volunteer = Volunteer(name=f"Vrijwilliger {seq}", kind=VolunteerKind.INDIVIDUAL,
                                          applied_on=date(2024, 6, 1), state=VolunteerState.MATCHED)
                    db.session.add(volunteer)
                    db.session.flush()
                    match = Match(family_id=family.id, volunteer_id=volunteer.id, proposed_on=group.match[0],
                                  started_on=group.match[0], ended_on=group.match[1],
                                  state=MatchState.ENDED if group.match[1] else MatchState.ACTIVE)
                    db.session.add(match)
                    db.session.flush()
                    db.session.add_all([ContactMoment(family_id=family.id, match_id=match.id, kind=ContactKind.VISIT,
                                                      mode=ContactMode.HOME, happened_on=day, duration_minutes=60)
                                        for day in group.contacts])
        db.session.commit()


def compute(app: Flask, tenant: Tenant, period: tuple[date, date]) -> dict[str, Any]:
    with app.app_context(), tenant_context(db.session, tenant.id), time_machine.travel(TODAY, tick=False):
        return report_figures.compute_figures("Alpha", *period)


def values(figures: dict[str, Any], table: str) -> dict[tuple[str, str], Any]:
    return {(r["measure"], r["category"]): r["value"] for r in figures["tables"][table]}


@pytest.fixture
def populated(app: Flask, tenant_a: Tenant) -> Tenant:
    populate(app, tenant_a)
    return tenant_a


def test_the_quarters_have_begun_by_the_end_and_stop_there() -> None:
    this_year = [(s.key, s.start, s.end) for s in quarter_spans(*THIS_YEAR)]
    assert this_year == [("2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
                         ("2026-Q2", date(2026, 4, 1), date(2026, 5, 14))]
    assert [s.key for s in quarter_spans(*YEAR)] == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
    assert [s.key for s in quarter_spans(date(2026, 1, 1), date(2026, 1, 1))] == ["2026-Q1"]


def test_the_flows_of_the_quarters_add_up_to_the_year_and_no_hidden_quarter_can_be_worked_out(
        app: Flask, populated: Tenant) -> None:
    figures = compute(app, populated, YEAR)

    assert figures["version"] == report_figures.FIGURES_VERSION == 2
    quarter_table = values(figures, "quarters")
    reach = values(figures, "reach")
    for measure, true in TRUE_FLOWS.items():
        shown = [quarter_table[(measure, f"2025-Q{q}")] for q in range(1, 5)]
        year = quarter_table[(measure, "2025")]
        # The year is the rounded sum of its quarters, and the very figure the reach table shows.
        assert year == disclosure.round_count(sum(true)) == reach[(measure, "all")]
        # The line "year = Σ quarters": a shown year never has exactly one hidden quarter, nor
        # hidden quarters holding 1 to 9 families between them.
        hidden = [n for n, value in zip(true, shown, strict=True) if value is None]
        assert len(hidden) != 1 and not disclosure.is_suppressed(sum(hidden)), (measure, shown)
        for n, value in zip(true, shown, strict=True):
            assert value is None or value == disclosure.round_count(n)
    # The three referred in Q2 are hidden, and with them the smallest other quarter (twelve in Q1).
    assert [quarter_table[("families_referred", f"2025-Q{q}")] for q in range(1, 5)] == [None, None, 15, 0]
    assert [quarter_table[("families_closed", f"2025-Q{q}")] for q in range(1, 5)] == [0, 0, None, None]
    # The year's closed families are also the closure reasons' total: one figure, shown one way.
    assert values(figures, "closure_reasons")[("families_closed", "total")] == quarter_table[
        ("families_closed", "2025")] == 20
    assert values(figures, "closure_reasons")[("families_closed", "goals_reached")] == 20
    assert values(figures, "referral_channels")[("families_referred", "total")] == 30


def test_stocks_are_counted_in_every_quarter_and_once_in_the_year(app: Flask, populated: Tenant) -> None:
    figures = compute(app, populated, YEAR)

    quarter_table = values(figures, "quarters")
    for measure in ("families_supported", "active_volunteers"):
        # 12 all year, and 3 from May to November: 12, 15, 15, 15 in the quarters, 15 in the year.
        assert [quarter_table[(measure, f"2025-Q{q}")] for q in range(1, 5)] == [10, 15, 15, 15]
        assert quarter_table[(measure, "2025")] == values(figures, "reach")[(measure, "all")] == 15
    assert [quarter_table[("children", f"2025-Q{q}")] for q in range(1, 5)] == [10, 15, 15, 15]
    assert quarter_table[("children", "2025")] == values(figures, "children_by_age")[("children", "total")] == 15
    assert {r["measure"] for r in figures["tables"]["quarters"]} >= set(FLOWS)
    rows = {(r["measure"], r["category"]): r for r in figures["tables"]["quarters"]}
    assert rows[("children", "2025-Q2")]["period_start"] == "2025-04-01"
    assert rows[("children", "2025-Q2")]["period_end"] == "2025-06-30"
    assert all(value is None or value == 0 or (value >= 10 and value % 5 == 0)
               for value in report_figures.shown_counts(figures))


def test_a_child_is_counted_only_from_birth(app: Flask, populated: Tenant) -> None:
    """The twelve babies born on 20 April 2026 are in no figure of 2025, nor of the first quarter of 2026."""
    last_year = compute(app, populated, YEAR)
    this_year = compute(app, populated, THIS_YEAR)

    assert values(last_year, "children_by_age")[("children", "0-3")] == 0
    assert values(last_year, "children_by_age")[("children", "4-11")] == 15  # 12 of six, 3 of ten
    quarter_table = values(this_year, "quarters")
    assert quarter_table[("children", "2026-Q1")] == 10  # the twelve of six (the three ten-year-olds left)
    assert quarter_table[("children", "2026-Q2")] == quarter_table[("children", "2026")] == 25  # and the babies
    assert values(this_year, "children_by_age")[("children", "0-3")] == 10
    assert report_figures.age_band(date(2026, 4, 20), date(2026, 5, 14)) == "0-3"


def test_this_years_quarters_end_today_and_say_so(app: Flask, populated: Tenant) -> None:
    figures = compute(app, populated, THIS_YEAR)

    assert {r["category"] for r in figures["tables"]["quarters"]} == {"2026-Q1", "2026-Q2", "2026"}
    with app.app_context(), force_locale("en"):
        [table] = [table for table in layouts(figures) if table.key == "quarters"]
        assert table.columns == ["Q1 2026", "Q2 2026 (to 14 May)", "2026 (to 14 May)"]
        assert [label for label, _cells in table.lines][:3] == ["Families supported", "Families referred",
                                                              "Families whose support ended"]
    with app.app_context(), force_locale("nl"):
        [table] = [table for table in layouts(figures) if table.key == "quarters"]
        assert table.columns[0] == "K1 2026"


def test_viewers_and_managers_see_the_quarters_and_reports_from_before_them_still_show(
        app: Flask, populated: Tenant, manager_a: User) -> None:
    figures = compute(app, populated, YEAR)
    report = add_report(app, populated, None, figures=figures, period_start=YEAR[0], period_end=YEAR[1])
    older = add_report(app, populated, None, figures=FIGURES_BEFORE_QUARTERS, municipality="Alphaold")
    viewer = client_for(app, create_user(app, "ria@alpha.example", tenant=populated, role=Role.REPORT_VIEWER))

    for client in (viewer, client_for(app, manager_a)):
        page = client.get(reports_url(populated, str(report.id))).get_data(as_text=True)
        assert "The year and its quarters" in page and ">Q3 2025</th>" in page and ">2025</th>" in page
        assert "add up from the quarters to the year" in page
    before = viewer.get(reports_url(populated, str(older.id)))
    assert before.status_code == 200 and "1,215" in before.get_data(as_text=True)
    assert "The year and its quarters" not in before.get_data(as_text=True)


def test_the_files_hold_the_quarters(app: Flask, populated: Tenant) -> None:
    figures = compute(app, populated, YEAR)
    report = add_report(app, populated, None, figures=figures, period_start=YEAR[0], period_end=YEAR[1])

    with app.test_request_context(), tenant_context(db.session, populated.id), force_locale("en"):
        pdf = files.report_pdf(report, populated.name)
        xlsx = workbook.report_xlsx(report, populated.name)

    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "The year and its quarters" in text and "Q4 2025" in text
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    sheet = book["Quarters"]
    assert [cell.value for cell in sheet[2]] == ["Measure", "Q1 2025", "Q2 2025", "Q3 2025", "Q4 2025", "2025"]
    assert [cell.value for cell in sheet[3]] == ["Families supported", 10, 15, 15, 15, 15]
    data = {(r[0], r[1], r[2]): r[3:] for r in book["data"].iter_rows(min_row=2, values_only=True)}
    start, end, unit, value, suppressed = data[("quarters", "families_referred", "2025-Q2")]
    assert (start.date(), end.date(), unit, value, suppressed) == (date(2025, 4, 1), date(2025, 6, 30), "count",
                                                                 None, True)
    assert data[("quarters", "families_referred", "2025")][:2] == (datetime(2025, 1, 1), datetime(2025, 12, 31))
    assert data[("reach", "families_referred", "all")][:2] == (datetime(2025, 1, 1), datetime(2025, 12, 31))
    assert data[("quarters", "families_referred", "2025-Q3")][3] == 15
