"""Settings: production refuses an unsafe configuration, SAAS_* variables are typed and checked,
and building the app has no side effects on the database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from config import MIN_SECRET_LENGTH, ROOT, ConfigurationError, Default, load_settings

SECRET = "s" * 24 + "-production-secret-abc"
MASTER = "m" * 24 + "-production-master-xyz"
PRODUCTION = {
    "SAAS_SECRET_KEY": SECRET,
    "SAAS_MASTER_KEY": MASTER,
    "SAAS_DATABASE_URL": "postgresql+psycopg://saas_app:secret@db.internal/samen_oplopen",
}


def production(**changes: str | None) -> dict[str, str]:
    """A valid production environment with ``changes`` (None removes a variable)."""
    environ = dict(PRODUCTION)
    for key, value in changes.items():
        if value is None:
            environ.pop(key, None)
        else:
            environ[key] = value
    return environ


def refused(environment: str, environ: dict[str, str], **kwargs: Any) -> str:
    with pytest.raises(ConfigurationError) as info:
        load_settings(environment, environ=environ, **kwargs)
    return str(info.value)


# Production ------------------------------------------------------------------------------


def test_a_complete_production_configuration_loads() -> None:
    settings = load_settings("production", environ=production())

    assert settings["ENV_NAME"] == "production"
    assert settings["SECRET_KEY"] == SECRET
    assert settings["SECURE_COOKIES"] is True
    assert settings["DEBUG"] is False and settings["TESTING"] is False


def test_production_is_chosen_with_saas_env() -> None:
    assert load_settings(environ={**production(), "SAAS_ENV": "production"})["ENV_NAME"] == "production"
    assert "SAAS_SECRET_KEY" in refused(None, {"SAAS_ENV": "production"})


@pytest.mark.parametrize("key", ["SAAS_SECRET_KEY", "SAAS_MASTER_KEY"])
@pytest.mark.parametrize("value", [
    None, "", "x" * (MIN_SECRET_LENGTH - 1), Default.SECRET_KEY, Default.MASTER_KEY, "dev-only" + "x" * 40,
], ids=["missing", "empty", "short", "dev-secret", "dev-master", "dev-prefix"])
def test_production_refuses_a_missing_short_or_development_key(key: str, value: str | None) -> None:
    message = refused("production", production(**{key: value}))

    assert key in message
    assert str(MIN_SECRET_LENGTH) in message


def test_a_key_of_exactly_the_minimum_length_is_accepted() -> None:
    settings = load_settings("production", environ=production(SAAS_SECRET_KEY="k" * MIN_SECRET_LENGTH))

    assert settings["SECRET_KEY"] == "k" * MIN_SECRET_LENGTH


@pytest.mark.parametrize("url", [None, "", "sqlite:///instance/app.sqlite3", "sqlite://", "sqlite+pysqlite:///x"])
def test_production_refuses_sqlite_or_no_database(url: str | None) -> None:
    assert "SAAS_DATABASE_URL" in refused("production", production(SAAS_DATABASE_URL=url))


@pytest.mark.parametrize("value", ["false", "0", "no", "off", ""])
def test_production_refuses_insecure_cookies(value: str) -> None:
    assert "SAAS_SECURE_COOKIES" in refused("production", production(SAAS_SECURE_COOKIES=value))


def test_development_and_testing_allow_the_defaults() -> None:
    development = load_settings("development", environ={})
    testing = load_settings("testing", environ={})

    assert development["SECURE_COOKIES"] is False and development["DATABASE_URL"].startswith("sqlite")
    assert testing["TESTING"] is True and testing["DATABASE_URL"] == "sqlite://"


def test_an_unknown_environment_is_refused() -> None:
    assert "SAAS_ENV" in refused("staging", {})
    assert "SAAS_ENV" in refused(None, {"SAAS_ENV": "prod"})


# SAAS_* variables -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["SAAS_SECRETKEY", "SAAS_DATABASE", "SAAS_debug", "SAAS_ENV_NAME"])
def test_unknown_saas_variables_are_refused_by_name(name: str) -> None:
    message = refused("development", {name: "1"})

    assert name in message


def test_every_unknown_variable_is_named_at_once() -> None:
    message = refused("development", {"SAAS_ONE": "1", "SAAS_TWO": "2", "SAAS_SESSION_HOURS": "3"})

    assert "SAAS_ONE" in message and "SAAS_TWO" in message
    assert "SAAS_SESSION_HOURS" not in message


def test_saas_test_variables_and_other_variables_are_ignored() -> None:
    settings = load_settings("development", environ={
        "SAAS_TEST_BACKEND": "postgresql", "SAAS_TEST_DATABASE_URL": "postgresql://x", "SAAS_TEST_ANYTHING": "",
        "SAAS_ENV": "development", "DATABASE_URL": "postgresql://ignored", "saas_secret_key": "ignored",
    })

    assert settings["DATABASE_URL"] == load_settings("development", environ={})["DATABASE_URL"]
    assert settings["SECRET_KEY"] == Default.SECRET_KEY


@pytest.mark.parametrize(("raw", "expected"), [
    ("true", True), ("TRUE", True), ("1", True), ("yes", True), ("on", True),
    ("false", False), ("False", False), ("0", False), ("no", False), ("off", False), ("", False),
])
def test_booleans_are_parsed(raw: str, expected: bool) -> None:
    assert load_settings("development", environ={"SAAS_MAIL_USE_TLS": raw})["MAIL_USE_TLS"] is expected


@pytest.mark.parametrize("raw", ["maybe", "2", "enabled", "tru"])
def test_a_bad_boolean_is_refused_clearly(raw: str) -> None:
    message = refused("development", {"SAAS_MAIL_USE_TLS": raw})

    assert "SAAS_MAIL_USE_TLS" in message and repr(raw) in message and "true or false" in message


def test_whole_numbers_are_parsed() -> None:
    settings = load_settings("development", environ={"SAAS_SESSION_HOURS": "24", "SAAS_MAIL_PORT": " 587 ",
                                                     "SAAS_PROXY_HOPS": "1"})

    assert settings["SESSION_HOURS"] == 24
    assert settings["MAIL_PORT"] == 587
    assert settings["PROXY_HOPS"] == 1


@pytest.mark.parametrize("raw", ["twelve", "1.5", "12h", ""])
def test_a_bad_whole_number_is_refused_clearly(raw: str) -> None:
    message = refused("development", {"SAAS_SESSION_HOURS": raw})

    assert "SAAS_SESSION_HOURS" in message and "whole number" in message


@pytest.mark.parametrize("key", ["SESSION_HOURS", "IDLE_MINUTES", "REMEMBER_DAYS", "PASSWORD_MIN_LENGTH",
                                 "INVITATION_DAYS", "PASSWORD_RESET_HOURS", "RECOVERY_CODES",
                                 "MAX_CONTENT_LENGTH"])
@pytest.mark.parametrize("raw", ["0", "-1"])
def test_numbers_that_must_be_positive_are_checked(key: str, raw: str) -> None:
    assert f"SAAS_{key}" in refused("development", {f"SAAS_{key}": raw})


def test_proxy_hops_may_be_zero_but_not_negative() -> None:
    """A negative count would make ProxyFix trust the client's own X-Forwarded-For entries."""
    assert load_settings("development", environ={"SAAS_PROXY_HOPS": "0"})["PROXY_HOPS"] == 0
    assert "SAAS_PROXY_HOPS" in refused("development", {"SAAS_PROXY_HOPS": "-1"})


