"""Isolation layers 2 and 3: composite tenant keys in the database, and the ORM guard."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from saas.auth.models import Membership, User
from saas.auth.roles import Role
from saas.db import (
    MissingTenant,
    TenantMismatch,
    TenantScoped,
    configure_engine,
    cross_tenant,
    db,
    tenant_context,
    tenant_fk,
)
from saas.tenancy.models import Tenant
from tests.factories.platform import create_user


@pytest.fixture
def two_tenants(app: Flask, tenant_a: Tenant, tenant_b: Tenant) -> tuple[Tenant, Tenant]:
    create_user(app, "a1@example.org", tenant=tenant_a, role=Role.VOLUNTEER)
    create_user(app, "a2@example.org", tenant=tenant_a, role=Role.VOLUNTEER)
    create_user(app, "b1@example.org", tenant=tenant_b, role=Role.VOLUNTEER)
    return tenant_a, tenant_b


def test_query_without_a_tenant_raises(app: Flask, two_tenants: tuple[Tenant, Tenant]) -> None:
    with app.app_context(), pytest.raises(MissingTenant):
        db.session.scalars(select(Membership)).all()


def test_joining_a_tenant_table_from_a_platform_table_raises(app: Flask, two_tenants: tuple[Tenant, Tenant]) -> None:
    with app.app_context(), pytest.raises(MissingTenant):
        db.session.scalars(select(User).join(Membership, Membership.user_id == User.id)).all()


def test_subquery_on_a_tenant_table_raises(app: Flask, two_tenants: tuple[Tenant, Tenant]) -> None:
    with app.app_context(), pytest.raises(MissingTenant):
        db.session.scalars(select(User).where(User.id.in_(select(Membership.user_id)))).all()


def test_platform_tables_need_no_tenant(app: Flask, two_tenants: tuple[Tenant, Tenant]) -> None:
    with app.app_context():
        assert len(db.session.scalars(select(Tenant)).all()) == 2


def test_bound_tenant_filters_selects_counts_aliases_and_joins(app: Flask, two_tenants: tuple[Tenant, Tenant]) -> None:
    tenant_a, _tenant_b = two_tenants
    with app.app_context(), tenant_context(db.session, tenant_a.id):
        assert {m.tenant_id for m in db.session.scalars(select(Membership))} == {tenant_a.id}
        assert db.session.scalar(select(sa.func.count()).select_from(Membership)) == 2
        other = aliased(Membership)
        assert len(db.session.scalars(select(other)).all()) == 2
        emails = db.session.scalars(select(User.email).join(Membership, Membership.user_id == User.id)).all()
        assert sorted(emails) == ["a1@example.org", "a2@example.org"]


def test_get_by_primary_key_of_another_tenant_finds_nothing(app: Flask, two_tenants: tuple[Tenant, Tenant]) -> None:
    tenant_a, tenant_b = two_tenants
    with app.app_context():
        with tenant_context(db.session, tenant_b.id):
            foreign = db.session.scalars(select(Membership)).one()
            foreign_key = (foreign.tenant_id, foreign.id)
        db.session.expunge_all()  # get() would answer from the identity map without SQL
        with tenant_context(db.session, tenant_a.id):
            assert db.session.get(Membership, foreign_key) is None
            assert db.session.scalars(select(Membership).where(Membership.id == foreign_key[1])).first() is None


def test_bulk_update_only_touches_the_bound_tenant(app: Flask, two_tenants: tuple[Tenant, Tenant]) -> None:
    tenant_a, tenant_b = two_tenants
    with app.app_context():
        with tenant_context(db.session, tenant_a.id):
            result = db.session.execute(update(Membership).values(is_active=False))
            assert result.rowcount == 2
        with tenant_context(db.session, tenant_b.id):
            assert db.session.scalars(select(Membership)).one().is_active


def test_cross_tenant_is_the_explicit_opt_out(app: Flask, two_tenants: tuple[Tenant, Tenant]) -> None:
    with app.app_context():
        rows = db.session.scalars(cross_tenant(select(Membership), "test: count every membership")).all()
    # On PostgreSQL row-level security still applies to the app role: nothing is bound, so nothing is visible.
    expected = 0 if db_is_postgresql(app) else 3
    assert len(rows) == expected


def test_cross_tenant_needs_a_reason() -> None:
    with pytest.raises(ValueError):
        cross_tenant(select(Membership), "")


def test_new_rows_are_stamped_with_the_bound_tenant(app: Flask, tenant_a: Tenant) -> None:
    user = create_user(app)
    with app.app_context(), tenant_context(db.session, tenant_a.id):
        membership = Membership(user_id=user.id, role=Role.VOLUNTEER)
        db.session.add(membership)
        db.session.flush()
        assert membership.tenant_id == tenant_a.id


def test_writing_without_a_tenant_raises(app: Flask, tenant_a: Tenant) -> None:
    user = create_user(app)
    with app.app_context():
        db.session.add(Membership(user_id=user.id, role=Role.VOLUNTEER, tenant_id=tenant_a.id))
        with pytest.raises(MissingTenant):
            db.session.flush()
        db.session.rollback()


def test_writing_into_another_tenant_raises(app: Flask, tenant_a: Tenant, tenant_b: Tenant) -> None:
    user = create_user(app)
    with app.app_context(), tenant_context(db.session, tenant_a.id):
        db.session.add(Membership(user_id=user.id, role=Role.VOLUNTEER, tenant_id=tenant_b.id))
        with pytest.raises(TenantMismatch):
            db.session.flush()
        db.session.rollback()


#: Indexes meant for reading across tenants: the foundation reads the published statistics of
#: every tenant by period (saas.foundation.published), through its read-only RLS policy.
CROSS_TENANT_INDEXES = {"ix_published_statistics_period_measure"}


def test_every_tenant_model_has_a_composite_primary_key_led_by_tenant_id() -> None:
    for mapper in db.Model.registry.mappers:
        if issubclass(mapper.class_, TenantScoped):
            assert [c.name for c in mapper.local_table.primary_key.columns] == ["tenant_id", "id"], mapper.class_
            for index in mapper.local_table.indexes:
                if index.name in CROSS_TENANT_INDEXES:
                    continue
                assert next(iter(index.columns)).name == "tenant_id", (mapper.class_, index.name)
            for constraint in mapper.local_table.constraints:
                if isinstance(constraint, sa.UniqueConstraint):
                    assert "tenant_id" in constraint.columns, (mapper.class_, constraint.name)


# Composite foreign keys, on a pair of scratch tables created inside the test transaction ------

scratch = sa.MetaData()
parent_table = sa.Table("scratch_parent", scratch,
                        sa.Column("tenant_id", sa.Uuid, primary_key=True),
                        sa.Column("id", sa.Uuid, primary_key=True))
child_table = sa.Table("scratch_child", scratch,
                       sa.Column("tenant_id", sa.Uuid, primary_key=True),
                       sa.Column("id", sa.Uuid, primary_key=True),
                       sa.Column("parent_id", sa.Uuid, nullable=False),
                       tenant_fk("parent_id", "scratch_parent"))


def test_composite_foreign_key_refuses_a_reference_into_another_tenant(test_database: object) -> None:
    # Raw table statements: this test checks the database itself, below the ORM guard. They run
    # on the owner's connection because the app role may not create tables.
    engine = sa.create_engine(test_database.owner_url)  # type: ignore[attr-defined]
    configure_engine(engine)  # SQLite: foreign keys on, and DDL inside the transaction that rolls back
    try:
        with engine.connect() as connection, connection.begin() as outer:
            scratch.create_all(connection)
            tenant_a, tenant_b, parent_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
            connection.execute(parent_table.insert().values(tenant_id=tenant_a, id=parent_id))
            connection.execute(child_table.insert().values(tenant_id=tenant_a, id=uuid.uuid4(), parent_id=parent_id))
            savepoint = connection.begin_nested()
            with pytest.raises(IntegrityError):
                connection.execute(child_table.insert().values(
                    tenant_id=tenant_b, id=uuid.uuid4(), parent_id=parent_id))
            savepoint.rollback()
            outer.rollback()
    finally:
        engine.dispose()


def db_is_postgresql(app: Flask) -> bool:
    return app.config["DATABASE_URL"].startswith("postgresql")


def test_the_flush_guard_reads_the_new_rows_once_however_many(
        app: Flask, tenant_a: Tenant, monkeypatch: pytest.MonkeyPatch) -> None:
    """A flush of n new rows must not cost n²: session.new builds a new set on each access (seeding,
    imports and anonymisation flush thousands of rows). Its reads are counted at 10 and at 1,000 rows."""
    from sqlalchemy.orm import Session

    from saas.audit.models import AuditEvent

    new = Session.new
    reads: dict[int, int] = {}

    def flush(rows: int) -> None:
        def counted(session: Session) -> object:
            reads[rows] = reads.get(rows, 0) + 1
            return new.fget(session)  # type: ignore[attr-defined]

        with app.app_context(), tenant_context(db.session, tenant_a.id):
            db.session.add_all([AuditEvent(action="bulk.test", details={"n": n}) for n in range(rows)])
            monkeypatch.setattr(Session, "new", property(counted))
            db.session.flush()
            monkeypatch.undo()
            assert db.session.scalar(select(sa.func.count()).select_from(AuditEvent)
                                     .where(AuditEvent.action == "bulk.test")) == rows
            db.session.rollback()

    flush(10)
    flush(1000)
    assert reads[10] == reads[1000] <= 5  # the guard once, a flush listener or two, SQLAlchemy's flush
