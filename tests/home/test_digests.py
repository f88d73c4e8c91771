"""The daily digest per coordinator and the weekly summary per manager: their content, their
language, and that each holds only its own tenant's data (real mails to the loopback SMTP server)."""

from __future__ import annotations

from datetime import date

import pytest
from babel.dates import format_date
from flask import Flask

from saas.auth.models import User
from saas.auth.roles import Role
from saas.tenancy.models import Tenant
from tenants.home import digests
from tenants.volunteers.readiness import add_months
from tests.factories.home import add_contact, running_match, set_vog
from tests.factories.platform import create_user, days_ago, hours_ago, today
from tests.home.test_signals import update_tenant_created
from tests.support.mailbox import Mailbox


def send_daily(app: Flask) -> dict[str, int]:
    with app.app_context():
        return digests.send_daily_digests()


def send_weekly(app: Flask) -> dict[str, int]:
    with app.app_context():
        return digests.send_weekly_summaries()


def counts(details: dict) -> dict[str, int]:
    """The counts of a run's details (without the lists of tenant ids)."""
    return {key: value for key, value in details.items() if not isinstance(value, list)}


def staff(app: Flask, tenant: Tenant, role: Role, name: str, locale: str | None = "en") -> User:
    return create_user(app, f"{name.split()[0].lower()}@{tenant.slug}.example", tenant=tenant, role=role, name=name,
                       locale=locale)


def test_each_coordinator_gets_their_own_signals_and_no_family_names(
        app: Flask, tenant_a: Tenant, mailbox: Mailbox) -> None:
    cor, carla = staff(app, tenant_a, Role.COORDINATOR, "Cor Eigen"), staff(app, tenant_a, Role.COORDINATOR, "Carla")
    idle = staff(app, tenant_a, Role.COORDINATOR, "Ilse Idle")
    manager = staff(app, tenant_a, Role.MANAGER, "Mia Manager")
    mine = running_match(app, tenant_a, actor=cor, started_on=days_ago(app, 20), family_name="Familie Eigen")
    flagged = add_contact(app, tenant_a, mine, days_ago(app, 15), needs_coordinator=True)
    theirs = running_match(app, tenant_a, actor=carla, started_on=days_ago(app, 40), family_name="Familie Ander",
                           volunteer="Anna Ander")

    details = send_daily(app)
    assert counts(details) == {"tenants": 1, "mails": 2, "failed_tenants": 0}
    assert details["done_tenant_ids"] == [str(tenant_a.id)] and details["failed_tenant_ids"] == []

    [mail] = mailbox.to(cor.email)
    assert mail["Subject"] == "Samen Oplopen Alpha: 2 signals need your attention"
    body = mail.get_content()
    assert "Hello Cor Eigen," in body
    assert "Volunteer asks for their coordinator (1)" in body and "No recent contact (1)" in body
    assert f"- No contact for 15 days: {case_number(app, tenant_a, mine)}. Last contact logged on" in body
    assert f"http://localhost/t/alpha/matches/{mine.id}" in body and "http://localhost/t/alpha/?scope=mine" in body
    assert "Familie" not in body and "Vera de Vries" not in body and str(theirs.id) not in body
    assert flagged.id and "Flagged in the log of a contact on" in body
    assert str(theirs.id) in mailbox.last_body(carla.email)
    assert mailbox.to(idle.email) == [] and mailbox.to(manager.email) == []


def case_number(app: Flask, tenant: Tenant, match: object) -> str:
    from tests.factories.families import load_family

    return load_family(app, tenant, match.family_id).case_number  # type: ignore[attr-defined]


def test_the_digest_is_in_the_coordinators_language(app: Flask, tenant_a: Tenant, mailbox: Mailbox) -> None:
    dutch = staff(app, tenant_a, Role.COORDINATOR, "Daan Nederlands", locale=None)  # the tenant's language: nl
    english = staff(app, tenant_a, Role.COORDINATOR, "Emma English", locale="en")
    day = date(2026, 3, 5)
    for coordinator, volunteer in ((dutch, "Dirk"), (english, "Ed")):
        match = running_match(app, tenant_a, actor=coordinator, started_on=days_ago(app, 3), volunteer=volunteer,
                              family_name=f"Familie {volunteer}")
        add_contact(app, tenant_a, match, day, needs_coordinator=True)

    send_daily(app)

    assert format_date(day, format="medium", locale="nl") in mailbox.last_body(dutch.email)
    assert format_date(day, format="medium", locale="en_GB") in mailbox.last_body(english.email)  # British English


