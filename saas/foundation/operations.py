"""The foundation's two changes to the national statistics: releasing a year early (freezing it),
and asking every tenant to publish now. Both are for foundation admins (the views check) and are
audited on the platform log; like every operation they only flush — the request commits.
"""

from __future__ import annotations

from flask_babel import format_date
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from saas.audit.operations import record_platform
from saas.auth.models import User
from saas.clock import local_today
from saas.db import bind_context, cross_tenant, db
from saas.errors import OperationError
from saas.foundation.freezing import take_freeze_lock
from saas.foundation.models import PublishedStatistic, StatisticsSnapshot
from saas.foundation.periods import year_periods
from saas.foundation.release import is_released, release_date
from saas.i18n import _

#: The publishing job's on-demand entry point (tenants.publishing; saas/ names it only as text).
PUBLISH_ON_DEMAND = "tenants.publishing.job:publish_on_demand"


def snapshot_of(year: int) -> StatisticsSnapshot | None:
    return db.session.scalars(select(StatisticsSnapshot).where(StatisticsSnapshot.year == year)).first()


def freeze_year(actor: User, year: int) -> StatisticsSnapshot:
    """Release ``year`` before its release date (saas.foundation.release): its published cells are
    no longer replaced, and the foundation sees its figures from now on. Refused (OperationError,
    nothing written) for a year still running — its figures would change under the readers' eyes —
    for a year released already, and when nothing was published for it."""
    today = local_today()
    if year >= today.year:
        raise OperationError(_("%(year)s is not over yet: its figures can be released once the year has ended.",
                               year=year))
    if is_released(year, (), today):
        raise OperationError(_("The figures of %(year)s were released on %(date)s and do not change any more.",
                               year=year, date=format_date(release_date(year), "long")))
    take_freeze_lock(shared=False)  # waits for running publications; a second freezer waits for this one
    existing = snapshot_of(year)
    if existing is not None:
        raise OperationError(_("The figures of %(year)s were released on %(date)s and do not change any more.",
                               year=year, date=format_date(existing.frozen_at, "long")))
    tenants, cells = db.session.execute(cross_tenant(
        select(func.count(func.distinct(PublishedStatistic.tenant_id)), func.count(PublishedStatistic.id))
        .where(PublishedStatistic.period.in_(year_periods(year))), "published statistics")).one()
    if not cells:
        raise OperationError(_("No organisation has published statistics for %(year)s yet, so there is nothing "
                               "to release.", year=year))
    snapshot = StatisticsSnapshot(year=year, frozen_by_id=actor.id, tenants=tenants, cells=cells)
    try:
        with db.session.begin_nested():
            db.session.add(snapshot)
    except IntegrityError:  # SQLite: another admin froze it between our check and our insert
        raise OperationError(_("%(year)s has just been released by someone else.", year=year)) from None
    record_platform("statistics.year_frozen", user=actor, year=year, tenants=tenants, cells=cells)
    return snapshot


def request_publication(actor: User) -> None:
    """Record that ``actor`` asked every tenant to publish now; :func:`start_publication` runs it
    once the request is committed."""
    record_platform("statistics.publication_requested", user=actor)


def start_publication() -> None:
    """Have every tenant publish its statistics now: inline without Redis, else on the queue.

    The publishing job works inside each tenant in turn and commits as it goes. The foundation's
    reader is unbound first so that, run inline in this request, the job sees no more than it
    would on a worker."""
    from saas.jobs.tasks import run_task  # the job machinery is only needed here

    bind_context(db.session, reader=None)
    run_task(PUBLISH_ON_DEMAND)
