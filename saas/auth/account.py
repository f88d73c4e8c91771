"""A person's own account: name, language, password, authenticator and sessions."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user
from werkzeug.wrappers import Response

from saas.auth import operations
from saas.auth import secrets as auth_secrets
from saas.auth.schemas import ChangePasswordForm, ProfileForm
from saas.auth.session import REMEMBERED, login_required
from saas.errors import invalid_input
from saas.forms import validate_input
from saas.i18n import _

bp = Blueprint("account", __name__, url_prefix="/account")


def _page(status: int = 200, **context: object) -> tuple[str, int]:
    context.setdefault("profile_errors", {})
    context.setdefault("password_errors", {})
    context.setdefault("values", {"name": current_user.name, "phone": current_user.phone or "",
                                  "locale": current_user.locale or "auto"})
    return render_template("account/index.html", memberships=operations.active_memberships(current_user),
                           two_factor_required=operations.requires_two_factor(current_user), **context), status


@bp.route("/")
@login_required
def index() -> tuple[str, int]:
    return _page()


@bp.route("/profile", methods=["POST"])
@login_required
def update_profile() -> ResponseReturnValue:
    data, errors = validate_input(ProfileForm())
    if errors:
        return invalid_input(errors, lambda: _page(422, profile_errors=errors))
    current_user.name = data["name"]
    current_user.phone = data.get("phone")
    current_user.locale = None if data["locale"] == "auto" else data["locale"]
    session.pop("locale", None)
    flash(_("Your details have been saved."), "success")
    return redirect(url_for(".index"))


@bp.route("/password", methods=["POST"])
@login_required
def change_password() -> ResponseReturnValue:
    data, errors = validate_input(ChangePasswordForm())
    if not errors and not auth_secrets.check_password(current_user, data["current_password"]):
        errors = {"current_password": [_("This is not your current password.")]}
    if errors:
        return invalid_input(errors, lambda: _page(422, password_errors=errors))
    operations.set_password(current_user, data["password"])
    # Every other session ended with the password; this one continues under the new nonce.
    login_user(current_user._get_current_object(), remember=bool(session.get(REMEMBERED)))
    flash(_("Your password has been changed. You have been signed out on other devices."), "success")
    return redirect(url_for(".index"))


@bp.route("/sessions/end", methods=["POST"])
@login_required
def end_other_sessions() -> Response:
    """Sign out every other device: a new session nonce, and this session signed in again."""
    operations.end_all_sessions(current_user)
    login_user(current_user._get_current_object(), remember=bool(session.get(REMEMBERED)))
    flash(_("You have been signed out on all other devices."), "success")
    return redirect(url_for(".index"))
