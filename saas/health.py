"""``/healthz`` and ``/readyz`` for the load balancer and the process supervisor.

* ``/healthz`` — liveness: the process answers (nothing else is touched).
* ``/readyz`` — readiness: the database answers, the migrations are at head, Redis answers (or
  the app runs "degraded": rate limits in memory per process, tasks inline), and how many
  background tasks wait. 503 when the database is away or the schema is behind (send no traffic
  here); 200 otherwise, with ``"status": "degraded"`` when only Redis is away.

Both answer JSON with states and counts only: no personal data, no tenant names, no errors' text.
They are served by a WSGI wrapper in front of Flask, so they need no sign-in, open no session,
count against no rate limit and write nothing.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from werkzeug.wrappers import Response

from config import ROOT
from saas.db import db

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment
    from flask import Flask

logger = logging.getLogger("saas.health")

LIVENESS, READINESS = "/healthz", "/readyz"


class HealthEndpoints:
    """Answers the two health paths itself and passes every other request to the app."""

    def __init__(self, wsgi_app: WSGIApplication, app: Flask) -> None:
        self.wsgi_app, self.app = wsgi_app, app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path not in (LIVENESS, READINESS):
            return self.wsgi_app(environ, start_response)
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            response = _json({"status": "method not allowed"}, 405)
            response.headers["Allow"] = "GET, HEAD"
        elif path == LIVENESS:
            response = _json({"status": "ok"}, 200)
        else:
            with self.app.app_context():
                report = readiness(self.app)
            response = _json(report, 503 if report["status"] == "unavailable" else 200)
        return response(environ, start_response)


def _json(body: dict[str, Any], status: int) -> Response:
    response = Response(json.dumps(body, sort_keys=True), status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


def readiness(app: Flask) -> dict[str, Any]:
    """The readiness report (inside an app context)."""
    database, migrations, jobs = _database()
    redis, redis_queue = _redis(app.config.get("REDIS_URL") or "")
    jobs["redis_queue"] = redis_queue
    checks = {"database": database, "migrations": migrations, "redis": redis, "rate_limits": _rate_limits()}
    if database != "ok" or migrations != "ok":
        status = "unavailable"
    elif redis == "unavailable":
        status = "degraded"
    else:
        status = "ok"
    return {"status": status, "checks": checks, "jobs": jobs}


def _database() -> tuple[str, str, dict[str, Any]]:
    """(database state, migration state, task counts); any failure is "unavailable", logged."""
    from saas.jobs.leases import queue_depth

    try:
        current = set(db.session.scalars(text("SELECT version_num FROM alembic_version")))
        depth: dict[str, Any] = dict(queue_depth())
    except Exception as exc:  # the database or its schema is away: say so, never a 500
        logger.warning("readiness: the database is not usable: %s", type(exc).__name__)
        return "unavailable", "unknown", {}
    finally:
        db.session.rollback()  # a read-only check: end its transaction at once
    return "ok", "ok" if current == migration_heads() else "behind", depth


@cache
def migration_heads() -> set[str]:
    """The head revisions of migrations/ (read once per process)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return set(ScriptDirectory.from_config(config).get_heads())


def _redis(url: str) -> tuple[str, int | None]:
    """(Redis state, jobs waiting on the RQ queue); "not configured" without SAAS_REDIS_URL."""
    if not url:
        return "not configured", None
    from saas.jobs.queue import job_queue, redis_connection

    connection = redis_connection(url, web=True)
    try:
        return "ok", job_queue(connection).count
    except Exception as exc:  # away: the app degrades (limits in memory, tasks inline)
        logger.warning("readiness: Redis is not reachable: %s", type(exc).__name__)
        return "unavailable", None
    finally:
        connection.close()


def _rate_limits() -> str:
    """"shared" (Redis, or the one process of the embedded default) or "per process" (fallback)."""
    from saas.extensions import limiter

    return "per process" if getattr(limiter, "_storage_dead", False) else "shared"
