"""A person's own phone number on their account page (issue 17): optional, checked, and shown to
the volunteers a coordinator guides (tests/matching/test_family_reach.py)."""

from __future__ import annotations

from flask import Flask

from saas.auth.models import User
from saas.db import db
from tests.support.sessions import SignIn


def stored_phone(app: Flask, user: User) -> str | None:
    with app.app_context():
        stored = db.session.get(User, user.id)
        assert stored is not None
        return stored.phone


def test_a_coordinator_adds_changes_and_removes_their_phone_number(
        app: Flask, signed_in: SignIn, coordinator_a: User) -> None:
    client = signed_in(coordinator_a)
    assert 'name="phone"' in client.get("/account/").text
    response = client.post("/account/profile", data={"name": coordinator_a.name, "locale": "en",
                                                     "phone": " 030  123 4567 "})
    assert response.status_code == 302
    assert stored_phone(app, coordinator_a) == "030 123 4567"
    assert 'value="030 123 4567"' in client.get("/account/").text
    client.post("/account/profile", data={"name": coordinator_a.name, "locale": "en", "phone": ""})
    assert stored_phone(app, coordinator_a) is None


def test_a_bad_phone_number_is_a_field_error_and_nothing_is_saved(
        app: Flask, signed_in: SignIn, coordinator_a: User) -> None:
    client = signed_in(coordinator_a)
    response = client.post("/account/profile", data={"name": "Een Andere Naam", "locale": "en", "phone": "bel mij"})
    assert response.status_code == 422
    assert "Enter a phone number, for example 06 12345678 or +31 6 12345678." in response.text
    assert 'id="f-phone-error"' in response.text
    assert stored_phone(app, coordinator_a) is None
    with app.app_context():
        assert db.session.get(User, coordinator_a.id).name == coordinator_a.name  # type: ignore[union-attr]
