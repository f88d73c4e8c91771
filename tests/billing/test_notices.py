"""Billing mails (saas.billing.notices), through the real SMTP server on loopback: a failed payment
and the read-only reminder reach the tenant's active managers only, each in their own language,
once; nothing leaves when the transaction rolls back."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from babel.dates import format_date
from click.testing import Result
from flask import Flask
from sqlalchemy import select

from saas.auth.models import User
from saas.auth.roles import Role
from saas.billing import notices
from saas.billing.models import Licence
from saas.billing.status import LicenceStatus
from saas.db import db
from saas.tenancy.models import Tenant
from tests.factories.billing import give_licence
from tests.factories.platform import add_membership, create_user, database, today
from tests.support.mailbox import Mailbox

GRACE = 14


@pytest.fixture
def managers(app: Flask, tenant_a: Tenant, tenant_b: Tenant) -> dict[str, User]:
    """Tenant A's people: two active managers (English, Dutch), one deactivated manager and a
    coordinator; and tenant B's manager."""
    people = {
        "en": create_user(app, "mia@alpha.example", tenant=tenant_a, role=Role.MANAGER, name="Mia", locale="en"),
        "nl": create_user(app, "max@alpha.example", tenant=tenant_a, role=Role.MANAGER, name="Max", locale="nl"),
        "coordinator": create_user(app, "cor@alpha.example", tenant=tenant_a, role=Role.COORDINATOR, locale="en"),
        "other_tenant": create_user(app, "bas@beta.example", tenant=tenant_b, role=Role.MANAGER, locale="en"),
    }
    people["former"] = create_user(app, "fem@alpha.example", locale="en")
    add_membership(app, tenant_a, people["former"], Role.MANAGER, active=False)
    return people


def fail_payment(app: Flask, licence: Licence, *, commit: bool = True) -> None:
    """What the webhook does: the notice, then the request's commit (or its rollback)."""
    with app.app_context():
        notices.payment_failed(db.session.merge(licence))
        if commit:
            db.session.commit()
        else:
            db.session.rollback()


def remind(app: Flask) -> dict[str, int]:
    with app.app_context():
        return notices.send_read_only_reminders()


def warned_on(app: Flask, tenant: Tenant) -> date | None:
    with app.app_context():
        return db.session.scalars(select(Licence.read_only_warning_sent_on).where(Licence.tenant_id == tenant.id)).one()


def recipients(mailbox: Mailbox) -> list[str]:
    return sorted(m["To"] for m in mailbox.messages)


def test_a_failed_payment_mails_each_active_manager_in_their_language(
    app: Flask, tenant_a: Tenant, managers: dict[str, User], mailbox: Mailbox
) -> None:
    day = today(app)
    licence = give_licence(app, tenant_a, LicenceStatus.PAST_DUE, past_due_since=day)

    fail_payment(app, licence)

    assert recipients(mailbox) == ["max@alpha.example", "mia@alpha.example"]
    [mail] = mailbox.to("mia@alpha.example")
    assert mail["Subject"] == "Samen Oplopen Alpha: a payment for the licence failed"
    body = mail.get_content()
    starts = day + timedelta(days=GRACE)
    assert "Hello Mia," in body and "A payment for the licence of Samen Oplopen Alpha" in body
    assert f"From {format_date(starts, locale='en_GB')} the organisation becomes read-only" in body
    assert "http://localhost/t/alpha/licence/" in body  # BASE_URL of the testing settings
    assert format_date(starts, locale="nl") in mailbox.last_body("max@alpha.example")  # Dutch date


def test_a_failure_that_arrives_before_the_status_counts_its_grace_from_today(
    app: Flask, tenant_a: Tenant, managers: dict[str, User], mailbox: Mailbox
) -> None:
    """Stripe does not order its events: the licence may still say active."""
    fail_payment(app, give_licence(app, tenant_a, LicenceStatus.ACTIVE))

    starts = today(app) + timedelta(days=GRACE)
    assert f"From {format_date(starts, locale='en_GB')}" in mailbox.last_body("mia@alpha.example")


def test_a_failure_on_a_read_only_licence_says_it_is_read_only_now(
    app: Flask, tenant_a: Tenant, managers: dict[str, User], mailbox: Mailbox
) -> None:
    fail_payment(app, give_licence(app, tenant_a, LicenceStatus.UNPAID))

    assert "The organisation is read-only now" in mailbox.last_body("mia@alpha.example")


