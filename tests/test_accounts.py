"""Accounts end to end: signing in, two-factor, rate limits, password reset, invitations, sessions.

Everything goes through the real endpoints; the tests check the responses, the database and the
platform audit log. Pages are in the default language (Dutch), so expected texts are looked up
through the app's own translations with :func:`text`.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from saas.audit.models import PlatformEvent
from saas.auth.models import Invitation, Membership, PasswordResetToken, RecoveryCode, User
from saas.auth.operations import replace_recovery_codes
from saas.auth.roles import FoundationRole, Role
from saas.db import db, tenant_context
from saas.i18n import _, force_locale
from saas.tenancy.models import Tenant
from tests.factories.platform import PASSWORD, create_user, database
from tests.support.mailbox import Mailbox
from tests.support.sessions import SignIn, next_code, sign_in

NEW_PASSWORD = "a brand new sentence for signing in"
GENERIC_LOGIN_ERROR = "The e-mail address or password is not correct."
PAGE_LOCALE = "nl"  # the test client sends no Accept-Language: pages use DEFAULT_LOCALE


# Helpers ---------------------------------------------------------------------------------


def text(app: Flask, message: str, **variables: object) -> str:
    """``message`` as a page shows it: translated into the page language and HTML-escaped."""
    with app.test_request_context(), force_locale(PAGE_LOCALE):
        return str(escape(_(message, **variables)))


def events(app: Flask, action: str, user: User | None = None) -> list[PlatformEvent]:
    with app.app_context():
        statement = select(PlatformEvent).where(PlatformEvent.action == action)
        if user is not None:
            statement = statement.where(PlatformEvent.user_id == user.id)
        return list(db.session.scalars(statement))


def reload(app: Flask, user: User) -> User:
    with app.app_context():
        fresh = db.session.get(User, user.id)
        assert fresh is not None
        db.session.expunge(fresh)
        return fresh


def post_login(client: FlaskClient, email: str, password: str = PASSWORD, **extra: str) -> TestResponse:
    return client.post("/login", data={"email": email, "password": password, **extra})


def comparable(page: str, email: str) -> str:
    """``page`` without the parts that differ between two equal answers: address, CSRF and
    submission tokens (a fresh one per rendered form)."""
    return re.sub(r'name="(csrf|submission)_token" value="[^"]*"', r'name="\1_token"', page.replace(email, "<email>"))


def is_signed_in(client: FlaskClient) -> bool:
    response = client.get("/account/")
    if response.status_code == 200:
        return True
    assert response.status_code == 302 and response.location.startswith("/login"), response.status_code
    return False


def wrong_code(secret: str) -> str:
    """A well-formed six-digit code that the server cannot accept right now."""
    totp = pyotp.TOTP(secret)
    now = totp.timecode(datetime.now(UTC))
    valid = {totp.generate_otp(step) for step in range(now - 2, now + 3)}
    return next(code for code in ("000000", "123456", "999999", "314159") if code not in valid)


def setup_secret(page: str) -> str:
    match = re.search(r'<code class="secret" dir="ltr">([A-Z2-7]+)</code>', page)
    assert match, "the set-up page shows no secret"
    return match.group(1)


def recovery_codes(page: str) -> list[str]:
    return re.findall(r"<li><code>([a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4})</code></li>", page)


def link_path(body: str, prefix: str) -> str:
    match = re.search(rf"http://localhost({re.escape(prefix)}[A-Za-z0-9_-]+)", body)
    assert match, f"no {prefix} link in the mail:\n{body}"
    return match.group(1)


def request_reset(client: FlaskClient, email: str) -> TestResponse:
    return client.post("/password/forgot", data={"email": email})


def reset_link(client: FlaskClient, mailbox: Mailbox, user: User) -> str:
    assert request_reset(client, user.email).status_code == 302
    return link_path(mailbox.last_body(user.email), "/password/reset/")


def new_password_form(password: str = NEW_PASSWORD, **extra: str) -> dict[str, str]:
    return {"password": password, "password_confirm": password, **extra}


def invite(client: FlaskClient, mailbox: Mailbox, tenant: Tenant, email: str, role: Role) -> str:
    """As the signed-in manager on ``client``: invite ``email``; returns the link's path."""
    response = client.post(f"/t/{tenant.slug}/members/invite", data={"email": email, "role": role.value})
    assert response.status_code == 302, response.text[:500]
    return link_path(mailbox.last_body(email), f"/invite/{tenant.slug}/")


def membership_of(app: Flask, tenant: Tenant, user_id: object) -> Membership | None:
    with app.app_context(), tenant_context(db.session, tenant.id):
        return db.session.scalar(select(Membership).where(Membership.user_id == user_id))


def user_by_email(app: Flask, email: str) -> User | None:
    with app.app_context():
        return db.session.scalar(select(User).where(User.email == email))


