"""The application factory. Importing this module has no side effects; calling it wires the app.

The packages it is built from, and what each provides, are declared in their front doors and walked
in order by saas.packages (platform first, then ``tenants.PACKAGES``)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from flask import Flask, Response, g
from werkzeug.middleware.proxy_fix import ProxyFix

from config import ROOT, load_settings
from saas import packages
from saas.db import configure_engine, db
from saas.web import AFTER_COMMIT


def create_app(environment: str | None = None, **overrides: Any) -> Flask:
    """Build the app for ``environment`` (development, testing, production).

    ``overrides`` replace settings after the ``SAAS_*`` environment is read (tests use this).
    """
    settings = load_settings(environment, overrides=overrides)
    app = Flask("saas", root_path=str(ROOT / "saas"), instance_path=str(ROOT / "instance"))
    _configure(app, settings)
    _init_logging(app)
    _init_data(app)
    _init_requests(app, settings)
    _init_people(app, settings)
    _init_pages(app)

    from saas.cli import register_commands

    register_commands(app)
    return app


def _init_data(app: Flask) -> None:
    """The engine (with SQLite's pragmas) and migrations, over every package's models."""
    from saas.extensions import migrate

    packages.import_models()
    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), compare_type=True)


def _init_requests(app: Flask, settings: dict[str, Any]) -> None:
    """Proxies, JSON errors, CSRF on every form, rate limits."""
    from saas.extensions import csrf, limiter
    from saas.forms import SaasRequest

    app.request_class = SaasRequest
    if settings["PROXY_HOPS"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings["PROXY_HOPS"], x_proto=settings["PROXY_HOPS"])  # type: ignore[method-assign]
    csrf.init_app(app)
    limiter.init_app(app)
    from saas.health import HealthEndpoints

    # Outside Flask's request handling: no session, sign-in, CSRF, rate limit or tenant lookup.
    app.wsgi_app = HealthEndpoints(app.wsgi_app, app)  # type: ignore[method-assign]


def _init_people(app: Flask, settings: dict[str, Any]) -> None:
    """Sessions and language."""
    from saas.auth.session import init_session_handling
    from saas.drafts.keeping import init_drafts
    from saas.extensions import login_manager
    from saas.i18n import babel, install_template_translations, select_locale

    login_manager.init_app(app)
    # "basic", not "strong": volunteers' phones change address between networks all day, and
    # "strong" would sign them out each time. Sessions are still bounded (saas.auth.session).
    login_manager.session_protection = "basic"
    init_session_handling(app)
    init_drafts()
    babel.init_app(app, locale_selector=select_locale, default_timezone=settings["TIMEZONE"],
                   default_translation_directories=str(ROOT / "translations"))
    install_template_translations(app)


def _init_pages(app: Flask) -> None:
    """Templates, every package's blueprints and contributions, errors, headers, one commit per request."""
    from saas.errors import register_error_handlers
    from saas.security import init_security_headers
    from saas.templating import init_templating
    from saas.web.tenant import add_tenant_slug

    init_templating(app)
    for blueprint in packages.blueprints():
        app.register_blueprint(blueprint)
    packages.contribute_all()  # panels and signal listeners one package adds to another
    app.url_defaults(add_tenant_slug)
    register_error_handlers(app)
    init_security_headers(app)
    app.after_request(_commit_request)


#: Refusals that may keep a copy of the input for its author: invalid input (422), and a form sent
#: after the session ended (401 to an autosave; the sign-out's redirect commits anyway).
KEPT_STATUSES = frozenset({401, 422})


def _commit_request(response: Response) -> Response:
    """Commit once per request when it succeeded; anything else rolls back.

    Operations only flush; this is the one commit, so a request is all-or-nothing. One exception:
    a view that refuses input (422) but keeps a copy of it for its author sets
    ``g.keep_refused_input`` (tenants.matching.contacts.views: a contact log that failed validation
    is kept as a draft, so it is never lost; saas.drafts: a form sent after the session ended);
    such a view flushes nothing but that copy.

    After the commit, the work the view left for then runs (saas.web.after_commit), so no view
    commits halfway; after a rollback it is dropped, as the mail outbox is (saas.mail).
    """
    kept = response.status_code in KEPT_STATUSES and g.get("keep_refused_input")
    if response.status_code < 400 or kept:
        db.session.commit()
        for callback in g.pop(AFTER_COMMIT, []):  # saas.web.after_commit: tasks that need the saved rows
            callback()
    else:
        db.session.rollback()
    return response


def _engine_options(url: str) -> dict[str, Any]:
    """No pool_pre_ping (a round trip per request): saas.db.base polls a pooled connection's socket
    instead. TCP keepalives make a connection a network cut silently (a load balancer's idle
    time-out) show as closed to that poll within a minute; connections older than half an hour are
    replaced when they are next taken."""
    if url.startswith("sqlite"):
        return {}
    return {"pool_recycle": 1800,
            "connect_args": {"keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10, "keepalives_count": 3}}


def _configure(app: Flask, settings: dict[str, Any]) -> None:
    app.config.update(settings)
    secure = settings["SECURE_COOKIES"]
    app.config.update(
        SQLALCHEMY_DATABASE_URI=settings["DATABASE_URL"],
        SQLALCHEMY_ENGINE_OPTIONS=_engine_options(settings["DATABASE_URL"]),
        SESSION_REFRESH_EACH_REQUEST=False,  # the cookie is re-sent when it changes (saas.auth.session)
        SESSION_COOKIE_NAME="__Host-session" if secure else "session",
        SESSION_COOKIE_SECURE=secure,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings["SESSION_HOURS"]),
        REMEMBER_COOKIE_DURATION=timedelta(days=settings["REMEMBER_DAYS"]),
        REMEMBER_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,  # tied to the session instead; long forms must not expire
        RATELIMIT_STORAGE_URI=settings["REDIS_URL"] or "memory://",
        RATELIMIT_HEADERS_ENABLED=True,
        # Redis away: the limits hold in memory, per process (Flask-Limiter logs a warning), and go
        # back to Redis once it answers again; a short timeout keeps a hung Redis from hanging sign-in.
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
        RATELIMIT_STORAGE_OPTIONS={"socket_connect_timeout": 1, "socket_timeout": 1} if settings["REDIS_URL"] else {},
        BABEL_DEFAULT_LOCALE=settings["DEFAULT_LOCALE"],
    )


def _init_logging(app: Flask) -> None:
    logger = logging.getLogger("saas")
    logger.setLevel(app.config["LOG_LEVEL"])
    if not logger.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
