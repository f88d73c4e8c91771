"""Issue 17 on a 375 px phone: a volunteer answers a proposed match (a refused empty decline first,
then accept) and, once the coordinator has started the match, logs a visit with that family.
axe checks every page on the way.

The volunteer (a fresh account of their own), the waiting family and the proposal are made straight
in the live server's database through the operations, under unique names; the coordinator's start
is done the same way, as the coordinator would after a phone call.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import scoped_session

from saas.auth.models import User
from saas.auth.roles import Role
from saas.clock import local_today
from saas.db import db
from saas.demo import demo_email
from saas.tenancy.models import Tenant
from tenants.families import operations as families
from tenants.families.models import Family, Intake
from tenants.families.states import CaseState
from tenants.families.vocabulary import Channel, ReferrerType, Track, YesNoUnknown
from tenants.matching.matches import operations
from tenants.matching.models import Match
from tenants.matching.vocabulary import Frequency
from tenants.trainings.models import Course, CourseCompletion
from tenants.volunteers.models import Volunteer
from tests.browser import LiveServer, NewPage, assert_accessible, expect_success, path_of, sign_in, submit
from tests.factories.matching import ready_volunteer
from tests.factories.platform import PASSWORD, create_user, in_tenant

#: Its coordinator only acts here through the operations; nobody else's data is touched.
COORDINATOR, SLUG = "coordinator.papendrecht", "papendrecht"


def _tenant(app: Flask) -> Tenant:
    with app.app_context():
        tenant = db.session.scalars(select(Tenant).where(Tenant.slug == SLUG)).one()
        db.session.remove()
    return tenant


def _coordinator(session: scoped_session) -> User:
    return session.scalars(select(User).where(User.email == demo_email(COORDINATOR))).one()


def waiting_family(coordinator: User, name: str, municipality: str) -> Family:
    """A family in Centrum whose intake is done, on the waiting list (as tests.factories.matching
    makes one, in the bound session)."""
    today = local_today()
    family = families.register_family(coordinator, {
        "family_name": name, "track": Track.REGULAR, "municipality": municipality, "neighbourhood": "Centrum",
        "referred_on": today - timedelta(days=20), "channel": Channel.PHONE, "referrer_type": ReferrerType.CJG,
        "would_otherwise_be_referred": YesNoUnknown.UNKNOWN, "consent_given": True, "consent_purposes": ["support"],
        "consent_on": today - timedelta(days=20), "consent_by": "Moeder", "consent_by_legal_representative": True})
    family.state = CaseState.WAITING
    db.session.add(Intake(family_id=family.id, done_on=today - timedelta(days=10)))
    db.session.flush()
    return family


def complete_required_courses(volunteer: Volunteer, suffix: str) -> None:
    """The foundation's courses required before a first match, completed (the demo tenants require one)."""
    required = db.session.scalars(select(Course).where(Course.owner_tenant_id.is_(None), Course.is_active,
                                                       Course.required_before_first_match))
    for number, course in enumerate(required, start=1):
        db.session.add(CourseCompletion(volunteer_id=volunteer.id, course_id=course.id,
                                        completed_on=local_today() - timedelta(days=5),
                                        certificate_number=f"TEST-{suffix}-{number}"))
    db.session.flush()


def propose_to_a_new_volunteer(app: Flask, tenant: Tenant) -> tuple[str, str, uuid.UUID]:
    """A new volunteer account with a ready record, and a waiting family proposed to them: the
    account's e-mail address, the family's name and the match id. (The live server's sessions
    expire what they commit, so each row is read again by its unique name.)"""
    suffix = uuid.uuid4().hex[:6]
    email, family_name = f"antwoord-{suffix}@example.org", f"Familie Voorstel {suffix}"
    create_user(app, email, tenant=tenant, role=Role.VOLUNTEER, name="Anouk Antwoord")
    with app.app_context():
        user_id = db.session.scalars(select(User.id).where(User.email == email)).one()
        db.session.remove()
    ready_volunteer(app, tenant, "Anouk Antwoord", email=email, user_id=user_id, max_families=2)
    with in_tenant(app, tenant) as session:
        family = waiting_family(_coordinator(session), family_name, tenant.municipalities[0])
        volunteer = session.scalars(select(Volunteer).where(Volunteer.email == email)).one()
        complete_required_courses(volunteer, suffix)
        match_id = operations.propose(_coordinator(session), family, volunteer).id
        session.commit()
        session.remove()
    return email, family_name, match_id


def start_the_match(app: Flask, tenant: Tenant, match_id: uuid.UUID) -> None:
    with in_tenant(app, tenant) as session:
        match = session.get(Match, (tenant.id, match_id))
        operations.start(_coordinator(session), match, {"started_on": local_today(), "frequency": Frequency.WEEKLY,
                                                        "planned_end_on": None})
        session.commit()
        session.remove()


def test_volunteer_accepts_a_proposal_and_logs_a_visit_on_a_phone(new_page: NewPage, live_server: LiveServer) -> None:
    app = live_server.app
    tenant = _tenant(app)
    email, family_name, match_id = propose_to_a_new_volunteer(app, tenant)
    family_path = f"/t/{SLUG}/my/families/{match_id}"

    page = new_page("phone")
    sign_in(page, email, PASSWORD)
    assert path_of(page) == f"/t/{SLUG}/"
    card = page.locator(".day-family", has_text=family_name)
    assert card.locator(f"a[href='{family_path}#proposal']").count() == 1, "the home page asks for an answer"
    assert_accessible(page)
    with page.expect_navigation():
        card.locator(f"a[href='{family_path}#proposal']").click()
    assert path_of(page) == family_path
    proposal = page.locator("#proposal")
    assert family_name in proposal.inner_text() and "Centrum" in proposal.inner_text()
    assert_accessible(page)

    # Declining needs a reason: refused, explained at the field, nothing answered -----------------------
    proposal.locator("details summary").click()
    submit(page, proposal.locator(f"form[action='{family_path}/decline']"))
    assert page.locator("#f-reason-error").is_visible()
    assert page.locator(".error-summary").count() >= 1
    assert_accessible(page)

    # Accept: the answer is shown, the buttons are gone ----------------------------------------------------
    submit(page, page.locator(f"#proposal form[action='{family_path}/accept']"))
    expect_success(page)
    assert page.locator(f"#proposal form[action='{family_path}/accept']").count() == 0
    assert_accessible(page)

    # The coordinator starts the match (agreed by phone); the volunteer logs a visit -----------------------
    start_the_match(app, tenant, match_id)
    page.goto(family_path)
    assert page.locator("#proposal").count() == 0, "a started match is no longer a proposal"
    form = page.locator("#log-visit form")
    form.locator("input[name=domains][value=social_network]").check()
    form.locator("textarea[name=note]").fill("Kennisgemaakt en samen naar de markt.")
    submit(page, form)
    expect_success(page)
    assert "Kennisgemaakt" in page.locator("#my-log .card").first.inner_text()
    assert_accessible(page)
