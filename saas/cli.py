"""The one ``flask`` command line: ``tenants``, ``users``, ``demo``, ``roles`` and ``jobs`` (saas.jobs.cli) groups."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from saas.auth.models import User
from saas.auth.roles import FoundationRole
from saas.auth.schemas import AcceptInvitationForm
from saas.auth.secrets import hash_password
from saas.db import db
from saas.errors import OperationError
from saas.forms import Email
from saas.foundation.organisations.schemas import CreateTenantForm
from saas.tenancy.models import Tenant

tenants_cli = AppGroup("tenants", help="Create and list tenants (organisations).")
users_cli = AppGroup("users", help="Manage platform accounts.")
demo_cli = AppGroup("demo", help="The demo dataset.")
roles_cli = AppGroup("roles", help="PostgreSQL roles for production.")


class FoundationAdminForm(AcceptInvitationForm):
    """A name and a password typed twice (as when accepting an invitation), plus the address."""

    email = Email(required=True)


def _system_actor() -> User | None:
    return db.session.scalar(select(User).where(User.foundation_role == FoundationRole.ADMIN).limit(1))


@tenants_cli.command("create")
@click.option("--name", required=True, help='Display name, e.g. "Samen Oplopen Heusden".')
@click.option("--slug", required=True, help="URL part: /t/<slug>/.")
@click.option("--municipality", "municipalities", multiple=True, required=True, help="Repeat for each.")
@click.option("--locale", "default_locale", default="nl", show_default=True, help="nl, en or ar.")
@click.option("--manager-email", required=True, help="First manager; receives an invitation.")
def create_tenant(name: str, slug: str, municipalities: tuple[str, ...], default_locale: str,
                  manager_email: str) -> None:
    """Create a tenant and invite its first manager (the link is mailed and printed)."""
    from saas.foundation.organisations.operations import create_tenant as create

    data, _errors = _validated(CreateTenantForm(), name=name, slug=slug, municipalities=list(municipalities),
                              default_locale=default_locale, manager_email=manager_email)
    actor = _system_actor()
    if actor is None:
        raise click.ClickException("Create a foundation admin first: flask users create-foundation-admin")
    # The invitation link is built with url_for, which needs a request outside of one.
    with current_app.test_request_context():
        try:
            tenant, link = create(actor, **data)
        except OperationError as exc:
            raise click.ClickException(str(exc)) from None
        db.session.commit()
    click.echo(f"Created {tenant.name} at /t/{tenant.slug}/")
    click.echo(f"Invitation for {manager_email}: {link.url}")


def _validated(schema: CreateTenantForm | object, **values: object) -> tuple[dict, dict]:
    from saas.forms import validate_input

    data, errors = validate_input(schema, values)  # type: ignore[arg-type]
    if errors:
        lines = [f"  {field}: {' '.join(messages)}" for field, messages in errors.items()]
        raise click.ClickException("Invalid input:\n" + "\n".join(lines))
    return data, errors


@tenants_cli.command("list")
def list_tenants() -> None:
    """List every tenant with its slug and municipalities."""
    for tenant in db.session.scalars(select(Tenant).order_by(Tenant.name)):
        state = "active" if tenant.is_active else "closed"
        click.echo(f"{tenant.slug:<20} {tenant.name:<40} {state:<7} {', '.join(tenant.municipalities)}")


@users_cli.command("create-foundation-admin")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.password_option(help="At least PASSWORD_MIN_LENGTH characters.")
def create_foundation_admin(email: str, name: str, password: str) -> None:
    """Create (or promote) a foundation admin. Two-factor set-up follows at first sign-in."""
    data, _errors = _validated(FoundationAdminForm(), email=email, name=name, password=password,
                               password_confirm=password)
    email, name = data["email"], data["name"]
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name=name)
        db.session.add(user)
    user.foundation_role = FoundationRole.ADMIN
    user.password_hash = hash_password(password)
    db.session.commit()
    click.echo(f"{email} is a foundation admin.")


@demo_cli.command("seed")
@click.option("--families", type=click.IntRange(1, 100_000), help="Families per tenant (default: 60–120).")
@click.option("--volunteers", type=click.IntRange(1, 50_000), help="Volunteers per tenant (default: 40–80).")
def seed(families: int | None, volunteers: int | None) -> None:
    """Load the demo: the foundation, three tenants and people in every role."""
    from saas.demo import DEMO_PASSWORD, TENANTS, demo_logins, seed_demo
    from saas.demo_size import DemoSize

    if db.session.scalar(select(Tenant.id).limit(1)) is None:
        seed_demo({spec.slug: DemoSize(families=families, volunteers=volunteers) for spec in TENANTS})
        db.session.commit()
        click.echo("Demo data loaded.")
    else:
        click.echo("The database already has tenants; the demo is not seeded again.")
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for line in demo_logins():
        click.echo("  " + line)


@demo_cli.command("code")
@click.argument("account")
def demo_code(account: str) -> None:
    """Print the current authenticator code of a demo account: its address or local part
    (``coordinator.heusden``)."""
    from saas.demo import NotADemoCode, current_demo_code

    try:
        click.echo(current_demo_code(account))
    except NotADemoCode as reason:
        raise click.ClickException(str(reason)) from reason


@roles_cli.command("sql")
@click.option("--database", required=True)
@click.option("--owner", default="saas_owner", show_default=True)
@click.option("--app-role", default="saas_app", show_default=True)
def roles_sql(database: str, owner: str, app_role: str) -> None:
    """Print the SQL a superuser runs once to create the owner and app roles."""
    from saas.db.rls import role_setup_sql

    for statement in role_setup_sql(database, owner, app_role):
        click.echo(statement + ";")


def register_commands(app: Flask) -> None:
    from saas.jobs.cli import jobs_cli

    for group in (tenants_cli, users_cli, demo_cli, roles_cli, jobs_cli):
        app.cli.add_command(group)
