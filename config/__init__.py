"""Settings for the Samen Oplopen platform.

Every setting has a documented default in :class:`Default`. An environment picks a subclass
(``development``, ``testing``, ``production``) and any setting can be overridden with an
environment variable of the same name prefixed by ``SAAS_`` (``SAAS_DATABASE_URL``,
``SAAS_SECRET_KEY`` …). Values are parsed by the type of their default and validated in
:func:`load_settings`; an invalid production configuration stops the app with a clear message
instead of starting half-secure.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


class ConfigurationError(RuntimeError):
    """The settings cannot run the app; the message says which one and why."""


class Default:
    #: Signs session cookies and tokens. Production needs 32+ random characters.
    SECRET_KEY = "dev-only-secret-key-change-me-dev-only"
    #: AES key material (any string of 32+ characters) wrapping per-tenant data keys and TOTP
    #: secrets. Kept apart from SECRET_KEY so rotating one does not break the other.
    MASTER_KEY = "dev-only-master-key-change-me-dev-only"
    #: Database the web process uses. On PostgreSQL this is the app role without table
    #: ownership or BYPASSRLS (see README, "PostgreSQL roles").
    DATABASE_URL = f"sqlite:///{ROOT / 'instance' / 'samen-oplopen.sqlite3'}"
    #: Database URL for migrations; on PostgreSQL the table owner. Empty: same as DATABASE_URL.
    MIGRATION_DATABASE_URL = ""
    #: Redis for rate limits (and later the job queue). Empty: in-memory, one process only.
    REDIS_URL = ""
    #: Public base URL used in e-mailed links (invitations, password reset).
    BASE_URL = "http://127.0.0.1:5000"
    #: Mail transport: "log" writes mails to the application log, "smtp" sends them.
    MAIL_BACKEND = "log"
    MAIL_SERVER = "127.0.0.1"
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_SENDER = "Samen Oplopen <no-reply@samenoplopen.example>"
    #: Interface language when neither the user, the tenant nor the browser decides.
    DEFAULT_LOCALE = "nl"
    #: Times are stored in UTC and shown in this zone.
    TIMEZONE = "Europe/Amsterdam"
    #: Absolute lifetime of a signed-in session, in hours.
    SESSION_HOURS = 12
    #: Sign out after this many idle minutes, unless "remember me" was chosen.
    IDLE_MINUTES = 30
    #: How long "remember me" keeps a person signed in, in days.
    REMEMBER_DAYS = 14
    #: Send cookies only over HTTPS. Off only for the local demo and tests.
    SECURE_COOKIES = True
    #: Rate limits (Flask-Limiter syntax). Sign-in is limited per address and per account.
    LOGIN_LIMIT_PER_ADDRESS = "20/minute;200/hour"
    LOGIN_LIMIT_PER_ACCOUNT = "5/minute;30/hour"
    PASSWORD_RESET_LIMIT = "5/minute;20/hour"
    #: Lifetimes of e-mailed links, in hours.
    PASSWORD_RESET_HOURS = 2
    INVITATION_DAYS = 7
    #: Minimum password length (ASVS 6.2.1 recommends at least 8, we ask 10).
    PASSWORD_MIN_LENGTH = 10
    #: Argon2id cost: memory in KiB and passes (RFC 9106 low-memory profile; ~64 MiB per sign-in).
    PASSWORD_HASH_MEMORY_KIB = 65536
    PASSWORD_HASH_TIME_COST = 3
    #: Number of one-time recovery codes issued with a TOTP authenticator.
    RECOVERY_CODES = 10
    #: Trust this many proxies in X-Forwarded-For (0 when the app faces clients directly).
    PROXY_HOPS = 0
    #: Largest accepted request body, in bytes.
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    #: Log level of the "saas" loggers.
    LOG_LEVEL = "INFO"
    #: Stripe secret key (sk_live_… / sk_test_…); empty: no Stripe, licences are managed by hand.
    STRIPE_SECRET_KEY = ""
    #: The signing secret of the webhook endpoint (whsec_…); webhooks are refused without it.
    STRIPE_WEBHOOK_SECRET = ""
    #: Where the Stripe API lives; only tests change it (a local fake Stripe server).
    STRIPE_API_BASE = ""
    #: Days of full use after a failed payment before a tenant becomes read-only.
    BILLING_GRACE_DAYS = 14
    #: Managers are mailed this many days before read-only starts.
    BILLING_WARNING_DAYS = 3
    #: Hours after which a volunteer's "I need my coordinator" that nobody marked as handled is
    #: sent to the organisation's managers (an hourly job; tenants.matching.notices).
    NOTIFY_ESCALATION_HOURS = 4

    DEBUG = False
    TESTING = False


class Development(Default):
    SECURE_COOKIES = False
    DEBUG = False  # the Werkzeug debugger executes code; never on by default


class Testing(Default):
    TESTING = True
    SECURE_COOKIES = False
    DATABASE_URL = "sqlite://"
    BASE_URL = "http://localhost"
    # Cheap hashing keeps the suite fast; the algorithm and code path are the same.
    PASSWORD_HASH_MEMORY_KIB = 1024
    PASSWORD_HASH_TIME_COST = 1


class Production(Default):
    SECRET_KEY = ""
    MASTER_KEY = ""
    DATABASE_URL = ""


ENVIRONMENTS: dict[str, type[Default]] = {
    "development": Development,
    "testing": Testing,
    "production": Production,
}

MIN_SECRET_LENGTH = 32


def _parse(name: str, raw: str, default: Any) -> Any:
    if isinstance(default, bool):
        if raw.lower() in ("1", "true", "yes", "on"):
            return True
        if raw.lower() in ("0", "false", "no", "off", ""):
            return False
        raise ConfigurationError(f"SAAS_{name} must be true or false, not {raw!r}")
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError:
            raise ConfigurationError(f"SAAS_{name} must be a whole number, not {raw!r}") from None
    return raw


def load_settings(
    environment: str | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Return the validated settings for ``environment`` (default: ``SAAS_ENV`` or development).

    Precedence: class defaults < ``SAAS_*`` environment variables < ``overrides`` (used by tests).
    """
    environ = os.environ if environ is None else environ
    environment = environment or environ.get("SAAS_ENV", "development")
    if environment not in ENVIRONMENTS:
        raise ConfigurationError(
            f"SAAS_ENV must be one of {', '.join(ENVIRONMENTS)}, not {environment!r}")
    cls = ENVIRONMENTS[environment]
    settings = {name: getattr(cls, name) for name in dir(cls) if name.isupper()}
    for name, default in list(settings.items()):
        raw = environ.get(f"SAAS_{name}")
        if raw is not None:
            settings[name] = _parse(name, raw, default)
    unknown = sorted(k[5:] for k in environ if k.startswith("SAAS_") and k[5:] not in settings
                     and k != "SAAS_ENV" and not k.startswith("SAAS_TEST_"))
    if unknown:
        raise ConfigurationError("Unknown settings: " + ", ".join(f"SAAS_{k}" for k in unknown))
    settings.update(overrides or {})
    settings["ENV_NAME"] = environment
    _validate(settings, production=environment == "production")
    return settings