@pytest.mark.parametrize("raw", ["0", "-25", "65536"])
def test_the_mail_port_must_be_a_port(raw: str) -> None:
    assert "SAAS_MAIL_PORT" in refused("development", {"SAAS_MAIL_PORT": raw})


def test_strings_are_taken_as_they_are() -> None:
    settings = load_settings("development", environ={"SAAS_BASE_URL": "https://samenoplopen.example",
                                                     "SAAS_MAIL_BACKEND": "smtp", "SAAS_DEFAULT_LOCALE": "ar"})

    assert settings["BASE_URL"] == "https://samenoplopen.example"
    assert (settings["MAIL_BACKEND"], settings["DEFAULT_LOCALE"]) == ("smtp", "ar")


@pytest.mark.parametrize(("name", "raw"), [("SAAS_MAIL_BACKEND", "sendmail"), ("SAAS_DEFAULT_LOCALE", "de")])
def test_choices_are_checked(name: str, raw: str) -> None:
    assert name in refused("development", {name: raw})


def test_overrides_beat_the_environment_which_beats_the_defaults() -> None:
    settings = load_settings("development", environ={"SAAS_SESSION_HOURS": "6", "SAAS_IDLE_MINUTES": "5"},
                             overrides={"SESSION_HOURS": 2})

    assert settings["SESSION_HOURS"] == 2
    assert settings["IDLE_MINUTES"] == 5
    assert settings["REMEMBER_DAYS"] == Default.REMEMBER_DAYS


