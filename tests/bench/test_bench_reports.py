"""Benchmark (``make bench``): a municipality report (figures, PDF with charts, XLSX) for a tenant
with 2,000 families and 6,000 measurements, generated inline as the embedded default does.

Prints the time of the figures, the PDF, the XLSX and the whole request, and the SQL statements
the figures take; asserts correctness (the figures count every family) and that the statements
do not grow with the number of families, as timings vary by machine.
"""

from __future__ import annotations

import time
from datetime import date

from flask import Flask
from sqlalchemy import select

from saas.auth.models import User
from saas.db import db, tenant_context
from saas.tenancy.models import Tenant
from tenants.impact.reports import figures as reports
from tenants.impact.reports import files as report_files
from tenants.impact.reports.models import MunicipalityReport
from tenants.impact.vocabulary import ReportStatus
from tenants.life_domains import LIFE_DOMAINS
from tests.factories.dashboard import create_instrument, seed_families
from tests.factories.platform import today
from tests.support.queries import count_queries
from tests.support.sessions import SignIn

FAMILIES = 2_000


def test_report_for_2000_families(app: Flask, signed_in: SignIn, manager_a: User, tenant_a: Tenant) -> None:
    client = signed_in(manager_a)
    year = today(app).year - 1
    start, end = f"{year}-01-01", f"{year}-12-31"
    period = (date(year, 1, 1), date(year, 12, 31))
    municipality = tenant_a.municipalities[0]
    with app.test_request_context(), tenant_context(db.session, tenant_a.id), count_queries(app) as few:
        reports.compute_figures(municipality, *period)

    instrument = create_instrument(app, {code: {"nl": str(code)} for code in LIFE_DOMAINS}, code="bench-report")
    seed_families(app, tenant_a, instrument, FAMILIES, year)

    with app.test_request_context(), tenant_context(db.session, tenant_a.id):
        started = time.perf_counter()
        with count_queries(app) as many:
            figures = reports.compute_figures(municipality, *period)
        figures_s = time.perf_counter() - started
        report = MunicipalityReport(municipality=municipality, period_start=period[0],
                                    period_end=period[1], figures=figures)
        started = time.perf_counter()
        pdf = report_files.report_pdf(report, tenant_a.name)
        pdf_s = time.perf_counter() - started
        started = time.perf_counter()
        xlsx = report_files.report_xlsx(report, tenant_a.name)
        xlsx_s = time.perf_counter() - started
        db.session.rollback()
    reach = {r["measure"]: r["value"] for r in figures["tables"]["reach"]}
    assert reach["families_supported"] == FAMILIES
    assert pdf.startswith(b"%PDF") and xlsx.startswith(b"PK")
    assert len(many) <= len(few) + 3  # training hours add their statements only when there is training

    started = time.perf_counter()
    response = client.post("/t/alpha/reports/", data={"municipality": municipality, "period_start": start,
                                                      "period_end": end})
    request_s = time.perf_counter() - started
    assert response.status_code == 302
    with app.app_context(), tenant_context(db.session, tenant_a.id):
        status = db.session.scalars(select(MunicipalityReport.status)).one()
    assert status == ReportStatus.READY
    print()
    print(f"figures: {figures_s * 1000:7.1f} ms ({len(many)} SQL statements; empty tenant {len(few)})")
    print(f"PDF:     {pdf_s * 1000:7.1f} ms, {len(pdf) / 1024:.0f} KiB")
    print(f"XLSX:    {xlsx_s * 1000:7.1f} ms, {len(xlsx) / 1024:.0f} KiB")
    print(f"POST /reports/ (figures, PDF and XLSX inline): {request_s:.2f} s")
