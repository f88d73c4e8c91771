"""Input of the municipality report that a manager asks for."""

from __future__ import annotations

from typing import Any

from marshmallow import validates_schema

from saas.clock import local_today
from saas.forms import Choice, Date, TenantForm, raise_errors, refuse_future_dates
from saas.i18n import L_
from tenants.impact.reports.queries import is_calendar_year

PERIOD_RULE = L_("A report covers one calendar year: from 1 January to 31 December, or to today for this year.")


class ReportForm(TenantForm):
    """A municipality report: one of the tenant's municipalities and one calendar year."""

    municipality = Choice([], required=True)
    period_start = Date(required=True)
    period_end = Date(required=True)

    @validates_schema
    def _check(self, data: dict[str, Any], **_kwargs: Any) -> None:
        errors: dict[str, list[Any]] = {}
        refuse_future_dates(errors, data, "period_start", "period_end")
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            errors.setdefault("period_end", []).append(L_("The end of the period cannot be before its start."))
        elif start and end and not is_calendar_year(start, end, local_today()):
            errors.setdefault("period_end", []).append(PERIOD_RULE)
        raise_errors(errors)
