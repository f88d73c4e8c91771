"""Error responses: translated pages for people, ``{"errors": …}`` for JSON clients, nothing written.

Expected texts are read from the translation catalogues (translations/<locale>/LC_MESSAGES/
messages.po), never hard-coded, so these tests keep holding when the wording changes. The app
reads the compiled .mo files: after editing a catalogue, run ``make compile``
(tests/test_i18n.py checks that the compiled files match the catalogues).
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterator

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from config import ROOT
from saas.app import create_app
from saas.auth.models import Invitation, Membership, User
from saas.db import db, tenant_context
from saas.tenancy.models import Tenant
from tests.support.mailbox import Mailbox
from tests.support.sessions import SignIn

PAGE_LOCALE = "nl"  # the test client sends no Accept-Language: pages are in DEFAULT_LOCALE
JSON = {"Accept": "application/json"}

NOT_FOUND_TITLE = "Page not found"
NOT_FOUND_MESSAGE = "This page does not exist, or you do not have access to it."
INVALID_JSON_MESSAGE = "The request body is not valid JSON."
CONTROL_MESSAGE = "This text contains characters that are not allowed."
TOO_LONG_MESSAGE = "Use at most {max} characters."


@functools.cache
def catalogue(locale: str) -> Catalog:
    with (ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=locale)


def translation(msgid: str, locale: str = PAGE_LOCALE) -> str:
    """The catalogue's text for ``msgid`` in ``locale``; fails when it is missing or empty."""
    message = catalogue(locale).get(msgid)
    assert message is not None, f"{msgid!r} is not in the {locale} catalogue (make i18n-update)"
    assert message.string, f"{msgid!r} has no {locale} translation yet"
    return str(message.string)


def shown(msgid: str, locale: str = PAGE_LOCALE, **values: object) -> str:
    """``msgid`` as a page shows it: translated, filled in and HTML-escaped."""
    text = translation(msgid, locale)
    if values:
        text = text % values if "%(" in text else text.format(**values)
    return str(escape(text))


def assert_error_page(response: TestResponse, status: int, title: str, locale: str = PAGE_LOCALE) -> None:
    assert response.status_code == status, response.text[:500]
    assert response.mimetype == "text/html"
    assert f'<html lang="{locale}" dir="ltr">' in response.text
    assert f"<h1>{shown(title, locale)}</h1>" in response.text
    assert f"<title>{shown(title, locale)} ·" in response.text


def invitation_count(app: Flask, tenant: Tenant) -> int:
    with app.app_context(), tenant_context(db.session, tenant.id):
        return db.session.scalar(select(func.count()).select_from(Invitation))


# 404 -------------------------------------------------------------------------------------


def test_unknown_page_is_a_404_page_in_dutch_by_default(client: FlaskClient) -> None:
    response = client.get("/no-such-page")

    assert_error_page(response, 404, NOT_FOUND_TITLE)
    assert shown(NOT_FOUND_MESSAGE) in response.text


def test_unknown_page_follows_the_browser_language(client: FlaskClient) -> None:
    response = client.get("/no-such-page", headers={"Accept-Language": "en-GB,en;q=0.9"})

    assert_error_page(response, 404, NOT_FOUND_TITLE, locale="en")


def test_unknown_page_answers_json_clients_with_json(client: FlaskClient) -> None:
    response = client.get("/no-such-page", headers=JSON)

    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert response.get_json() == {"errors": {"_request": [translation(NOT_FOUND_MESSAGE)]}}


def test_a_browser_that_accepts_anything_still_gets_html(client: FlaskClient) -> None:
    response = client.get("/no-such-page", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})

    assert response.mimetype == "text/html"


def test_unknown_tenant_is_404_for_a_signed_in_person(signed_in: SignIn, volunteer_a: User) -> None:
    client = signed_in(volunteer_a)

    assert_error_page(client.get("/t/does-not-exist/"), 404, NOT_FOUND_TITLE)
    assert client.get("/t/does-not-exist/members/", headers=JSON).get_json() == {
        "errors": {"_request": [translation(NOT_FOUND_MESSAGE)]}}


def test_anonymous_visitors_cannot_tell_existing_slugs_from_unknown_ones(client: FlaskClient,
                                                                          tenant_a: Tenant) -> None:
    """No slug oracle: an existing and an unknown slug give the same redirect to sign in."""
    answers = []
    for slug in (tenant_a.slug, "does-not-exist"):
        response = client.get(f"/t/{slug}/members/")
        assert response.status_code == 302
        assert response.location.startswith("/login")
        answers.append((response.status_code, response.location.replace(slug, "<slug>"),
                        sorted(k for k, _v in response.headers if k.lower() != "content-length")))
    assert answers[0] == answers[1]


