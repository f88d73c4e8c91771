"""Forgetting server-side sessions that can no longer sign anyone in."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, or_

from saas.auth.models import UserSession
from saas.db import db, utcnow
from saas.jobs.registry import Daily, Details, Job


def forget_old_sessions() -> Details:
    """Delete the sessions that ended, and those older than the "remember me" cookie (REMEMBER_DAYS):
    no cookie that names them is still valid, so keeping them serves nobody."""
    cutoff = utcnow() - timedelta(days=current_app.config["REMEMBER_DAYS"])
    # user_sessions is a platform table: no tenant is bound or needed.
    result = db.session.execute(delete(UserSession).where(
        or_(UserSession.ended_at.is_not(None), UserSession.created_at < cutoff)))
    db.session.commit()
    return {"deleted": result.rowcount}  # type: ignore[attr-defined]


old_sessions = Job("forget_old_sessions", forget_old_sessions, Daily(hour=3),
                   "ended sessions, and sessions older than the remember-me cookie, are deleted")
