"""E-mail about signals: a daily digest for each coordinator, a weekly summary for each manager.

Both are scheduled jobs (listed in saas.app.JOBS). They go through the active tenants one at a
time, inside each tenant's own context, so every isolation layer applies and a mail can only
hold its tenant's data. Each tenant is committed on its own (the mails leave after the commit):
one tenant's failure is logged and counted in the run's details, and the others still get theirs.

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
from saas.auth.roles import Role
from saas.clock import local_today
from saas.db import db, tenant_context
from saas.jobs.registry import Daily, Details, Job, Weekly
from saas.mail import send_mail
from saas.tenancy.models import Tenant
from tenants.families.models import Family
from tenants.families.states import CaseState
from tenants.home.queries import compute_signals
from tenants.home.signals import DAILY_DIGEST, by_kind, visible_to
from tenants.matching.models import Match
from tenants.matching.states import MatchState

logger = logging.getLogger("saas.jobs.digests")

WEEKLY_SUMMARY = "weekly_summary"


def send_daily_digests() -> Details:
    """Mail each coordinator the open signals of their own caseload (nothing when there are none)."""
    return _each_tenant(_daily_digest)


def send_weekly_summaries() -> Details:
    """Mail each manager the organisation's signals per kind and a few numbers of the week."""
    return _each_tenant(_weekly_summary)


daily_digest = Job(DAILY_DIGEST, send_daily_digests, Daily(hour=7),
                   "each coordinator's open signals, by e-mail")
weekly_summary = Job(WEEKLY_SUMMARY, send_weekly_summaries, Weekly(weekday=0, hour=7),
                     "each manager's weekly overview, by e-mail")


def _each_tenant(work: Callable[[Tenant], int]) -> Details:
    """Run ``work`` (which returns the number of mails it queued) in every active tenant."""
    details = {"tenants": 0, "mails": 0, "failed_tenants": 0}
    # Tenants are a platform table: listing them crosses no tenant's data.
    tenant_ids = db.session.scalars(select(Tenant.id).where(Tenant.is_active).order_by(Tenant.slug)).all()
    for tenant_id in tenant_ids:
        try:
            # A request context lets url_for build the links (made absolute with BASE_URL).
            with tenant_context(db.session, tenant_id), current_app.test_request_context():
                mails = work(db.session.get_one(Tenant, tenant_id))
                db.session.commit()
        except Exception:  # one tenant's failure must not cost the others their mail
            db.session.rollback()
            logger.exception("digest for tenant %s failed", tenant_id)
            details["failed_tenants"] += 1
        else:
            details["tenants"] += 1
            details["mails"] += mails
    return details


def _members(role: Role) -> list[User]:
    """The bound tenant's active members with ``role`` whose account is active."""
    return list(db.session.scalars(select(User).join(Membership, Membership.user_id == User.id).where(
        Membership.is_active, Membership.role == role, User.is_active).order_by(User.name)))


def _locale(user: User, tenant: Tenant) -> str:
    return user.locale or tenant.default_locale or current_app.config["DEFAULT_LOCALE"]


def _home_url(tenant: Tenant, **values: str) -> str:
    return current_app.config["BASE_URL"] + url_for("home.index", tenant_slug=tenant.slug, **values)


def _daily_digest(tenant: Tenant) -> int:
    signals = compute_signals(tenant)
    sent = 0
    for user in _members(Role.COORDINATOR):
        own = visible_to(signals, user, Role.COORDINATOR, "mine")
        if not own:
            continue
        send_mail(user.email, "signals_digest", _locale(user, tenant), tenant=tenant, user=user, total=len(own),
                  groups=by_kind(own), base_url=current_app.config["BASE_URL"],
                  home_url=_home_url(tenant, scope="mine"))
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
        send_mail(user.email, "weekly_summary", _locale(user, tenant), tenant=tenant, user=user, counts=counts,
                  total=len(signals), numbers=numbers, home_url=_home_url(tenant, scope="all"))
    return len(managers)
