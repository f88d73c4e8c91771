"""Signing out ends the session on the server (ASVS 7.4.1): copies of its session cookie and its
"remember me" cookie taken before ``POST /logout`` sign nobody in afterwards, while the same
person's sessions on other devices go on (saas.auth.session, UserSession)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from saas.auth.jobs import forget_old_sessions
from saas.auth.models import User, UserSession
from saas.db import db
from tests.support.sessions import sign_in

SESSION_COOKIE = "session"
REMEMBER_COOKIE = "remember_token"


def is_signed_in(client: FlaskClient) -> bool:
    response = client.get("/account/")
    assert response.status_code in (200, 302), response.status_code
    return response.status_code == 200


def replaying(app: Flask, **cookies: str) -> FlaskClient:
    """A fresh browser that carries only the given (captured) cookies."""
    thief = app.test_client()
    for name, value in cookies.items():
        thief.set_cookie(name, value)
    return thief


def captured(client: FlaskClient, name: str) -> str:
    cookie = client.get_cookie(name)
    assert cookie is not None, name
    return cookie.value


def open_sessions(app: Flask, user: User) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(UserSession).where(
            UserSession.user_id == user.id, UserSession.ended_at.is_(None))) or 0


def test_a_session_cookie_captured_before_sign_out_is_worthless_after_it(app: Flask, volunteer_a: User) -> None:
    device = app.test_client()
    sign_in(device, volunteer_a)
    session_cookie = captured(device, SESSION_COOKIE)
    assert is_signed_in(replaying(app, session=session_cookie))  # the copy works while the session lasts

    assert device.post("/logout").status_code == 302

    assert not is_signed_in(replaying(app, session=session_cookie))


def test_a_remember_cookie_captured_before_sign_out_is_worthless_after_it(app: Flask, volunteer_a: User) -> None:
    device = app.test_client()
    sign_in(device, volunteer_a, remember=True)
    remember_cookie = captured(device, REMEMBER_COOKIE)
    session_cookie = captured(device, SESSION_COOKIE)
    assert is_signed_in(replaying(app, remember_token=remember_cookie))  # it signs in on its own

    device.post("/logout")

    assert not is_signed_in(replaying(app, remember_token=remember_cookie))
    assert not is_signed_in(replaying(app, session=session_cookie, remember_token=remember_cookie))
    assert not is_signed_in(device)


def test_signing_out_on_one_device_leaves_the_others_signed_in(app: Flask, volunteer_a: User) -> None:
    phone, laptop = app.test_client(), app.test_client()
    sign_in(phone, volunteer_a, remember=True)
    sign_in(laptop, volunteer_a, remember=True)
    laptop_remember = captured(laptop, REMEMBER_COOKIE)
    assert open_sessions(app, volunteer_a) == 2

    phone.post("/logout")

    assert is_signed_in(laptop)
    assert is_signed_in(replaying(app, remember_token=laptop_remember))
    assert open_sessions(app, volunteer_a) == 1


def test_a_session_ended_by_the_idle_limit_is_ended_on_the_server(app: Flask, volunteer_a: User) -> None:
    device = app.test_client()
    sign_in(device, volunteer_a)
    idle = timedelta(minutes=app.config["IDLE_MINUTES"] + 1)

    with time_machine.travel(datetime.now(UTC) + idle, tick=False):
        assert not is_signed_in(device)

    assert open_sessions(app, volunteer_a) == 0


def test_a_cookie_from_before_server_side_sessions_signs_nobody_in(app: Flask, volunteer_a: User) -> None:
    device = app.test_client()
    with device.session_transaction() as session:  # the id as it was: <user>:<nonce>
        session["_user_id"] = f"{volunteer_a.id}:{volunteer_a.session_nonce}"

    assert not is_signed_in(device)


def test_the_daily_job_forgets_ended_and_outlived_sessions(app: Flask, volunteer_a: User) -> None:
    now = datetime.now(UTC)
    remember_days = timedelta(days=app.config["REMEMBER_DAYS"])
    with app.app_context():
        ended = UserSession(user_id=volunteer_a.id, created_at=now, ended_at=now)
        outlived = UserSession(user_id=volunteer_a.id, created_at=now - remember_days - timedelta(hours=1))
        current = UserSession(user_id=volunteer_a.id, created_at=now - timedelta(hours=1))
        db.session.add_all([ended, outlived, current])
        db.session.flush()

        with time_machine.travel(now, tick=False):
            assert forget_old_sessions() == {"deleted": 2}

        assert db.session.scalars(select(UserSession.id).where(UserSession.user_id == volunteer_a.id)).all() == [
            current.id]
