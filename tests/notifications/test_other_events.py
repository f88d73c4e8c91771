"""The other events: a place freed in a training session, a session tomorrow, a VOG expiring and a
municipality report submitted — each to the right people of the right tenant, in their language,
with the link to the page that resolves it, once."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import time_machine
from flask import Flask
from sqlalchemy import select

from saas.auth.models import User
from saas.auth.roles import Role
from saas.db import db, tenant_context
from saas.tenancy.models import Tenant
from tenants.home import digests
from tenants.home import notices as home_notices
from tenants.trainings import notices as training_notices
from tenants.trainings.models import Enrolment
from tenants.volunteers.models import Volunteer
from tenants.volunteers.readiness import add_months
from tests.factories.home import running_match, set_vog
from tests.factories.platform import create_user, days_ago, today
from tests.factories.reports import last_year, populate_municipality
from tests.factories.trainings import create_course, create_session, create_volunteer
from tests.impact.test_reports import ask_for_report, client_for, load_reports, reports_url
from tests.notifications.helpers import notifications_of
from tests.support.clock import AMSTERDAM
from tests.support.confirm import CONFIRMED
from tests.support.mailbox import Mailbox

A = "/t/alpha"


def volunteer_with_account(app: Flask, tenant: Tenant, name: str, locale: str | None = "en") -> tuple[User, Volunteer]:
    email = f"{name.lower()}@{tenant.slug}.example"
    user = create_user(app, email, tenant=tenant, role=Role.VOLUNTEER, name=name, locale=locale)
    return user, create_volunteer(app, tenant, name, email=email, user_id=user.id)


def test_the_volunteer_moved_up_from_the_waiting_list_hears_of_it_once(
        app: Flask, tenant_a: Tenant, coordinator_a: User, mailbox: Mailbox) -> None:
    session = create_session(app, tenant_a, create_course(app, tenant_a, name="Basistraining"), capacity=1)
    anna = create_volunteer(app, tenant_a, "Anna")
    bert_user, bert = volunteer_with_account(app, tenant_a, "Bert")
    client = client_for(app, coordinator_a)
    url = f"{A}/trainings/sessions/{session.id}"
    for volunteer in (anna, bert):
        assert client.post(url + "/enrol", data={"volunteer_id": str(volunteer.id)}).status_code == 302
    with app.app_context(), tenant_context(db.session, tenant_a.id):
        annas = db.session.scalars(select(Enrolment).where(Enrolment.volunteer_id == anna.id)).one()
    assert client.post(f"{url}/enrolments/{annas.id}/cancel").status_code == 302
    client.post(f"{url}/enrolments/{annas.id}/cancel")  # repeated: refused, nothing new

    [mail] = mailbox.to(bert_user.email)
    assert mail["Subject"] == "Samen Oplopen Alpha: a place has come free for you in Basistraining"
    assert "http://localhost/t/alpha/me/trainings/" in mail.get_content()
    assert len(mailbox.messages) == 1


def test_enrolled_volunteers_are_reminded_the_day_before(
        app: Flask, tenant_a: Tenant, tenant_b: Tenant, mailbox: Mailbox) -> None:
    noon = datetime.combine(today(app), time(12), AMSTERDAM)
    tomorrow = datetime.combine(today(app) + timedelta(days=1), time(10), AMSTERDAM)
    course = create_course(app, tenant_a, name="Gespreksvaardigheden")
    sessions = {"tomorrow": create_session(app, tenant_a, course, starts_at=tomorrow),
                "later": create_session(app, tenant_a, course, starts_at=tomorrow + timedelta(days=1))}
    cees_user, cees = volunteer_with_account(app, tenant_a, "Cees")
    dirk_user, dirk = volunteer_with_account(app, tenant_a, "Dirk")
    other_user, other = volunteer_with_account(app, tenant_b, "Olga")
    other_session = create_session(app, tenant_b, create_course(app, tenant_b), starts_at=tomorrow + timedelta(days=3))
    with app.app_context():
        for tenant, session, volunteer in ((tenant_a, sessions["tomorrow"], cees), (tenant_a, sessions["later"], dirk),
                                           (tenant_b, other_session, other)):
            with tenant_context(db.session, tenant.id):
                db.session.add(Enrolment(session_id=session.id, volunteer_id=volunteer.id))
                db.session.commit()

    with time_machine.travel(noon, tick=False), app.app_context():
        training_notices.send_reminders()
        training_notices.send_reminders()  # run twice: one mail

    [mail] = mailbox.to(cees_user.email)
    assert "Gespreksvaardigheden" in mail["Subject"] and "10:00" in mail.get_content()
    assert mailbox.to(dirk_user.email) == [] and mailbox.to(other_user.email) == []


def test_a_vog_expiring_reaches_the_volunteer_and_the_coordinator(
        app: Flask, tenant_a: Tenant, tenant_b: Tenant, coordinator_a: User, manager_b: User,
        mailbox: Mailbox) -> None:
    vera_user = create_user(app, "vera@alpha.example", tenant=tenant_a, role=Role.VOLUNTEER, name="Vera de Vries",
                            locale="en")
    match = running_match(app, tenant_a, actor=coordinator_a, started_on=days_ago(app, 30))
    with app.app_context(), tenant_context(db.session, tenant_a.id):
        db.session.get_one(Volunteer, (tenant_a.id, match.volunteer_id)).user_id = vera_user.id
        db.session.commit()
    issued = add_months(today(app), -36) + timedelta(days=10)  # expires in ten days (three-year renewal)
    set_vog(app, tenant_a, match.volunteer_id, issued)
    other = running_match(app, tenant_b, actor=manager_b, started_on=days_ago(app, 30))
    set_vog(app, tenant_b, other.volunteer_id, issued)

    with app.app_context():
        home_notices.send_vog_reminders()
        home_notices.send_vog_reminders()

    [own] = mailbox.to(vera_user.email)
    assert "http://localhost/t/alpha/me/" in own.get_content()
    assert notifications_of(app, tenant_a, recipient_id=coordinator_a.id)[0].delivery.value == "digest"
    assert mailbox.to(coordinator_a.email) == []  # staff read it in their daily digest
    assert mailbox.to(manager_b.email) == []  # tenant B's coordinator waits for their own digest
    assert {row.subject_id for row in notifications_of(app, tenant_a)} == {str(match.volunteer_id)}
    assert {row.recipient_id for row in notifications_of(app, tenant_b)} == {manager_b.id}


def test_a_submitted_report_reaches_the_municipality_viewers_of_the_tenant(
        app: Flask, tenant_a: Tenant, tenant_b: Tenant, manager_a: User, mailbox: Mailbox) -> None:
    viewer = create_user(app, "gemeente@alpha.example", tenant=tenant_a, role=Role.REPORT_VIEWER, name="Ria",
                         locale="ar")
    elsewhere = create_user(app, "gemeente@beta.example", tenant=tenant_b, role=Role.REPORT_VIEWER, name="Bea")
    populate_municipality(app, tenant_a, last_year(), families=10)
    manager = client_for(app, manager_a)
    ask_for_report(manager, tenant_a)
    [report] = load_reports(app, tenant_a)
    assert manager.post(reports_url(tenant_a, f"{report.id}/submit"), data=CONFIRMED).status_code == 302
    manager.post(reports_url(tenant_a, f"{report.id}/submit"), data=CONFIRMED)  # repeated: refused

    [mail] = mailbox.to(viewer.email)
    assert "مرحبًا Ria" in mail.get_content()  # Arabic, her language
    assert f"http://localhost/t/alpha/reports/{report.id}" in mail.get_content()
    assert mailbox.to(elsewhere.email) == []


def test_staff_read_their_digest_notifications_in_the_daily_signals_digest(
        app: Flask, tenant_a: Tenant, mailbox: Mailbox) -> None:
    cor = create_user(app, "cor@alpha.example", tenant=tenant_a, role=Role.COORDINATOR, name="Cor", locale="en")
    match = running_match(app, tenant_a, actor=cor, started_on=days_ago(app, 30))
    set_vog(app, tenant_a, match.volunteer_id, add_months(today(app), -36) + timedelta(days=10))
    with app.app_context():
        home_notices.send_vog_reminders()
        digests.send_daily_digests()

    [mail] = mailbox.to(cor.email)
    body = mail.get_content()
    assert "What happened since your last digest:" in body
    assert f"http://localhost/t/alpha/volunteers/{match.volunteer_id}" in body
    [row] = notifications_of(app, tenant_a, recipient_id=cor.id)
    assert row.status.value == "sent"
    with app.app_context():
        digests.send_daily_digests()  # the next digest does not repeat it
    assert "What happened since your last digest:" not in mailbox.last_body(cor.email)