def test_a_first_payment_failing_in_checkout_mails_nobody(
    app: Flask, tenant_a: Tenant, managers: dict[str, User], mailbox: Mailbox
) -> None:
    """The manager is still in Checkout, which says so; there is no grace period to announce."""
    fail_payment(app, give_licence(app, tenant_a, LicenceStatus.INCOMPLETE))

    assert mailbox.messages == []


def test_no_mail_leaves_when_the_transaction_rolls_back(
    app: Flask, tenant_a: Tenant, managers: dict[str, User], mailbox: Mailbox
) -> None:
    fail_payment(app, give_licence(app, tenant_a, LicenceStatus.PAST_DUE), commit=False)

    assert mailbox.messages == []


def test_the_reminder_warns_the_managers_once_when_read_only_is_near(
    app: Flask, tenant_a: Tenant, managers: dict[str, User], mailbox: Mailbox
) -> None:
    day = today(app)
    give_licence(app, tenant_a, LicenceStatus.PAST_DUE, past_due_since=day - timedelta(days=GRACE - 2))

    assert remind(app) == {"tenants": 1, "mails": 2, "failed_tenants": 0}
    assert recipients(mailbox) == ["max@alpha.example", "mia@alpha.example"]
    [mail] = mailbox.to("mia@alpha.example")
    starts = format_date(day + timedelta(days=2), locale="en_GB")
    assert mail["Subject"] == f"Samen Oplopen Alpha becomes read-only on {starts}"
    assert "is still overdue" in mail.get_content() and "http://localhost/t/alpha/licence/" in mail.get_content()
    assert warned_on(app, tenant_a) == day

    assert remind(app) == {"tenants": 0, "mails": 0, "failed_tenants": 0}  # idempotent
    assert len(mailbox.messages) == 2


def test_a_new_read_only_start_is_warned_about_again(
    app: Flask, tenant_a: Tenant, managers: dict[str, User], mailbox: Mailbox
) -> None:
    day = today(app)
    give_licence(
        app,
        tenant_a,
        LicenceStatus.MANUAL,
        manual_until=day + timedelta(days=1),
        read_only_warning_sent_on=day - timedelta(days=40),
    )  # about the previous end

    assert remind(app)["mails"] == 2
    assert "ends soon" in mailbox.last_body("mia@alpha.example")


@pytest.mark.parametrize(
    ("status", "fields"),
    [
        (LicenceStatus.PAST_DUE, {"past_due_since": -5}),  # read-only in 9 days: not yet
        (LicenceStatus.PAST_DUE, {"past_due_since": -GRACE}),  # read-only already
        (LicenceStatus.MANUAL, {"manual_until": 3}),  # read-only in 4 days: not yet
        (LicenceStatus.MANUAL, {}),  # no end date
        (LicenceStatus.CANCELED, {}),
        (LicenceStatus.ACTIVE, {}),
    ],
    ids=str,
)
def test_the_reminder_leaves_licences_without_a_near_end_alone(
    app: Flask,
    tenant_a: Tenant,
    managers: dict[str, User],
    mailbox: Mailbox,
    status: LicenceStatus,
    fields: dict[str, int],
) -> None:
    day = today(app)
    give_licence(app, tenant_a, status, **{name: day + timedelta(days=n) for name, n in fields.items()})

    assert remind(app)["mails"] == 0
    assert mailbox.messages == []


def test_the_reminder_skips_inactive_tenants(
    app: Flask, tenant_a: Tenant, managers: dict[str, User], mailbox: Mailbox
) -> None:
    give_licence(app, tenant_a, LicenceStatus.MANUAL, manual_until=today(app))
    with database(app) as session:
        session.get(Tenant, tenant_a.id).is_active = False

    assert remind(app)["mails"] == 0


def run_job(app: Flask) -> Result:
    return app.test_cli_runner().invoke(args=["jobs", "run", "--job", "billing_reminders"])


def test_the_reminder_is_a_registered_daily_job(
    app: Flask, tenant_a: Tenant, managers: dict[str, User], mailbox: Mailbox
) -> None:
    give_licence(app, tenant_a, LicenceStatus.MANUAL, manual_until=today(app))

    result = run_job(app)

    assert result.exit_code == 0, result.output
    assert "billing_reminders" in result.output and "mails=2" in result.output
    assert len(mailbox.messages) == 2
    assert (
        "mails=0" in app.test_cli_runner().invoke(args=["jobs", "run", "--job", "billing_reminders", "--force"]).output
    )
    assert len(mailbox.messages) == 2
