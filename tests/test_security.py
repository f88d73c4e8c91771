"""Web security: CSRF, response headers, a CSP without inline code, safe redirects, cookie flags."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import select

from saas.audit.models import PlatformEvent
from saas.auth.models import User
from saas.auth.session import safe_next
from saas.db import db
from saas.i18n import _, force_locale
from tests.factories.platform import PASSWORD
from tests.support.sessions import SignIn, next_code, sign_in

PAGE_LOCALE = "nl"  # the test client sends no Accept-Language: pages use DEFAULT_LOCALE
CSRF_MESSAGE = "This form has expired or did not come from this site. Reload the page and try again."


def translated(app: Flask, message: str) -> str:
    with app.test_request_context(), force_locale(PAGE_LOCALE):
        return str(_(message))


def text(app: Flask, message: str) -> str:
    """``message`` as a page shows it: translated into the page language and HTML-escaped."""
    return str(escape(translated(app, message)))


def csrf_token_of(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "the page has no CSRF token"
    return match.group(1)


def login_form(user: User, **extra: str) -> dict[str, str]:
    return {"email": user.email, "password": PASSWORD, **extra}


def succeeded_logins(app: Flask, user: User) -> int:
    with app.app_context():
        return len(db.session.scalars(select(PlatformEvent).where(
            PlatformEvent.action == "login.succeeded", PlatformEvent.user_id == user.id)).all())


# CSRF ------------------------------------------------------------------------------------


@pytest.fixture
def csrf_enabled(app: Flask) -> Iterator[None]:
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        yield
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


@pytest.mark.usefixtures("csrf_enabled")
def test_post_without_csrf_token_is_refused_with_a_translated_page(app: Flask, client: FlaskClient,
                                                                   volunteer_a: User) -> None:
    client.get("/login")

    response = client.post("/login", data=login_form(volunteer_a))

    assert response.status_code == 400
    assert text(app, CSRF_MESSAGE) in response.text
    assert response.mimetype == "text/html"
    assert succeeded_logins(app, volunteer_a) == 0


@pytest.mark.usefixtures("csrf_enabled")
def test_post_with_a_wrong_csrf_token_is_refused(app: Flask, client: FlaskClient, volunteer_a: User) -> None:
    client.get("/login")

    response = client.post("/login", data=login_form(volunteer_a, csrf_token="forged"))

    assert response.status_code == 400
    assert text(app, CSRF_MESSAGE) in response.text


@pytest.mark.usefixtures("csrf_enabled")
def test_csrf_token_of_another_session_is_refused(app: Flask, volunteer_a: User) -> None:
    token = csrf_token_of(app.test_client().get("/login").text)
    attacker = app.test_client()
    attacker.get("/login")

    response = attacker.post("/login", data=login_form(volunteer_a, csrf_token=token))

    assert response.status_code == 400


@pytest.mark.usefixtures("csrf_enabled")
def test_post_with_the_token_from_the_form_passes(app: Flask, client: FlaskClient, volunteer_a: User) -> None:
    token = csrf_token_of(client.get("/login").text)

    response = client.post("/login", data=login_form(volunteer_a, csrf_token=token))

    assert response.status_code == 302
    assert response.location == "/"
    assert succeeded_logins(app, volunteer_a) == 1


@pytest.mark.usefixtures("csrf_enabled")
def test_json_post_without_csrf_token_gets_a_json_error(app: Flask, client: FlaskClient) -> None:
    response = client.post("/login", json={"email": "someone@alpha.example", "password": "whatever"})

    assert response.status_code == 400
    assert response.get_json() == {"errors": {"_request": [translated(app, CSRF_MESSAGE)]}}


@pytest.mark.usefixtures("csrf_enabled")
def test_logout_needs_a_csrf_token(client: FlaskClient, volunteer_a: User) -> None:
    token = csrf_token_of(client.get("/login").text)
    client.post("/login", data=login_form(volunteer_a, csrf_token=token))

    assert client.post("/logout").status_code == 400
    assert client.get("/account/").status_code == 200


# Headers ---------------------------------------------------------------------------------


def test_pages_send_a_strict_content_security_policy(client: FlaskClient) -> None:
    policy = client.get("/login").headers["Content-Security-Policy"]

    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy


def test_pages_send_the_security_headers(client: FlaskClient) -> None:
    headers = client.get("/login").headers

    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] in ("same-origin", "no-referrer", "strict-origin")
    assert headers["Cache-Control"] == "no-store"


def test_error_pages_and_redirects_send_the_security_headers_too(client: FlaskClient) -> None:
    for response in (client.get("/no-such-page"), client.get("/account/")):
        assert response.status_code in (302, 404)
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Cache-Control"] == "no-store"


def test_signed_in_pages_are_never_cached(signed_in: SignIn, manager_a: User) -> None:
    client = signed_in(manager_a)

    for path in ("/account/", "/t/alpha/", "/t/alpha/members/"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path


def test_static_files_may_be_cached(client: FlaskClient) -> None:
    response = client.get("/static/app.css")

    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    response.close()


INLINE_CODE = {
    "inline script": re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "style element": re.compile(r"<style\b", re.IGNORECASE),
    "style attribute": re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE),
    "event handler attribute": re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def inline_code_in(page: str) -> list[str]:
    return [name for name, pattern in INLINE_CODE.items() if pattern.search(page)]


def test_the_inline_code_scanner_finds_what_the_csp_would_block() -> None:
    for sample in ("<script>alert(1)</script>", '<p style="color: red">', "<style>p {}</style>",
                   '<button onclick="go()">', '<a href="javascript:go()">'):
        assert inline_code_in(sample), sample
    assert inline_code_in('<script src="/static/app.js" defer></script><p class="x">') == []


def test_login_page_has_no_inline_script_or_style(client: FlaskClient) -> None:
    response = client.get("/login")

    assert response.status_code == 200
    assert inline_code_in(response.text) == []


@pytest.mark.parametrize("path", ["/account/", "/t/alpha/", "/t/alpha/members/"])
def test_signed_in_pages_have_no_inline_script_or_style(signed_in: SignIn, manager_a: User, path: str) -> None:
    response = signed_in(manager_a).get(path)

    assert response.status_code == 200
    assert inline_code_in(response.text) == []


def test_two_factor_setup_page_with_its_qr_code_has_no_inline_script_or_style(signed_in: SignIn,
                                                                              volunteer_a: User) -> None:
    response = signed_in(volunteer_a).get("/account/two-factor/setup")

    assert response.status_code == 200
    assert "<svg" in response.text
    assert inline_code_in(response.text) == []


# Redirects -------------------------------------------------------------------------------


@pytest.mark.parametrize("target", [
    "//evil.example",
    "//evil.example/path",
    "https://evil.example",
    "http://evil.example/t/alpha/",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "javascript:alert(1)",
    "evil.example",
    "",
    None,
])
def test_safe_next_refuses_targets_off_this_site(target: str | None) -> None:
    assert safe_next(target, "/fallback") == "/fallback"


@pytest.mark.parametrize("target", ["/", "/account/", "/t/alpha/members/?page=2", "/invite/alpha/abc-DEF_123"])
def test_safe_next_keeps_paths_on_this_site(target: str) -> None:
    assert safe_next(target, "/fallback") == target


def test_login_ignores_an_external_next(client: FlaskClient, volunteer_a: User) -> None:
    response = client.post("/login?next=https://evil.example", data=login_form(volunteer_a))

    assert response.status_code == 302
    assert response.location == "/"


def test_login_follows_a_local_next(client: FlaskClient, volunteer_a: User) -> None:
    response = client.post("/login?next=/account/", data=login_form(volunteer_a))

    assert response.status_code == 302
    assert response.location == "/account/"


def test_two_factor_sign_in_ignores_a_protocol_relative_next(client: FlaskClient, manager_a: User) -> None:
    assert client.post("/login?next=//evil.example", data=login_form(manager_a)).location == "/login/verify"

    response = client.post("/login/verify", data={"code": next_code(manager_a)})

    assert response.status_code == 302
    assert response.location == "/"


def test_language_switch_ignores_an_external_next(client: FlaskClient) -> None:
    response = client.post("/language", data={"locale": "en", "next": "https://evil.example"})

    assert response.status_code == 302
    assert response.location == "/"


# Cookies ---------------------------------------------------------------------------------


def cookie_header(response_headers: list[str], name: str) -> str:
    [header] = [h for h in response_headers if h.startswith(f"{name}=")]
    return header


def test_session_cookie_is_http_only_and_same_site_lax(client: FlaskClient, volunteer_a: User) -> None:
    response = client.post("/login", data=login_form(volunteer_a))

    header = cookie_header(response.headers.getlist("Set-Cookie"), "session")
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header


def test_remember_cookie_is_http_only_and_same_site_lax(client: FlaskClient, volunteer_a: User) -> None:
    response = client.post("/login", data=login_form(volunteer_a, remember="1"))

    header = cookie_header(response.headers.getlist("Set-Cookie"), "remember_token")
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header


def test_signing_in_replaces_the_session_contents(app: Flask, client: FlaskClient, volunteer_a: User) -> None:
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"

    sign_in(client, volunteer_a)

    with client.session_transaction() as session:
        assert "planted" not in session
