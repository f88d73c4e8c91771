"""The publishing job: each active tenant, inside its own context, replaces its published cells.

Runs nightly (``publish_statistics``, listed in the package's front door), on demand from the tenant's
"Shared with the foundation" page (:func:`publish_on_demand` through saas.jobs.tasks.run_task),
and from the command line (``flask statistics publish``, tenants.publishing.views).

Each tenant is published in one transaction, inside ``tenant_context`` so every isolation layer
applies (ORM guard, composite keys, row-level security): the periods of the years still open —
from the tenant's first activity to today, without the years already released
(saas.foundation.release: past their release date, or frozen early by the foundation) — are
recomputed; their old cells are deleted and the new ones inserted with a SUCCEEDED publication.
A released year's cells are never written again: the foundation sees each year once. A failure
rolls all of that back (the previous cells stay published) and records a FAILED publication in a
fresh transaction; the other tenants are still published.
"""

from __future__ import annotations

import logging
import uuid
from datetime import date, datetime

from sqlalchemy import delete, func, insert, select

from saas.clock import local_today, local_zone
from saas.db import db, tenant_context, utcnow
from saas.foundation.freezing import frozen_years, take_freeze_lock
from saas.foundation.models import (
    PublicationStatus,
    PublicationTrigger,
    PublishedStatistic,
    StatisticsPublication,
)
from saas.foundation.periods import FIRST_YEAR, Period, periods_between, year_periods
from saas.foundation.release import open_years
from saas.jobs.registry import Daily, Details, Job
from saas.tenancy.models import Tenant
from tenants.families.models import Family
from tenants.impact.measurements.models import Measurement
from tenants.matching.models import Match
from tenants.publishing.cells import Cell, compute_cells
from tenants.volunteers.models import Volunteer

logger = logging.getLogger("saas.jobs.publishing")

ERROR_LENGTH = StatisticsPublication.error.type.length  # type: ignore[attr-defined]


def publish_tenant(tenant_id: uuid.UUID, trigger: PublicationTrigger) -> StatisticsPublication:
    """Recompute and replace the published cells of ``tenant_id``, and commit.

    Returns the publication: SUCCEEDED with its counts, or FAILED with the error (then nothing
    of this run was written, and the cells published before stay as they were)."""
    started_at = utcnow()
    with tenant_context(db.session, tenant_id):
        try:
            publication = replace_statistics(trigger, started_at)
            db.session.commit()
        except Exception as exc:  # recorded on a publication; one tenant's failure must not stop the others
            db.session.rollback()
            logger.exception("publishing the statistics of tenant %s failed", tenant_id)
            publication = _record_failure(trigger, started_at, exc)
        if publication in db.session:
            # Loaded again while the tenant is bound: the commit expired it, and outside the tenant
            # row-level security would hide the row from the caller reading its counts.
            db.session.refresh(publication)
        return publication


def publish_all(trigger: PublicationTrigger) -> Details:
    """Publish every active tenant, one transaction each; returns the counts of the run."""
    # Tenants are a platform table: listing them crosses no tenant's data.
    tenant_ids = db.session.scalars(select(Tenant.id).where(Tenant.is_active).order_by(Tenant.slug)).all()
    tenants = cells = failed = 0
    for tenant_id in tenant_ids:
        publication = publish_tenant(tenant_id, trigger)
        if publication.status == PublicationStatus.SUCCEEDED:
            tenants, cells = tenants + 1, cells + publication.cells
        else:
            failed += 1
    return {"tenants": tenants, "cells": cells, "failed": failed}


def publish_nightly() -> Details:
    return publish_all(PublicationTrigger.NIGHTLY)


def publish_on_demand(tenant_id: str | None = None) -> None:
    """The task behind "Publish now" (saas.jobs.tasks.run_task): one tenant, or every active one.
    Takes the id as text because it may travel over the RQ queue."""
    if tenant_id is None:
        publish_all(PublicationTrigger.ON_DEMAND)
    else:
        publish_tenant(uuid.UUID(tenant_id), PublicationTrigger.ON_DEMAND)


publish_statistics = Job("publish_statistics", publish_nightly, Daily(hour=2),
                         "each tenant's statistics for the foundation, recomputed and published")


def periods_to_publish(frozen: set[int], today: date | None = None, *, history: bool = False) -> list[Period]:
    """The periods of the years still open (not released, see saas.foundation.release) from the
    bound tenant's first activity to today (one statement); with ``history``, every year not frozen."""
    first = first_activity()
    if first is None:
        return []
    today = today or local_today()
    writable = set(_writable_years(first, today, frozen, history))
    return [period for period in periods_between(first, today) if period.year in writable]


