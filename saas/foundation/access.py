"""Who may enter /foundation/: foundation staff with two-factor sign-in; admins for changes."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, abort, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from saas.auth.roles import FoundationRole
from saas.db import bind_context, db
from saas.extensions import login_manager

View = TypeVar("View", bound=Callable[..., Any])


def foundation_blueprint(name: str, import_name: str, **kwargs: Any) -> Blueprint:
    """A blueprint under /foundation/ that only foundation staff can open (others: 404)."""
    blueprint = Blueprint(name, import_name, url_prefix="/foundation", **kwargs)
    blueprint.before_request(_require_foundation_staff)
    return blueprint


def _require_foundation_staff() -> Response | None:
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_foundation:
        abort(404)
    if not current_user.has_two_factor:
        return redirect(url_for("two_factor.setup", next=request.full_path))
    # Lets PostgreSQL show the published statistics of every tenant (saas.foundation.models);
    # no tenant is bound, so every other tenant table stays empty to this request.
    bind_context(db.session, reader="foundation")
    return None


def require_foundation_admin(view: View) -> View:
    """Only foundation admins; staff get 403."""
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_user.foundation_role != FoundationRole.ADMIN:
            abort(403)
        return view(*args, **kwargs)
    return wrapper  # type: ignore[return-value]