# Malformed and invalid input -------------------------------------------------------------


def test_a_body_that_is_not_json_is_refused_with_a_translated_message(
        app: Flask, signed_in: SignIn, manager_a: User, tenant_a: Tenant, mailbox: Mailbox) -> None:
    client = signed_in(manager_a)

    response = client.post("/t/alpha/members/invite", data='{"email": "new@example.org", "role": ',
                           content_type="application/json")

    assert response.status_code == 400
    assert response.get_json() == {"errors": {"_request": [translation(INVALID_JSON_MESSAGE)]}}
    assert invitation_count(app, tenant_a) == 0
    assert mailbox.messages == []


@pytest.mark.parametrize("body", ['["new@example.org", "volunteer"]', '"new@example.org"', "42", "null"],
                         ids=["list", "string", "number", "null"])
def test_json_that_is_not_an_object_is_refused(app: Flask, signed_in: SignIn, manager_a: User, tenant_a: Tenant,
                                                body: str) -> None:
    client = signed_in(manager_a)

    response = client.post("/t/alpha/members/invite", data=body, content_type="application/json")

    assert response.status_code == 400
    assert response.get_json() == {"errors": {"_request": [translation(INVALID_JSON_MESSAGE)]}}
    assert invitation_count(app, tenant_a) == 0


def test_a_json_body_that_is_not_utf8_is_refused(app: Flask, signed_in: SignIn, manager_a: User,
                                                 tenant_a: Tenant) -> None:
    client = signed_in(manager_a)

    response = client.post("/t/alpha/members/invite", data=b'{"email": "\xff\xfe@example.org"}',
                           content_type="application/json")

    assert response.status_code == 400
    assert response.get_json() == {"errors": {"_request": [translation(INVALID_JSON_MESSAGE)]}}
    assert invitation_count(app, tenant_a) == 0


def test_invalid_json_fields_get_field_errors_with_422(app: Flask, signed_in: SignIn, manager_a: User,
                                                       tenant_a: Tenant, mailbox: Mailbox) -> None:
    client = signed_in(manager_a)

    response = client.post("/t/alpha/members/invite", json={"email": "not-an-address", "role": "king",
                                                             "tenant_id": "smuggled"})

    assert response.status_code == 422
    assert response.mimetype == "application/json"
    assert response.get_json() == {"errors": {
        "email": [translation("Enter a valid e-mail address.")],
        "role": [translation("Choose one of the options.")],
    }}
    assert invitation_count(app, tenant_a) == 0
    assert mailbox.messages == []


@pytest.mark.parametrize("value", [123, ["a@example.org"], {"a": 1}, True], ids=["int", "list", "object", "bool"])
def test_json_values_of_the_wrong_type_are_field_errors(app: Flask, signed_in: SignIn, manager_a: User,
                                                        tenant_a: Tenant, value: object) -> None:
    client = signed_in(manager_a)

    response = client.post("/t/alpha/members/invite", json={"email": value, "role": "volunteer"})

    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"email"}
    assert invitation_count(app, tenant_a) == 0


def test_a_business_rule_refusal_is_a_json_422_too(app: Flask, signed_in: SignIn, manager_a: User,
                                                   volunteer_a: User, tenant_a: Tenant) -> None:
    client = signed_in(manager_a)

    response = client.post("/t/alpha/members/invite", json={"email": volunteer_a.email, "role": "volunteer"})

    assert response.status_code == 422
    assert response.get_json() == {"errors": {
        "email": [translation("This person is already a member of this organisation.")]}}


def test_valid_json_input_is_accepted(app: Flask, signed_in: SignIn, manager_a: User, tenant_a: Tenant) -> None:
    client = signed_in(manager_a)

    response = client.post("/t/alpha/members/invite", json={"email": "New@Example.org", "role": "volunteer"})

    assert response.status_code == 302
    assert invitation_count(app, tenant_a) == 1


