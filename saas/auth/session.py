"""Who is signed in: loading the user per request, idle time-out, safe redirects."""

from __future__ import annotations

import uuid
from datetime import timedelta
from hmac import compare_digest
from urllib.parse import urlsplit

from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response

from saas.auth.models import User
from saas.db import bind_context, db, utcnow
from saas.extensions import login_manager
from saas.i18n import _

LAST_SEEN = "last_seen"
REMEMBERED = "remembered"


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user of a session id ``<uuid>:<nonce>``; a changed nonce (new password) ends it."""
    raw_id, _sep, nonce = session_id.partition(":")
    try:
        user_id = uuid.UUID(raw_id)
    except ValueError:
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.is_active or not compare_digest(user.session_nonce, nonce):
        return None
    bind_context(db.session, user_id=user.id)
    return user


@login_manager.unauthorized_handler
def _ask_to_sign_in() -> Response:
    flash(_("Please sign in to continue."), "info")
    return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))


def safe_next(target: str | None, default: str = "/") -> str:
    """``target`` if it is a path on this site, else ``default`` (no open redirects)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target.rstrip("?") or default


def init_session_handling(app: Flask) -> None:
    """Sign out sessions idle for longer than IDLE_MINUTES, unless "remember me" was chosen."""

    @app.before_request
    def _enforce_idle_timeout() -> Response | None:
        if request.endpoint == "static" or not current_user.is_authenticated:
            return None
        now = utcnow().timestamp()
        idle_limit = timedelta(minutes=current_app.config["IDLE_MINUTES"]).total_seconds()
        last_seen = session.get(LAST_SEEN)
        if not session.get(REMEMBERED) and last_seen is not None and now - last_seen > idle_limit:
            logout_user()
            session.clear()
            flash(_("You were signed out after a period of inactivity."), "info")
            return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
        session[LAST_SEEN] = now
        return None
