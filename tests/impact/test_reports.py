"""Municipality reports through the HTTP routes: generated inline (no Redis) with suppressed
figures, PDF and XLSX, frozen when submitted, and what report viewers may see."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from saas.auth.models import User
from saas.auth.roles import Role
from saas.db import db, utcnow
from saas.figures_cache import forget_all
from saas.tenancy.models import Tenant
from tenants.impact.reports import figures as reports
from tenants.impact.reports.models import MunicipalityReport
from tenants.impact.vocabulary import ReportStatus
from tests.factories.platform import create_user, in_tenant, today
from tests.factories.reports import add_report, last_year, populate_municipality
from tests.support.confirm import CONFIRMED
from tests.support.queries import count_queries
from tests.support.sessions import sign_in

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def viewer_a(app: Flask, tenant_a: Tenant) -> User:
    return create_user(app, "viewer@alpha.example", tenant=tenant_a, role=Role.REPORT_VIEWER, name="Ria Rapport")


def client_for(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    sign_in(client, user)  # type: ignore[arg-type]
    with client.session_transaction() as session:
        session["locale"] = "en"  # the tests read the English source texts
    return client


def reports_url(tenant: Tenant, tail: str = "") -> str:
    return f"/t/{tenant.slug}/reports/{tail}"


def load_reports(app: Flask, tenant: Tenant) -> list[MunicipalityReport]:
    with in_tenant(app, tenant) as session:
        return list(session.scalars(select(MunicipalityReport).order_by(MunicipalityReport.created_at)))


def load_report(app: Flask, tenant: Tenant, report_id: Any) -> MunicipalityReport:
    with in_tenant(app, tenant) as session:
        return session.get_one(MunicipalityReport, (tenant.id, report_id), populate_existing=True)


def ask_for_report(client: FlaskClient, tenant: Tenant, **overrides: str) -> Any:
    period = last_year()
    form = {"municipality": "Alpha", "period_start": period.start.isoformat(), "period_end": period.end.isoformat(),
            **overrides}
    return client.post(reports_url(tenant), data=form)


def rows_of(figures: dict[str, Any], table: str) -> dict[tuple[str, str], Any]:
    return {(r["measure"], r["category"]): r["value"] for r in figures["tables"][table]}


def machine_rows(workbook: Any) -> dict[tuple[str, str, str], tuple[Any, bool]]:
    """The spreadsheet's tidy sheet: (table, measure, category) → (value, suppressed)."""
    return {(r[0], r[1], r[2]): (r[6], r[7]) for r in workbook["data"].iter_rows(min_row=2, values_only=True)}


def test_a_report_is_generated_with_suppressed_figures_a_pdf_and_a_spreadsheet(
        app: Flask, tenant_a: Tenant, manager_a: User) -> None:
    period = last_year()
    populate_municipality(app, tenant_a, period, families=12)
    populate_municipality(app, tenant_a, period, families=5, municipality="Elders", case_offset=100)
    manager = client_for(app, manager_a)

    response = ask_for_report(manager, tenant_a)

    assert response.status_code == 302
    [report] = load_reports(app, tenant_a)
    assert response.location.endswith(f"/reports/{report.id}")
    assert report.status == ReportStatus.READY and report.progress == 100 and report.error is None
    figures = report.figures
    assert figures["municipality"] == "Alpha" and figures["period_start"] == period.start.isoformat()
    reach = rows_of(figures, "reach")
    # 12 families of Alpha (rounded to 10); the 5 of "Elders" are not counted (17 would show as 15).
    assert reach[("families_supported", "all")] == 10
    assert reach[("active_volunteers", "all")] == 10
    assert reach[("volunteer_visits", "all")] == 25  # 24 visits
    assert reach[("volunteer_hours", "all")] == 35  # 24 × 1.5 h = 36
    assert reach[("training_hours", "all")] == 35  # 12 volunteers × 3 h = 36
    assert rows_of(figures, "children_by_age")[("children", "4-11")] == 10
    assert rows_of(figures, "children_by_age")[("children", "0-3")] == 0
    assert rows_of(figures, "closure_reasons")[("families_closed", "goals_reached")] == 10
    assert rows_of(figures, "professional_care")[("families_with_professional_care", "stopped_or_reduced")] == 10
    assert rows_of(figures, "satisfaction")[("mean_grade", "all")] == 8.0
    means = rows_of(figures, "domain_means")
    # finances: T0 2.0 → Tend 3.0 or 3.5 (half each): grade 5.0 → 8.125, change 3.125 grade points.
    assert means[("grade_t0", "finances")] == 5.0 and means[("grade_tend", "finances")] == 8.1
    assert means[("families_scored_t0", "finances")] == 10 and means[("grade_t1", "finances")] is None
    assert rows_of(figures, "measured_families")[("families_measured", "tend")] == 10
    changes = rows_of(figures, "outcome_changes")
    assert changes[("families_paired", "finances")] == 10
    assert changes[("change", "finances")] == pytest.approx(3.12, abs=0.01)
    assert changes[("change_ci_low", "finances")] < changes[("change", "finances")] < changes[
        ("change_ci_high", "finances")]
    directions = rows_of(figures, "change_directions")
    assert directions[("families_worse", "finances")] == 0
    # housing: 6 of 12 improved by half a point, 6 stable: both hidden, and enough else to protect them.
    assert directions[("families_improved", "housing")] is None and directions[("families_stable", "housing")] is None

    for value in reports.shown_counts(figures):
        assert value is None or value == 0 or (value >= 10 and value % 5 == 0), value

    pdf = manager.get(reports_url(tenant_a, f"{report.id}/report.pdf"))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    assert pdf.headers["Content-Disposition"].startswith("attachment;")
    sheet = manager.get(reports_url(tenant_a, f"{report.id}/report.xlsx"))
    assert sheet.status_code == 200 and sheet.mimetype == XLSX
    workbook = openpyxl.load_workbook(io.BytesIO(sheet.data))
    assert {"About", "Legend", "Reach", "Children by age", "Direction of change", "data"} <= set(workbook.sheetnames)
    data = machine_rows(workbook)
    assert data[("reach", "families_supported", "all")] == (10, False)
    assert data[("children_by_age", "children", "4-11")] == (10, False)
    page = manager.get(reports_url(tenant_a, str(report.id)))
    assert page.status_code == 200 and b'http-equiv="refresh"' not in page.data