def test_overrides_are_validated_too() -> None:
    assert "SAAS_DATABASE_URL" in refused("production", production(), overrides={"DATABASE_URL": "sqlite://"})


def test_the_process_environment_is_used_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAAS_SESSION_HOURS", "7")

    assert load_settings("testing")["SESSION_HOURS"] == 7


# No side effects ---------------------------------------------------------------------------

IMPORT_CHECK = textwrap.dedent("""
    import gc, json, sys
    import flask
    from sqlalchemy import event
    from sqlalchemy.pool import Pool

    connections = []
    event.listen(Pool, "connect", lambda *args: connections.append(1))

    import saas.app, saas.cli, saas.demo, tenants.home.views
    apps_after_imports = sum(isinstance(o, flask.Flask) for o in gc.get_objects())
    import wsgi
    print(json.dumps({"apps_after_imports": apps_after_imports, "connections": len(connections),
                      "wsgi_app": isinstance(wsgi.app, flask.Flask),
                      "database": wsgi.app.config["SQLALCHEMY_DATABASE_URI"]}))
""")


@pytest.mark.parametrize("database", ["sqlite-in-a-missing-folder", "postgresql-nobody-listens"])
def test_importing_and_building_the_app_touches_no_database(tmp_path: Path, database: str) -> None:
    """Importing the modules builds nothing, and ``wsgi`` (which calls create_app) configures the
    engine without connecting.

    Checked in a fresh interpreter, three ways: a pool "connect" listener counts every DBAPI
    connection; the database is one that cannot be reached (a SQLite file in a folder that does
    not exist, which SQLite cannot create, or a PostgreSQL port where nothing listens), so any
    connection attempt would fail the import; and the SQLite folder must still not exist after.
    So a web worker or a ``flask --help`` starts without the database, and ``flask db upgrade``
    is the only thing that creates a schema.
    """
    missing = tmp_path / "missing-folder"
    url = (f"sqlite:///{missing / 'app.sqlite3'}" if database.startswith("sqlite")
           else "postgresql+psycopg://nobody@127.0.0.1:9/nowhere")
    environ = {key: value for key, value in os.environ.items() if not key.startswith("SAAS_")}
    environ.update(SAAS_ENV="development", SAAS_DATABASE_URL=url, PYTHONWARNINGS="ignore")

    result = subprocess.run([sys.executable, "-c", IMPORT_CHECK], cwd=ROOT, env=environ, capture_output=True,
                            text=True, timeout=120)

    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report == {"apps_after_imports": 0, "connections": 0, "wsgi_app": True, "database": url}
    assert not missing.exists()


def test_an_invalid_environment_stops_wsgi_with_the_configuration_error(tmp_path: Path) -> None:
    environ = {key: value for key, value in os.environ.items() if not key.startswith("SAAS_")}
    environ.update(SAAS_ENV="production", PYTHONWARNINGS="ignore")

    result = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=ROOT, env=environ, capture_output=True,
                            text=True, timeout=120)

    assert result.returncode != 0
    assert "ConfigurationError" in result.stderr and "SAAS_SECRET_KEY" in result.stderr
