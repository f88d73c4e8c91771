"""The publishing job (tenants.publishing.job): replaces a tenant's cells inside that tenant,
records each run, skips frozen years, survives one tenant's failure, and the CLI."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime, time

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from time_machine import TimeMachineFixture

from saas.clock import local_today
from saas.db import bind_context, cross_tenant, db, tenant_context
from saas.foundation.models import (
    PublicationStatus,
    PublicationTrigger,
    PublishedStatistic,
    StatisticsPublication,
    StatisticsSnapshot,
)
from saas.foundation.periods import Period, periods_between
from saas.foundation.release import release_date
from saas.jobs.registry import registered_jobs
from saas.tenancy.models import Tenant
from tenants.families.models import Family
from tenants.publishing import job
from tenants.publishing.cells import STATEMENTS_PER_PERIOD
from tests.factories.dashboard import add_match, add_volunteer, create_instrument, seed_families
from tests.factories.families import create_family
from tests.factories.platform import in_tenant
from tests.factories.publishing import published
from tests.support import databases
from tests.support.clock import AMSTERDAM
from tests.support.queries import count_queries

FIRST_DAY = date(2020, 1, 1)  # the dataset's volunteers applied then: the tenant's first activity


def supported_family(app: Flask, tenant: Tenant) -> None:
    """A family with a volunteer since March 2025: something to publish."""
    family = create_family(app, tenant)
    with in_tenant(app, tenant) as session:
        add_match(session, family, add_volunteer(session, "Vera"), date(2025, 3, 1))
        session.commit()


def publications(app: Flask, tenant: Tenant) -> list[StatisticsPublication]:
    with in_tenant(app, tenant) as session:
        return list(session.scalars(select(StatisticsPublication).order_by(StatisticsPublication.started_at)))


def all_cells(app: Flask) -> list[PublishedStatistic]:
    """Every tenant's cells, read as the foundation reads them (on PostgreSQL as its reader)."""
    with app.app_context():
        bind_context(db.session, reader="foundation")
        try:
            return list(db.session.scalars(cross_tenant(select(PublishedStatistic), "test: every tenant's cells")))
        finally:
            bind_context(db.session, reader=None)


@pytest.mark.usefixtures("statistics_dataset")
def test_publishing_writes_the_cells_of_every_year_not_yet_released(app: Flask, tenant_a: Tenant) -> None:
    """In January 2026 (the module's clock) 2025 is still open and 2026 has begun; 2020–2024,
    in which the dataset also has activity, were released and are not written again."""
    with app.app_context():
        publication = job.publish_tenant(tenant_a.id, PublicationTrigger.COMMAND)
        assert publication.status == PublicationStatus.SUCCEEDED and publication.error is None
        assert publication.finished_at >= publication.started_at
        periods = [period for period in periods_between(FIRST_DAY, local_today()) if period.year >= 2025]
        assert [period.key for period in periods] == ["2025", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026",
                                                      "2026-Q1"]
        assert publication.periods == len(periods)
    cells = all_cells(app)
    assert publication.cells == len(cells) > 0
    assert {cell.tenant_id for cell in cells} == {tenant_a.id}
    assert {cell.publication_id for cell in cells} == {publication.id}
    assert {cell.period for cell in cells} <= {period.key for period in periods}
    from tests.publishing.test_cells import SECOND_QUARTER_2025, YEAR_2025

    assert published(app, tenant_a, "2025") == YEAR_2025
    assert published(app, tenant_a, "2025-Q2") == SECOND_QUARTER_2025


@pytest.mark.usefixtures("statistics_dataset")
def test_a_second_run_replaces_the_cells_with_the_same_ones(app: Flask, tenant_a: Tenant) -> None:
    with app.app_context():
        first = job.publish_tenant(tenant_a.id, PublicationTrigger.NIGHTLY)
    before = {(c.period, c.measure, c.track, c.domain, c.moment, c.category, c.n, c.total, c.squares)
              for c in all_cells(app)}
    with app.app_context():
        second = job.publish_tenant(tenant_a.id, PublicationTrigger.NIGHTLY)
    after = all_cells(app)
    assert {(c.period, c.measure, c.track, c.domain, c.moment, c.category, c.n, c.total, c.squares)
            for c in after} == before
    assert second.cells == first.cells == len(after)
    assert {c.publication_id for c in after} == {second.id}
    assert [p.id for p in publications(app, tenant_a)] == [first.id, second.id]  # both runs recorded


