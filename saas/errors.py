"""Error responses in one place: translated HTML pages for people, JSON for JSON clients.

A 500 gets an error id that is written to the log with the traceback and shown to the person,
so support can find the cause. A database error that got past the input checks is no 500: a
translated 409 or 400, or a 503 with Retry-After while the database is away (saas.request_guards).
Under testing, unexpected exceptions propagate (Flask's PROPAGATE_EXCEPTIONS) so a bug fails its
test instead of becoming a page.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import TypeVar

from flask import Flask, Response, abort, g, jsonify, make_response, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc
from werkzeug.exceptions import HTTPException, InternalServerError

from saas.db import db
from saas.forms import InvalidJSON
from saas.i18n import L_
from saas.request_guards import (
    OUTAGE_ERRORS,
    RETRY_AFTER_SECONDS,
    is_outage,
    refuse_control_characters_in_urls,
    rollback_quietly,
)

logger = logging.getLogger("saas.errors")

TITLES = {
    400: L_("The request could not be processed"),
    403: L_("No access"),
    404: L_("Page not found"),
    405: L_("This action is not allowed here"),
    413: L_("Too large"),
    422: L_("Check your input"),
    409: L_("Changed at the same time"),
    429: L_("Too many attempts"),
    500: L_("Something went wrong"),
    503: L_("Temporarily unavailable"),
}

MESSAGES = {
    400: L_("The request was incomplete or malformed. Go back and try again."),
    403: L_("You do not have access to this page with your current role."),
    404: L_("This page does not exist, or you do not have access to it."),
    405: L_("This page cannot be used this way."),
    413: L_("What you sent is larger than we accept. Send something smaller."),
    422: L_("Some of what you entered is not valid."),
    429: L_("Too many attempts in a short time. Wait a minute and try again."),
    409: L_("This could not be saved: it clashes with something saved at the same moment. Nothing has "
            "changed; reload the page and try again."),
    500: L_("An unexpected error occurred. It has been logged; please try again later."),
    503: L_("The service is unavailable for a moment. Nothing has been saved; try again in a minute."),
}

CSRF_MESSAGE = L_("This form has expired or did not come from this site. Reload the page and try again.")


class OperationError(Exception):
    """A business rule refused a change. The message is translated and shown to the person;
    the form is shown again with it (saas.web.run_form), and the request rolls back.

    ``field`` names the input the refusal is about, so the form shows it there; by default it is
    about the whole form (``_form``)."""

    def __init__(self, message: object, *, field: str = "_form") -> None:
        super().__init__(message)
        self.field = field


Found = TypeVar("Found")


def or_404(value: Found | None) -> Found:
    """``value``, or a 404 when it is None (a lookup inside the tenant found nothing)."""
    if value is None:
        abort(404)
    return value


def wants_json() -> bool:
    """True for clients that sent JSON or prefer it over HTML."""
    if request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def invalid_input(errors: dict[str, list[str]], render_form: Callable[[], ResponseReturnValue]) -> ResponseReturnValue:
    """The answer to input that failed validation: ``{"errors": …}`` with 422 for JSON clients,
    else the form again (``render_form`` renders it with the errors, status 422)."""
    if wants_json():
        return make_response(jsonify({"errors": errors}), 422)
    return render_form()


def error_response(code: int, message: str, *, error_id: str | None = None) -> Response:
    """The error in the client's format: ``{"errors": …}`` for JSON, else a translated page."""
    if wants_json():
        body: dict[str, object] = {"errors": {"_request": [message]}}
        if error_id:
            body["error_id"] = error_id
        return make_response(jsonify(body), code)
    title = TITLES.get(code, TITLES[400])
    return make_response(render_template("error.html", code=code, title=title, message=message,
                                         error_id=error_id), code)


def database_error_response(error: BaseException) -> Response | None:
    """The answer to a database error that got past the input checks (saas.request_guards), None for
    any other error: rolled back, logged without personal data, in the client's format. A lost
    database is a 503 with Retry-After; a broken unique or foreign key a 409; a refused value a 400."""
    if is_outage(error):
        logger.warning("database unavailable on %s %s: %s", request.method, request.path, type(error).__name__)
        return _outage_response()
    code = 409 if isinstance(error, exc.IntegrityError) else 400 if isinstance(error, exc.DataError) else None
    if code is None:
        return None
    rollback_quietly()
    # The statement and its parameters may hold personal data: log the kind of error only.
    logger.warning("database refused %s %s (%s): answered %s", request.method, request.path,
                   type(getattr(error, "orig", error)).__name__, code)
    return error_response(code, str(MESSAGES[code]))


def _outage_response() -> Response:
    """The 503, drawn without the database: the signed-in person and the tenant (expired by the
    rollback) would be read again, so the page shows neither; plain text if even that fails."""
    from saas.extensions import login_manager

    rollback_quietly()
    g._login_user = login_manager.anonymous_user()
    g.pop("tenant", None)
    g.pop("membership", None)
    message = str(MESSAGES[503])
    try:
        response = error_response(503, message)
    except Exception:  # the page itself needed the database
        logger.warning("the 503 page could not be drawn; answered in plain text", exc_info=True)
        response = make_response(message, 503, {"Content-Type": "text/plain; charset=utf-8"})
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _database_error(error: Exception) -> Response:
    response = database_error_response(error)
    if response is None:  # another kind of database error (a bug, e.g. SQLite's missing table): a 500
        raise error
    return response


def register_error_handlers(app: Flask) -> None:
    app.url_value_preprocessor(refuse_control_characters_in_urls)
    database_errors: tuple[type[Exception], ...] = (exc.IntegrityError, exc.DataError, *OUTAGE_ERRORS)
    for error_class in database_errors:
        app.register_error_handler(error_class, _database_error)

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError) -> Response:
        db.session.rollback()
        return error_response(400, str(CSRF_MESSAGE))

    @app.errorhandler(InternalServerError)
    def _server_error(error: InternalServerError) -> Response:
        original = getattr(error, "original_exception", None) or error
        answered = database_error_response(original)  # e.g. the request's commit met a lost connection
        if answered is not None:
            return answered
        db.session.rollback()
        error_id = uuid.uuid4().hex[:12]
        logger.error("error id %s on %s %s", error_id, request.method, request.path,
                     exc_info=(type(original), original, original.__traceback__))
        return error_response(500, str(MESSAGES[500]), error_id=error_id)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Response:
        if error.response is not None:  # e.g. abort(redirect(...)) from a URL preprocessor
            return error.response
        db.session.rollback()
        code = error.code or 500
        # Our own exceptions carry a translated description; Werkzeug's are English.
        message = error.description if isinstance(error, InvalidJSON) else MESSAGES.get(code, MESSAGES[400])
        response = error_response(code, str(message))
        for name, value in error.get_headers():  # keeps Allow on 405 and Retry-After on 429
            if name.lower() != "content-type":
                response.headers[name] = value
        return response