def test_small_numbers_never_leave_the_tenant(app: Flask, tenant_a: Tenant, manager_a: User) -> None:
    populate_municipality(app, tenant_a, last_year(), families=4)
    manager = client_for(app, manager_a)

    ask_for_report(manager, tenant_a)

    [report] = load_reports(app, tenant_a)
    assert report.status == ReportStatus.READY
    assert rows_of(report.figures, "reach")[("families_supported", "all")] is None
    assert rows_of(report.figures, "satisfaction")[("mean_grade", "all")] is None
    assert rows_of(report.figures, "domain_means")[("grade_t0", "finances")] is None
    assert rows_of(report.figures, "outcome_changes")[("change", "finances")] is None
    assert all(value is None or value == 0 for value in reports.shown_counts(report.figures))
    workbook = openpyxl.load_workbook(io.BytesIO(load_report(app, tenant_a, report.id).xlsx))
    assert machine_rows(workbook)[("reach", "families_supported", "all")] == (None, True)


def test_submitting_freezes_the_report(app: Flask, tenant_a: Tenant, manager_a: User) -> None:
    populate_municipality(app, tenant_a, last_year(), families=10)
    manager = client_for(app, manager_a)
    ask_for_report(manager, tenant_a)
    [report] = load_reports(app, tenant_a)

    response = manager.post(reports_url(tenant_a, f"{report.id}/submit"), data=CONFIRMED)

    assert response.status_code == 302
    submitted = load_report(app, tenant_a, report.id)
    assert submitted.status == ReportStatus.SUBMITTED
    assert submitted.submitted_at is not None and submitted.submitted_by_id == manager_a.id
    populate_municipality(app, tenant_a, last_year(), families=10, case_offset=50)  # new data arrives

    refused = manager.post(reports_url(tenant_a, f"{report.id}/regenerate"), follow_redirects=True)

    assert "frozen" in refused.get_data(as_text=True)
    frozen = load_report(app, tenant_a, report.id)
    assert frozen.status == ReportStatus.SUBMITTED and frozen.figures == submitted.figures
    assert frozen.pdf == submitted.pdf and frozen.generated_at == submitted.generated_at
    again = manager.post(reports_url(tenant_a, f"{report.id}/submit"), data=CONFIRMED, follow_redirects=True)
    assert "already been submitted" in again.get_data(as_text=True)
    # A new version for the same municipality and period is a new report.
    ask_for_report(manager, tenant_a)
    first, second = load_reports(app, tenant_a)
    assert first.id == report.id and second.status == ReportStatus.READY
    assert rows_of(second.figures, "reach")[("families_supported", "all")] == 20


