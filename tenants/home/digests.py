"""E-mail about signals: a daily digest for each staff member with signals in their own caseload
(coordinators, and managers who guide families themselves), a weekly summary for each manager.

Both are scheduled jobs (listed in the package's front door). They go through the active tenants one at a
time, inside each tenant's own context, so every isolation layer applies and a mail can only
hold its tenant's data. Each tenant is committed on its own (the mails leave after the commit):
one tenant's failure is logged and listed in the run's details, and the others still get theirs.

The run's details record, as the run goes, which tenants are done (committed together with each
tenant's mails) and, at the end, which failed: tenant ids, which are not personal data. A forced
rerun of the period (``flask jobs run --job NAME --force``) skips the tenants done, so it retries
the failed ones without mailing the others twice; the "digest not running" signal
(tenants.home.queries) reads the failed ones.

Mails name no families: e-mail leaves the platform, so a signal is given by its case number (or
the volunteer's name) with a link to the page behind the sign-in.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from flask import current_app, url_for
from sqlalchemy import func, select

from saas.auth.models import Membership, User
from saas.auth.roles import STAFF_ROLES, Role
from saas.clock import local_today
from saas.db import db, tenant_context
from saas.jobs.registry import Daily, Details, Job, Weekly
from saas.jobs.runner import Progress
from saas.mail import recipient_locale, send_mail
from saas.notifications.jobs import digest_items
from saas.tenancy.models import Tenant
from tenants.families.models import Family
from tenants.families.states import CaseState
from tenants.home import snapshots
from tenants.home.queries import compute_signals
from tenants.home.signals import DAILY_DIGEST, by_kind, in_caseload
from tenants.matching.models import Match
from tenants.matching.states import MatchState

logger = logging.getLogger("saas.jobs.digests")

WEEKLY_SUMMARY = "weekly_summary"


def send_daily_digests(progress: Progress | None = None) -> Details:
    """Mail each staff member the open signals of their own caseload (nothing when there are none)."""
    return _each_tenant(_daily_digest, progress)


def send_weekly_summaries(progress: Progress | None = None) -> Details:
    """Mail each manager the organisation's signals per kind and a few numbers of the week."""
    return _each_tenant(_weekly_summary, progress)


daily_digest = Job(DAILY_DIGEST, send_daily_digests, Daily(hour=7),
                   "each staff member's open signals in their caseload, by e-mail", resumable=True)
weekly_summary = Job(WEEKLY_SUMMARY, send_weekly_summaries, Weekly(weekday=0, hour=7),
                     "each manager's weekly overview, by e-mail", resumable=True)


def _each_tenant(work: Callable[[Tenant], int], progress: Progress | None = None) -> Details:
    """Run ``work`` (which returns the number of mails it queued) in every active tenant that an
    earlier attempt in this period (``progress``) did not finish.

    Returns the counts of the whole period (earlier attempts included), the ids of the tenants
    done and of those that failed in this attempt.
    """
    earlier = progress.earlier if progress is not None else {}
    done: list[str] = list(earlier.get("done_tenant_ids", []))
    skip = set(done)
    failed: list[str] = []
    tenants, mails = earlier.get("tenants", 0), earlier.get("mails", 0)
    # Tenants are a platform table: listing them crosses no tenant's data.
    tenant_ids = db.session.scalars(select(Tenant.id).where(Tenant.is_active).order_by(Tenant.slug)).all()
    for tenant_id in tenant_ids:
        if str(tenant_id) in skip:
            continue
        try:
            # A request context lets url_for build the links (made absolute with BASE_URL).
            with tenant_context(db.session, tenant_id), current_app.test_request_context():
                sent = work(db.session.get_one(Tenant, tenant_id))
                if progress is not None:  # done, in the transaction that lets its mails go
                    progress.record(_details(tenants + 1, mails + sent, [*done, str(tenant_id)], failed))
                db.session.commit()
        except Exception:  # one tenant's failure must not cost the others their mail
            db.session.rollback()
            logger.exception("digest for tenant %s failed", tenant_id)
            failed.append(str(tenant_id))
        else:
            tenants, mails = tenants + 1, mails + sent
            done.append(str(tenant_id))
    return _details(tenants, mails, done, failed)


def _details(tenants: int, mails: int, done: list[str], failed: list[str]) -> Details:
    return {"tenants": tenants, "mails": mails, "failed_tenants": len(failed), "failed_tenant_ids": failed,
            "done_tenant_ids": done}


def _members(*roles: Role) -> list[User]:
    """The bound tenant's active members with one of ``roles`` whose account is active."""
    return list(db.session.scalars(select(User).join(Membership, Membership.user_id == User.id).where(
        Membership.is_active, Membership.role.in_(roles), User.is_active).order_by(User.name)))



def _home_url(tenant: Tenant, **values: str) -> str:
    return current_app.config["BASE_URL"] + url_for("home.index", tenant_slug=tenant.slug, **values)


def _daily_digest(tenant: Tenant) -> int:
    signals = compute_signals(tenant)
    snapshots.refresh(tenant)  # so the first visitor of the day does not wait for the computation
    sent = 0
    for user in _members(*STAFF_ROLES):
        own = in_caseload(signals, user)
        notifications = digest_items(user)  # what they chose to read in the digest (saas.notifications)
        if not own and not notifications:
            continue
        send_mail(user.email, "signals_digest", recipient_locale(user, tenant), tenant=tenant, user=user,
                  total=len(own), groups=by_kind(own), base_url=current_app.config["BASE_URL"],
                  home_url=_home_url(tenant, scope="mine"), notifications=notifications)
        sent += 1
    return sent


def _weekly_summary(tenant: Tenant) -> int:
    managers = _members(Role.MANAGER)
    if not managers:
        return 0
    signals = compute_signals(tenant)
    today = local_today()
    numbers = {
        "active_matches": db.session.scalar(select(func.count()).select_from(Match).where(
            Match.state == MatchState.ACTIVE)),
        "families_waiting": db.session.scalar(select(func.count()).select_from(Family).where(
            Family.state == CaseState.WAITING)),
        "new_matches": db.session.scalar(select(func.count()).select_from(Match).where(
            Match.proposed_on > today - timedelta(days=7))),
    }
    counts = [(kind, len(group)) for kind, group in by_kind(signals)]
    for user in managers:
        send_mail(user.email, "weekly_summary", recipient_locale(user, tenant), tenant=tenant, user=user, counts=counts,
                  total=len(signals), numbers=numbers, home_url=_home_url(tenant, scope="all"))
    return len(managers)
