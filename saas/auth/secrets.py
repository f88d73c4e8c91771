"""Password hashing, TOTP codes, recovery codes and e-mailed tokens."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import secrets
from datetime import datetime

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

from saas.auth.models import User
from saas.crypto import seal, unseal
from saas.db import utcnow

HASHER_KEY = "saas.password_hasher"

TOTP_ISSUER = "Samen Oplopen"
#: Accept the previous and next 30-second step too: phones' clocks drift.
TOTP_WINDOW = 1


def _hasher() -> tuple[PasswordHasher, str]:
    """The app's Argon2id hasher, and a hash to verify against when an account does not exist."""
    cached = current_app.extensions.get(HASHER_KEY)
    if cached is None:
        hasher = PasswordHasher(memory_cost=current_app.config["PASSWORD_HASH_MEMORY_KIB"],
                                time_cost=current_app.config["PASSWORD_HASH_TIME_COST"])
        cached = current_app.extensions[HASHER_KEY] = (hasher, hasher.hash(secrets.token_hex(16)))
    return cached


def hash_password(password: str) -> str:
    return _hasher()[0].hash(password)


def check_password(user: User | None, password: str) -> bool:
    """True when ``password`` is the user's. Costs the same whether or not the user exists."""
    hasher, dummy_hash = _hasher()
    if user is None or user.password_hash is None:
        with contextlib.suppress(VerificationError):
            hasher.verify(dummy_hash, password)
        return False
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return True


def new_token() -> tuple[str, str]:
    """A random URL-safe token and its SHA-256 hash (only the hash is stored)."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(secret: str, email: str) -> str:
    """The otpauth:// URI shown as a QR code during enrolment."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=TOTP_ISSUER)


def _totp_aad(user: User) -> bytes:
    return f"totp:{user.id}".encode()


def store_totp_secret(user: User, secret: str | None) -> None:
    """Save (encrypted) or remove the user's TOTP secret."""
    user.totp_secret_encrypted = seal(secret.encode(), _totp_aad(user)) if secret else None
    user.totp_last_timecode = None


def matching_timecode(secret: str, code: str, last_timecode: int | None, now: datetime | None = None) -> int | None:
    """The time step ``code`` belongs to, if valid and newer than ``last_timecode``; else None.

    Refusing steps at or before the last accepted one makes every code single-use (ASVS 6.5.1).
    """
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now or utcnow())
    for step in range(current - TOTP_WINDOW, current + TOTP_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code) and (last_timecode is None or step > last_timecode):
            return step
    return None


def verify_totp(user: User, code: str) -> bool:
    """Check a code against the user's authenticator and burn it."""
    if user.totp_secret_encrypted is None:
        return False
    secret = unseal(user.totp_secret_encrypted, _totp_aad(user)).decode()
    step = matching_timecode(secret, code, user.totp_last_timecode)
    if step is None:
        return False
    user.totp_last_timecode = step
    return True


def new_recovery_codes(count: int) -> list[str]:
    """Readable one-time codes like ``k7qm-2x9d-p4tw`` (60 bits of randomness each)."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return ["-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3)) for _ in range(count)]


def normalise_recovery_code(code: str) -> str:
    compact = "".join(ch for ch in code.lower() if ch.isalnum())
    return "-".join(compact[i:i + 4] for i in range(0, len(compact), 4))