def test_regenerating_a_ready_report_uses_the_current_data(app: Flask, tenant_a: Tenant, manager_a: User) -> None:
    populate_municipality(app, tenant_a, last_year(), families=10)
    manager = client_for(app, manager_a)
    ask_for_report(manager, tenant_a)
    [report] = load_reports(app, tenant_a)
    populate_municipality(app, tenant_a, last_year(), families=10, case_offset=50)

    assert manager.post(reports_url(tenant_a, f"{report.id}/regenerate")).status_code == 302

    again = load_report(app, tenant_a, report.id)
    assert again.status == ReportStatus.READY
    assert rows_of(again.figures, "reach")[("families_supported", "all")] == 20


def test_a_failing_generation_is_recorded_as_failed(app: Flask, tenant_a: Tenant, manager_a: User,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: Any) -> dict[str, Any]:
        raise RuntimeError("the statistics server is down")

    monkeypatch.setattr(reports, "compute_figures", broken)
    manager = client_for(app, manager_a)

    response = ask_for_report(manager, tenant_a)

    assert response.status_code == 302
    [report] = load_reports(app, tenant_a)
    assert report.status == ReportStatus.FAILED
    assert "RuntimeError: the statistics server is down" in report.error
    assert report.pdf is None and report.xlsx is None
    page = manager.get(response.location)
    assert page.status_code == 200 and "failed" in page.get_data(as_text=True)
    assert manager.get(reports_url(tenant_a, f"{report.id}/report.pdf")).status_code == 404
    assert manager.post(reports_url(tenant_a, f"{report.id}/submit"), data=CONFIRMED).status_code == 302
    assert load_report(app, tenant_a, report.id).status == ReportStatus.FAILED  # not submittable


def test_a_running_report_shows_its_progress_without_a_timed_refresh(app: Flask, tenant_a: Tenant,
                                                                     manager_a: User) -> None:
    """WCAG 2.2.1: no meta refresh; a script polls the JSON of the same URL, a link looks again."""
    report = add_report(app, tenant_a, None, status=ReportStatus.RUNNING, progress=40, pdf=None, xlsx=None,
                        submitted_at=None, generated_at=None)
    manager = client_for(app, manager_a)
    url = reports_url(tenant_a, str(report.id))

    html = manager.get(url).get_data(as_text=True)
    answer = manager.get(url, headers={"Accept": "application/json"}).get_json()

    assert 'http-equiv="refresh"' not in html and "report-progress.js" in html
    assert '<progress id="report-progress" max="100" value="40">' in html
    assert 'role="status" id="report-status"' in html and f'id="report-look-again" href="{url}"' in html
    assert answer["label"] and answer | {"label": ""} == {"running": True, "status": "running", "label": "",
                                                          "progress": 40}
    assert manager.get(reports_url(tenant_a, f"{report.id}/report.xlsx")).status_code == 404


@pytest.mark.parametrize("overrides, field", [
    ({"municipality": "Gamma"}, "municipality"),
    ({"period_end": "2020-01-01", "period_start": "2020-02-01"}, "period_end"),
    ({"period_start": "2020-01-01", "period_end": "2023-01-01"}, "period_end"),
    ({"period_start": "2020-01-01", "period_end": "2020-06-30"}, "period_end"),  # fixed periods: whole years
    ({"period_start": "2020-02-01", "period_end": "2020-12-31"}, "period_end"),
    ({"period_start": "", "period_end": ""}, "period_start"),
    ({"period_end": "2999-01-01"}, "period_end"),
])
def test_bad_input_is_refused_and_nothing_is_written(app: Flask, tenant_a: Tenant, manager_a: User,
                                                     overrides: dict[str, str], field: str) -> None:
    manager = client_for(app, manager_a)

    response = ask_for_report(manager, tenant_a, **overrides)

    assert response.status_code == 422
    assert f'id="f-{field}"' in response.get_data(as_text=True) and 'aria-invalid="true"' in response.get_data(
        as_text=True)
    with in_tenant(app, tenant_a) as session:
        assert session.scalar(select(func.count()).select_from(MunicipalityReport)) == 0


