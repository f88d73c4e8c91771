"""Factories and helpers for the volunteer tests.

Factories take the tenant explicitly and commit, so later requests of the test see the rows (the
test's outer transaction still rolls everything back). ``create_volunteer`` registers through
``operations.register_volunteer`` (timeline and audit as in real use) and then puts the record
where the test needs it (state, dates, VOGs) directly, as if it had travelled there.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from datetime import date
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from saas.audit.models import AuditEvent
from saas.auth.models import User
from saas.tenancy.models import Tenant
from tenants.volunteers import operations
from tenants.volunteers.models import Screening, ScreeningPolicy, Volunteer, VolunteerEvent
from tenants.volunteers.states import VolunteerKind, VolunteerState
from tests.factories.platform import count_rows, days_ago, in_tenant

BASE = "/t/alpha"
VOLUNTEERS = f"{BASE}/volunteers"
#: The policy operations.policy_for_tenant creates.
DEFAULT_POLICY = {"max_age_at_start_days": 90, "renewal_months": 36, "warning_days": 60, "applicant_waiting_days": 14}


def create_volunteer(app: Flask, tenant: Tenant, name: str = "Vera de Vries", *, actor: User | None = None,
                     state: VolunteerState = VolunteerState.APPLICANT, vogs: Iterable[date] = (),
                     checked_by: User | None = None, **fields: Any) -> Volunteer:
    """A volunteer in ``tenant``, registered through the operation and then placed in ``state``
    with a VOG issued on each of ``vogs`` (checked the same day). Fields of the volunteer form go
    through the operation; others (``approved_on``, ``user_id``, ``exit_reason`` …) are set after."""
    data: dict[str, Any] = {"name": name, "kind": VolunteerKind.INDIVIDUAL, "applied_on": fields.pop(
        "applied_on", None) or days_ago(app, 30), "max_families": 1}
    later = {key: fields.pop(key) for key in list(fields) if key not in operations.VOLUNTEER_FIELDS}
    data.update(fields)
    with in_tenant(app, tenant) as session:
        volunteer = operations.register_volunteer(actor, data)  # type: ignore[arg-type]
        volunteer.state = state
        for key, value in later.items():
            setattr(volunteer, key, value)
        for issued in vogs:
            session.add(Screening(volunteer_id=volunteer.id, issued_on=issued, screening_profile="45",
                                  checked_on=issued, checked_by_id=checked_by.id if checked_by else None))
        session.commit()
    return volunteer


def load_volunteer(app: Flask, tenant: Tenant, volunteer_id: uuid.UUID) -> Volunteer:
    """The volunteer as stored now (fresh from the database), with the VOGs loaded."""
    with in_tenant(app, tenant) as session:
        volunteer = session.get(Volunteer, (tenant.id, volunteer_id), populate_existing=True)
        assert volunteer is not None
        session.refresh(volunteer, ["screenings"])
        return volunteer


def set_policy(app: Flask, tenant: Tenant, **values: int) -> ScreeningPolicy:
    """The tenant's policy row (created as the app would) with ``values`` applied."""
    with in_tenant(app, tenant) as session:
        policy = operations.SCREENING_POLICY.for_update()
        for key, value in values.items():
            setattr(policy, key, value)
        session.commit()
    return policy


def written_rows(app: Flask, tenant: Tenant) -> dict[str, int]:
    """How many volunteer rows of each kind, and audit events, ``tenant`` has: to show nothing was written."""
    return {model.__name__: count_rows(app, tenant, model)
            for model in (Volunteer, Screening, VolunteerEvent, ScreeningPolicy, AuditEvent)}


def snapshot(app: Flask, tenant: Tenant) -> dict[str, Any]:
    """Every stored column of every volunteer, VOG and policy of ``tenant``, plus the row counts."""
    with in_tenant(app, tenant) as session:
        def rows(model: type) -> list[dict[str, Any]]:
            columns = [c.key for c in model.__mapper__.column_attrs]
            return sorted(({c: getattr(row, c) for c in columns} for row in session.scalars(select(model))),
                          key=lambda row: str(row["id"]))
        return {"counts": written_rows(app, tenant), "volunteers": rows(Volunteer), "screenings": rows(Screening),
                "policies": rows(ScreeningPolicy)}


def events_of(app: Flask, tenant: Tenant, volunteer_id: uuid.UUID, kind: str | None = None) -> list[VolunteerEvent]:
    with in_tenant(app, tenant) as session:
        statement = select(VolunteerEvent).where(VolunteerEvent.volunteer_id == volunteer_id)
        if kind is not None:
            statement = statement.where(VolunteerEvent.kind == kind)
        return list(session.scalars(statement.order_by(VolunteerEvent.at)))


def audit_of(app: Flask, tenant: Tenant, action: str, object_id: uuid.UUID | None = None) -> list[AuditEvent]:
    with in_tenant(app, tenant) as session:
        statement = select(AuditEvent).where(AuditEvent.action == action)
        if object_id is not None:
            statement = statement.where(AuditEvent.object_id == str(object_id))
        return list(session.scalars(statement.order_by(AuditEvent.at)))


def send(client: FlaskClient, url: str, data: dict[str, Any], how: str) -> Any:
    """POST ``data`` as a browser form (``how="form"``) or as a JSON body (``how="json"``)."""
    if how == "json":
        return client.post(url, json=data)
    return client.post(url, data=data)


def errors_of(response: Any, how: str) -> dict[str, list[str]] | str:
    """The refusal: the ``errors`` object of a JSON answer, else the page's text."""
    if how == "json":
        assert response.is_json, response.text[:300]
        return response.get_json()["errors"]
    return response.text


_VOLUNTEER_LINK = re.compile(r'href="/t/[a-z0-9-]+/volunteers/([0-9a-f-]{36})(?:#screening)?"')


def linked_ids(html: str) -> list[uuid.UUID]:
    """The volunteers a page (or part of one) links to, in order."""
    return [uuid.UUID(value) for value in _VOLUNTEER_LINK.findall(html)]


def listed_ids(client: FlaskClient, query: str = "") -> list[uuid.UUID]:
    """Every volunteer the list shows for ``query``, over all its pages."""
    found: list[uuid.UUID] = []
    page = 1
    while True:
        response = client.get(f"{VOLUNTEERS}/?{query}&page={page}")
        assert response.status_code == 200, response.text[:300]
        results = response.text.split('id="results-heading"', 1)[1]
        found += linked_ids(results.split('class="pagination"', 1)[0])
        if 'rel="next"' not in results:
            return found
        page += 1
