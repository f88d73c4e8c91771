"""A submitted municipality report per demo tenant (called by saas.demo; listed in the package's front door,
after the demo measurements), so the municipality's report viewer (``gemeente.<tenant>``) finds a
real report on signing in rather than an empty page.

The report covers last calendar year for the tenant's first municipality, is made by the same code as
a manager's report (figures under disclosure control, PDF and XLSX in Dutch) and is submitted by the
tenant's manager, so it is frozen and audited like any other.
"""

from __future__ import annotations

import random
from datetime import date

from saas.auth.models import User
from saas.auth.roles import Role
from saas.clock import local_today
from saas.i18n import force_locale
from saas.tenancy.models import Tenant
from tenants.impact.reports.jobs import render_report
from tenants.impact.reports.operations import request_report, submit_report
from tenants.impact.vocabulary import ReportStatus


def seed(tenant: Tenant, people: dict[Role, list[User]], rng: random.Random) -> None:
    """Last year's report for the tenant's first municipality, generated and submitted."""
    manager = people[Role.MANAGER][0]
    year = local_today().year - 1
    report = request_report(manager, {"municipality": tenant.municipalities[0],
                                      "period_start": date(year, 1, 1), "period_end": date(year, 12, 31)})
    with force_locale(tenant.default_locale):
        render_report(report, tenant.name)
    report.status, report.progress = ReportStatus.READY, 100
    submit_report(manager, report)