def test_report_viewers_see_and_download_only_submitted_reports(app: Flask, tenant_a: Tenant,
                                                                viewer_a: User) -> None:
    submitted = add_report(app, tenant_a, None, municipality="Alpha")
    ready = add_report(app, tenant_a, None, status=ReportStatus.READY, submitted_at=None, municipality="Alphaready")
    viewer = client_for(app, viewer_a)

    listing = viewer.get(reports_url(tenant_a)).get_data(as_text=True)

    assert str(submitted.id) in listing and str(ready.id) not in listing
    assert "Ask for a new report" not in listing
    assert viewer.get(reports_url(tenant_a, f"{submitted.id}/report.pdf")).data.startswith(b"%PDF")
    assert viewer.get(reports_url(tenant_a, f"{submitted.id}/report.xlsx")).status_code == 200
    for tail in (str(ready.id), f"{ready.id}/report.pdf", f"{ready.id}/report.xlsx"):
        assert viewer.get(reports_url(tenant_a, tail)).status_code == 404
    assert ask_for_report(viewer, tenant_a).status_code == 403
    assert viewer.post(reports_url(tenant_a, f"{ready.id}/submit"), data=CONFIRMED).status_code == 403
    assert viewer.post(reports_url(tenant_a, f"{ready.id}/regenerate")).status_code == 403
    assert load_report(app, tenant_a, ready.id).status == ReportStatus.READY
    assert len(load_reports(app, tenant_a)) == 2


def test_coordinators_and_volunteers_have_no_access(app: Flask, tenant_a: Tenant, volunteer_a: User) -> None:
    coordinator = create_user(app, "coordinator@alpha.example", tenant=tenant_a, role=Role.COORDINATOR)
    report = add_report(app, tenant_a, None)
    for person in (coordinator, volunteer_a):
        client = client_for(app, person)
        assert client.get(reports_url(tenant_a)).status_code == 403
        assert client.get(reports_url(tenant_a, f"{report.id}/report.pdf")).status_code == 403


def test_the_list_takes_a_fixed_number_of_statements(app: Flask, tenant_a: Tenant, manager_a: User) -> None:
    manager = client_for(app, manager_a)
    add_report(app, tenant_a, None)
    manager.get(reports_url(tenant_a))  # warm up (translations, first-use look-ups)
    forget_all(app)  # the list's total is kept until the data changes: count it each time
    with count_queries(app) as one:
        assert manager.get(reports_url(tenant_a)).status_code == 200
    for _ in range(6):
        add_report(app, tenant_a, None)
    forget_all(app)
    with count_queries(app) as many:
        page = manager.get(reports_url(tenant_a))
    assert page.get_data(as_text=True).count("/report.pdf") == 7  # every report listed, with its files
    assert len(many) == len(one)
    listing = [s for s in many if "FROM municipality_reports" in s and not s.startswith("SELECT count")]
    assert listing and not any("municipality_reports.pdf" in s for s in listing)  # the files are not loaded


def test_the_period_may_end_today(app: Flask, tenant_a: Tenant, manager_a: User) -> None:
    manager = client_for(app, manager_a)
    day = today(app)
    response = ask_for_report(manager, tenant_a, period_start=day.replace(month=1, day=1).isoformat(),
                              period_end=day.isoformat())
    assert response.status_code == 302
    assert load_reports(app, tenant_a)[0].status == ReportStatus.READY


def test_reports_are_invisible_to_other_tenants(app: Flask, tenant_a: Tenant, tenant_b: Tenant,
                                                manager_b: User) -> None:
    report = add_report(app, tenant_a, None)
    outsider = client_for(app, manager_b)
    assert outsider.get(reports_url(tenant_b, str(report.id))).status_code == 404
    assert outsider.get(reports_url(tenant_b, f"{report.id}/report.pdf")).status_code == 404
    assert str(report.id) not in outsider.get(reports_url(tenant_b)).get_data(as_text=True)


def test_a_report_lost_while_running_may_be_generated_again(app: Flask, tenant_a: Tenant, manager_a: User) -> None:
    fresh = add_report(app, tenant_a, None, status=ReportStatus.RUNNING, progress=40, submitted_at=None)
    lost = add_report(app, tenant_a, None, status=ReportStatus.RUNNING, progress=40, submitted_at=None,
                      created_at=utcnow() - timedelta(hours=1))
    manager = client_for(app, manager_a)

    refused = manager.post(reports_url(tenant_a, f"{fresh.id}/regenerate"), follow_redirects=True)
    manager.post(reports_url(tenant_a, f"{lost.id}/regenerate"))

    assert "being generated already" in refused.get_data(as_text=True)
    assert load_report(app, tenant_a, fresh.id).status == ReportStatus.RUNNING
    assert load_report(app, tenant_a, lost.id).status == ReportStatus.READY