def release_early(clock: TimeMachineFixture) -> None:
    """A foundation admin freezes 2025 before its release date."""
    db.session.add(StatisticsSnapshot(year=2025, tenants=1, cells=10))
    db.session.commit()


def release_date_passes(clock: TimeMachineFixture) -> None:
    """Nobody does anything: 1 February 2026 comes."""
    clock.move_to(datetime.combine(release_date(2025), time(3), tzinfo=AMSTERDAM))


@pytest.mark.parametrize("release", [release_early, release_date_passes])
@pytest.mark.usefixtures("statistics_dataset")
def test_a_released_year_is_not_republished(app: Flask, tenant_a: Tenant, time_machine: TimeMachineFixture,
                                            release: Callable[[TimeMachineFixture], None]) -> None:
    with app.app_context():
        first = job.publish_tenant(tenant_a.id, PublicationTrigger.NIGHTLY)
        release(time_machine)
    frozen_before = {**published(app, tenant_a, "2025"), **published(app, tenant_a, "2025-Q3")}
    with in_tenant(app, tenant_a) as session:  # a late change to 2025: F1 moves to the other track
        family = session.scalars(select(Family).where(Family.family_name == "F1")).one()
        family.track = "first_1000_days"
        session.commit()
    with app.app_context():
        second = job.publish_tenant(tenant_a.id, PublicationTrigger.NIGHTLY)
    assert second.periods == first.periods - 5  # 2025 and its four quarters
    assert {**published(app, tenant_a, "2025"), **published(app, tenant_a, "2025-Q3")} == frozen_before
    cells_2025 = [c for c in all_cells(app) if c.period.startswith("2025")]
    assert cells_2025 and {c.publication_id for c in cells_2025} == {first.id}
    assert {c.publication_id for c in all_cells(app) if not c.period.startswith("2025")} == {second.id}


def test_a_tenant_without_activity_publishes_nothing(app: Flask, tenant_a: Tenant) -> None:
    with app.app_context():
        publication = job.publish_tenant(tenant_a.id, PublicationTrigger.NIGHTLY)
    assert (publication.status, publication.cells, publication.periods) == (PublicationStatus.SUCCEEDED, 0, 0)


def test_the_first_activity_is_the_bound_tenants_own(app: Flask, tenant_a: Tenant, tenant_b: Tenant) -> None:
    create_family(app, tenant_a, referred_on=date(2024, 5, 6))
    create_family(app, tenant_b, referred_on=date(2019, 1, 1))
    with in_tenant(app, tenant_a):
        assert job.first_activity() == date(2024, 5, 6)
        assert job.periods_to_publish(set(), date(2024, 5, 6)) == [Period(2024), Period(2024, 1), Period(2024, 2)]


@pytest.mark.usefixtures("statistics_dataset")
def test_a_failing_tenant_is_recorded_and_the_others_are_still_published(
        app: Flask, tenant_a: Tenant, tenant_b: Tenant, monkeypatch: pytest.MonkeyPatch) -> None:
    with app.app_context():
        job.publish_tenant(tenant_a.id, PublicationTrigger.NIGHTLY)
    published_before = published(app, tenant_a, "2025")
    compute = job.compute_cells

    def failing_for_a(periods: list[Period]) -> list:
        if db.session.info.get("tenant_id") == tenant_a.id:
            raise RuntimeError("the disk is full\n[SQL: select something with parameters]")
        return compute(periods)

    monkeypatch.setattr(job, "compute_cells", failing_for_a)
    with app.app_context():
        counts = job.publish_all(PublicationTrigger.NIGHTLY)
    assert counts == {"tenants": 1, "cells": counts["cells"], "failed": 1} and counts["cells"] > 0
    failed = publications(app, tenant_a)[-1]
    assert failed.status == PublicationStatus.FAILED and failed.trigger == PublicationTrigger.NIGHTLY
    assert failed.error == "RuntimeError: the disk is full" and failed.cells == 0
    assert published(app, tenant_a, "2025") == published_before  # the earlier cells stay published
    assert [p.status for p in publications(app, tenant_b)] == [PublicationStatus.SUCCEEDED]
    assert {c.tenant_id for c in all_cells(app)} == {tenant_a.id, tenant_b.id}


