"""Who is signed in: loading the user per request, idle time-out, safe redirects."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import timedelta
from hmac import compare_digest
from typing import Any, ParamSpec, Protocol, TypeVar, cast
from urllib.parse import urlsplit

import flask_login
from blinker import Signal
from flask import Flask, current_app, flash, jsonify, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, logout_user
from sqlalchemy import Select, bindparam, select, update
from werkzeug.wrappers import Response

from saas.auth.models import User, UserSession
from saas.db import bind_context, db, utcnow
from saas.extensions import login_manager
from saas.i18n import _

LAST_SEEN = "last_seen"
#: Seconds: LAST_SEEN is renewed when it is older than this, so the session cookie is re-signed and
#: sent about once a minute rather than with every response; the idle limit holds to the minute.
LAST_SEEN_RESOLUTION = 60
SIGNED_IN_AT = "signed_in_at"
REMEMBERED = "remembered"

P = ParamSpec("P")
R = TypeVar("R")

# Flask-Login ships no type information: what it gives is Any to mypy, and a view decorated with
# its login_required, or a callback decorated with its registrations, would lose its types. So the
# callbacks below are registered by a plain call, and login_required is re-exported typed.

#: Flask-Login's blinker signal, sent when the "remember me" cookie signs a person back in.
user_loaded_from_cookie: Signal = flask_login.user_loaded_from_cookie
#: Sent with the user just before an idle or too old session ends, inside the request that met
#: it: a receiver may keep what the request carries (saas.drafts keeps a form sent too late) and
#: return the page to come back to after signing in.
session_ending = Signal("session-ending")
#: The header of an autosave (saas.drafts): it is answered 401 with the sign-in address, not redirected.
AUTOSAVE_HEADER = "X-Draft"


def login_required(view: Callable[P, R]) -> Callable[P, R]:
    """Flask-Login's ``login_required``, keeping the view's signature for the type checker."""
    return cast("Callable[P, R]", flask_login.login_required(view))


class UserCompanion(Protocol):
    """What a request loads in the same statement as its user (saas.web.tenant: the membership of
    the tenant the address names, with the tenant and its licence)."""

    def parameters(self) -> dict[str, Any] | None:
        """This request's values for the companion's bound parameters; None: nothing to load now."""

    def extend(self, statement: Select[Any]) -> Select[Any]:
        """``statement`` (users joined to their server-side session) with the companion's columns,
        its values as bound parameters: the statement is built once and reused."""

    def receive(self, row: Sequence[Any]) -> None:
        """The row of a user who is signed in (the user first): keep the companion's part of it."""


_companions: list[UserCompanion] = []
#: The user's statement per set of companions taking part, built once: building a statement costs
#: more than running it.
_statements: dict[tuple[int, ...], Select[Any]] = {}


def load_alongside_user(companion: UserCompanion) -> None:
    """Have ``companion`` load its rows in the user's statement: one round trip for both."""
    _companions.append(companion)


def _user_statement(companions: list[UserCompanion]) -> Select[Any]:
    key = tuple(id(companion) for companion in companions)
    if key not in _statements:
        statement: Select[Any] = (
            select(User).join(UserSession, UserSession.user_id == User.id)
            .where(User.id == bindparam("user_id"), UserSession.id == bindparam("signed_in_session"),
                   UserSession.ended_at.is_(None)))
        for companion in companions:
            statement = companion.extend(statement)
        _statements[key] = statement
    return _statements[key]


def load_user(session_id: str) -> User | None:
    """The user of a session id ``<user>:<nonce>:<server-side session>`` (User.get_id). A changed
    nonce (new password, "sign out everywhere") ends all of the person's sessions; an ended
    server-side session (signed out) ends this one only. Both come from the cookie, in one statement,
    with what the companions load."""
    raw_id, _sep, rest = session_id.partition(":")
    nonce, _sep, raw_session = rest.partition(":")
    try:
        user_id, signed_in_session = uuid.UUID(raw_id), uuid.UUID(raw_session)
    except ValueError:  # also an id from before server-side sessions: that session ends
        return None
    parameters: dict[str, Any] = {"user_id": user_id, "signed_in_session": signed_in_session}
    taking_part = []
    for companion in _companions:
        if (values := companion.parameters()) is not None:
            taking_part.append(companion)
            parameters.update(values)
    # The cookie is signed, so the id is one we issued: bound, it lets row-level security show the
    # person's own rows to the companions. Unbound again below when the session is not valid.
    bind_context(db.session, user_id=user_id)
    row = db.session.execute(_user_statement(taking_part), parameters).first()
    user: User | None = row[0] if row is not None else None
    if row is None or user is None or not user.is_active or not compare_digest(user.session_nonce, nonce):
        bind_context(db.session, user_id=None)
        return None
    user.signed_in_session = signed_in_session
    for companion in taking_part:
        companion.receive(row)
    return user


