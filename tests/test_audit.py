"""The audit log: what is recorded, the managers' page, and that the log cannot be changed."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, select, update
from sqlalchemy.exc import DBAPIError

from saas.audit.models import AuditEvent, PlatformEvent
from saas.audit.operations import record, record_platform
from saas.auth.models import User
from saas.db import db, tenant_context
from saas.tenancy.models import Tenant
from tests.support.sessions import SignIn


def test_the_audit_tables_refuse_updates_and_deletes(app: Flask, tenant_a: Tenant, manager_a: User) -> None:
    with app.app_context(), tenant_context(db.session, tenant_a.id):
        record(manager_a, "test.event", tenant_a)
        record_platform("test.event", user=manager_a)
        # Core statements on the tables: below the ORM, the database itself must refuse.
        for statement in (update(AuditEvent.__table__).values(action="changed"), delete(AuditEvent.__table__),
                          update(PlatformEvent.__table__).values(action="changed"), delete(PlatformEvent.__table__)):
            savepoint = db.session.begin_nested()
            with pytest.raises(DBAPIError, match="append-only"):
                db.session.execute(statement)
            savepoint.rollback()


def test_managers_see_changes_and_sign_ins(app: Flask, signed_in: SignIn, manager_a: User, tenant_a: Tenant) -> None:
    client: FlaskClient = signed_in(manager_a)
    client.post("/t/alpha/members/invite", data={"email": "nieuw@example.org", "role": "volunteer"})
    page = client.get("/t/alpha/audit/")
    assert page.status_code == 200
    assert "nieuw@example.org" in page.text
    assert manager_a.name in page.text
    with app.app_context():
        sign_ins = db.session.scalars(select(PlatformEvent).where(PlatformEvent.user_id == manager_a.id)).all()
        assert "login.succeeded" in {e.action for e in sign_ins}
        with tenant_context(db.session, tenant_a.id):
            actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "invitation.sent" in actions


def test_role_change_and_deactivation_are_recorded(app: Flask, signed_in: SignIn, manager_a: User, volunteer_a: User,
                                                   tenant_a: Tenant) -> None:
    from saas.auth.models import Membership

    client: FlaskClient = signed_in(manager_a)
    with app.app_context(), tenant_context(db.session, tenant_a.id):
        member_id = db.session.scalars(select(Membership.id).where(Membership.user_id == volunteer_a.id)).one()
    assert client.post(f"/t/alpha/members/{member_id}/role", data={"role": "report_viewer"}).status_code == 302
    assert client.post(f"/t/alpha/members/{member_id}/active", data={"active": "0"}).status_code == 302
    with app.app_context(), tenant_context(db.session, tenant_a.id):
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.object_id == str(member_id))
                                    .order_by(AuditEvent.at)).all()
        assert [e.action for e in events] == ["member.role_changed", "member.deactivated"]
        assert events[0].details == {"user": str(volunteer_a.id), "old": "volunteer", "new": "report_viewer"}
        assert all(e.actor_id == manager_a.id and e.ip == "127.0.0.1" for e in events)