def _validate(settings: dict[str, Any], *, production: bool) -> None:
    for key in ("SECRET_KEY", "MASTER_KEY"):
        value = settings[key]
        if production and (len(value) < MIN_SECRET_LENGTH or value.startswith("dev-only")):
            raise ConfigurationError(
                f"SAAS_{key} must be set to a random value of at least {MIN_SECRET_LENGTH} characters "
                "in production (for example: python -c 'import secrets; print(secrets.token_urlsafe(48))')")
    if not settings["DATABASE_URL"]:
        raise ConfigurationError("SAAS_DATABASE_URL must be set")
    if production and settings["DATABASE_URL"].startswith("sqlite"):
        raise ConfigurationError("SAAS_DATABASE_URL must point at PostgreSQL in production")
    if production and not settings["SECURE_COOKIES"]:
        raise ConfigurationError("SAAS_SECURE_COOKIES cannot be off in production")
    if settings["MAIL_BACKEND"] not in ("log", "smtp"):
        raise ConfigurationError("SAAS_MAIL_BACKEND must be 'log' or 'smtp'")
    if settings["DEFAULT_LOCALE"] not in ("nl", "en", "ar"):
        raise ConfigurationError("SAAS_DEFAULT_LOCALE must be nl, en or ar")
    for key in ("SESSION_HOURS", "IDLE_MINUTES", "REMEMBER_DAYS", "PASSWORD_RESET_HOURS",
                "INVITATION_DAYS", "PASSWORD_MIN_LENGTH", "RECOVERY_CODES", "PASSWORD_HASH_MEMORY_KIB",
                "PASSWORD_HASH_TIME_COST", "MAX_CONTENT_LENGTH", "NOTIFY_ESCALATION_HOURS"):
        if settings[key] <= 0:
            raise ConfigurationError(f"SAAS_{key} must be greater than 0")
    # A negative count would make ProxyFix trust entries the client wrote into X-Forwarded-For.
    if settings["PROXY_HOPS"] < 0:
        raise ConfigurationError("SAAS_PROXY_HOPS must be 0 or more")
    if not 0 < settings["MAIL_PORT"] < 65536:
        raise ConfigurationError("SAAS_MAIL_PORT must be a port number (1-65535)")
