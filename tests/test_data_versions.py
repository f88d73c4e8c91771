"""Each organisation's data version (saas.tenancy.versions): raised by the commit of every change to
its data, not by bookkeeping, a rollback or another organisation's change; and the figures kept
under it are computed again after such a change."""

from __future__ import annotations

import uuid

from flask import Flask, g, render_template_string
from sqlalchemy import select, update

from saas.audit.models import AuditEvent
from saas.auth.models import User
from saas.db import bind_context, db, tenant_context, utcnow
from saas.figures_cache import figures_cache
from saas.tenancy.models import Tenant
from saas.tenancy.versions import _statement_key, has_changes, kept_for_tenant
from saas.web import kept as kept_parts
from saas.web.kept import keep_rendered
from tenants.trainings.models import Course
from tenants.volunteers.models import Volunteer
from tests.factories.platform import in_tenant, today


def versions(app: Flask, *tenants: Tenant) -> list[int]:
    with app.app_context():
        rows = dict(db.session.execute(select(Tenant.id, Tenant.data_version)).all())
        db.session.rollback()
    return [rows[tenant.id] for tenant in tenants]


def add_volunteer(app: Flask, tenant: Tenant, *, commit: bool = True) -> uuid.UUID:
    with in_tenant(app, tenant) as session:
        volunteer = Volunteer(name="Versie", applied_on=today(app))
        session.add(volunteer)
        session.flush()
        if commit:
            session.commit()
        else:
            session.rollback()
        return volunteer.id


def test_a_change_raises_its_own_tenants_version_once_per_transaction(
        app: Flask, tenant_a: Tenant, tenant_b: Tenant) -> None:
    before = versions(app, tenant_a, tenant_b)
    with in_tenant(app, tenant_a) as session:
        for name in ("Een", "Twee"):
            session.add(Volunteer(name=name, applied_on=today(app)))
            session.flush()
        session.commit()
    assert versions(app, tenant_a, tenant_b) == [before[0] + 1, before[1]]


def test_a_rollback_or_bookkeeping_raises_nothing(app: Flask, tenant_a: Tenant) -> None:
    before = versions(app, tenant_a)
    add_volunteer(app, tenant_a, commit=False)
    with in_tenant(app, tenant_a) as session:
        session.add(AuditEvent(action="family.viewed", object_type="family", object_id=str(uuid.uuid4())))
        session.commit()
    assert versions(app, tenant_a) == before


def test_a_statement_that_skips_the_flush_raises_the_bound_tenants_version(app: Flask, tenant_a: Tenant) -> None:
    volunteer_id = add_volunteer(app, tenant_a)
    before = versions(app, tenant_a)
    with in_tenant(app, tenant_a) as session:
        session.execute(update(Volunteer).where(Volunteer.id == volunteer_id).values(name="Anders"))
        session.commit()
    assert versions(app, tenant_a) == [before[0] + 1]


def test_a_change_to_a_catalogue_every_tenant_reads_raises_every_version(
        app: Flask, tenant_a: Tenant, tenant_b: Tenant) -> None:
    before = versions(app, tenant_a, tenant_b)
    with app.app_context():
        db.session.add(Course(name="Basistraining versie"))
        db.session.commit()
    assert versions(app, tenant_a, tenant_b) == [before[0] + 1, before[1] + 1]


def test_kept_figures_are_built_again_after_a_change_and_never_kept_from_a_change_in_progress(
        app: Flask, tenant_a: Tenant) -> None:
    builds: list[int] = []

    def figure() -> int:
        with in_tenant(app, tenant_a) as session:
            tenant = session.get(Tenant, tenant_a.id)
            count = len(session.scalars(select(Volunteer.id)).all())
            value = kept_for_tenant("test.count", tenant, "volunteers", lambda: builds.append(count) or count)
            session.rollback()
            return value

    first = figure()
    assert (figure(), builds) == (first, [first])  # kept
    add_volunteer(app, tenant_a)
    assert (figure(), builds) == (first + 1, [first, first + 1])  # the version rose: built again
    with in_tenant(app, tenant_a) as session:
        session.add(Volunteer(name="Onaf", applied_on=today(app)))
        tenant = session.get(Tenant, tenant_a.id)
        assert kept_for_tenant("test.count", tenant, "volunteers", lambda: -1) == -1  # not the kept value
        session.rollback()
    assert figure() == first + 1  # and the uncommitted figure was not kept