def begin_server_session(user: User) -> None:
    """Open a server-side session for ``user`` signing in now; its id goes into the cookies."""
    row = UserSession(user_id=user.id)
    db.session.add(row)
    db.session.flush()
    user.signed_in_session = row.id


def end_server_session(user: User) -> None:
    """End the server-side session ``user`` is signed in with: a copy of its session or "remember
    me" cookie no longer signs anyone in. The person's other sessions go on."""
    if user.signed_in_session is not None:
        db.session.execute(update(UserSession).where(UserSession.id == user.signed_in_session)
                           .values(ended_at=utcnow()))
        user.signed_in_session = None


def _sign_in_address(back_to: str | None = None) -> str:
    """The sign-in page, leading back to ``back_to``, else to the page asked for (only a GET can be asked again)."""
    return url_for("auth.login", next=back_to or (request.full_path if request.method == "GET" else None))


def _ask_to_sign_in() -> Response:
    flash(_("Please sign in to continue."), "info")
    return redirect(_sign_in_address())


login_manager.user_loader(load_user)
login_manager.unauthorized_handler(_ask_to_sign_in)


def safe_next(target: str | None, default: str = "/") -> str:
    """``target`` if it is a path on this site, else ``default`` (no open redirects)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target.rstrip("?") or default


def session_expired(now: float) -> bool:
    """True when this session was idle longer than IDLE_MINUTES or is older than SESSION_HOURS.

    "Remember me" lifts both limits: the person chose to stay signed in on this device.
    """
    if session.get(REMEMBERED):
        return False
    config = current_app.config
    idle_limit = timedelta(minutes=config["IDLE_MINUTES"]).total_seconds()
    absolute_limit = timedelta(hours=config["SESSION_HOURS"]).total_seconds()
    last_seen, signed_in_at = session.get(LAST_SEEN), session.get(SIGNED_IN_AT)
    return (last_seen is not None and now - last_seen > idle_limit) or (
        signed_in_at is not None and now - signed_in_at > absolute_limit)


def init_session_handling(app: Flask) -> None:
    """End sessions that idled or lived too long (ASVS 7.3.1 and 7.3.2)."""

    @user_loaded_from_cookie.connect_via(app)
    def _mark_remembered(_app: Flask, user: User) -> None:
        # A session rebuilt from the "remember me" cookie is a remembered one, as at sign-in;
        # otherwise the limits below would "sign out" a person the cookie signs straight back in.
        session.permanent = True
        session[REMEMBERED] = True
        session[LAST_SEEN] = session[SIGNED_IN_AT] = utcnow().timestamp()

    @app.before_request
    def _enforce_session_limits() -> ResponseReturnValue | None:
        if request.endpoint == "static" or not current_user.is_authenticated:
            return None
        now = utcnow().timestamp()
        if session_expired(now):
            # A form sent after the time-out is not lost: its page keeps it as a draft, and
            # signing in leads back there.
            answers = session_ending.send(current_user._get_current_object())
            parked = next((page for _receiver, page in answers if page), None)
            end_server_session(current_user._get_current_object())
            logout_user()
            session.clear()
            return _signed_out(parked)
        if now - session.get(LAST_SEEN, 0) >= LAST_SEEN_RESOLUTION:
            session[LAST_SEEN] = now
        return None


def _signed_out(parked: str | None) -> ResponseReturnValue:
    """The answer to a request that met the end of its session: to the sign-in page, and from
    there back to where the person was (the form whose draft was kept, or the page asked for)."""
    if parked is not None:
        message = _("Your session has ended. What you typed has been kept: sign in and you will find it on the form.")
    else:
        message = _("Your session has ended. Please sign in again.")
    flash(message, "info")
    sign_in = _sign_in_address(parked)
    if request.headers.get(AUTOSAVE_HEADER) == "save":  # static/drafts.js takes the person to sign in
        return jsonify(error=message, sign_in=sign_in), 401
    return redirect(sign_in)