@pytest.mark.parametrize(("value", "message"), [
    ("new\x00@example.org", CONTROL_MESSAGE),
    ("new\x1b[31m@example.org", CONTROL_MESSAGE),
    ("new\x7f@example.org", None),  # DEL: not a control character we refuse, but not an address either
    ("x" * 10_000 + "@example.org", TOO_LONG_MESSAGE),
], ids=["nul", "escape", "del", "10000-chars"])
def test_control_characters_and_very_long_input_are_field_errors(
        app: Flask, signed_in: SignIn, manager_a: User, tenant_a: Tenant, mailbox: Mailbox,
        value: str, message: str | None) -> None:
    client = signed_in(manager_a)

    form = client.post("/t/alpha/members/invite", data={"email": value, "role": "volunteer"})
    as_json = client.post("/t/alpha/members/invite", json={"email": value, "role": "volunteer"})

    assert form.status_code == 422
    assert 'id="f-email-error"' in form.text
    assert as_json.status_code == 422
    if message is not None:
        expected = translation(message).format(max=254)
        assert str(escape(expected)) in form.text
        assert as_json.get_json() == {"errors": {"email": [expected]}}
    assert invitation_count(app, tenant_a) == 0
    assert mailbox.messages == []


@pytest.mark.parametrize(("name", "message"), [
    ("Mia\x00Manager", CONTROL_MESSAGE),
    ("Mia\x08Manager", CONTROL_MESSAGE),
    ("M" * 10_000, TOO_LONG_MESSAGE),
], ids=["nul", "backspace", "10000-chars"])
def test_a_profile_name_with_control_characters_or_far_too_long_is_refused(
        app: Flask, signed_in: SignIn, manager_a: User, name: str, message: str) -> None:
    client = signed_in(manager_a)

    response = client.post("/account/profile", data={"name": name, "locale": "nl"})

    assert response.status_code == 422
    assert f'<p class="field-error" id="f-name-error">{escape(translation(message).format(max=120))}</p>' \
        in response.text
    with app.app_context():
        assert db.session.get(User, manager_a.id).name == "Mia Manager"


def test_tabs_and_newlines_are_not_control_characters_for_text(app: Flask, signed_in: SignIn,
                                                               manager_a: User) -> None:
    client = signed_in(manager_a)

    response = client.post("/account/profile", data={"name": "Mia\tvan\nManager", "locale": "nl"})

    assert response.status_code == 302


def test_json_input_reaches_the_same_fields_as_a_form(app: Flask, signed_in: SignIn, manager_a: User,
                                                      volunteer_a: User, tenant_a: Tenant) -> None:
    client = signed_in(manager_a)
    with app.app_context(), tenant_context(db.session, tenant_a.id):
        member_id = db.session.scalars(select(Membership.id).where(Membership.user_id == volunteer_a.id)).one()

    client.post(f"/t/alpha/members/{member_id}/active", json={"active": "1"})

    with app.app_context(), tenant_context(db.session, tenant_a.id):
        assert db.session.get(Membership, (tenant_a.id, member_id)).is_active, "re-activating deactivated"


# 413, 405 ---------------------------------------------------------------------------------


def test_a_body_over_the_size_limit_is_refused_with_413(app: Flask, signed_in: SignIn, manager_a: User,
                                                        tenant_a: Tenant) -> None:
    client = signed_in(manager_a)
    too_large = app.config["MAX_CONTENT_LENGTH"] + 1
    assert too_large < 10 * 1024 * 1024, "the limit should stay a few megabytes"

    page = client.post("/t/alpha/members/invite", data={"email": "a" * too_large, "role": "volunteer"})
    as_json = client.post("/t/alpha/members/invite", data=b" " * too_large, content_type="application/json")

    assert_error_page(page, 413, "Too large")
    assert shown("What you sent is larger than we accept. Send something smaller.") in page.text
    assert as_json.status_code == 413
    assert as_json.get_json() == {"errors": {"_request": [
        translation("What you sent is larger than we accept. Send something smaller.")]}}
    assert invitation_count(app, tenant_a) == 0


def test_a_large_body_on_the_sign_in_form_is_refused_with_413(app: Flask, client: FlaskClient) -> None:
    """Sign-in reads the form before the view (the per-account rate limit): still a 413 page."""
    too_large = app.config["MAX_CONTENT_LENGTH"] + 1

    response = client.post("/login", data={"email": "a" * too_large, "password": "x"})

    assert_error_page(response, 413, "Too large")


def test_get_on_a_post_only_route_is_405_with_allow(client: FlaskClient) -> None:
    response = client.get("/logout")

    assert_error_page(response, 405, "This action is not allowed here")
    assert shown("This page cannot be used this way.") in response.text
    assert "POST" in {method.strip() for method in response.headers["Allow"].split(",")}
    assert "GET" not in response.headers["Allow"]


def test_405_for_json_clients_is_json_with_allow(client: FlaskClient) -> None:
    response = client.get("/logout", headers=JSON)

    assert response.status_code == 405
    assert response.get_json() == {"errors": {"_request": [translation("This page cannot be used this way.")]}}
    assert "POST" in response.headers["Allow"]


