"""Signing in through the real endpoints (password, then the authenticator code)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pyotp
from flask.testing import FlaskClient

from saas.auth.models import User
from tests.factories.platform import PASSWORD


def next_code(user: User) -> str:
    """A TOTP code the server has not seen yet: codes are single-use, so a second sign-in within
    the same 30 seconds uses the next step (the server accepts one step of clock drift)."""
    totp = pyotp.TOTP(user.totp_secret)  # type: ignore[attr-defined]
    used = getattr(user, "_used_steps", set())
    step = totp.timecode(datetime.now(UTC))
    while step in used:
        step += 1
    used.add(step)
    user._used_steps = used  # type: ignore[attr-defined]
    return totp.generate_otp(step)


def sign_in(client: FlaskClient, user: User, password: str = PASSWORD, *, remember: bool = False) -> None:
    response = client.post("/login", data={"email": user.email, "password": password,
                                           "remember": "1" if remember else ""})
    assert response.status_code == 302, response.text[:500]
    if response.location.endswith("/login/verify"):
        response = client.post("/login/verify", data={"code": next_code(user)})
        assert response.status_code == 302, response.text[:500]


#: The ``signed_in`` fixture: ``signed_in(user)`` returns the test client, signed in as ``user``.
SignIn = Callable[..., FlaskClient]