def test_a_long_error_is_cut_to_the_column(app: Flask, tenant_a: Tenant, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(job, "compute_cells", lambda periods: (_ for _ in ()).throw(ValueError("x" * 900)))
    create_family(app, tenant_a)
    with app.app_context():
        publication = job.publish_tenant(tenant_a.id, PublicationTrigger.COMMAND)
    assert publication.status == PublicationStatus.FAILED and len(publication.error) == job.ERROR_LENGTH == 500


def test_the_nightly_job_is_registered_and_publishes_every_active_tenant(
        app: Flask, tenant_a: Tenant, tenant_b: Tenant) -> None:
    create_family(app, tenant_a)
    create_family(app, tenant_b)
    with app.app_context():
        db.session.get(Tenant, tenant_b.id).is_active = False
        db.session.commit()
        scheduled = registered_jobs()["publish_statistics"]
        assert scheduled.schedule.describe() == "daily from 02:00"
        counts = scheduled.run()
    assert counts["tenants"] == 1 and counts["failed"] == 0
    assert [p.trigger for p in publications(app, tenant_a)] == [PublicationTrigger.NIGHTLY]
    assert publications(app, tenant_b) == []


def test_on_demand_takes_the_tenant_id_as_text(app: Flask, tenant_a: Tenant, tenant_b: Tenant) -> None:
    create_family(app, tenant_a)
    with app.app_context():
        job.publish_on_demand(str(tenant_a.id))
    assert [p.trigger for p in publications(app, tenant_a)] == [PublicationTrigger.ON_DEMAND]
    assert publications(app, tenant_b) == []
    with app.app_context():
        job.publish_on_demand()
    assert len(publications(app, tenant_a)) == len(publications(app, tenant_b)) + 1 == 2


def test_publishing_sends_a_fixed_number_of_statements_per_period(
        app: Flask, tenant_a: Tenant, tenant_b: Tenant) -> None:
    instrument = create_instrument(app)
    seed_families(app, tenant_a, instrument, 5, 2025)
    seed_families(app, tenant_b, instrument, 40, 2025)
    counts = {}
    for tenant in (tenant_a, tenant_b):
        with app.app_context(), count_queries(app) as statements:
            publication = job.publish_tenant(tenant.id, PublicationTrigger.COMMAND)
        assert publication.status == PublicationStatus.SUCCEEDED
        counts[tenant.slug] = (len(statements), publication.periods)
    assert counts["alpha"] == counts["beta"]
    statements, periods = counts["alpha"]
    # Per period the cells; once: first activity, frozen years, the screening policy (made on first
    # use: five), the publication (insert, update, reloaded after the commit), delete, insert, and
    # the transactions' own (savepoints; PostgreSQL's context settings as the tenant is bound).
    assert STATEMENTS_PER_PERIOD * periods < statements <= STATEMENTS_PER_PERIOD * periods + 20


def test_the_command_publishes_one_tenant_or_all(app: Flask, tenant_a: Tenant, tenant_b: Tenant) -> None:
    create_family(app, tenant_a)
    create_family(app, tenant_b)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["statistics", "publish", "--tenant", "alpha"])
    assert result.exit_code == 0, result.output
    assert "Published 1 tenant(s)" in result.output and "0 failed" in result.output
    assert [p.trigger for p in publications(app, tenant_a)] == [PublicationTrigger.COMMAND]
    assert publications(app, tenant_b) == []
    result = runner.invoke(args=["statistics", "publish"])
    assert result.exit_code == 0 and "Published 2 tenant(s)" in result.output
    result = runner.invoke(args=["statistics", "publish", "--tenant", "nobody"])
    assert result.exit_code != 0 and "no active tenant" in result.output