@pytest.fixture
def coordinator_a(app: Flask, tenant_a: Tenant) -> User:
    return create_user(app, "coordinator@alpha.example", tenant=tenant_a, role=Role.COORDINATOR, name="Coco")


@pytest.fixture
def staff_without_authenticator(app: Flask, tenant_a: Tenant) -> User:
    return create_user(app, "new-manager@alpha.example", tenant=tenant_a, role=Role.MANAGER, two_factor=False)


# Signing in with a password --------------------------------------------------------------


def test_volunteer_signs_in_with_the_right_password(app: Flask, client: FlaskClient, volunteer_a: User) -> None:
    response = post_login(client, volunteer_a.email)

    assert response.status_code == 302
    assert response.location == "/"
    assert is_signed_in(client)
    [event] = events(app, "login.succeeded", volunteer_a)
    assert event.details["method"] == "password"
    assert reload(app, volunteer_a).last_login_at is not None


def test_wrong_password_shows_the_generic_message_and_is_recorded(app: Flask, client: FlaskClient,
                                                                  volunteer_a: User) -> None:
    response = post_login(client, volunteer_a.email, "not the password at all")

    assert response.status_code == 200
    assert text(app, GENERIC_LOGIN_ERROR) in response.text
    assert not is_signed_in(client)
    [event] = events(app, "login.failed", volunteer_a)
    assert event.details["email"] == volunteer_a.email
    assert events(app, "login.succeeded") == []


def test_unknown_address_gets_exactly_the_same_answer_as_a_wrong_password(app: Flask, client: FlaskClient,
                                                                        volunteer_a: User) -> None:
    known = post_login(client, volunteer_a.email, "not the password at all")
    unknown = post_login(client, "nobody@alpha.example", "not the password at all")

    assert unknown.status_code == known.status_code == 200
    # The pages differ only in the e-mail address echoed back into the form (and the CSRF
    # tokens, which carry a timestamp).
    assert comparable(unknown.text, "nobody@alpha.example") == comparable(known.text, volunteer_a.email)
    [event] = [e for e in events(app, "login.failed") if e.user_id is None]
    assert event.details["email"] == "nobody@alpha.example"


def test_deactivated_account_cannot_sign_in(app: Flask, client: FlaskClient) -> None:
    person = create_user(app, "gone@alpha.example", is_active=False)

    response = post_login(client, person.email)

    assert response.status_code == 200
    assert text(app, GENERIC_LOGIN_ERROR) in response.text
    assert not is_signed_in(client)
    assert len(events(app, "login.failed", person)) == 1


def test_deactivating_an_account_ends_its_open_session(app: Flask, client: FlaskClient, volunteer_a: User) -> None:
    sign_in(client, volunteer_a)
    with database(app) as session:
        session.get(User, volunteer_a.id).is_active = False

    assert not is_signed_in(client)


def test_logout_is_post_only_and_ends_the_session(app: Flask, client: FlaskClient, volunteer_a: User) -> None:
    sign_in(client, volunteer_a)

    assert client.get("/logout").status_code == 405
    assert is_signed_in(client)

    response = client.post("/logout")
    assert response.status_code == 302
    assert response.location == "/login"
    assert not is_signed_in(client)
    assert len(events(app, "logout", volunteer_a)) == 1


def test_logout_also_ends_a_remembered_session(client: FlaskClient, volunteer_a: User) -> None:
    sign_in(client, volunteer_a, remember=True)
    assert client.get_cookie("remember_token") is not None

    client.post("/logout")

    assert client.get_cookie("remember_token") is None
    assert not is_signed_in(client)


# Rate limits -----------------------------------------------------------------------------


def test_sixth_failed_attempt_for_one_account_within_a_minute_is_refused(app: Flask, client: FlaskClient,
                                                                          volunteer_a: User) -> None:
    for _attempt in range(5):
        assert post_login(client, volunteer_a.email, "wrong password").status_code == 200

    response = post_login(client, volunteer_a.email, "wrong password")

    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert text(app, "Too many attempts") in response.text
    assert text(app, "Too many attempts in a short time. Wait a minute and try again.") in response.text
    # Even the right password is refused while the account is limited...
    assert post_login(client, volunteer_a.email).status_code == 429
    assert not is_signed_in(client)
    # ...but the limit is per account: other people on the same address can still sign in.
    other = create_user(app, "other@alpha.example")
    assert post_login(client, other.email).status_code == 302


def test_per_account_limit_ignores_the_case_of_the_address(client: FlaskClient, volunteer_a: User) -> None:
    for variant in ("VOLUNTEER@alpha.example", "Volunteer@Alpha.example", "volunteer@ALPHA.EXAMPLE",
                    "volunteer@alpha.example", " volunteer@alpha.example "):
        assert post_login(client, variant, "wrong password").status_code == 200

    assert post_login(client, volunteer_a.email, "wrong password").status_code == 429