def _writable_years(first: date, today: date, frozen: set[int], history: bool) -> list[int]:
    if history:
        return [year for year in range(first.year, today.year + 1) if year not in frozen]
    return open_years(first, today, frozen)


def first_activity() -> date | None:
    """The earliest day the bound tenant did anything that counts: a referral (or a family file
    made), a match start, a measurement, a volunteer's application (one statement)."""
    earliest = (func.min(Family.referred_on), func.min(Family.created_at), func.min(Match.started_on),
                func.min(Measurement.taken_on), func.min(Volunteer.applied_on))
    row = db.session.execute(select(*(select(value).scalar_subquery() for value in earliest))).one()
    return min((_as_date(value) for value in row if value is not None), default=None)


def _as_date(value: date | datetime) -> date:
    if isinstance(value, datetime):  # created_at: the local day it was made
        return value.astimezone(local_zone()).date() if value.tzinfo else value.date()
    return value


def replace_statistics(trigger: PublicationTrigger, started_at: datetime | None = None, *,
                       history: bool = False) -> StatisticsPublication:
    """Recompute the bound tenant's cells and replace the published ones, with a SUCCEEDED
    publication, in the current transaction (flushes; the caller commits or rolls back).

    ``history`` also writes the years already released (not the frozen ones): only for the demo,
    whose whole history is made up at once, as if each year had been published on its last night
    before its release. A real tenant's released years never change.

    The tenant is the one bound to the session, never a parameter: the cells go in as a bulk
    insert, which the guard's before_flush does not see, so their tenant is taken from the
    publication the guard stamped."""
    started_at = started_at or utcnow()
    take_freeze_lock(shared=True)  # a year frozen meanwhile waits for this run, or this run for it
    frozen, today = frozen_years(), local_today()
    periods = periods_to_publish(frozen, today, history=history)
    cells = compute_cells(periods)
    publication = StatisticsPublication(started_at=started_at, trigger=trigger, status=PublicationStatus.SUCCEEDED,
                                        cells=len(cells), periods=len(periods))
    db.session.add(publication)
    db.session.flush()
    # The open years of the whole platform, not only of this tenant's activity: a year the tenant no
    # longer has activity in must lose its cells too, as long as the year is open.
    first = date(FIRST_YEAR, 1, 1) if history else date(today.year - 1, 1, 1)
    still_open = _writable_years(first, today, frozen, history)
    _replace_cells(publication, [key for year in still_open for key in year_periods(year)], cells)
    publication.finished_at = utcnow()
    return publication


def _replace_cells(publication: StatisticsPublication, still_open: list[str], cells: list[Cell]) -> None:
    """Delete every cell of the tenant in the ``still_open`` periods and insert ``cells`` under
    ``publication`` (two statements; the insert is one executemany). Every open period goes, not
    only the periods recomputed: a period that no longer has activity (its families erased, say)
    must not stay published. Cells of released years are never touched. The guard scopes the
    delete to the bound tenant."""
    db.session.execute(delete(PublishedStatistic).where(PublishedStatistic.period.in_(still_open))
                       .execution_options(synchronize_session=False))
    if cells:
        db.session.execute(insert(PublishedStatistic), [
            {"id": uuid.uuid4(), "tenant_id": publication.tenant_id, "publication_id": publication.id,
             **cell.as_row()}
            for cell in cells])


def _record_failure(trigger: PublicationTrigger, started_at: datetime, exc: Exception) -> StatisticsPublication:
    """A FAILED publication with the error, committed on its own (the run itself was rolled back).
    When even that cannot be written (the database is gone) the unsaved record is returned."""
    # Only the first line: database errors go on with the statement and its parameters, which have
    # no place on a record the foundation sees.
    first_line = str(exc).splitlines()[0] if str(exc) else ""
    publication = StatisticsPublication(started_at=started_at, finished_at=utcnow(), trigger=trigger,
                                        status=PublicationStatus.FAILED, cells=0, periods=0,
                                        error=f"{type(exc).__name__}: {first_line}"[:ERROR_LENGTH])
    try:
        db.session.add(publication)
        db.session.commit()
    except Exception:
        db.session.rollback()
        logger.exception("the failed publication could not be recorded either")
    return publication