# Row-level security: the real wall between the tenants' published rows (PostgreSQL only) --------

def raw(connection: sa.Connection, sql: str, **params: object) -> list[tuple]:
    return list(connection.exec_driver_sql(sql, params or None).all())


def set_context(connection: sa.Connection, tenant_id: uuid.UUID | None, reader: str = "") -> None:
    connection.exec_driver_sql("select set_config('app.tenant_id', %(t)s, true), set_config('app.reader', %(r)s, true)",
                               {"t": str(tenant_id or ""), "r": reader})


@pytest.mark.postgresql
@pytest.mark.skipif(databases.backend() != "postgresql", reason="row-level security exists only on PostgreSQL")
def test_only_the_foundation_reader_sees_every_tenants_published_rows(
        app: Flask, tenant_a: Tenant, tenant_b: Tenant) -> None:
    supported_family(app, tenant_a)
    supported_family(app, tenant_b)
    with app.app_context():
        job.publish_all(PublicationTrigger.NIGHTLY)
        connection = db.session.connection()
        set_context(connection, tenant_a.id)
        for table in ("published_statistics", "statistics_publications"):
            tenants = raw(connection, f"select distinct tenant_id from {table}")  # noqa: S608 - fixed names
            assert tenants == [(tenant_a.id,)]
        set_context(connection, None)
        assert raw(connection, "select count(*) from published_statistics") == [(0,)]
        set_context(connection, None, reader="foundation")
        seen = {row[0] for row in raw(connection, "select distinct tenant_id from published_statistics")}
        assert seen == {tenant_a.id, tenant_b.id}
        assert raw(connection, "select count(*) from families") == [(0,)]  # and nothing else
        row_id, publication_id = raw(connection, "select id, publication_id from published_statistics limit 1")[0]
        insert = ("insert into published_statistics (tenant_id, id, publication_id, period, measure, track, domain, "
                  "moment, category, n, total, squares) values (%(t)s, %(i)s, %(p)s, '1999', 'families', '', '', '', "
                  "'x', 1, 0, 0)")
        for statement, params in (("update published_statistics set n = n + 1", None),
                                  ("delete from published_statistics", None),
                                  (insert, {"t": str(tenant_a.id), "i": str(uuid.uuid4()), "p": str(publication_id)})):
            savepoint = connection.begin_nested()
            try:
                result = connection.exec_driver_sql(statement, params)
                assert result.rowcount == 0, statement  # UPDATE/DELETE see no row they may change
            except DBAPIError as exc:
                assert "row-level security" in str(exc), statement
            finally:
                savepoint.rollback()
        # After a savepoint's rollback the session sends its own bindings again (saas.db.tenant): be the reader anew.
        set_context(connection, None, reader="foundation")
        assert raw(connection, "select count(*) from published_statistics where id = %(i)s", i=str(row_id)) == [(1,)]


def test_the_orm_guard_keeps_the_job_in_its_tenant(app: Flask, tenant_a: Tenant, tenant_b: Tenant) -> None:
    """Publishing A deletes and replaces only A's cells (SQLite has no RLS: the guard does it)."""
    supported_family(app, tenant_a)
    supported_family(app, tenant_b)
    with app.app_context():
        job.publish_tenant(tenant_b.id, PublicationTrigger.NIGHTLY)
        b_cells = {c.id for c in all_cells(app)}
        assert b_cells
        job.publish_tenant(tenant_a.id, PublicationTrigger.NIGHTLY)
        with tenant_context(db.session, tenant_b.id):
            assert set(db.session.scalars(select(PublishedStatistic.id))) == b_cells
            assert db.session.scalar(select(func.count()).select_from(StatisticsPublication)) == 1