def test_a_report_that_cannot_be_queued_is_made_inline_not_an_error_page(app: Flask, tenant_a: Tenant,
                                                                         manager_a: User,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens there
    manager = client_for(app, manager_a)

    response = ask_for_report(manager, tenant_a)

    assert response.status_code == 302
    [report] = load_reports(app, tenant_a)
    assert report.status == ReportStatus.READY and report.error is None  # Redis away: generated in the request


def test_a_report_committed_without_being_queued_is_generated_by_the_reaper(
        app: Flask, tenant_a: Tenant, manager_a: User, monkeypatch: pytest.MonkeyPatch) -> None:
    from saas.jobs.leases import QUEUED_LEASE
    from saas.jobs.tasks import reap_now

    populate_municipality(app, tenant_a, last_year(), families=3)
    # The process dies right after the request's commit, before the task is queued.
    monkeypatch.setattr("tenants.impact.reports.jobs.dispatch", lambda _lease_id: None)
    ask_for_report(client_for(app, manager_a), tenant_a)
    [report] = load_reports(app, tenant_a)
    assert report.status == ReportStatus.QUEUED

    with app.app_context():  # its lease was committed with it: the reaper finds it once it expired
        assert reap_now(utcnow() + QUEUED_LEASE + timedelta(minutes=1))["requeued"] == 1
    assert load_report(app, tenant_a, report.id).status == ReportStatus.READY


def test_a_report_whose_generation_is_given_up_is_failed_and_can_be_asked_again(
        app: Flask, tenant_a: Tenant, manager_a: User) -> None:
    populate_municipality(app, tenant_a, last_year(), families=3)
    from saas.jobs.leases import MAX_ATTEMPTS
    from tenants.impact.reports.jobs import abandon_generation

    submitted = add_report(app, tenant_a, None)
    stuck = add_report(app, tenant_a, None, status=ReportStatus.RUNNING, progress=40, submitted_at=None)
    with app.app_context():  # the reaper gave up after MAX_ATTEMPTS workers died on each
        abandon_generation(str(tenant_a.id), str(submitted.id))
        abandon_generation(str(tenant_a.id), str(stuck.id), locale="nl")

    assert load_report(app, tenant_a, submitted.id).status == ReportStatus.SUBMITTED  # frozen: left alone
    failed = load_report(app, tenant_a, stuck.id)
    assert failed.status == ReportStatus.FAILED and "given up" in (failed.error or "") and MAX_ATTEMPTS > 1
    manager = client_for(app, manager_a)
    manager.post(reports_url(tenant_a, f"{stuck.id}/regenerate"))
    assert load_report(app, tenant_a, stuck.id).status == ReportStatus.READY


@pytest.mark.parametrize("page", ["100000000000000000000", "-1", "abc"])
def test_an_impossible_page_number_shows_the_first_page(app: Flask, tenant_a: Tenant, manager_a: User,
                                                        page: str) -> None:
    assert client_for(app, manager_a).get(reports_url(tenant_a, f"?page={page}")).status_code == 200


def test_one_report_per_municipality_and_year_is_submitted(app: Flask, tenant_a: Tenant, manager_a: User) -> None:
    """Viewers never get two versions of one period to subtract from each other."""
    manager = client_for(app, manager_a)
    ask_for_report(manager, tenant_a)
    ask_for_report(manager, tenant_a)
    first, second = load_reports(app, tenant_a)
    assert manager.post(reports_url(tenant_a, f"{first.id}/submit"), data=CONFIRMED).status_code == 302
    refused = manager.post(reports_url(tenant_a, f"{second.id}/submit"), data=CONFIRMED, follow_redirects=True)
    assert "has already been submitted" in refused.get_data(as_text=True)
    assert load_report(app, tenant_a, second.id).status == ReportStatus.READY


def test_a_report_submitted_while_it_is_generated_stays_as_submitted(
        app: Flask, tenant_a: Tenant, manager_a: User, monkeypatch: pytest.MonkeyPatch) -> None:
    original = reports.compute_figures

    def submitted_meanwhile(*args: Any) -> dict[str, Any]:
        figures = original(*args)
        db.session.execute(update(MunicipalityReport).values(status=ReportStatus.SUBMITTED))
        db.session.commit()  # another request submitted the report (with the figures it had then)
        return figures

    monkeypatch.setattr(reports, "compute_figures", submitted_meanwhile)
    ask_for_report(client_for(app, manager_a), tenant_a)
    [report] = load_reports(app, tenant_a)
    assert report.status == ReportStatus.SUBMITTED and report.figures == {} and report.pdf is None