# 500 -------------------------------------------------------------------------------------


@pytest.fixture
def valid_session_factory() -> Iterator[None]:
    """Work around tests/conftest.py: its teardown resets the shared session factory to
    ``join_transaction_mode="conservative_savepoint"``, which SQLAlchemy 2.1 refuses (the mode
    is "conditional_savepoint"), so a session made outside that fixture — as a second app
    does — raises ArgumentError. Set a valid mode for this test and restore what was there."""
    factory = db.session.session_factory
    saved = dict(factory.kw)
    factory.configure(bind=None, join_transaction_mode="conditional_savepoint")
    try:
        yield
    finally:
        factory.kw.clear()
        factory.kw.update(saved)


@pytest.fixture
def failing_app(valid_session_factory: None) -> Iterator[Flask]:
    """A separate app (the shared one must not get routes after its first request) whose
    /boom route writes a row and then fails, with exceptions turned into 500 pages as in
    production (under testing they would propagate)."""
    application = create_app("testing", DATABASE_URL="sqlite://")
    application.config["PROPAGATE_EXCEPTIONS"] = False
    with application.app_context():
        db.create_all()

    @application.route("/boom")
    def boom() -> str:
        db.session.add(Tenant(slug="half-written", name="Half written", municipalities=["Nowhere"]))
        db.session.flush()
        raise RuntimeError("boom: the failure under test")

    yield application
    with application.app_context():
        db.drop_all()
        db.engine.dispose()


def test_unexpected_error_is_a_500_page_with_an_id_that_is_in_the_log(
        failing_app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR, logger="saas.errors")

    response = failing_app.test_client().get("/boom")

    assert_error_page(response, 500, "Something went wrong")
    assert shown("An unexpected error occurred. It has been logged; please try again later.") in response.text
    assert "boom: the failure under test" not in response.text
    assert "Traceback" not in response.text
    pattern = re.escape(shown("Error id: %(id)s", id="ERRORID")).replace("ERRORID", r"([0-9a-f]{12})")
    match = re.search(pattern, response.text)
    assert match, "the page shows no error id"
    error_id = match.group(1)
    records = [r for r in caplog.records if r.name == "saas.errors" and error_id in r.getMessage()]
    assert len(records) == 1, caplog.text
    assert records[0].levelno == logging.ERROR
    assert records[0].exc_info is not None and records[0].exc_info[0] is RuntimeError
    assert "GET /boom" in records[0].getMessage()
    assert "Traceback (most recent call last)" in caplog.text
    assert "RuntimeError: boom: the failure under test" in caplog.text
    with failing_app.app_context():
        assert db.session.scalars(select(Tenant)).all() == [], "the failed request was not rolled back"


def test_unexpected_error_for_json_clients_is_json_with_the_error_id(
        failing_app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR, logger="saas.errors")

    response = failing_app.test_client().get("/boom", headers=JSON)

    assert response.status_code == 500
    body = response.get_json()
    assert body["errors"] == {"_request": [
        translation("An unexpected error occurred. It has been logged; please try again later.")]}
    assert re.fullmatch(r"[0-9a-f]{12}", body["error_id"])
    assert body["error_id"] in caplog.text


def test_each_failure_gets_its_own_error_id(failing_app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR, logger="saas.errors")
    client = failing_app.test_client()

    ids = {client.get("/boom", headers=JSON).get_json()["error_id"] for _ in range(3)}

    assert len(ids) == 3


def test_blank_items_of_a_json_list_count_as_missing(app: Flask, signed_in: SignIn, foundation_admin: User) -> None:
    """A JSON list of blank texts is no list of municipalities (it used to be stored as [null])."""
    client = signed_in(foundation_admin)
    tenant = {"name": "Samen Oplopen Leeg", "slug": "leeg", "default_locale": "nl",
              "manager_email": "manager@leeg.example"}

    response = client.post("/foundation/tenants/new", json={**tenant, "municipalities": [" ", None, ""]})

    assert response.status_code == 422
    assert response.get_json() == {"errors": {"municipalities": [translation("This field is required.")]}}
    with app.app_context():
        assert db.session.scalars(select(Tenant).where(Tenant.slug == "leeg")).all() == []

    response = client.post("/foundation/tenants/new", json={**tenant, "municipalities": [" Leeg ", " "]})

    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalars(select(Tenant.municipalities).where(Tenant.slug == "leeg")).one() == ["Leeg"]
