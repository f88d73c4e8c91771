"""Isolation layer 1 for every tenant route: another tenant's member gets 404, roles are enforced.

``ROUTE_ARGS`` lists every route under ``/t/<tenant_slug>/`` with how to fill its URL from the
test world. The meta-test fails when a route is added without an entry here, or without the
``require_role`` declaration that the role test reads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from saas.auth.models import Invitation, Membership, User
from saas.auth.roles import Role
from saas.db import db, tenant_context, utcnow
from saas.tenancy.models import Tenant
from saas.web.tenant import TENANT_ARG
from tenants.families.models import Family, FamilyMember
from tenants.volunteers.models import Volunteer
from tenants.volunteers.states import VolunteerKind
from tests.factories.families import add_member, create_family
from tests.factories.platform import create_user
from tests.support.sessions import sign_in

TENANT_PREFIX = f"/t/<{TENANT_ARG}>"


@dataclass
class World:
    tenant_a: Tenant
    tenant_b: Tenant
    people_a: dict[Role, User] = field(default_factory=dict)
    memberships_a: dict[Role, Membership] = field(default_factory=dict)
    invitation_a: Invitation | None = None
    outsider: User | None = None  # a manager of tenant B: full rights, but elsewhere
    family_a: Family | None = None
    family_member_a: FamilyMember | None = None
    volunteer_a: Volunteer | None = None  # linked to the volunteer member of tenant A
    training_a: Any = None  # trainings: tests.factories.trainings.TrainingWorld (course, session, ...)
    matching_a: Any = None  # matching: tests.factories.matching.MatchingWorld (match, families, contact)
    groups_a: Any = None  # groups: tests.factories.groups.GroupWorld (group, participant, session)
    impact_a: Any = None  # impact: tests.factories.impact.ImpactWorld (instrument, measurement, report)


ROUTE_ARGS: dict[str, Callable[[World], dict[str, Any]]] = {
    "home.index": lambda w: {},
    # home: signals (acknowledging takes its subject in the form; an empty POST is refused: 422) ---
    "home.acknowledge": lambda w: {},
    # notifications: each member's own preferences (every role) ---------------------------------
    "notifications.edit": lambda w: {},
    "members.index": lambda w: {},
    "members.invite": lambda w: {},
    "members.revoke": lambda w: {"invitation_id": w.invitation_a.id},
    "members.change_role": lambda w: {"member_id": w.memberships_a[Role.VOLUNTEER].id},
    "members.set_active": lambda w: {"member_id": w.memberships_a[Role.VOLUNTEER].id},
    "audit.index": lambda w: {},
    "families.index": lambda w: {},
    "families.waiting": lambda w: {},
    "families.search_page": lambda w: {},  # the staff search across the organisation (tenants.families.search)
    "families.new": lambda w: {},
    "families.show": lambda w: {"family_id": w.family_a.id},
    "families.edit": lambda w: {"family_id": w.family_a.id},
    "families.contact_details": lambda w: {"family_id": w.family_a.id},
    "families.add_member": lambda w: {"family_id": w.family_a.id},
    "families.remove_member": lambda w: {"family_id": w.family_a.id, "member_id": w.family_member_a.id},
    "families.plan_intake": lambda w: {"family_id": w.family_a.id},
    "families.record_intake": lambda w: {"family_id": w.family_a.id},
    "families.close": lambda w: {"family_id": w.family_a.id},
    "families.transition": lambda w: {"family_id": w.family_a.id},
    "families.add_note": lambda w: {"family_id": w.family_a.id},
    "volunteers.index": lambda w: {},
    "volunteers.applicants": lambda w: {},
    "volunteers.screening": lambda w: {},
    "volunteers.new": lambda w: {},
    "volunteers.policy": lambda w: {},
    "volunteers.show": lambda w: {"volunteer_id": w.volunteer_a.id},
    "volunteers.edit": lambda w: {"volunteer_id": w.volunteer_a.id},
    "volunteers.transition": lambda w: {"volunteer_id": w.volunteer_a.id},
    "volunteers.add_screening": lambda w: {"volunteer_id": w.volunteer_a.id},
    "volunteers.invite": lambda w: {"volunteer_id": w.volunteer_a.id},
    "self_service.index": lambda w: {},
    "self_service.edit": lambda w: {},
    # trainings ---------------------------------------------------------------------------------
    "trainings.index": lambda w: {},
    "trainings.new_session": lambda w: {},
    "trainings.show_session": lambda w: {"session_id": w.training_a.session.id},
    "trainings.enrol": lambda w: {"session_id": w.training_a.session.id},
    "trainings.cancel": lambda w: {"session_id": w.training_a.session.id,
                                   "enrolment_id": w.training_a.enrolment.id},
    "trainings.attendance": lambda w: {"session_id": w.training_a.session.id},
    "trainings.courses": lambda w: {},
    "trainings.edit_course": lambda w: {"course_id": w.training_a.course.id},
    "trainings.course_active": lambda w: {"course_id": w.training_a.course.id},
    "trainings.certificate": lambda w: {"completion_id": w.training_a.completion.id},
    "my_trainings.index": lambda w: {},
    "my_trainings.enrol": lambda w: {},
    "my_trainings.cancel": lambda w: {},
    # groups -------------------------------------------------------------------------------------
    "groups.index": lambda w: {},
    "groups.new": lambda w: {},
    "groups.show": lambda w: {"group_id": w.groups_a.group.id},
    "groups.edit": lambda w: {"group_id": w.groups_a.group.id},
    "groups.add_facilitator": lambda w: {"group_id": w.groups_a.group.id},
    "groups.remove_facilitator": lambda w: {"group_id": w.groups_a.group.id, "volunteer_id": w.volunteer_a.id},
    "groups.add_participant": lambda w: {"group_id": w.groups_a.group.id},
    "groups.edit_participant": lambda w: {"group_id": w.groups_a.group.id,
                                          "participant_id": w.groups_a.participant.id},
    "groups.add_session": lambda w: {"group_id": w.groups_a.group.id},
    "groups.show_session": lambda w: {"group_id": w.groups_a.group.id,
                                      "session_id": w.groups_a.session.id},
    # matches -----------------------------------------------------------------------------------
    "matches.index": lambda w: {},
    "matches.show": lambda w: {"match_id": w.matching_a.match.id},
    "matches.introduction": lambda w: {"match_id": w.matching_a.match.id},
    "matches.start": lambda w: {"match_id": w.matching_a.match.id},
    "matches.agreements": lambda w: {"match_id": w.matching_a.match.id},
    "matches.pause": lambda w: {"match_id": w.matching_a.match.id},
    "matches.evaluation": lambda w: {"match_id": w.matching_a.match.id},
    "matches.end": lambda w: {"match_id": w.matching_a.match.id},
    "matches.policy": lambda w: {},
    # contacts (tenants/matching/contacts/views.py, my_families/views.py); the world's contact is the
    # world volunteer's visit asking for the coordinator -------------------------------------------
    "contacts.index": lambda w: {"family_id": w.matching_a.matched_family.id},
    "contacts.log": lambda w: {"family_id": w.matching_a.matched_family.id},
    "contacts.draft": lambda w: {"family_id": w.matching_a.matched_family.id},
    "contacts.discard_draft": lambda w: {"family_id": w.matching_a.matched_family.id},
    "contacts.handled": lambda w: {"family_id": w.matching_a.matched_family.id, "contact_id": w.matching_a.contact.id},
    "my_families.index": lambda w: {},
    "my_families.show": lambda w: {"match_id": w.matching_a.match.id},
    "my_families.log": lambda w: {"match_id": w.matching_a.match.id},
    "my_families.draft": lambda w: {"match_id": w.matching_a.match.id},
    "my_families.discard_draft": lambda w: {"match_id": w.matching_a.match.id},
    "my_families.edit": lambda w: {"match_id": w.matching_a.match.id, "contact_id": w.matching_a.contact.id},
    # the volunteer's answer (issue 17): the world's match has started, so an answer is refused (422)
    "my_families.accept": lambda w: {"match_id": w.matching_a.match.id},
    "my_families.decline": lambda w: {"match_id": w.matching_a.match.id},
    "matches.ask_again": lambda w: {"match_id": w.matching_a.match.id},
    "matches.invite_volunteer": lambda w: {"match_id": w.matching_a.match.id},
    # measurements (tenants/impact/measurements/views.py); the world's measurement is a T0 in progress of the matched
    # family, so an empty POST of answers saves nothing (redirect) and completing twice is refused (422) ---
    "measurements.overview": lambda w: {"family_id": w.matching_a.matched_family.id},
    "measurements.chart": lambda w: {"family_id": w.matching_a.matched_family.id},
    "measurements.new": lambda w: {"family_id": w.matching_a.matched_family.id},
    "measurements.show": lambda w: {"family_id": w.matching_a.matched_family.id,
                                    "measurement_id": w.impact_a.measurement.id},
    "measurements.answers": lambda w: {"family_id": w.matching_a.matched_family.id,
                                       "measurement_id": w.impact_a.measurement.id},
    "measurements.complete": lambda w: {"family_id": w.matching_a.matched_family.id,
                                        "measurement_id": w.impact_a.measurement.id},
    # impact dashboard (tenants/impact/dashboard/views.py): managers only, no object ids ---------------
    "impact.index": lambda w: {},
    "impact.chart": lambda w: {},  # three fixed URLs (means, change, direction), one endpoint
    # reports (tenants/impact/reports/views.py); the world's report is submitted (frozen), so report
    # viewers may open it, an empty create is refused (422) and submit/regenerate redirect refused ----
    "reports.index": lambda w: {},
    "reports.create": lambda w: {},
    "reports.show": lambda w: {"report_id": w.impact_a.report.id},
    "reports.download_pdf": lambda w: {"report_id": w.impact_a.report.id},
    "reports.download_xlsx": lambda w: {"report_id": w.impact_a.report.id},
    "reports.submit": lambda w: {"report_id": w.impact_a.report.id},
    "reports.regenerate": lambda w: {"report_id": w.impact_a.report.id},
    # suggestions (the world's volunteer is full, so an allowed role's empty POST is refused: 422) --
    "suggestions.index": lambda w: {"family_id": w.matching_a.waiting_family.id},
    "suggestions.propose": lambda w: {"family_id": w.matching_a.waiting_family.id,
                                      "volunteer_id": w.volunteer_a.id},
    # shared with the foundation (tenants/publishing/views.py): managers only; a POST publishes now ----
    "publishing.index": lambda w: {},
    "publishing.publish": lambda w: {},
    # licence (saas/billing/views.py): managers only; an empty "Choose" POST is sent back to the page
    # (303), and so is the portal without a Stripe customer ------------------------------------------
    "licence.index": lambda w: {},
    "licence.checkout": lambda w: {},
    "licence.portal": lambda w: {},
    "licence.done": lambda w: {},
}


def tenant_rules(app: Flask) -> list[Any]:
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith(TENANT_PREFIX)]


def methods_of(rule: Any) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def url_for_rule(app: Flask, rule: Any, slug: str, world: World) -> str:
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **{TENANT_ARG: slug, **ROUTE_ARGS[rule.endpoint](world)})


@pytest.fixture
def world(app: Flask, tenant_a: Tenant, tenant_b: Tenant) -> World:
    w = World(tenant_a, tenant_b)
    for role in Role:
        w.people_a[role] = create_user(app, f"{role.value}@alpha.example", tenant=tenant_a, role=role)
    w.outsider = create_user(app, "manager@beta.example", tenant=tenant_b, role=Role.MANAGER)
    with app.app_context(), tenant_context(db.session, tenant_a.id):
        from sqlalchemy import select

        for role, person in w.people_a.items():
            w.memberships_a[role] = db.session.scalars(select(Membership).where(Membership.user_id == person.id)).one()
        w.invitation_a = Invitation(email="new@alpha.example", role=Role.VOLUNTEER, token_hash="x" * 64,
                                    expires_at=utcnow() + timedelta(days=365))
        db.session.add(w.invitation_a)
        db.session.commit()
    w.family_a = create_family(app, tenant_a)
    w.family_member_a = add_member(app, tenant_a, w.family_a)
    with app.app_context(), tenant_context(db.session, tenant_a.id):
        w.volunteer_a = Volunteer(name="Vera Vrijwilliger", kind=VolunteerKind.INDIVIDUAL,
                                  email=w.people_a[Role.VOLUNTEER].email, applied_on=utcnow().date(),
                                  user_id=w.people_a[Role.VOLUNTEER].id)
        db.session.add(w.volunteer_a)
        db.session.commit()
    from tests.factories.trainings import create_training_world  # trainings

    w.training_a = create_training_world(app, tenant_a, w.volunteer_a)
    from tests.factories.matching import create_matching_world  # matching

    w.matching_a = create_matching_world(app, tenant_a, w.volunteer_a, w.people_a[Role.COORDINATOR])
    with app.app_context(), tenant_context(db.session, tenant_a.id):
        w.volunteer_a = db.session.get(Volunteer, (tenant_a.id, w.volunteer_a.id))  # now matched
    from tests.factories.groups import create_group_world  # groups: the volunteer facilitates the group

    w.groups_a = create_group_world(app, tenant_a, w.volunteer_a, w.people_a[Role.COORDINATOR])
    from tests.factories.impact import create_impact_world  # impact

    w.impact_a = create_impact_world(app, tenant_a, w.matching_a.matched_family, w.people_a[Role.COORDINATOR])
    return w


def client_for(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    sign_in(client, user)
    return client


def test_every_tenant_route_is_covered(app: Flask) -> None:
    rules = tenant_rules(app)
    assert rules, "no tenant routes found"
    missing = sorted(rule.endpoint for rule in rules if rule.endpoint not in ROUTE_ARGS)
    assert not missing, f"add these tenant routes to ROUTE_ARGS in {__name__}: {missing}"
    undeclared = sorted(rule.endpoint for rule in rules
                        if not hasattr(app.view_functions[rule.endpoint], "allowed_roles"))
    assert not undeclared, f"these tenant views lack @require_role(...): {undeclared}"
    stale = sorted(set(ROUTE_ARGS) - {rule.endpoint for rule in rules})
    assert not stale, f"ROUTE_ARGS names routes that no longer exist: {stale}"


def test_another_tenants_member_gets_404_on_every_tenant_route(app: Flask, world: World) -> None:
    outsider = client_for(app, world.outsider)
    failures = []
    for rule in tenant_rules(app):
        url = url_for_rule(app, rule, world.tenant_a.slug, world)
        for method in methods_of(rule):
            response = outsider.open(url, method=method, data={"email": "x@example.org", "role": "manager"})
            if response.status_code != 404:
                failures.append(f"{method} {url} -> {response.status_code}")
    assert not failures, failures


def test_ids_of_another_tenant_are_404_under_ones_own_slug(app: Flask, world: World) -> None:
    """A manager of B who puts A's object ids under B's own slug finds nothing."""
    outsider = client_for(app, world.outsider)
    failures = []
    for rule in tenant_rules(app):
        if not ROUTE_ARGS[rule.endpoint](world):
            continue  # no object in the URL
        if Role.MANAGER not in app.view_functions[rule.endpoint].allowed_roles:
            # Closed to the outsider's role: 403 whatever the id, so the id is never looked up.
            # Volunteers' own pages are probed by a volunteer of B in tests/matching/test_my_families.py.
            continue
        url = url_for_rule(app, rule, world.tenant_b.slug, world)
        for method in methods_of(rule):
            response = outsider.open(url, method=method, data={"role": "manager", "active": "0"})
            if response.status_code != 404:
                failures.append(f"{method} {url} -> {response.status_code}")
    assert not failures, failures
    with app.app_context(), tenant_context(db.session, world.tenant_a.id):
        volunteer = db.session.get(Membership, (world.tenant_a.id, world.memberships_a[Role.VOLUNTEER].id))
        assert volunteer.role == Role.VOLUNTEER and volunteer.is_active
        family = db.session.get(Family, (world.tenant_a.id, world.family_a.id))
        assert family.state == world.family_a.state and family.family_name == world.family_a.family_name
        assert db.session.get(FamilyMember, (world.tenant_a.id, world.family_member_a.id)) is not None
        volunteer = db.session.get(Volunteer, (world.tenant_a.id, world.volunteer_a.id))
        assert volunteer.state == world.volunteer_a.state and volunteer.name == world.volunteer_a.name


def test_unknown_slug_and_inactive_tenant_are_404(app: Flask, world: World) -> None:
    manager = client_for(app, world.people_a[Role.MANAGER])
    assert manager.get("/t/does-not-exist/").status_code == 404
    with app.app_context():
        db.session.get(Tenant, world.tenant_a.id).is_active = False
        db.session.commit()
    assert manager.get(f"/t/{world.tenant_a.slug}/").status_code == 404


def test_deactivated_member_gets_404(app: Flask, world: World) -> None:
    volunteer = client_for(app, world.people_a[Role.VOLUNTEER])
    assert volunteer.get(f"/t/{world.tenant_a.slug}/").status_code == 200
    with app.app_context(), tenant_context(db.session, world.tenant_a.id):
        db.session.get(Membership, (world.tenant_a.id, world.memberships_a[Role.VOLUNTEER].id)).is_active = False
        db.session.commit()
    assert volunteer.get(f"/t/{world.tenant_a.slug}/").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in_whether_or_not_the_slug_exists(app: Flask, world: World) -> None:
    client = app.test_client()
    for slug in (world.tenant_a.slug, "does-not-exist"):
        response = client.get(f"/t/{slug}/")
        assert response.status_code == 302
        assert response.location.startswith("/login")


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_roles_are_enforced_on_every_tenant_route(app: Flask, world: World, role: Role) -> None:
    client = client_for(app, world.people_a[role])
    failures = []
    for rule in tenant_rules(app):
        allowed = role in app.view_functions[rule.endpoint].allowed_roles
        url = url_for_rule(app, rule, world.tenant_a.slug, world)
        for method in methods_of(rule):
            status = client.open(url, method=method, data={}).status_code
            if allowed and status in (403, 404, 500):
                failures.append(f"{role.value} should reach {method} {url} but got {status}")
            if not allowed and status != 403:
                failures.append(f"{role.value} should get 403 on {method} {url} but got {status}")
    assert not failures, failures
