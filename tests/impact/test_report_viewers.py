"""Report viewers (issue #16): they read a submitted report's figures in the app, hear by e-mail
when a report is submitted, and are never asked to do what only managers may."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from saas.auth.models import Membership, User
from saas.auth.roles import Role
from saas.db import db, tenant_context
from saas.tenancy.models import Tenant
from tenants.impact.vocabulary import ReportStatus
from tests.factories.platform import create_user
from tests.factories.reports import add_report
from tests.impact.test_reports import client_for, load_report, reports_url
from tests.support.confirm import CONFIRMED
from tests.support.mailbox import Mailbox

FIGURES: dict[str, Any] = {
    "disclosure": {"threshold": 10, "rounding": 5, "min_families_for_mean": 10},
    "tables": {
        "reach": [{"measure": "families_supported", "category": "all", "value": 1215, "unit": "count"}],
        "domain_means": [
            {"measure": "grade_t0", "category": "finances", "value": 5.5, "unit": "grade"},
            {"measure": "grade_tend", "category": "finances", "value": None, "unit": "grade"},
        ],
    },
}


@pytest.fixture
def viewer_a(app: Flask, tenant_a: Tenant) -> User:
    return create_user(app, "ria@alpha.example", tenant=tenant_a, role=Role.REPORT_VIEWER, name="Ria Rapport",
                       locale="nl")


def test_a_viewer_reads_the_figures_and_is_not_told_to_ask_for_a_report(
        app: Flask, tenant_a: Tenant, manager_a: User, viewer_a: User) -> None:
    report = add_report(app, tenant_a, None, figures=FIGURES)
    english = create_user(app, "eli@alpha.example", tenant=tenant_a, role=Role.REPORT_VIEWER, locale="en")

    dutch = client_for(app, viewer_a).get(reports_url(tenant_a, str(report.id))).get_data(as_text=True)
    page = client_for(app, english).get(reports_url(tenant_a, str(report.id))).get_data(as_text=True)
    listing = client_for(app, english).get(reports_url(tenant_a)).get_data(as_text=True)

    assert "1.215" in dutch and "5,5" in dutch  # through Babel, in the viewer's own language
    assert '<table class="utrecht-table figures-table"' in page and 'scope="row"' in page and "1,215" in page
    assert "<abbr" in page  # a figure not shown says why
    for text in (page, listing):
        assert "ask for a new report" not in text.lower() and "Generate the report" not in text
    manager_page = client_for(app, manager_a).get(reports_url(tenant_a, str(report.id))).get_data(as_text=True)
    assert "1,215" in manager_page and "For corrected figures, ask for a new report." in manager_page


def test_submitting_mails_each_active_viewer_only(
        app: Flask, tenant_a: Tenant, tenant_b: Tenant, manager_a: User, viewer_a: User, mailbox: Mailbox) -> None:
    english = create_user(app, "eli@alpha.example", tenant=tenant_a, role=Role.REPORT_VIEWER, locale="en")
    gone = create_user(app, "gone@alpha.example", tenant=tenant_a, role=Role.REPORT_VIEWER)
    create_user(app, "off@alpha.example", tenant=tenant_a, role=Role.REPORT_VIEWER, is_active=False)
    create_user(app, "coordinator@alpha.example", tenant=tenant_a, role=Role.COORDINATOR)
    create_user(app, "viewer@beta.example", tenant=tenant_b, role=Role.REPORT_VIEWER)
    with app.app_context(), tenant_context(db.session, tenant_a.id):
        db.session.scalars(select(Membership).where(Membership.user_id == gone.id)).one().is_active = False
        db.session.commit()
    report = add_report(app, tenant_a, None, status=ReportStatus.READY, submitted_at=None, figures=FIGURES)
    mailbox.clear()

    response = client_for(app, manager_a).post(reports_url(tenant_a, f"{report.id}/submit"), data=CONFIRMED)

    assert response.status_code == 302
    assert load_report(app, tenant_a, report.id).status == ReportStatus.SUBMITTED
    assert sorted(m["To"] for m in mailbox.messages) == [english.email, viewer_a.email]
    link = f"/t/{tenant_a.slug}/reports/{report.id}"
    assert link in mailbox.last_body(viewer_a.email) and "Hallo Ria Rapport," in mailbox.last_body(viewer_a.email)
    assert link in mailbox.last_body(english.email) and "Hello" in mailbox.last_body(english.email)


def test_a_refused_submit_mails_no_one(
        app: Flask, tenant_a: Tenant, manager_a: User, viewer_a: User, mailbox: Mailbox) -> None:
    report = add_report(app, tenant_a, None, figures=FIGURES)  # submitted already
    failed = add_report(app, tenant_a, None, status=ReportStatus.FAILED, submitted_at=None, municipality="Elders")
    mailbox.clear()
    manager = client_for(app, manager_a)

    for refused in (report, failed):
        assert manager.post(reports_url(tenant_a, f"{refused.id}/submit"), data=CONFIRMED).status_code == 302

    assert mailbox.messages == []
