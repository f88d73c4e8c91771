"""The ``flask`` commands: foundation admins, tenants, the demo and the PostgreSQL role SQL.

The commands commit. Under the test fixture the session joins the test's outer transaction with
``create_savepoint``, so a command's commit only releases a savepoint: its rows are visible to the
rest of the test, the after-commit hook still sends its mail, and everything is rolled back after
the test (test_commands_commit_inside_the_tests_transaction checks that this really holds).
"""

from __future__ import annotations

import re

import pyotp
import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy import func, select

from saas.audit.models import PlatformEvent
from saas.auth.models import Invitation, Membership, User
from saas.auth.roles import FoundationRole, Role
from saas.auth.secrets import check_password
from saas.db import db, tenant_context
from saas.demo import DEMO_DOMAIN, TENANTS, demo_email, demo_totp_secret
from saas.i18n import _, force_locale
from saas.tenancy.models import Tenant
from tests.factories.platform import create_user
from tests.support.mailbox import Mailbox

GOOD_PASSWORD = "a long enough passphrase"


def run(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(args=list(args))


def translated(app: Flask, message: str, **values: object) -> str:
    """A message as the commands print it: in the default language (there is no browser)."""
    with app.app_context(), force_locale(app.config["DEFAULT_LOCALE"]):
        text = str(_(message))
    return text.format(**values) if values else text


def count(app: Flask, model: type, *where: object) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def user_by_email(app: Flask, email: str) -> User | None:
    with app.app_context():
        return db.session.scalar(select(User).where(User.email == email))


# users create-foundation-admin -------------------------------------------------------------


def test_create_foundation_admin_creates_an_admin_who_can_sign_in(app: Flask) -> None:
    result = run(app, "users", "create-foundation-admin", "--email", " Chair@Stichting.Example ",
                 "--name", "Chris Chair", "--password", GOOD_PASSWORD)

    assert result.exit_code == 0, result.output
    assert "chair@stichting.example is a foundation admin." in result.output
    user = user_by_email(app, "chair@stichting.example")
    assert user is not None
    assert (user.name, user.foundation_role) == ("Chris Chair", FoundationRole.ADMIN)
    with app.app_context():
        assert check_password(user, GOOD_PASSWORD)
    response = app.test_client().post("/login", data={"email": "chair@stichting.example", "password": GOOD_PASSWORD})
    assert response.status_code == 302
    assert response.location == "/account/two-factor/setup"  # foundation staff need an authenticator


def test_create_foundation_admin_promotes_an_existing_person(app: Flask, volunteer_a: User) -> None:
    result = run(app, "users", "create-foundation-admin", "--email", volunteer_a.email, "--name", "Ignored",
                 "--password", GOOD_PASSWORD)

    assert result.exit_code == 0, result.output
    assert count(app, User, User.email == volunteer_a.email) == 1
    user = user_by_email(app, volunteer_a.email)
    assert user.foundation_role == FoundationRole.ADMIN
    assert user.id == volunteer_a.id


@pytest.mark.parametrize(("password", "message", "values"), [
    ("short", "Use at least {n} characters.", {"n": 10}),
    ("1234567890", "This password is too common. Choose another.", {}),
])
def test_create_foundation_admin_refuses_a_weak_password(app: Flask, password: str, message: str,
                                                         values: dict[str, object]) -> None:
    result = run(app, "users", "create-foundation-admin", "--email", "weak@stichting.example", "--name", "Weak",
                 "--password", password)

    assert result.exit_code == 1
    assert "password: " + translated(app, message, **values) in result.output
    assert user_by_email(app, "weak@stichting.example") is None


@pytest.mark.parametrize(("email", "name", "field"), [
    ("not-an-address", "Someone", "email"),
    ("someone@stichting.example", "", "name"),
    ("someone@stichting.example", "N" * 121, "name"),
    ("some\x00one@stichting.example", "Someone", "email"),
])
def test_create_foundation_admin_refuses_an_invalid_address_or_name(app: Flask, email: str, name: str,
                                                                    field: str) -> None:
    result = run(app, "users", "create-foundation-admin", "--email", email, "--name", name,
                 "--password", GOOD_PASSWORD)

    assert result.exit_code == 1
    assert f"  {field}: " in result.output
    assert count(app, User) == 0


def test_a_too_short_password_is_not_a_traceback(app: Flask) -> None:
    result = run(app, "users", "create-foundation-admin", "--email", "x@stichting.example", "--name", "X",
                 "--password", "short")

    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.output.startswith("Error: ")


# tenants create / list ---------------------------------------------------------------------


def create_args(slug: str = "heusden", **changes: str) -> list[str]:
    options = {"--name": "Samen Oplopen Heusden", "--slug": slug, "--municipality": "Heusden",
               "--manager-email": "first.manager@heusden.example", **changes}
    return ["tenants", "create", *[part for item in options.items() for part in item]]


def test_tenants_create_creates_the_tenant_prints_and_mails_the_invitation(
        app: Flask, foundation_admin: User, mailbox: Mailbox) -> None:
    result = run(app, *create_args(), "--municipality", "Vlijmen", "--locale", "en")

    assert result.exit_code == 0, result.output
    assert "Created Samen Oplopen Heusden at /t/heusden/" in result.output
    match = re.search(r"Invitation for first\.manager@heusden\.example: (http://localhost/invite/heusden/[\w-]{40,})",
                      result.output)
    assert match, result.output
    assert match.group(1) in mailbox.last_body("first.manager@heusden.example")
    with app.app_context():
        tenant = db.session.scalars(select(Tenant).where(Tenant.slug == "heusden")).one()
        assert (tenant.name, tenant.municipalities, tenant.default_locale) == (
            "Samen Oplopen Heusden", ["Heusden", "Vlijmen"], "en")
        with tenant_context(db.session, tenant.id):
            invitation = db.session.scalars(select(Invitation)).one()
        assert (invitation.email, invitation.role, invitation.invited_by_id) == (
            "first.manager@heusden.example", Role.MANAGER, foundation_admin.id)
        assert db.session.scalar(select(PlatformEvent).where(PlatformEvent.action == "tenant.created")).ip is None


def test_the_printed_invitation_link_works(app: Flask, foundation_admin: User) -> None:
    result = run(app, *create_args())
    url = re.search(r"(http://localhost/invite/\S+)", result.output).group(1)

    response = app.test_client().get(url.removeprefix("http://localhost"))

    assert response.status_code == 200
    assert 'name="password"' in response.text


def test_tenants_create_needs_a_foundation_admin(app: Flask, mailbox: Mailbox) -> None:
    result = run(app, *create_args())

    assert result.exit_code == 1
    assert "create-foundation-admin" in result.output
    assert count(app, Tenant) == 0
    assert mailbox.messages == []


def test_tenants_create_refuses_a_taken_slug_and_writes_nothing(
        app: Flask, foundation_admin: User, tenant_a: Tenant, mailbox: Mailbox) -> None:
    events_before = count(app, PlatformEvent)

    result = run(app, *create_args(slug=tenant_a.slug))

    assert result.exit_code == 1
    assert translated(app, "This address is already taken. Choose another.") in result.output
    assert count(app, Tenant) == 1
    assert count(app, PlatformEvent) == events_before
    assert mailbox.messages == []


@pytest.mark.parametrize(("changes", "field"), [
    ({"--slug": "Not A Slug"}, "slug"),
    ({"--slug": "ab"}, "slug"),
    ({"--slug": "admin"}, None),  # reserved: refused by the operation, not the form
    ({"--locale": "de"}, "default_locale"),
    ({"--manager-email": "nobody"}, "manager_email"),
    ({"--name": "x" * 121}, "name"),
    ({"--name": "Bad\x00Name"}, "name"),
    ({"--municipality": " "}, "municipalities"),
])
def test_tenants_create_refuses_invalid_input_and_writes_nothing(
        app: Flask, foundation_admin: User, mailbox: Mailbox, changes: dict[str, str], field: str | None) -> None:
    result = run(app, *create_args(**changes))

    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    if field:
        assert f"  {field}: " in result.output
    assert count(app, Tenant) == 0
    assert mailbox.messages == []


def test_tenants_list_lists_every_tenant(app: Flask, foundation_admin: User, tenant_a: Tenant) -> None:
    run(app, *create_args())

    result = run(app, "tenants", "list")

    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == 2
    assert re.match(r"alpha\s+Samen Oplopen Alpha\s+active\s+Alpha$", lines[0])  # by name
    assert re.match(r"heusden\s+Samen Oplopen Heusden\s+active\s+Heusden$", lines[1])


def test_commands_commit_inside_the_tests_transaction(app: Flask, foundation_admin: User) -> None:
    """The command's commit is visible from a new session (a separate app context) in this
    test; the next test starts without it (see test_nothing_is_left_from_the_previous_test)."""
    assert run(app, *create_args(slug="left-behind")).exit_code == 0

    with app.app_context():
        assert db.session.scalar(select(Tenant.slug).where(Tenant.slug == "left-behind")) == "left-behind"


def test_nothing_is_left_from_the_previous_test(app: Flask) -> None:
    assert count(app, Tenant, Tenant.slug == "left-behind") == 0


# demo seed / code -----------------------------------------------------------------------


def test_demo_seed_creates_three_tenants_with_people_in_every_role(app: Flask) -> None:
    result = run(app, "demo", "seed")

    assert result.exit_code == 0, result.output
    with app.app_context():
        tenants = {t.slug: t for t in db.session.scalars(select(Tenant))}
        assert set(tenants) == {"heusden", "zeist", "papendrecht"}
        for spec in TENANTS:
            with tenant_context(db.session, tenants[spec.slug].id):
                roles = set(db.session.scalars(select(Membership.role)))
            assert roles == set(Role), spec.slug
        foundation = set(db.session.scalars(select(User.foundation_role).where(User.foundation_role.is_not(None))))
        assert foundation == set(FoundationRole)
        emails = set(db.session.scalars(select(User.email)))
        assert all(email.endswith("@" + DEMO_DOMAIN) for email in emails)
        # Staff sign in with an authenticator; volunteers may, but the demo gives them none.
        staff = db.session.scalars(select(User).where(User.email == demo_email("manager.heusden"))).one()
        volunteer = db.session.scalars(select(User).where(User.email == demo_email("ingrid"))).one()
        assert staff.has_two_factor and not volunteer.has_two_factor
    for email in emails:
        assert email in result.output, f"{email} is not among the printed logins"


def test_a_second_demo_seed_does_nothing(app: Flask) -> None:
    run(app, "demo", "seed")
    before = (count(app, Tenant), count(app, User), count(app, PlatformEvent))

    result = run(app, "demo", "seed")

    assert result.exit_code == 0
    assert "not seeded again" in result.output
    assert (count(app, Tenant), count(app, User), count(app, PlatformEvent)) == before


def test_demo_seed_does_not_touch_a_database_with_real_tenants(app: Flask, tenant_a: Tenant) -> None:
    result = run(app, "demo", "seed")

    assert result.exit_code == 0
    assert count(app, Tenant) == 1
    assert count(app, User) == 0


def test_a_seeded_demo_account_can_sign_in(app: Flask) -> None:
    from saas.demo import DEMO_PASSWORD

    run(app, "demo", "seed")
    response = app.test_client().post("/login", data={"email": demo_email("ingrid"), "password": DEMO_PASSWORD})

    assert response.status_code == 302
    assert response.location == "/"


def test_demo_code_prints_the_current_code_of_a_staff_demo_account(app: Flask) -> None:
    run(app, "demo", "seed")
    email = demo_email("manager.heusden")

    result = run(app, "demo", "code", email.upper())

    assert result.exit_code == 0, result.output
    code = result.output.strip()
    assert re.fullmatch(r"\d{6}", code)
    assert pyotp.TOTP(demo_totp_secret(email)).verify(code, valid_window=1)


def test_the_demo_code_signs_the_staff_member_in(app: Flask) -> None:
    from saas.demo import DEMO_PASSWORD

    run(app, "demo", "seed")
    client = app.test_client()
    email = demo_email("coordinator.zeist")
    assert client.post("/login", data={"email": email, "password": DEMO_PASSWORD}).location == "/login/verify"

    code = run(app, "demo", "code", email).output.strip()
    response = client.post("/login/verify", data={"code": code})

    assert response.status_code == 302
    assert response.location == "/"


def test_demo_code_takes_the_local_part_of_a_demo_address(app: Flask) -> None:
    run(app, "demo", "seed")

    result = run(app, "demo", "code", " Coordinator.Heusden ")

    assert result.exit_code == 0, result.output
    assert pyotp.TOTP(demo_totp_secret(demo_email("coordinator.heusden"))).verify(result.output.strip(),
                                                                                 valid_window=1)


def test_demo_code_says_why_it_prints_no_code(app: Flask) -> None:
    run(app, "demo", "seed")
    real = create_user(app, "manager@alpha.example", foundation_role=FoundationRole.STAFF)  # has an authenticator
    reasons = {
        real.email: "is not a demo account",
        demo_email("ingrid"): "signs in with the password only",
        "ingrid": "signs in with the password only",
        "nobody@" + DEMO_DOMAIN: "There is no demo account",
        "not an address": "There is no demo account",
    }

    for account, reason in reasons.items():
        result = run(app, "demo", "code", account)
        assert result.exit_code == 1, account
        assert reason in result.output, result.output
        assert not re.search(r"\b\d{6}\b", result.output)


# roles sql --------------------------------------------------------------------------------


def test_roles_sql_prints_roles_that_cannot_bypass_row_level_security(app: Flask) -> None:
    result = run(app, "roles", "sql", "--database", "samen_oplopen")

    assert result.exit_code == 0
    statements = [line for line in result.output.splitlines() if line.strip()]
    assert all(statement.endswith(";") for statement in statements)
    creates = [s for s in statements if s.startswith("CREATE ROLE")]
    assert [s.split()[2] for s in creates] == ["saas_owner", "saas_app"]
    for statement in creates:
        assert "NOSUPERUSER" in statement and "NOBYPASSRLS" in statement
        assert not re.search(r"(?<!NO)BYPASSRLS|(?<!NO)SUPERUSER", statement)
    app_role = next(s for s in creates if "saas_app" in s)
    assert "NOCREATEDB" in app_role and "NOCREATEROLE" in app_role
    assert "ALTER DATABASE samen_oplopen OWNER TO saas_owner;" in statements
    assert "ALTER SCHEMA public OWNER TO saas_owner;" in statements


def test_the_app_role_gets_data_privileges_only(app: Flask) -> None:
    """Without ownership the app role can neither ALTER a table nor turn FORCE ROW LEVEL SECURITY
    off, so its grants must stay SELECT/INSERT/UPDATE/DELETE (and sequences), never ALL."""
    output = run(app, "roles", "sql", "--database", "samen_oplopen").output
    app_statements = [s for s in output.splitlines() if "saas_app" in s]

    assert not any("OWNER TO saas_app" in s for s in app_statements)
    assert not any(re.search(r"\bALL\b|TRUNCATE|REFERENCES|TRIGGER|\bCREATE ON\b", s) for s in app_statements)
    assert ("ALTER DEFAULT PRIVILEGES FOR ROLE saas_owner IN SCHEMA public "
            "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO saas_app;") in app_statements
    assert "GRANT USAGE ON SCHEMA public TO saas_app;" in app_statements
    assert "GRANT CONNECT ON DATABASE samen_oplopen TO saas_app;" in app_statements


def test_roles_sql_takes_other_role_names(app: Flask) -> None:
    output = run(app, "roles", "sql", "--database", "db1", "--owner", "own", "--app-role", "web").output

    assert "CREATE ROLE own LOGIN" in output and "CREATE ROLE web LOGIN" in output
    assert "saas_owner" not in output and "saas_app" not in output


def test_roles_sql_needs_the_database_name(app: Flask) -> None:
    result = run(app, "roles", "sql")

    assert result.exit_code == 2
    assert "--database" in result.output