def test_a_digest_holds_only_its_own_tenants_data(app: Flask, tenant_a: Tenant, tenant_b: Tenant,
                                                  mailbox: Mailbox) -> None:
    both = {}
    for tenant, volunteer in ((tenant_a, "Anton Alpha"), (tenant_b, "Bertus Beta")):
        coordinator = staff(app, tenant, Role.COORDINATOR, "Cor Coordinator")
        manager = staff(app, tenant, Role.MANAGER, "Mia Manager")
        match = running_match(app, tenant, actor=coordinator, started_on=days_ago(app, 20), volunteer=volunteer)
        set_vog(app, tenant, match.volunteer_id, add_months(today(app), -36))  # the volunteer's name is in the mail
        both[tenant.slug] = (coordinator, manager, match)
    running_match(app, tenant_b, actor=both["beta"][0], started_on=days_ago(app, 3), volunteer="Bea Beta",
                  family_name="Familie Twee")

    send_daily(app)
    send_weekly(app)

    for own, other, own_name, other_name in (("alpha", "beta", "Anton", "Bertus"),
                                             ("beta", "alpha", "Bertus", "Anton")):
        coordinator, manager, _match = both[own]
        digest = mailbox.last_body(coordinator.email)
        assert own_name in digest and f"/t/{own}/" in digest
        assert other_name not in digest and f"/t/{other}/" not in digest and str(both[other][2].id) not in digest
        summary = mailbox.last_body(manager.email)
        assert f"/t/{own}/" in summary and f"/t/{other}/" not in summary
    assert "Active matches: 1" in mailbox.last_body(both["alpha"][1].email)
    assert "Active matches: 2" in mailbox.last_body(both["beta"][1].email)


def test_one_tenants_failure_does_not_cost_the_others_their_mail(
        app: Flask, tenant_a: Tenant, tenant_b: Tenant, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch) -> None:
    coordinators = {}
    for tenant in (tenant_a, tenant_b):
        coordinators[tenant.slug] = staff(app, tenant, Role.COORDINATOR, "Cor Coordinator")
        running_match(app, tenant, actor=coordinators[tenant.slug], started_on=days_ago(app, 20))
    real = digests.compute_signals

    def failing_for_alpha(tenant: Tenant) -> list:
        if tenant.slug == "alpha":
            raise RuntimeError("alpha's data is broken")
        return real(tenant)

    monkeypatch.setattr(digests, "compute_signals", failing_for_alpha)

    details = send_daily(app)
    assert counts(details) == {"tenants": 1, "mails": 1, "failed_tenants": 1}
    assert details["failed_tenant_ids"] == [str(tenant_a.id)] and details["done_tenant_ids"] == [str(tenant_b.id)]
    assert mailbox.to(coordinators["alpha"].email) == [] and len(mailbox.to(coordinators["beta"].email)) == 1


def test_the_weekly_summary_counts_the_organisations_signals(app: Flask, tenant_a: Tenant, mailbox: Mailbox) -> None:
    cor = staff(app, tenant_a, Role.COORDINATOR, "Cor Coordinator")
    manager = staff(app, tenant_a, Role.MANAGER, "Mia Manager")
    running_match(app, tenant_a, actor=cor, started_on=days_ago(app, 20))
    running_match(app, tenant_a, actor=cor, started_on=days_ago(app, 40), family_name="Familie Twee", volunteer="Wim")
    running_match(app, tenant_a, actor=cor, started_on=days_ago(app, 3), family_name="Familie Drie", volunteer="Dora")

    assert counts(send_weekly(app)) == {"tenants": 1, "mails": 1, "failed_tenants": 0}

    [mail] = mailbox.to(manager.email)
    assert mail["Subject"] == "Samen Oplopen Alpha: the week in numbers"
    body = mail.get_content()
    assert "Active matches: 3" in body and "New matches in the past seven days: 1" in body
    assert "2 signals are open in the organisation:" in body
    assert "- No contact for a long time: 1" in body and "- No recent contact: 1" in body
    assert "http://localhost/t/alpha/?scope=all" in body and mailbox.to(cor.email) == []


def test_a_manager_with_a_caseload_gets_its_digest_and_the_weekly_summary(
        app: Flask, tenant_a: Tenant, mailbox: Mailbox) -> None:
    manager = staff(app, tenant_a, Role.MANAGER, "Mia Manager")
    cor = staff(app, tenant_a, Role.COORDINATOR, "Cor Coordinator")
    own = running_match(app, tenant_a, actor=manager, started_on=days_ago(app, 20), family_name="Familie Eigen")
    theirs = running_match(app, tenant_a, actor=cor, started_on=days_ago(app, 40), family_name="Familie Ander",
                           volunteer="Anna Ander")
    update_tenant_created(app, tenant_a, hours_ago(72))  # the digest "not running" is no one's caseload

    assert counts(send_daily(app)) == {"tenants": 1, "mails": 2, "failed_tenants": 0}

    [mail] = mailbox.to(manager.email)
    assert mail["Subject"] == "Samen Oplopen Alpha: 1 signal needs your attention"
    body = mail.get_content()
    assert str(own.id) in body and str(theirs.id) not in body and "digest" not in body
    assert "http://localhost/t/alpha/?scope=mine" in body
    assert str(theirs.id) in mailbox.last_body(cor.email)

    send_weekly(app)
    assert len(mailbox.to(manager.email)) == 2 and "the week in numbers" in mailbox.to(manager.email)[1]["Subject"]


def test_a_manager_without_a_caseload_gets_no_digest(app: Flask, tenant_a: Tenant, mailbox: Mailbox) -> None:
    manager = staff(app, tenant_a, Role.MANAGER, "Mia Manager")
    cor = staff(app, tenant_a, Role.COORDINATOR, "Cor Coordinator")
    running_match(app, tenant_a, actor=cor, started_on=days_ago(app, 20))

    send_daily(app)

    assert mailbox.to(manager.email) == [] and len(mailbox.to(cor.email)) == 1