def test_per_address_limit_counts_attempts_for_every_account(app: Flask, client: FlaskClient,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ADDRESS", "3/minute")
    for number in range(3):
        assert post_login(client, f"guess{number}@alpha.example", "wrong password").status_code == 200

    response = post_login(client, "guess-more@alpha.example", "wrong password")

    assert response.status_code == 429
    assert "Retry-After" in response.headers
    assert text(app, "Too many attempts") in response.text


def test_per_address_default_allows_twenty_attempts_a_minute(client: FlaskClient) -> None:
    for number in range(20):
        assert post_login(client, f"guess{number}@alpha.example", "wrong password").status_code == 200

    assert post_login(client, "guess-more@alpha.example", "wrong password").status_code == 429


def test_signing_in_page_itself_is_not_rate_limited(client: FlaskClient) -> None:
    for _attempt in range(25):
        assert client.get("/login").status_code == 200


# Two-factor: first set-up for staff -------------------------------------------------------


def test_staff_without_authenticator_must_set_one_up_before_being_signed_in(
        client: FlaskClient, staff_without_authenticator: User) -> None:
    response = post_login(client, staff_without_authenticator.email)

    assert response.status_code == 302
    assert response.location == "/account/two-factor/setup"
    assert not is_signed_in(client)
    assert client.get("/t/alpha/").status_code == 302


@pytest.mark.parametrize("role", [Role.MANAGER, Role.COORDINATOR])
def test_every_tenant_staff_role_is_sent_to_two_factor_setup(app: Flask, client: FlaskClient, tenant_a: Tenant,
                                                             role: Role) -> None:
    person = create_user(app, f"{role.value}-new@alpha.example", tenant=tenant_a, role=role, two_factor=False)

    assert post_login(client, person.email).location == "/account/two-factor/setup"
    assert not is_signed_in(client)


def test_foundation_staff_without_authenticator_is_sent_to_two_factor_setup(app: Flask, client: FlaskClient) -> None:
    person = create_user(app, "staff@stichting.example", foundation_role=FoundationRole.STAFF, two_factor=False)

    assert post_login(client, person.email).location == "/account/two-factor/setup"
    assert not is_signed_in(client)


def test_setup_page_shows_an_inline_qr_code_and_the_secret(client: FlaskClient,
                                                           staff_without_authenticator: User) -> None:
    post_login(client, staff_without_authenticator.email)

    response = client.get("/account/two-factor/setup")

    assert response.status_code == 200
    assert re.search(r"<svg [^>]*role=\"img\"", response.text)
    secret = setup_secret(response.text)
    with client.session_transaction() as session:
        assert session["totp_setup_secret"] == secret
    assert 'name="current_password"' not in response.text  # the password was just given


def test_setup_with_a_wrong_code_is_refused(app: Flask, client: FlaskClient,
                                            staff_without_authenticator: User) -> None:
    post_login(client, staff_without_authenticator.email)
    secret = setup_secret(client.get("/account/two-factor/setup").text)

    response = client.post("/account/two-factor/setup", data={"code": wrong_code(secret)})

    assert response.status_code == 422
    assert setup_secret(response.text) == secret  # same secret: the person can try again
    assert not reload(app, staff_without_authenticator).has_two_factor
    assert not is_signed_in(client)


def test_setup_with_the_right_code_shows_ten_recovery_codes_and_signs_in(
        app: Flask, client: FlaskClient, staff_without_authenticator: User) -> None:
    post_login(client, staff_without_authenticator.email)
    secret = setup_secret(client.get("/account/two-factor/setup").text)

    response = client.post("/account/two-factor/setup", data={"code": pyotp.TOTP(secret).now()})

    assert response.status_code == 200
    codes = recovery_codes(response.text)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert is_signed_in(client)
    assert reload(app, staff_without_authenticator).has_two_factor
    with app.app_context():
        stored = db.session.scalar(select(func.count()).select_from(RecoveryCode).where(
            RecoveryCode.user_id == staff_without_authenticator.id, RecoveryCode.used_at.is_(None)))
    assert stored == 10
    assert len(events(app, "two_factor.enabled", staff_without_authenticator)) == 1
    [login] = events(app, "login.succeeded", staff_without_authenticator)
    assert login.details["method"] == "password+totp-enrolment"


def test_setup_code_is_single_use_for_the_next_sign_in(app: Flask, client: FlaskClient,
                                                       staff_without_authenticator: User) -> None:
    post_login(client, staff_without_authenticator.email)
    secret = setup_secret(client.get("/account/two-factor/setup").text)
    code = pyotp.TOTP(secret).now()
    client.post("/account/two-factor/setup", data={"code": code})
    client.post("/logout")

    assert post_login(client, staff_without_authenticator.email).location == "/login/verify"
    response = client.post("/login/verify", data={"code": code})

    assert response.status_code == 200
    assert not is_signed_in(client)


# Two-factor: signing in with an authenticator ---------------------------------------------


def test_staff_with_authenticator_is_asked_for_a_code(client: FlaskClient, manager_a: User) -> None:
    response = post_login(client, manager_a.email)

    assert response.status_code == 302
    assert response.location == "/login/verify"
    assert not is_signed_in(client)


def test_wrong_authenticator_code_is_refused(app: Flask, client: FlaskClient, manager_a: User) -> None:
    post_login(client, manager_a.email)

    response = client.post("/login/verify", data={"code": wrong_code(manager_a.totp_secret)})

    assert response.status_code == 200
    assert text(app, "This code is not correct or was already used. Try the next code.") in response.text
    assert not is_signed_in(client)
    assert len(events(app, "two_factor.failed", manager_a)) == 1


def test_right_authenticator_code_signs_in(app: Flask, client: FlaskClient, manager_a: User) -> None:
    post_login(client, manager_a.email)

    response = client.post("/login/verify", data={"code": next_code(manager_a)})

    assert response.status_code == 302
    assert response.location == "/"
    assert is_signed_in(client)
    assert client.get("/t/alpha/").status_code == 200
    [event] = events(app, "login.succeeded", manager_a)
    assert event.details["method"] == "password+totp"


def test_authenticator_code_cannot_be_replayed_on_another_sign_in(app: Flask, manager_a: User) -> None:
    code = pyotp.TOTP(manager_a.totp_secret).now()
    first, second = app.test_client(), app.test_client()
    post_login(first, manager_a.email)
    assert first.post("/login/verify", data={"code": code}).status_code == 302

    post_login(second, manager_a.email)
    response = second.post("/login/verify", data={"code": code})

    assert response.status_code == 200
    assert not is_signed_in(second)


def test_verify_step_without_a_password_first_goes_back_to_login(client: FlaskClient, manager_a: User) -> None:
    response = client.post("/login/verify", data={"code": next_code(manager_a)})

    assert response.status_code == 302
    assert response.location == "/login"
    assert not is_signed_in(client)


def test_recovery_code_works_once(app: Flask, manager_a: User) -> None:
    with database(app):
        codes = replace_recovery_codes(manager_a)
    first, second = app.test_client(), app.test_client()

    post_login(first, manager_a.email)
    assert first.post("/login/verify", data={"code": codes[0]}).status_code == 302
    assert is_signed_in(first)

    post_login(second, manager_a.email)
    response = second.post("/login/verify", data={"code": codes[0]})
    assert response.status_code == 200
    assert not is_signed_in(second)
    assert len(events(app, "two_factor.recovery_code_used", manager_a)) == 1


def test_recovery_code_may_be_typed_without_dashes_in_capitals(app: Flask, client: FlaskClient,
                                                               manager_a: User) -> None:
    with database(app):
        codes = replace_recovery_codes(manager_a)
    post_login(client, manager_a.email)

    response = client.post("/login/verify", data={"code": codes[3].replace("-", "").upper()})

    assert response.status_code == 302
    assert is_signed_in(client)


# Password reset --------------------------------------------------------------------------


def test_reset_request_mails_a_link_to_an_existing_account(app: Flask, client: FlaskClient, mailbox: Mailbox,
                                                           volunteer_a: User) -> None:
    response = request_reset(client, volunteer_a.email)

    assert response.status_code == 302
    assert response.location == "/login"
    [mail] = mailbox.to(volunteer_a.email)
    link_path(mail.get_content(), "/password/reset/")
    assert len(events(app, "password.reset_requested", volunteer_a)) == 1


def test_reset_request_for_an_unknown_address_looks_the_same_and_sends_nothing(
        app: Flask, mailbox: Mailbox, volunteer_a: User) -> None:
    known, unknown = app.test_client(), app.test_client()
    known_response = request_reset(known, volunteer_a.email)
    unknown_response = request_reset(unknown, "nobody@alpha.example")

    assert unknown_response.status_code == known_response.status_code == 302
    assert unknown_response.location == known_response.location
    flash = text(app, "If an account exists for this address, we have sent it a link to choose a new password.")
    assert flash in known.get("/login").text
    assert flash in unknown.get("/login").text
    assert mailbox.to("nobody@alpha.example") == []
    assert len(mailbox.messages) == 1
    assert len(events(app, "password.reset_requested_unknown")) == 1


def test_reset_link_sets_a_new_password(app: Flask, client: FlaskClient, mailbox: Mailbox, volunteer_a: User) -> None:
    link = reset_link(client, mailbox, volunteer_a)

    assert client.get(link).status_code == 200
    response = client.post(link, data=new_password_form())

    assert response.status_code == 302
    assert response.location == "/login"
    assert len(events(app, "password.reset", volunteer_a)) == 1
    assert post_login(app.test_client(), volunteer_a.email, PASSWORD).status_code == 200
    assert post_login(app.test_client(), volunteer_a.email, NEW_PASSWORD).status_code == 302


def test_reset_refuses_a_weak_or_mismatched_password(app: Flask, client: FlaskClient, mailbox: Mailbox,
                                                     volunteer_a: User) -> None:
    link = reset_link(client, mailbox, volunteer_a)

    assert client.post(link, data=new_password_form("short")).status_code == 422
    assert client.post(link, data=new_password_form("password123")).status_code == 422
    assert client.post(link, data=new_password_form(password_confirm="something else")).status_code == 422
    assert post_login(client, volunteer_a.email, PASSWORD).status_code == 302  # unchanged


def test_reset_link_works_only_once(app: Flask, client: FlaskClient, mailbox: Mailbox, volunteer_a: User) -> None:
    link = reset_link(client, mailbox, volunteer_a)
    assert client.post(link, data=new_password_form()).status_code == 302

    response = client.post(link, data=new_password_form("yet another long password"))

    assert response.status_code == 404
    assert text(app, "This link to choose a new password is invalid, expired or already used.") in response.text
    assert client.get(link).status_code == 404
    assert post_login(client, volunteer_a.email, NEW_PASSWORD).status_code == 302


def test_using_a_reset_link_burns_the_other_open_links(client: FlaskClient, mailbox: Mailbox,
                                                       volunteer_a: User) -> None:
    older = reset_link(client, mailbox, volunteer_a)
    newer = reset_link(client, mailbox, volunteer_a)
    assert older != newer

    assert client.post(newer, data=new_password_form()).status_code == 302

    assert client.get(older).status_code == 404


def test_expired_reset_link_is_invalid_and_changes_nothing(app: Flask, client: FlaskClient, mailbox: Mailbox,
                                                           volunteer_a: User) -> None:
    link = reset_link(client, mailbox, volunteer_a)
    later = datetime.now(UTC) + timedelta(hours=app.config["PASSWORD_RESET_HOURS"], minutes=1)

    with time_machine.travel(later, tick=False):
        page = client.get(link)
        attempt = client.post(link, data=new_password_form())

    assert page.status_code == attempt.status_code == 404
    assert text(app, "This link to choose a new password is invalid, expired or already used.") in page.text
    assert events(app, "password.reset", volunteer_a) == []
    with app.app_context():
        assert db.session.scalar(select(PasswordResetToken.used_at).where(
            PasswordResetToken.user_id == volunteer_a.id)) is None
    assert post_login(client, volunteer_a.email, NEW_PASSWORD).status_code == 200
    assert post_login(client, volunteer_a.email, PASSWORD).status_code == 302


def test_reset_link_still_works_just_before_it_expires(app: Flask, client: FlaskClient, mailbox: Mailbox,
                                                       volunteer_a: User) -> None:
    link = reset_link(client, mailbox, volunteer_a)
    almost = datetime.now(UTC) + timedelta(hours=app.config["PASSWORD_RESET_HOURS"], minutes=-1)

    with time_machine.travel(almost, tick=False):
        assert client.get(link).status_code == 200


def test_reset_ends_open_sessions(app: Flask, mailbox: Mailbox, volunteer_a: User) -> None:
    other_device = app.test_client()
    sign_in(other_device, volunteer_a)
    client = app.test_client()

    client.post(reset_link(client, mailbox, volunteer_a), data=new_password_form())

    assert not is_signed_in(other_device)


def test_forged_reset_token_is_refused(app: Flask, client: FlaskClient) -> None:
    response = client.get("/password/reset/forged-token-that-was-never-issued")

    assert response.status_code == 404
    assert text(app, "This link to choose a new password is invalid, expired or already used.") in response.text


# Invitations -----------------------------------------------------------------------------


def test_manager_invitation_mails_a_link(app: Flask, signed_in: SignIn, mailbox: Mailbox, tenant_a: Tenant,
                                         manager_a: User) -> None:
    manager = signed_in(manager_a)

    link = invite(manager, mailbox, tenant_a, "new@alpha.example", Role.VOLUNTEER)

    assert link.startswith("/invite/alpha/")
    with app.app_context(), tenant_context(db.session, tenant_a.id):
        [invitation] = db.session.scalars(select(Invitation).where(Invitation.email == "new@alpha.example"))
        assert invitation.role == Role.VOLUNTEER
        assert invitation.invited_by_id == manager_a.id


def test_invitation_link_shows_the_sign_up_form(app: Flask, signed_in: SignIn, mailbox: Mailbox,
                                                tenant_a: Tenant, manager_a: User) -> None:
    link = invite(signed_in(manager_a), mailbox, tenant_a, "new@alpha.example", Role.VOLUNTEER)

    response = app.test_client().get(link)

    assert response.status_code == 200
    assert 'name="name"' in response.text and 'name="password_confirm"' in response.text
    assert "new@alpha.example" in response.text


def test_accepting_an_invitation_creates_the_account_and_signs_a_volunteer_in(
        app: Flask, signed_in: SignIn, mailbox: Mailbox, tenant_a: Tenant, manager_a: User) -> None:
    link = invite(signed_in(manager_a), mailbox, tenant_a, "new@alpha.example", Role.VOLUNTEER)
    invitee = app.test_client()

    response = invitee.post(link, data=new_password_form(name="Nina Nieuw"))

    assert response.status_code == 302
    assert response.location == "/t/alpha/"
    assert invitee.get("/t/alpha/").status_code == 200
    user = user_by_email(app, "new@alpha.example")
    assert user is not None and user.name == "Nina Nieuw"
    membership = membership_of(app, tenant_a, user.id)
    assert membership is not None and membership.role == Role.VOLUNTEER and membership.is_active
    assert post_login(app.test_client(), "new@alpha.example", NEW_PASSWORD).status_code == 302


def test_accepted_invitation_cannot_be_used_again(app: Flask, signed_in: SignIn, mailbox: Mailbox,
                                                  tenant_a: Tenant, manager_a: User) -> None:
    link = invite(signed_in(manager_a), mailbox, tenant_a, "new@alpha.example", Role.VOLUNTEER)
    app.test_client().post(link, data=new_password_form(name="Nina Nieuw"))

    again = app.test_client()
    response = again.post(link, data=new_password_form("an attacker's chosen password", name="Mallory"))

    assert response.status_code == 404
    assert again.get(link).status_code == 404
    assert user_by_email(app, "new@alpha.example").name == "Nina Nieuw"
    assert post_login(app.test_client(), "new@alpha.example", NEW_PASSWORD).status_code == 302


def test_forged_invitation_token_gets_the_invalid_link_page(app: Flask, client: FlaskClient,
                                                            tenant_a: Tenant) -> None:
    response = client.get("/invite/alpha/forged-token-that-was-never-issued")

    assert response.status_code == 404
    assert text(app, "This invitation is invalid, expired or already used. Ask for a new one.") in response.text
    assert client.post("/invite/alpha/forged-token", data=new_password_form(name="X")).status_code == 404


def test_invitation_link_only_works_for_its_own_tenant(app: Flask, signed_in: SignIn, mailbox: Mailbox,
                                                       tenant_a: Tenant, tenant_b: Tenant, manager_a: User) -> None:
    link = invite(signed_in(manager_a), mailbox, tenant_a, "new@alpha.example", Role.VOLUNTEER)

    response = app.test_client().get(link.replace("/invite/alpha/", "/invite/beta/"))

    assert response.status_code == 404


def test_invited_coordinator_sets_up_two_factor_before_signing_in(
        app: Flask, signed_in: SignIn, mailbox: Mailbox, tenant_a: Tenant, manager_a: User) -> None:
    link = invite(signed_in(manager_a), mailbox, tenant_a, "coco@alpha.example", Role.COORDINATOR)
    invitee = app.test_client()

    response = invitee.post(link, data=new_password_form(name="Coco Coördinator"))

    assert response.status_code == 302
    assert response.location == "/account/two-factor/setup"
    assert not is_signed_in(invitee)
    secret = setup_secret(invitee.get("/account/two-factor/setup").text)
    done = invitee.post("/account/two-factor/setup", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    assert 'href="/t/alpha/"' in done.text  # "continue" leads to where the invitation pointed
    assert invitee.get("/t/alpha/").status_code == 200


def test_existing_user_is_asked_to_sign_in_to_accept(app: Flask, signed_in: SignIn, mailbox: Mailbox,
                                                     tenant_b: Tenant, manager_b: User, volunteer_a: User) -> None:
    link = invite(signed_in(manager_b), mailbox, tenant_b, volunteer_a.email, Role.VOLUNTEER)
    invitee = app.test_client()

    page = invitee.get(link)
    anonymous_post = invitee.post(link)

    assert page.status_code == 200
    assert text(app, "You already have an account for %(email)s. Sign in to accept the invitation.",
                email=volunteer_a.email) in page.text
    assert 'name="password"' not in page.text  # no way to overwrite the existing password here
    assert anonymous_post.status_code == 200
    assert membership_of(app, tenant_b, volunteer_a.id) is None


def test_existing_user_accepts_after_signing_in(app: Flask, signed_in: SignIn, mailbox: Mailbox,
                                                tenant_b: Tenant, manager_b: User, volunteer_a: User) -> None:
    link = invite(signed_in(manager_b), mailbox, tenant_b, volunteer_a.email, Role.VOLUNTEER)
    invitee = app.test_client()
    assert invitee.get("/t/beta/").status_code == 302

    signed_in_response = invitee.post(f"/login?next={link}", data={"email": volunteer_a.email, "password": PASSWORD})
    assert signed_in_response.location == link
    response = invitee.post(link)

    assert response.status_code == 302
    assert response.location == "/t/beta/"
    assert invitee.get("/t/beta/").status_code == 200
    membership = membership_of(app, tenant_b, volunteer_a.id)
    assert membership is not None and membership.role == Role.VOLUNTEER
    assert invitee.get(link).status_code == 404


def test_invitation_for_someone_else_cannot_be_accepted_by_a_signed_in_user(
        app: Flask, signed_in: SignIn, mailbox: Mailbox, tenant_b: Tenant, manager_b: User,
        volunteer_a: User) -> None:
    link = invite(signed_in(manager_b), mailbox, tenant_b, volunteer_a.email, Role.VOLUNTEER)
    someone_else = create_user(app, "someone@alpha.example")
    other = app.test_client()
    sign_in(other, someone_else)

    assert other.post(link).status_code == 200

    assert membership_of(app, tenant_b, someone_else.id) is None
    assert membership_of(app, tenant_b, volunteer_a.id) is None


# Sessions --------------------------------------------------------------------------------


def change_password_form(current: str = PASSWORD, new: str = NEW_PASSWORD) -> dict[str, str]:
    return {"current_password": current, "password": new, "password_confirm": new}


def test_changing_the_password_signs_out_other_sessions(app: Flask, volunteer_a: User) -> None:
    here, elsewhere = app.test_client(), app.test_client()
    sign_in(here, volunteer_a)
    sign_in(elsewhere, volunteer_a)

    response = here.post("/account/password", data=change_password_form())

    assert response.status_code == 302
    assert is_signed_in(here)
    assert not is_signed_in(elsewhere)
    assert len(events(app, "password.changed", volunteer_a)) == 1
    assert post_login(app.test_client(), volunteer_a.email, NEW_PASSWORD).status_code == 302


def test_changing_the_password_needs_the_current_one(app: Flask, volunteer_a: User) -> None:
    here, elsewhere = app.test_client(), app.test_client()
    sign_in(here, volunteer_a)
    sign_in(elsewhere, volunteer_a)

    response = here.post("/account/password", data=change_password_form(current="not my password"))

    assert response.status_code == 422
    assert text(app, "This is not your current password.") in response.text
    assert is_signed_in(elsewhere)
    assert events(app, "password.changed") == []


def test_ending_other_sessions_signs_out_other_clients_only(app: Flask, volunteer_a: User) -> None:
    here, elsewhere = app.test_client(), app.test_client()
    sign_in(here, volunteer_a)
    sign_in(elsewhere, volunteer_a)

    response = here.post("/account/sessions/end")

    assert response.status_code == 302
    assert is_signed_in(here)
    assert not is_signed_in(elsewhere)
    assert len(events(app, "sessions.ended", volunteer_a)) == 1


def test_ending_other_sessions_also_invalidates_their_remember_cookie(app: Flask, volunteer_a: User) -> None:
    here, elsewhere = app.test_client(), app.test_client()
    sign_in(here, volunteer_a)
    sign_in(elsewhere, volunteer_a, remember=True)

    here.post("/account/sessions/end")

    assert elsewhere.get_cookie("remember_token") is not None
    assert not is_signed_in(elsewhere)


def test_remember_me_sets_a_remember_cookie(client: FlaskClient, volunteer_a: User) -> None:
    response = post_login(client, volunteer_a.email, remember="1")

    assert response.status_code == 302
    assert any(header.startswith("remember_token=") for header in response.headers.getlist("Set-Cookie"))
    assert client.get_cookie("remember_token") is not None


def test_without_remember_me_there_is_no_remember_cookie(client: FlaskClient, volunteer_a: User) -> None:
    response = post_login(client, volunteer_a.email)

    assert response.status_code == 302
    assert not any("remember_token=" in header for header in response.headers.getlist("Set-Cookie"))
    assert client.get_cookie("remember_token") is None


def test_idle_session_is_signed_out(app: Flask, client: FlaskClient, volunteer_a: User) -> None:
    sign_in(client, volunteer_a)
    idle = timedelta(minutes=app.config["IDLE_MINUTES"] + 1)

    with time_machine.travel(datetime.now(UTC) + idle, tick=False):
        response = client.get("/account/")

    assert response.status_code == 302
    assert response.location.startswith("/login")
    assert not is_signed_in(client)


def test_activity_keeps_a_session_alive(app: Flask, client: FlaskClient, volunteer_a: User) -> None:
    sign_in(client, volunteer_a)
    step = timedelta(minutes=app.config["IDLE_MINUTES"] - 1)
    start = datetime.now(UTC)

    for times in (1, 2, 3):
        with time_machine.travel(start + times * step, tick=False):
            assert client.get("/account/").status_code == 200


def test_remembered_session_survives_idle_time(app: Flask, client: FlaskClient, volunteer_a: User) -> None:
    sign_in(client, volunteer_a, remember=True)
    idle = timedelta(minutes=app.config["IDLE_MINUTES"] + 1)

    with time_machine.travel(datetime.now(UTC) + idle, tick=False):
        assert client.get("/account/").status_code == 200


def test_session_restored_from_the_remember_cookie_stays_remembered(app: Flask, client: FlaskClient,
                                                                     volunteer_a: User) -> None:
    sign_in(client, volunteer_a, remember=True)
    client.delete_cookie("session")  # e.g. the browser was closed; the remember cookie lasts longer
    assert is_signed_in(client)
    idle = timedelta(minutes=app.config["IDLE_MINUTES"] + 1)

    with time_machine.travel(datetime.now(UTC) + idle, tick=False):
        response = client.get("/account/")

    assert response.status_code == 200
    assert text(app, "Your session has ended. Please sign in again.") not in response.text


# Two-factor on one's own account ---------------------------------------------------------


def test_volunteer_can_switch_on_two_factor_with_the_current_password(app: Flask, signed_in: SignIn,
                                                                       volunteer_a: User) -> None:
    client = signed_in(volunteer_a)
    page = client.get("/account/two-factor/setup")
    assert page.status_code == 200
    assert 'name="current_password"' in page.text
    code = pyotp.TOTP(setup_secret(page.text)).now()

    response = client.post("/account/two-factor/setup", data={"current_password": PASSWORD, "code": code})

    assert response.status_code == 200
    assert len(recovery_codes(response.text)) == 10
    assert reload(app, volunteer_a).has_two_factor
    assert len(events(app, "two_factor.enabled", volunteer_a)) == 1


def test_switching_on_two_factor_without_the_password_is_refused(app: Flask, signed_in: SignIn,
                                                                  volunteer_a: User) -> None:
    client = signed_in(volunteer_a)
    secret = setup_secret(client.get("/account/two-factor/setup").text)

    for password in ("", "not my password"):
        response = client.post("/account/two-factor/setup",
                               data={"current_password": password, "code": pyotp.TOTP(secret).now()})
        assert response.status_code == 422

    assert not reload(app, volunteer_a).has_two_factor
    assert events(app, "two_factor.enabled") == []


def test_volunteer_with_two_factor_then_needs_a_code_to_sign_in(app: Flask, signed_in: SignIn,
                                                                 volunteer_a: User) -> None:
    client = signed_in(volunteer_a)
    secret = setup_secret(client.get("/account/two-factor/setup").text)
    client.post("/account/two-factor/setup", data={"current_password": PASSWORD, "code": pyotp.TOTP(secret).now()})

    assert post_login(app.test_client(), volunteer_a.email).location == "/login/verify"


def test_volunteer_can_switch_two_factor_off(app: Flask, client: FlaskClient, tenant_a: Tenant) -> None:
    volunteer = create_user(app, "careful@alpha.example", tenant=tenant_a, role=Role.VOLUNTEER, two_factor=True)
    with database(app):
        replace_recovery_codes(volunteer)
    sign_in(client, volunteer)

    refused = client.post("/account/two-factor/disable", data={"current_password": "not my password"})
    assert refused.status_code == 302
    assert reload(app, volunteer).has_two_factor

    response = client.post("/account/two-factor/disable", data={"current_password": PASSWORD})

    assert response.status_code == 302
    assert text(app, "Two-factor sign-in is switched off.") in client.get("/account/").text
    assert not reload(app, volunteer).has_two_factor
    assert len(events(app, "two_factor.disabled", volunteer)) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RecoveryCode).where(
            RecoveryCode.user_id == volunteer.id, RecoveryCode.used_at.is_(None))) == 0
    assert post_login(app.test_client(), volunteer.email).location == "/"


def test_coordinator_cannot_switch_two_factor_off(app: Flask, signed_in: SignIn, coordinator_a: User) -> None:
    client = signed_in(coordinator_a)
    assert "/account/two-factor/disable" not in client.get("/account/").text

    response = client.post("/account/two-factor/disable", data={"current_password": PASSWORD})

    assert response.status_code == 302
    assert response.location == "/account/"
    refusal = text(app, "Your role requires two-factor sign-in; it cannot be switched off.")
    assert refusal in client.get("/account/").text
    assert reload(app, coordinator_a).has_two_factor
    assert events(app, "two_factor.disabled") == []
