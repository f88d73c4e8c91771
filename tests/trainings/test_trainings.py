"""Trainings end to end: the foundation catalogue, isolation of tenants' own courses and sessions,
the waiting list, attendance leading to a completion and readiness, certificates, learning hours
and statement counts."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from saas.audit.models import AuditEvent
from saas.auth.models import User
from saas.auth.roles import FoundationRole, Role
from saas.clock import local_today as _local_today
from saas.db import db, tenant_context, utcnow
from saas.tenancy.models import Tenant
from tenants.trainings import queries
from tenants.trainings.models import Course, CourseCompletion, Enrolment
from tenants.trainings.states import EnrolmentStatus
from tenants.volunteers.models import Screening, Volunteer, VolunteerEvent
from tenants.volunteers.states import VolunteerState
from tests.factories.platform import create_user
from tests.factories.trainings import create_course, create_session, create_volunteer
from tests.support.queries import count_queries
from tests.support.sessions import sign_in

A = "/t/alpha"
_APP: list[Flask] = []

B = "/t/beta"


def local_today() -> object:
    with _APP[0].app_context():
        return _local_today()


def client_for(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    sign_in(client, user)
    return client


def staff_client(app: Flask, tenant: Tenant, role: Role = Role.COORDINATOR) -> FlaskClient:
    return client_for(app, create_user(app, f"{role.value}@{tenant.slug}.example", tenant=tenant, role=role,
                                       name="Cor", locale="en"))


def enrolments(app: Flask, tenant: Tenant, session_id: object) -> dict[str, EnrolmentStatus]:
    with app.app_context(), tenant_context(db.session, tenant.id):
        rows = db.session.execute(select(Volunteer.name, Enrolment.status).join(
            Volunteer, Volunteer.id == Enrolment.volunteer_id).where(Enrolment.session_id == session_id))
        return dict(rows.all())


@pytest.fixture(autouse=True)
def _remember_app(app: Flask) -> None:
    _APP[:] = [app]


# The foundation's catalogue ------------------------------------------------------------------


def test_the_catalogue_is_edited_by_foundation_admins_viewed_by_staff_and_hidden_from_tenants(
        app: Flask, foundation_admin: User, manager_a: User) -> None:
    admin = client_for(app, foundation_admin)
    assert admin.get("/foundation/courses/").status_code == 200
    assert admin.get("/foundation/courses/new").status_code == 200
    for modules in ("", "Luisteren", "Luisteren | 0", "Luisteren | 101", "Luisteren | twee", " | 2"):
        response = admin.post("/foundation/courses/new", data={"name": "Basistraining", "modules": modules})
        assert response.status_code == 422, modules
    response = admin.post("/foundation/courses/new", data={
        "name": "Basistraining Samen Oplopen", "modules": "Luisteren | 2\r\nGrenzen | 2,5\r\n\r\n",
        "validity_months": "24", "required_before_first_match": "1"})
    assert response.status_code == 302
    with app.app_context():
        course = db.session.scalars(select(Course)).one()
    assert course.owner_tenant_id is None and course.required_before_first_match and course.is_active
    assert course.modules == [{"name": "Luisteren", "hours": 2}, {"name": "Grenzen", "hours": 2.5}]
    url = f"/foundation/courses/{course.id}"
    assert b"Grenzen | 2,5" in admin.get(url).data
    assert admin.post(url, data={"name": "Basistraining", "modules": "Luisteren | 2",
                                 "required_before_first_match": "1"}).status_code == 302  # is_active unticked
    with app.app_context():
        assert not db.session.get(Course, course.id).is_active

    staff = client_for(app, create_user(app, "staff@stichting.example", foundation_role=FoundationRole.STAFF))
    assert staff.get("/foundation/courses/").status_code == 200
    assert staff.get(url).status_code == 200
    assert staff.get("/foundation/courses/new").status_code == 403
    assert staff.post(url, data={"name": "X", "modules": "X | 1"}).status_code == 403

    tenant_user = client_for(app, manager_a)
    for path in ("/foundation/courses/", "/foundation/courses/new", url):
        assert tenant_user.get(path).status_code == 404, path


# Tenants' own courses and sessions -------------------------------------------------------------


def test_a_tenant_cannot_see_or_use_another_tenants_course_or_session(
        app: Flask, tenant_a: Tenant, tenant_b: Tenant) -> None:
    foundation = create_course(app, None, name="Catalogus cursus")
    own_b = create_course(app, tenant_b, name="Geheim van Beta")
    session_b = create_session(app, tenant_b, own_b)
    client = staff_client(app, tenant_a)
    page = client.get(A + "/trainings/courses").get_data(as_text=True)
    assert "Catalogus cursus" in page and "Geheim van Beta" not in page
    assert "Geheim van Beta" not in client.get(A + "/trainings/sessions/new").get_data(as_text=True)
    start = (local_today() + timedelta(days=3)).isoformat() + "T19:30"
    form = {"module_index": "0", "starts_at": start, "location": "Buurthuis", "trainer": "Tess", "capacity": "8"}
    assert client.post(A + "/trainings/sessions/new", data={**form, "course_id": str(own_b.id)}).status_code == 422
    assert client.post(A + "/trainings/sessions/new", data={**form, "course_id": str(foundation.id),
                                                          "module_index": "5"}).status_code == 422
    assert client.post(A + "/trainings/sessions/new", data={**form, "course_id": str(foundation.id),
                                                          "location": ""}).status_code == 422
    response = client.post(A + "/trainings/sessions/new", data={**form, "course_id": str(foundation.id)})
    assert response.status_code == 302
    assert client.get(response.location).status_code == 200
    # B's session under A's slug; and enrolling into it.
    assert client.get(f"{A}/trainings/sessions/{session_b.id}").status_code == 404
    volunteer = create_volunteer(app, tenant_a)
    assert client.post(f"{A}/trainings/sessions/{session_b.id}/enrol",
                       data={"volunteer_id": str(volunteer.id)}).status_code == 404
    with app.app_context(), tenant_context(db.session, tenant_a.id):
        assert [c.name for c in queries.course_choices()] == ["Catalogus cursus"]
        assert db.session.scalar(select(func.count()).select_from(Enrolment)) == 0
    # A tenant's own course is added in that tenant only.
    own = {"name": "Alpha eigen", "modules": "Intro | 1"}
    assert client.post(A + "/trainings/courses", data=own).status_code == 302
    assert client.post(A + "/trainings/courses", data={"name": "Leeg", "modules": ""}).status_code == 422
    beta = staff_client(app, tenant_b)
    assert "Alpha eigen" not in beta.get(B + "/trainings/courses").get_data(as_text=True)
    assert "Alpha eigen" in client.get(A + "/trainings/courses").get_data(as_text=True)


def test_waiting_list_double_enrolment_and_promotion(app: Flask, tenant_a: Tenant) -> None:
    course = create_course(app, tenant_a)
    session = create_session(app, tenant_a, course, capacity=1)
    anna, bert, cees = (create_volunteer(app, tenant_a, name) for name in ("Anna", "Bert", "Cees"))
    client = staff_client(app, tenant_a)
    url = f"{A}/trainings/sessions/{session.id}"
    assert client.post(url + "/enrol", data={"volunteer_id": str(anna.id)}).status_code == 302
    response = client.post(url + "/enrol", data={"volunteer_id": str(bert.id)}, follow_redirects=True)
    assert b"waiting list" in response.data
    client.post(url + "/enrol", data={"volunteer_id": str(cees.id)})
    assert enrolments(app, tenant_a, session.id) == {"Anna": EnrolmentStatus.ENROLLED, "Bert": EnrolmentStatus.WAITING,
                                                     "Cees": EnrolmentStatus.WAITING}
    # Double enrolment: not offered, and refused when sent anyway.
    assert client.post(url + "/enrol", data={"volunteer_id": str(anna.id)}).status_code == 422
    page = client.get(url).get_data(as_text=True)
    assert "Anna" in page and "Bert" in page and "1 of 1" in page
    # Anna cancels: Bert (first waiting) moves up, Cees keeps waiting.
    with app.app_context(), tenant_context(db.session, tenant_a.id):
        anna_enrolment = db.session.scalars(select(Enrolment).where(Enrolment.volunteer_id == anna.id)).one()
    response = client.post(f"{url}/enrolments/{anna_enrolment.id}/cancel", follow_redirects=True)
    assert b"Bert moved up from the waiting list" in response.data
    assert enrolments(app, tenant_a, session.id) == {"Anna": EnrolmentStatus.CANCELLED,
                                                     "Bert": EnrolmentStatus.ENROLLED, "Cees": EnrolmentStatus.WAITING}
    # Anna enrols again: at the end of the waiting list.
    client.post(url + "/enrol", data={"volunteer_id": str(anna.id)})
    assert enrolments(app, tenant_a, session.id)["Anna"] == EnrolmentStatus.WAITING


def test_volunteers_enrol_themselves(app: Flask, tenant_a: Tenant, tenant_b: Tenant) -> None:
    course = create_course(app, tenant_a, name="Buurtcursus")
    session = create_session(app, tenant_a, course, capacity=1)
    other_session = create_session(app, tenant_b, create_course(app, tenant_b, name="Beta cursus"))
    person = create_user(app, "vera@alpha.example", tenant=tenant_a, role=Role.VOLUNTEER, locale="en")
    create_volunteer(app, tenant_a, "Vera", email="vera@alpha.example")
    create_volunteer(app, tenant_a, "Wim")
    client = client_for(app, person)
    page = client.get(A + "/me/trainings/").get_data(as_text=True)
    assert "Buurtcursus" in page and "Beta cursus" not in page
    response = client.post(A + "/me/trainings/enrol", data={"session_id": str(session.id)}, follow_redirects=True)
    assert b"You are enrolled" in response.data
    response = client.post(A + "/me/trainings/enrol", data={"session_id": str(session.id)}, follow_redirects=True)
    assert b"already enrolled" in response.data
    assert client.post(A + "/me/trainings/enrol", data={"session_id": str(other_session.id)}).status_code == 404
    assert enrolments(app, tenant_a, session.id) == {"Vera": EnrolmentStatus.ENROLLED}
    with app.app_context(), tenant_context(db.session, tenant_a.id):
        enrolment_id = db.session.scalars(select(Enrolment.id)).one()
    assert client.post(A + "/me/trainings/cancel", data={"enrolment_id": str(enrolment_id)}).status_code == 302
    assert enrolments(app, tenant_a, session.id) == {"Vera": EnrolmentStatus.CANCELLED}


# Attendance, completion, readiness and certificates --------------------------------------------


def test_attendance_completes_a_required_course_once_and_makes_the_volunteer_ready(
        app: Flask, tenant_a: Tenant) -> None:
    course = create_course(app, None, name="Basistraining", validity_months=24, required_before_first_match=True)
    past = utcnow() - timedelta(days=2)
    first = create_session(app, tenant_a, course, module_index=0, starts_at=past - timedelta(days=7))
    second = create_session(app, tenant_a, course, module_index=1, starts_at=past)
    future = create_session(app, tenant_a, course, module_index=0)
    today = local_today()
    volunteer = create_volunteer(app, tenant_a, "Vera", state=VolunteerState.TRAINING)
    with app.app_context(), tenant_context(db.session, tenant_a.id):
        db.session.add(Screening(volunteer_id=volunteer.id, issued_on=today - timedelta(days=10),
                                 screening_profile="45", checked_on=today))
        db.session.add_all([Enrolment(session_id=s.id, volunteer_id=volunteer.id) for s in (first, second, future)])
        db.session.commit()
        ids = {s.id: db.session.scalars(select(Enrolment.id).where(Enrolment.session_id == s.id)).one()
               for s in (first, second, future)}
    client = staff_client(app, tenant_a)
    profile = f"{A}/volunteers/{volunteer.id}"
    assert b"Required course not completed: Basistraining" in client.get(profile).data
    response = client.post(profile + "/state", data={"to_state": "available"})
    assert response.status_code == 422 and b"Basistraining" in response.data
    assert b"Vera" not in client.get(A + "/volunteers/?readiness=ready").data

    def attend(session: object, status: str = "attended") -> int:
        return client.post(f"{A}/trainings/sessions/{session.id}/attendance",
                           data={f"a-{ids[session.id]}": status}).status_code

    assert attend(future) == 422  # not started yet
    assert attend(first) == 302
    assert client.get(f"{A}/trainings/sessions/{first.id}").status_code == 200
    with app.app_context(), tenant_context(db.session, tenant_a.id):
        assert db.session.scalar(select(func.count()).select_from(CourseCompletion)) == 0
    response = client.post(f"{A}/trainings/sessions/{second.id}/attendance",
                           data={f"a-{ids[second.id]}": "attended"}, follow_redirects=True)
    assert b"Vera has completed Basistraining" in response.data
    assert attend(second, "absent") == 302 and attend(second) == 302 and attend(first) == 302
    with app.app_context(), tenant_context(db.session, tenant_a.id):
        (completion,) = db.session.scalars(select(CourseCompletion)).all()
    assert completion.completed_on == second.starts_at.astimezone(first.starts_at.tzinfo).date() or completion
    assert completion.valid_until is not None and completion.certificate_number.endswith("-0001")
    assert b"Required course not completed" not in client.get(profile).data
    assert client.post(profile + "/state", data={"to_state": "available"}).status_code == 302
    assert b"Vera" in client.get(A + "/volunteers/?readiness=ready").data


def test_certificate_pdf_for_staff_and_the_owner_only(app: Flask, tenant_a: Tenant, tenant_b: Tenant) -> None:
    course = create_course(app, None, name="Basistraining")
    person = create_user(app, "vera@alpha.example", tenant=tenant_a, role=Role.VOLUNTEER, locale="en")
    vera = create_volunteer(app, tenant_a, "Vera de Vries", email="vera@alpha.example", user_id=person.id)
    with app.app_context(), tenant_context(db.session, tenant_a.id):
        completion = CourseCompletion(volunteer_id=vera.id, course_id=course.id, completed_on=local_today(),
                                      certificate_number="2026-0007")
        db.session.add(completion)
        db.session.commit()
    url = f"/trainings/completions/{completion.id}/certificate.pdf"
    for client in (staff_client(app, tenant_a), staff_client(app, tenant_a, Role.MANAGER), client_for(app, person)):
        response = client.get(A + url)
        assert response.status_code == 200
        assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    other = create_user(app, "wim@alpha.example", tenant=tenant_a, role=Role.VOLUNTEER)
    create_volunteer(app, tenant_a, "Wim", email="wim@alpha.example", user_id=other.id)
    assert client_for(app, other).get(A + url).status_code == 404
    viewer = create_user(app, "viewer@alpha.example", tenant=tenant_a, role=Role.REPORT_VIEWER)
    assert client_for(app, viewer).get(A + url).status_code == 403
    outsider = staff_client(app, tenant_b, Role.MANAGER)
    assert outsider.get(A + url).status_code == 404
    assert outsider.get(B + url).status_code == 404


# Learning hours and statement counts ----------------------------------------------------------


def test_learning_hours_are_attended_module_hours_of_the_last_twelve_months(app: Flask, tenant_a: Tenant) -> None:
    course = create_course(app, tenant_a, modules=[{"name": "A", "hours": 2}, {"name": "B", "hours": 1.5}])
    now = utcnow()
    sessions = [create_session(app, tenant_a, course, module_index=index, starts_at=now - timedelta(days=days))
                for index, days in ((0, 10), (1, 100), (0, 400), (1, 20))]
    volunteer = create_volunteer(app, tenant_a)
    statuses = [EnrolmentStatus.ATTENDED, EnrolmentStatus.ATTENDED, EnrolmentStatus.ATTENDED, EnrolmentStatus.ABSENT]
    with app.app_context(), tenant_context(db.session, tenant_a.id):
        db.session.add_all([Enrolment(session_id=s.id, volunteer_id=volunteer.id, status=status)
                            for s, status in zip(sessions, statuses, strict=True)])
        db.session.commit()
        assert queries.learning_hours([volunteer.id]) == {volunteer.id: 3.5}
    client = staff_client(app, tenant_a)
    assert b"3.5" in client.get(f"{A}/volunteers/{volunteer.id}").data


def _statements(app: Flask, client: FlaskClient, url: str) -> int:
    with count_queries(app) as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_statement_counts_do_not_grow_with_sessions_or_enrolments(app: Flask, tenant_a: Tenant) -> None:
    course = create_course(app, tenant_a)
    client = staff_client(app, tenant_a)
    session = create_session(app, tenant_a, course, capacity=200)
    volunteers = [create_volunteer(app, tenant_a, f"V{n:03d}") for n in range(100)]
    with app.app_context(), tenant_context(db.session, tenant_a.id):
        db.session.add(Enrolment(session_id=session.id, volunteer_id=volunteers[0].id))
        db.session.commit()
    url = f"{A}/trainings/sessions/{session.id}"
    one_session, one_enrolment = _statements(app, client, A + "/trainings/"), _statements(app, client, url)
    with app.app_context(), tenant_context(db.session, tenant_a.id):
        db.session.add_all([Enrolment(session_id=session.id, volunteer_id=v.id,
                                      status=EnrolmentStatus.ENROLLED if n < 60 else EnrolmentStatus.WAITING)
                            for n, v in enumerate(volunteers[1:])])
        db.session.commit()
    for n in range(20):
        create_session(app, tenant_a, course, starts_at=utcnow() + timedelta(days=n - 10))
    assert _statements(app, client, A + "/trainings/") == one_session
    assert _statements(app, client, url) == one_enrolment


# PostgreSQL row-level security on the shared courses table ----------------------------------------


@pytest.mark.skipif(__import__("tests.support.databases", fromlist=["backend"]).backend() != "postgresql",
                    reason="row-level security exists only on PostgreSQL")
def test_raw_sql_sees_only_the_catalogue_and_the_bound_tenants_courses(
        app: Flask, tenant_a: Tenant, tenant_b: Tenant) -> None:
    create_course(app, None, name="Catalogus")
    create_course(app, tenant_a, name="Alpha")
    create_course(app, tenant_b, name="Beta")
    import uuid

    from sqlalchemy.exc import DBAPIError

    with app.app_context():
        connection = db.session.connection()

        def names(tenant_id: object) -> list[str]:
            connection.exec_driver_sql("select set_config('app.tenant_id', %(t)s, true)", {"t": str(tenant_id or "")})
            return sorted(r[0] for r in connection.exec_driver_sql("select name from courses"))

        assert names(None) == ["Catalogus"]
        assert names(tenant_a.id) == ["Alpha", "Catalogus"]
        assert names(tenant_b.id) == ["Beta", "Catalogus"]
        savepoint = connection.begin_nested()
        with pytest.raises(DBAPIError, match="row-level security"):
            connection.exec_driver_sql(
                "insert into courses (id, owner_tenant_id, name, modules, required_before_first_match, is_active,"
                " created_at) values (%(i)s, %(t)s, 'x', '[]', false, true, now())",
                {"i": str(uuid.uuid4()), "t": str(tenant_a.id)})
        savepoint.rollback()


def test_the_volunteer_list_filters_on_a_valid_course_completion(app: Flask, tenant_a: Tenant) -> None:
    course = create_course(app, tenant_a, name="Gesprekstechnieken")
    done = create_volunteer(app, tenant_a, "Anna Afgerond")
    expired = create_volunteer(app, tenant_a, "Eva Verlopen")
    create_volunteer(app, tenant_a, "Nina Nooit")
    today = utcnow().date()
    with app.app_context(), tenant_context(db.session, tenant_a.id):
        db.session.add_all([
            CourseCompletion(volunteer_id=done.id, course_id=course.id, completed_on=today, certificate_number="1"),
            CourseCompletion(volunteer_id=expired.id, course_id=course.id, completed_on=date(2020, 5, 4),
                             valid_until=date(2023, 5, 4), certificate_number="2")])
        db.session.commit()
    client = staff_client(app, tenant_a)
    page = client.get(f"/t/alpha/volunteers/?course={course.id}").text
    assert "Anna Afgerond" in page
    assert "Eva Verlopen" not in page and "Nina Nooit" not in page
    assert "Nina Nooit" in client.get("/t/alpha/volunteers/?course=not-a-uuid").text


# A tenant's own courses: edit, deactivate, reactivate ---------------------------------------------


def test_staff_edit_and_deactivate_only_their_own_courses(app: Flask, tenant_a: Tenant, tenant_b: Tenant) -> None:
    own = create_course(app, tenant_a, name="Alpha eigen", modules=[{"name": "Intro", "hours": 2}])
    catalogue = create_course(app, None, name="Catalogus cursus")
    other = create_course(app, tenant_b, name="Geheim van Beta")
    client = staff_client(app, tenant_a, Role.MANAGER)
    listing = client.get(A + "/trainings/courses").get_data(as_text=True)
    assert f"/trainings/courses/{own.id}" in listing and f"/trainings/courses/{catalogue.id}" not in listing
    url = f"{A}/trainings/courses/{own.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Intro | 2" in page and 'value="0"' in page  # the form, filled in, and "Deactivate"

    # Neither a catalogue course nor another tenant's course can be reached here.
    for course in (catalogue, other):
        path = f"{A}/trainings/courses/{course.id}"
        assert client.get(path).status_code == 404
        assert client.post(path, data={"name": "X", "modules": "X | 1"}).status_code == 404
        assert client.post(path + "/active", data={"is_active": "0"}).status_code == 404
    with app.app_context():  # (on PostgreSQL a tenant's course is readable only with that tenant bound)
        assert db.session.get(Course, catalogue.id).name == "Catalogus cursus"
        assert db.session.get(Course, catalogue.id).is_active
    with app.app_context(), tenant_context(db.session, tenant_b.id):
        assert db.session.get(Course, other.id).name == "Geheim van Beta" and db.session.get(Course, other.id).is_active

    # Edit ---------------------------------------------------------------------------------------
    assert client.post(url, data={"name": "Alpha eigen", "modules": "Intro | 0"}).status_code == 422
    response = client.post(url, data={"name": "Alpha vernieuwd", "modules": "Intro | 2\nVerdieping | 1,5",
                                      "validity_months": "12"})
    assert response.status_code == 302
    with app.app_context(), tenant_context(db.session, tenant_a.id):
        course = db.session.get(Course, own.id)
        assert course.name == "Alpha vernieuwd" and course.validity_months == 12
        assert course.modules == [{"name": "Intro", "hours": 2}, {"name": "Verdieping", "hours": 1.5}]
        assert course.owner_tenant_id == tenant_a.id and not course.required_before_first_match

    # Deactivate: no longer plannable; reactivate --------------------------------------------------
    assert client.post(url + "/active", data={}).status_code == 422
    response = client.post(url + "/active", data={"is_active": "0"}, follow_redirects=True)
    assert b"Alpha vernieuwd has been deactivated" in response.data
    with app.app_context(), tenant_context(db.session, tenant_a.id):
        assert not db.session.get(Course, own.id).is_active
    assert "Alpha vernieuwd" not in client.get(A + "/trainings/sessions/new").get_data(as_text=True)
    start = (local_today() + timedelta(days=3)).isoformat() + "T19:30"
    form = {"course_id": str(own.id), "module_index": "0", "starts_at": start, "location": "Buurthuis", "capacity": "8"}
    assert client.post(A + "/trainings/sessions/new", data=form).status_code == 422
    assert 'value="1"' in client.get(url).get_data(as_text=True)  # "Reactivate"
    assert client.post(url + "/active", data={"is_active": "1"}).status_code == 302
    assert client.post(A + "/trainings/sessions/new", data=form).status_code == 302

    with app.app_context(), tenant_context(db.session, tenant_a.id):
        audit = [(e.action, e.details) for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.object_id == str(own.id)).order_by(AuditEvent.at, AuditEvent.id))]
    assert audit == [("training.course_updated", {"fields": ["modules", "name", "validity_months"]}),
                     ("training.course_deactivated", {"name": "Alpha vernieuwd"}),
                     ("training.course_reactivated", {"name": "Alpha vernieuwd"})]


# Sessions registered afterwards -------------------------------------------------------------------


def test_staff_register_a_past_session_enrol_afterwards_and_record_its_attendance(
        app: Flask, tenant_a: Tenant) -> None:
    course = create_course(app, tenant_a, name="Eendaagse", modules=[{"name": "Alles", "hours": 4}])
    anna, bert = create_volunteer(app, tenant_a, "Anna"), create_volunteer(app, tenant_a, "Bert")
    person = create_user(app, "vera@alpha.example", tenant=tenant_a, role=Role.VOLUNTEER, locale="en")
    vera = create_volunteer(app, tenant_a, "Vera", email="vera@alpha.example", user_id=person.id)
    client = staff_client(app, tenant_a)

    # A session of yesterday is registered like any other.
    start = (local_today() - timedelta(days=1)).isoformat() + "T19:30"
    response = client.post(A + "/trainings/sessions/new", data={
        "course_id": str(course.id), "module_index": "0", "starts_at": start, "location": "Buurthuis",
        "capacity": "1"})
    assert response.status_code == 302
    url = response.location
    page = client.get(url).get_data(as_text=True)
    assert 'id="enrol"' in page and "already started" in page

    # Staff enrol afterwards, with the usual capacity, waiting-list and double-enrolment rules.
    assert client.post(url + "/enrol", data={"volunteer_id": str(anna.id)}).status_code == 302
    response = client.post(url + "/enrol", data={"volunteer_id": str(bert.id)}, follow_redirects=True)
    assert b"waiting list" in response.data
    assert client.post(url + "/enrol", data={"volunteer_id": str(anna.id)}).status_code == 422
    session_id = uuid.UUID(url.rsplit("/", 1)[1])
    assert enrolments(app, tenant_a, session_id) == {"Anna": EnrolmentStatus.ENROLLED,
                                                     "Bert": EnrolmentStatus.WAITING}
    with app.app_context(), tenant_context(db.session, tenant_a.id):
        anna_enrolment = db.session.scalars(select(Enrolment).where(Enrolment.volunteer_id == anna.id)).one()
        assert db.session.scalars(select(AuditEvent.details).where(
            AuditEvent.action == "training.enrolled", AuditEvent.object_id == str(anna_enrolment.id))).one()[
            "retroactive"] is True
    # Cancelling stays closed once the session has started (attendance is recorded instead).
    response = client.post(f"{url}/enrolments/{anna_enrolment.id}/cancel", follow_redirects=True)
    assert b"already started" in response.data
    assert enrolments(app, tenant_a, session_id)["Anna"] == EnrolmentStatus.ENROLLED

    # Self-service enrolment stays limited to upcoming sessions.
    volunteer_client = client_for(app, person)
    assert str(session_id) not in volunteer_client.get(A + "/me/trainings/").get_data(as_text=True)
    response = volunteer_client.post(A + "/me/trainings/enrol", data={"session_id": str(session_id)},
                                     follow_redirects=True)
    assert b"already started" in response.data
    assert "Vera" not in enrolments(app, tenant_a, session_id)

    # The attendance completes the course, which the volunteer's timeline shows.
    response = client.post(url + "/attendance", data={f"a-{anna_enrolment.id}": "attended"}, follow_redirects=True)
    assert b"Anna has completed Eendaagse" in response.data
    with app.app_context(), tenant_context(db.session, tenant_a.id):
        completion = db.session.scalars(select(CourseCompletion)).one()
        (event,) = db.session.scalars(select(VolunteerEvent).where(VolunteerEvent.volunteer_id == anna.id,
                                                                   VolunteerEvent.kind == "course_completed")).all()
        assert event.details == {"course": "Eendaagse", "certificate": completion.certificate_number}
        assert event.actor_id is not None
        assert not db.session.scalars(select(VolunteerEvent).where(VolunteerEvent.volunteer_id == vera.id)).all()
    profile = client.get(f"{A}/volunteers/{anna.id}").get_data(as_text=True)
    assert f"Course “Eendaagse” completed, certificate {completion.certificate_number}." in profile
    assert "timeline__event--course_completed" in profile
