"""Signing in and out, password reset, invitations, the start page and the language switch."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from saas.audit.operations import record_platform
from saas.auth import operations
from saas.auth.models import Invitation, User
from saas.auth.schemas import (
    AcceptInvitationForm,
    ForgotPasswordForm,
    LanguageForm,
    LoginForm,
    NewPasswordForm,
    TwoFactorForm,
)
from saas.auth.session import (
    LAST_SEEN,
    REMEMBERED,
    SIGNED_IN_AT,
    begin_server_session,
    end_server_session,
    safe_next,
)
from saas.db import bind_context, db, utcnow
from saas.extensions import limiter
from saas.forms import validate_input
from saas.i18n import _, get_locale
from saas.tenancy.models import Tenant

bp = Blueprint("auth", __name__)

#: Session key of a sign-in that passed the password and awaits its second factor.
PENDING = "pending_sign_in"
PENDING_MINUTES = 10


def _hashed_form_value(prefix: str, field: str) -> str:
    value = request.form.get(field, "").strip().lower()
    return prefix + hashlib.sha256(value.encode()).hexdigest()


def _account_key() -> str:
    return _hashed_form_value("login-account:", "email")


def _pending_key() -> str:
    return "login-2fa:" + str(session.get(PENDING, {}).get("user", request.remote_addr))


def _login_limit_per_address() -> str:
    limit: str = current_app.config["LOGIN_LIMIT_PER_ADDRESS"]
    return limit


def _login_limit_per_account() -> str:
    limit: str = current_app.config["LOGIN_LIMIT_PER_ACCOUNT"]
    return limit


def _reset_limit() -> str:
    limit: str = current_app.config["PASSWORD_RESET_LIMIT"]
    return limit


# Start page --------------------------------------------------------------------------------


@bp.route("/")
def index() -> Response | str:
    """Send each person where they work: the foundation, their one tenant, or a choice."""
    if not current_user.is_authenticated:
        return redirect(url_for(".login"))
    memberships = operations.active_memberships(current_user)
    if current_user.is_foundation and not memberships:
        return redirect(url_for("foundation.dashboard"))
    if len(memberships) == 1 and not current_user.is_foundation:
        return redirect(url_for("home.index", tenant_slug=memberships[0].tenant.slug))
    return render_template("auth/choose.html", memberships=memberships)


@bp.route("/language", methods=["POST"])
def set_language() -> Response:
    data, errors = validate_input(LanguageForm())
    if not errors:
        if current_user.is_authenticated:
            current_user.locale = data["locale"]
        session["locale"] = data["locale"]
    return redirect(safe_next(data.get("next") or request.form.get("next"), url_for(".index")))


# Signing in --------------------------------------------------------------------------------


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit_per_address, methods=["POST"])
@limiter.limit(_login_limit_per_account, key_func=_account_key, methods=["POST"])
def login() -> Response | str | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(url_for(".index"))
    next_url = request.args.get("next")
    if request.method == "GET":
        return render_template("auth/login.html", errors={}, values={}, next=next_url)
    data, errors = validate_input(LoginForm())
    if errors:
        return render_template("auth/login.html", errors=errors, values=request.form, next=next_url), 422
    user = operations.authenticate(data["email"], data["password"])
    if user is None:
        # One message for every failure: it must not tell whether the address has an account.
        errors = {"_form": [_("The e-mail address or password is not correct.")]}
        return render_template("auth/login.html", errors=errors, values=request.form, next=next_url)
    return begin_sign_in(user, remember=data["remember"], next_url=next_url)


def begin_sign_in(user: User, *, remember: bool, next_url: str | None) -> Response:
    """After the password: ask for the second factor, set one up, or finish signing in."""
    # The person is known now: on PostgreSQL, row-level security shows their own memberships
    # (which decide whether two-factor is required) only with the user bound.
    bind_context(db.session, user_id=user.id)
    pending = {"user": str(user.id), "nonce": user.session_nonce, "remember": remember,
               "next": safe_next(next_url, ""), "at": utcnow().timestamp()}
    if user.has_two_factor:
        session[PENDING] = pending
        return redirect(url_for(".verify"))
    if operations.requires_two_factor(user):
        session[PENDING] = pending
        flash(_("Your role requires two-factor sign-in. Set up an authenticator app to continue."), "info")
        return redirect(url_for("two_factor.setup"))
    return complete_sign_in(user, remember=remember, next_url=next_url, method="password")


def pending_user() -> User | None:
    """The person between password and second factor, if that step is recent and still valid."""
    pending = session.get(PENDING)
    if not pending or utcnow().timestamp() - pending["at"] > timedelta(minutes=PENDING_MINUTES).total_seconds():
        return None
    user = db.session.get(User, uuid.UUID(pending["user"]))
    if user is None or not user.is_active or user.session_nonce != pending["nonce"]:
        return None
    bind_context(db.session, user_id=user.id)
    return user


def complete_pending_sign_in(user: User, method: str) -> Response:
    pending = session.get(PENDING, {})
    return complete_sign_in(user, remember=pending.get("remember", False), next_url=pending.get("next"),
                            method=method)


def complete_sign_in(user: User, *, remember: bool, next_url: str | None, method: str) -> Response:
    start_session(user, remember=remember, method=method)
    return redirect(safe_next(next_url, url_for(".index")))


def start_session(user: User, *, remember: bool, method: str) -> None:
    """Start a fresh session for ``user`` (new contents and id: no session fixation), with its
    server-side session; one this browser was signed in with ends."""
    if current_user.is_authenticated:
        end_server_session(current_user._get_current_object())
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    session.permanent = True
    begin_server_session(user)
    login_user(user, remember=remember)
    session[REMEMBERED] = remember
    session[LAST_SEEN] = session[SIGNED_IN_AT] = utcnow().timestamp()
    operations.record_login(user, method=method)


@bp.route("/login/verify", methods=["GET", "POST"])
@limiter.limit(_login_limit_per_account, key_func=_pending_key, methods=["POST"])
def verify() -> Response | str | tuple[str, int]:
    user = pending_user()
    if user is None or not user.has_two_factor:
        session.pop(PENDING, None)
        flash(_("Your sign-in took too long. Please sign in again."), "info")
        return redirect(url_for(".login"))
    if request.method == "GET":
        return render_template("auth/verify.html", errors={})
    data, errors = validate_input(TwoFactorForm())
    if not errors and operations.verify_second_factor(user, data["code"]):
        return complete_pending_sign_in(user, method="password+totp")
    errors = errors or {"code": [_("This code is not correct or was already used. Try the next code.")]}
    # Status 200: the failed attempt is recorded, so this response commits.
    return render_template("auth/verify.html", errors=errors)


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    if current_user.is_authenticated:
        record_platform("logout", user=current_user)
        # Ended on the server too: a copy of this session's cookies taken before is worthless now.
        end_server_session(current_user._get_current_object())
    logout_user()
    # logout_user() marks the "remember me" cookie for deletion in the session; keep that mark,
    # or the cookie would sign the person back in once this session cookie is gone.
    remember_cookie = session.get("_remember")
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    if remember_cookie:
        session["_remember"] = remember_cookie
    flash(_("You are signed out."), "info")
    return redirect(url_for(".login"))


# Password reset ----------------------------------------------------------------------------


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
@limiter.limit(_reset_limit, key_func=lambda: _hashed_form_value("reset-account:", "email"), methods=["POST"])
def forgot_password() -> Response | str | tuple[str, int]:
    if request.method == "GET":
        return render_template("auth/forgot.html", errors={}, values={})
    data, errors = validate_input(ForgotPasswordForm())
    if errors:
        return render_template("auth/forgot.html", errors=errors, values=request.form), 422
    operations.request_password_reset(data["email"], str(get_locale()))
    flash(_("If an account exists for this address, we have sent it a link to choose a new password."), "info")
    return redirect(url_for(".login"))


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def reset_password(token: str) -> Response | str | tuple[str, int]:
    reset = operations.valid_reset_token(token)
    if reset is None:
        return _invalid_link(_("This link to choose a new password is invalid, expired or already used."))
    if request.method == "GET":
        return render_template("auth/reset.html", errors={})
    data, errors = validate_input(NewPasswordForm())
    if errors:
        return render_template("auth/reset.html", errors=errors), 422
    operations.reset_password(reset, data["password"])
    flash(_("Your password has been changed. Sign in with your new password."), "success")
    return redirect(url_for(".login"))


def _invalid_link(message: str) -> tuple[str, int]:
    return render_template("error.html", code=404, title=_("Link not valid"), message=message), 404


# Invitations -------------------------------------------------------------------------------


@bp.route("/invite/<tenant_slug>/<token>", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def accept_invitation(tenant_slug: str, token: str) -> Response | str | tuple[str, int]:
    """The link in an invitation mail; holding the token is what authorises this page."""
    tenant = db.session.scalar(select(Tenant).where(Tenant.slug == tenant_slug, Tenant.is_active))
    invitation = None
    if tenant is not None:
        bind_context(db.session, tenant_id=tenant.id)
        invitation = operations.open_invitation(token)
    if tenant is None or invitation is None:
        return _invalid_link(_("This invitation is invalid, expired or already used. Ask for a new one."))
    existing = operations.find_user_by_email(invitation.email)
    if existing is not None and existing.password_hash is not None:
        return _accept_as_existing_user(tenant, invitation, existing)
    if request.method == "GET":
        return render_template("auth/invitation.html", organisation=tenant, invitation=invitation, errors={}, values={})
    data, errors = validate_input(AcceptInvitationForm())
    if errors:
        return render_template("auth/invitation.html", organisation=tenant, invitation=invitation, errors=errors,
                               values=request.form), 422
    user = operations.accept_invitation(invitation, existing, name=data["name"], password=data["password"])
    flash(_("Welcome! Your account is ready."), "success")
    return begin_sign_in(user, remember=False, next_url=url_for("home.index", tenant_slug=tenant.slug))


def _accept_as_existing_user(tenant: Tenant, invitation: Invitation, user: User) -> Response | str:
    signed_in_as_invitee = current_user.is_authenticated and current_user.id == user.id
    if request.method == "POST" and signed_in_as_invitee:
        operations.accept_invitation(invitation, user)
        flash(_("You have joined %(name)s.", name=tenant.name), "success")
        return redirect(url_for("home.index", tenant_slug=tenant.slug))
    return render_template("auth/invitation_existing.html", organisation=tenant, invitation=invitation,
                           signed_in_as_invitee=signed_in_as_invitee)

