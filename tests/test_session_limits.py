"""Sessions end after SESSION_HOURS even when used all the time, unless "remember me" was chosen."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from flask import Flask

from saas.auth.models import User
from saas.db import utcnow
from tests.support.sessions import sign_in


def keep_busy_until(client: object, hours: float) -> int:
    """Request a page every 20 minutes (under the idle limit) for ``hours``; the last status."""
    status = 0
    start = utcnow()
    steps = int(hours * 3)
    for step in range(1, steps + 1):
        with time_machine.travel(start + timedelta(minutes=20 * step), tick=False):
            status = client.get("/account/").status_code  # type: ignore[attr-defined]
    return status


def test_a_busy_session_still_ends_after_the_absolute_limit(app: Flask, volunteer_a: User) -> None:
    client = app.test_client()
    sign_in(client, volunteer_a)
    assert keep_busy_until(client, app.config["SESSION_HOURS"] - 1) == 200
    assert keep_busy_until(client, app.config["SESSION_HOURS"] + 1) == 302


def test_remember_me_keeps_the_person_signed_in(app: Flask, volunteer_a: User) -> None:
    client = app.test_client()
    sign_in(client, volunteer_a, remember=True)
    assert keep_busy_until(client, app.config["SESSION_HOURS"] + 1) == 200
