"""Factories for the family file.

Factories take the tenant explicitly, work through :mod:`tenants.families.operations` where the
real code path matters (case numbers, sealing, timeline, audit), and commit so later requests of
the test see the rows (the test's outer transaction still rolls everything back).
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select

from saas.audit.models import AuditEvent
from saas.auth.models import User
from saas.tenancy.models import Tenant
from tenants.families import operations
from tenants.families.models import CaseEvent, Family, FamilyMember, FamilyNote
from tenants.families.vocabulary import Channel, MemberRole, ReferrerType, Track, YesNoUnknown
from tests.factories.platform import count_rows, in_tenant, today


def referral_form(coordinator: User, day: date, **overrides: Any) -> dict[str, Any]:
    """Every field of the referral form, filled in as a coordinator would (checkbox groups as lists)."""
    form: dict[str, Any] = {
        "family_name": "Familie Bakker", "coordinator_id": str(coordinator.id), "track": "regular",
        "expected_due_date": "", "composition": "two_parents", "languages": "Nederlands\r\nArabisch",
        "interpreter_needed": "1", "municipality": "Alpha", "municipality_code": "GM0363",
        "neighbourhood": "Centrum", "referred_on": day.isoformat(), "channel": "phone", "referrer_type": "cjg",
        "referrer_organisation": "CJG Alpha", "referrer_contact": "Joke Jansen, 06-12345678",
        "help_question": "Moeder wil hulp bij de administratie en meer contacten in de buurt.",
        "help_domains": ["finances", "social_network"], "professional_care_involved": "1",
        "professional_agencies": "Wijkteam\r\nSchuldhulp", "professional_agency_count": "",
        "would_otherwise_be_referred": "yes", "handover_from_professional_care": "", "consent_given": "1",
        "consent_purposes": ["support", "impact_measurement"], "consent_on": day.isoformat(),
        "consent_by": "Sara Bakker (moeder)", "consent_by_legal_representative": "1",
    }
    form.update(overrides)
    return form


def create_family(app: Flask, tenant: Tenant, *, actor: User | None = None, **fields: Any) -> Family:
    """Register a family in ``tenant`` through ``operations.register_family``.

    Fields of the family form (and ``help_question``) go through the operation; anything else
    (``state``, ``closed_on``, ``state_changed_at`` …) is set on the file afterwards, as if the
    case had already travelled there. Defaults make a complete file with consent recorded.
    """
    referred_on = fields.pop("referred_on", None) or today(app)
    data: dict[str, Any] = {
        "family_name": "Familie Jansen", "track": Track.REGULAR, "municipality": tenant.municipalities[0],
        "referred_on": referred_on, "channel": Channel.PHONE, "referrer_type": ReferrerType.CJG,
        "would_otherwise_be_referred": YesNoUnknown.UNKNOWN, "consent_given": True,
        "consent_purposes": ["support"], "consent_on": referred_on, "consent_by": "Moeder",
        "consent_by_legal_representative": True,
    }
    later = {key: fields.pop(key) for key in list(fields)
             if key not in operations.FAMILY_FIELDS and key != "help_question"}
    data.update(fields)
    with in_tenant(app, tenant) as session:
        family = operations.register_family(actor, data)  # type: ignore[arg-type]
        for key, value in later.items():
            setattr(family, key, value)
        session.commit()
    return family


def add_member(app: Flask, tenant: Tenant, family: Family, *, actor: User | None = None,
               **fields: Any) -> FamilyMember:
    """Add a household member through ``operations.add_member`` (default: a parent)."""
    data: dict[str, Any] = {"role": MemberRole.PARENT, "first_name": "Sara", "birth_date": date(1990, 5, 17),
                            "legal_representative": True, **fields}
    with in_tenant(app, tenant) as session:
        member = operations.add_member(actor, session.get(Family, (tenant.id, family.id)), data)  # type: ignore[arg-type]
        session.commit()
    return member


def add_note(app: Flask, tenant: Tenant, family: Family, body: str, *, actor: User) -> FamilyNote:
    with in_tenant(app, tenant) as session:
        note = operations.add_note(actor, session.get(Family, (tenant.id, family.id)), body)
        session.commit()
    return note


def plan_intake(app: Flask, tenant: Tenant, family: Family, *, actor: User, planned_at: datetime | None = None,
                coordinator: User | None = None) -> None:
    """Plan the home visit through ``operations.plan_intake`` (the case moves to "intake planned")."""
    data = {"planned_at": planned_at or datetime.now(UTC) + timedelta(days=7),
            "coordinator_id": (coordinator or actor).id}
    with in_tenant(app, tenant) as session:
        operations.plan_intake(actor, session.get(Family, (tenant.id, family.id)), data)
        session.commit()


def load_family(app: Flask, tenant: Tenant, family_id: uuid.UUID) -> Family | None:
    """The family as stored now (fresh from the database), or None."""
    with in_tenant(app, tenant) as session:
        return session.get(Family, (tenant.id, family_id), populate_existing=True)


def written_rows(app: Flask, tenant: Tenant) -> dict[str, int]:
    """How many families, members, timeline and audit events ``tenant`` has: to show nothing was written."""
    return {model.__name__: count_rows(app, tenant, model)
            for model in (Family, FamilyMember, FamilyNote, CaseEvent, AuditEvent)}


def state_events(app: Flask, tenant: Tenant, family: Family) -> list[CaseEvent]:
    with in_tenant(app, tenant) as session:
        return list(session.scalars(select(CaseEvent).where(
            CaseEvent.family_id == family.id, CaseEvent.kind == "state_changed").order_by(CaseEvent.at)))


def audit_actions(app: Flask, tenant: Tenant, object_id: uuid.UUID | None = None) -> list[AuditEvent]:
    with in_tenant(app, tenant) as session:
        statement = select(AuditEvent).order_by(AuditEvent.at)
        if object_id is not None:
            statement = statement.where(AuditEvent.object_id == str(object_id))
        return list(session.scalars(statement))