def test_a_new_name_raises_the_versions_of_the_persons_tenants_and_a_sign_in_does_not(
        app: Flask, tenant_a: Tenant, tenant_b: Tenant, coordinator_a: User) -> None:
    before = versions(app, tenant_a, tenant_b)
    with app.app_context():
        person = db.session.get(User, coordinator_a.id)
        person.last_login_at = utcnow()
        db.session.commit()
    assert versions(app, tenant_a, tenant_b) == before
    with app.app_context():
        # As on their account page: the person is bound, so row-level security shows their memberships.
        bind_context(db.session, user_id=coordinator_a.id)
        db.session.get(User, coordinator_a.id).name = "Nieuwe Naam"
        db.session.commit()
    assert versions(app, tenant_a, tenant_b) == [before[0] + 1, before[1]]


def test_figures_kept_for_one_tenant_are_never_given_to_another(app: Flask, tenant_a: Tenant, tenant_b: Tenant) -> None:
    def figure(tenant: Tenant) -> str:
        with in_tenant(app, tenant) as session:
            bound = session.get(Tenant, tenant.id)
            return kept_for_tenant("test.owner", bound, "same key", lambda: bound.slug)

    assert (figure(tenant_a), figure(tenant_b), figure(tenant_a)) == ("alpha", "beta", "alpha")


def test_a_savepoint_ending_raises_nothing_and_the_change_still_counts(app: Flask, tenant_a: Tenant) -> None:
    before = versions(app, tenant_a)
    with in_tenant(app, tenant_a) as session:
        session.add(Volunteer(name="Eerst", applied_on=today(app)))
        session.flush()
        with session.begin_nested():  # as notify() and get_or_create() do in the middle of a change
            session.add(Volunteer(name="Binnen", applied_on=today(app)))
        assert has_changes(session)  # still this transaction's change: nothing is kept from it
        assert session.scalar(select(Tenant.data_version).where(Tenant.id == tenant_a.id)) == before[0]
        session.commit()
    assert versions(app, tenant_a) == [before[0] + 1]


def test_only_totals_of_lists_of_the_tenants_data_are_kept(app: Flask, tenant_a: Tenant) -> None:
    with in_tenant(app, tenant_a):
        assert _statement_key(select(Volunteer).where(Volunteer.name == "x")) is not None
        assert _statement_key(select(AuditEvent)) is None  # bookkeeping: its rows raise no version
        assert _statement_key(select(Volunteer).where(Volunteer.created_at > utcnow())) is None  # a moment


def test_a_kept_part_inside_another_leaves_the_stand_ins_in_the_outer_one(app: Flask, tenant_a: Tenant) -> None:
    with app.test_request_context("/"), tenant_context(db.session, tenant_a.id):
        tenant = db.session.get(Tenant, tenant_a.id)
        g.tenant = tenant

        def outer() -> str:
            inner = keep_rendered("test.inner", tenant, "inner", lambda: render_template_string("{{ csrf_token() }}"),
                                  size=4)
            return inner + render_template_string("|{{ csrf_token() }}")

        first = keep_rendered("test.outer", tenant, "outer", outer, size=4)
        [(_when, kept)] = figures_cache("test.outer")._entries.values()
        assert kept.count(kept_parts._CSRF_STAND_IN) == 1  # the outer part's own token stood in
        assert kept_parts._CSRF_STAND_IN not in first
        db.session.rollback()
