"""Setting up an authenticator app (TOTP) with recovery codes, and switching it off.

Staff reach the set-up page right after their password when they have no authenticator yet
(a "pending" sign-in); anyone signed in can (re)configure theirs after re-entering the password.
"""

from __future__ import annotations

import segno
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from saas.auth import operations
from saas.auth import secrets as auth_secrets
from saas.auth.models import User
from saas.auth.schemas import ConfirmPasswordForm, TwoFactorForm
from saas.auth.session import login_required, safe_next
from saas.auth.views import PENDING, pending_user, start_session
from saas.errors import OperationError
from saas.forms import validate_input
from saas.i18n import _

bp = Blueprint("two_factor", __name__, url_prefix="/account/two-factor")

SETUP_SECRET = "totp_setup_secret"  # noqa: S105 - a session key, not a secret


def _qr_code(uri: str) -> Markup:
    """The otpauth URI as an inline SVG (no script, no external image: fits the CSP)."""
    svg = segno.make(uri, error="m").svg_inline(scale=5, title=_("QR code for your authenticator app"),
                                                 dark="#000000", light="#ffffff")
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S704 - segno output, no user input


def _password_confirmed(user: User, errors: dict[str, list[str]]) -> bool:
    data, form_errors = validate_input(ConfirmPasswordForm())
    errors.update(form_errors)
    if not form_errors and not auth_secrets.check_password(user, data["current_password"]):
        errors["current_password"] = [_("This is not your current password.")]
    return not errors


@bp.route("/setup", methods=["GET", "POST"])
def setup() -> Response | str | tuple[str, int]:
    pending = not current_user.is_authenticated
    user = pending_user() if pending else current_user
    if user is None:
        return redirect(url_for("auth.login"))
    if pending and user.has_two_factor:
        return redirect(url_for("auth.verify"))
    secret = session.get(SETUP_SECRET) if request.method == "POST" else None
    if secret is None:
        secret = session[SETUP_SECRET] = auth_secrets.new_totp_secret()
        if request.method == "POST":  # the set-up took too long or happened in another tab
            flash(_("Scan the new code: the previous one is no longer valid."), "info")
            return redirect(url_for(".setup"))
    next_url = safe_next(request.values.get("next"), "")
    context = {"qr_code": _qr_code(auth_secrets.totp_uri(secret, user.email)), "secret": secret,
               "confirm_password": not pending, "next": next_url}
    if request.method == "GET":
        return render_template("auth/two_factor_setup.html", errors={}, **context)
    errors: dict[str, list[str]] = {}
    if not pending:
        _password_confirmed(user, errors)
    data, code_errors = validate_input(TwoFactorForm())
    errors.update(code_errors)
    codes = None if errors else operations.enable_two_factor(user, secret, data["code"])
    if codes is None:
        errors = errors or {"code": [_("This code is not correct. Check the time on your phone and try again.")]}
        return render_template("auth/two_factor_setup.html", errors=errors, **context), 422
    session.pop(SETUP_SECRET, None)
    continue_url = next_url or url_for("account.index")
    if pending:
        next_url = session.get(PENDING, {}).get("next")
        remember = session.get(PENDING, {}).get("remember", False)
        start_session(user, remember=remember, method="password+totp-enrolment")
        continue_url = safe_next(next_url, url_for("auth.index"))
    return render_template("auth/recovery_codes.html", codes=codes, continue_url=continue_url)


@bp.route("/recovery-codes", methods=["POST"])
@login_required
def new_recovery_codes() -> Response | str | tuple[str, int]:
    errors: dict[str, list[str]] = {}
    if not current_user.has_two_factor or not _password_confirmed(current_user, errors):
        flash(_("Enter your current password to create new recovery codes."), "error")
        return redirect(url_for("account.index"))
    codes = operations.replace_recovery_codes(current_user)
    return render_template("auth/recovery_codes.html", codes=codes, continue_url=url_for("account.index"))


@bp.route("/disable", methods=["POST"])
@login_required
def disable() -> Response:
    errors: dict[str, list[str]] = {}
    if not _password_confirmed(current_user, errors):
        flash(_("Enter your current password to switch off two-factor sign-in."), "error")
        return redirect(url_for("account.index"))
    try:
        operations.disable_two_factor(current_user)
    except OperationError as exc:
        flash(str(exc), "error")
        return redirect(url_for("account.index"))
    flash(_("Two-factor sign-in is switched off."), "success")
    return redirect(url_for("account.index"))
