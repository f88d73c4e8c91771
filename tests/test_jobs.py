"""``flask jobs``: due jobs run once per period and are recorded; one failing job is recorded as
failed and does not stop the others. The jobs here are the real digests (tenants.home.digests),
mailing the loopback SMTP server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy import select

from saas.auth.models import User
from saas.auth.roles import Role
from saas.db import db
from saas.jobs import runner
from saas.jobs.models import JobRun, RunStatus
from saas.jobs.registry import Daily, Job, Weekly
from saas.tenancy.models import Tenant
from tenants.home import digests
from tenants.home.signals import SignalKind
from tests.factories.home import running_match, signals_of
from tests.factories.platform import create_user, days_ago, hours_ago
from tests.home.test_signals import update_tenant_created
from tests.support.jobs import only_digests, with_extra_jobs
from tests.support.mailbox import Mailbox

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MONDAY_0600 = datetime(2026, 11, 23, 6, 0, tzinfo=AMSTERDAM)
MONDAY_0800 = datetime(2026, 11, 23, 8, 0, tzinfo=AMSTERDAM)
TUESDAY_0800 = datetime(2026, 11, 24, 8, 0, tzinfo=AMSTERDAM)


def _explode() -> dict[str, int]:
    raise RuntimeError("the job broke")


#: A job that always fails (put in front of the declared jobs by the test that needs it).
broken = Job("broken", _explode, Daily(hour=0))


def run(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(args=["jobs", *args])


def job_runs(app: Flask) -> list[JobRun]:
    with app.app_context():
        return list(db.session.scalars(select(JobRun).order_by(JobRun.job, JobRun.run_key)))


@pytest.fixture
def at(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[datetime]]:
    """``at[0] = moment`` sets the local time the scheduler sees."""
    moment = [MONDAY_0800]
    monkeypatch.setattr(runner, "local_now", lambda: moment[0])
    yield moment


@pytest.fixture
def coordinator_with_a_signal(app: Flask, tenant_a: Tenant) -> User:
    coordinator = create_user(app, "coordinator@alpha.example", tenant=tenant_a, role=Role.COORDINATOR, locale="en")
    running_match(app, tenant_a, actor=coordinator, started_on=days_ago(app, 20), family_name="Familie Eigen")
    return coordinator


def test_running_the_digest_mails_the_coordinator_and_records_the_run(
        app: Flask, tenant_a: Tenant, coordinator_with_a_signal: User, mailbox: Mailbox) -> None:
    result = run(app, "run", "--job", "daily_digest")

    assert result.exit_code == 0, result.output
    assert "daily_digest" in result.output and "succeeded (failed_tenants=0, mails=1, tenants=1)" in result.output
    [mail] = mailbox.to(coordinator_with_a_signal.email)
    assert "1 signal needs your attention" in mail["Subject"]
    [job_run] = job_runs(app)
    assert (job_run.job, job_run.status, job_run.details) == (
        "daily_digest", RunStatus.SUCCEEDED, {"tenants": 1, "mails": 1, "failed_tenants": 0, "failed_tenant_ids": [],
                                              "done_tenant_ids": [str(tenant_a.id)]})
    assert job_run.finished_at >= job_run.started_at and job_run.error is None


def test_a_job_runs_once_per_period_and_forced_only_where_it_did_not_finish(
        app: Flask, coordinator_with_a_signal: User, mailbox: Mailbox) -> None:
    run(app, "run", "--job", "daily_digest")
    again = run(app, "run", "--job", "daily_digest")

    assert again.exit_code == 0 and "skipped, already ran in this period" in again.output
    assert len(mailbox.to(coordinator_with_a_signal.email)) == 1

    forced = run(app, "run", "--job", "daily_digest", "--force")
    assert forced.exit_code == 0 and "succeeded (failed_tenants=0, mails=1, tenants=1)" in forced.output
    assert len(mailbox.to(coordinator_with_a_signal.email)) == 1  # the tenant was done: not mailed twice
    assert [(r.job, r.status) for r in job_runs(app)] == [("daily_digest", RunStatus.SUCCEEDED)]


def test_a_forced_rerun_retries_the_failed_tenants_only(
        app: Flask, tenant_a: Tenant, tenant_b: Tenant, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch) -> None:
    coordinators = {}
    for tenant in (tenant_a, tenant_b):
        coordinators[tenant.slug] = create_user(app, f"coordinator@{tenant.slug}.example", tenant=tenant,
                                                role=Role.COORDINATOR, locale="en")
        running_match(app, tenant, actor=coordinators[tenant.slug], started_on=days_ago(app, 20))
    real = digests.compute_signals

    def failing_for_alpha(tenant: Tenant) -> list:
        if tenant.slug == "alpha":
            raise RuntimeError("alpha's data is broken")
        return real(tenant)

    monkeypatch.setattr(digests, "compute_signals", failing_for_alpha)
    first = run(app, "run", "--job", "daily_digest")
    assert first.exit_code == 0 and "succeeded (failed_tenants=1, mails=1, tenants=1)" in first.output
    [job_run] = job_runs(app)
    assert job_run.details["failed_tenant_ids"] == [str(tenant_a.id)]
    assert job_run.details["done_tenant_ids"] == [str(tenant_b.id)]

    monkeypatch.setattr(digests, "compute_signals", real)  # fixed
    forced = run(app, "run", "--job", "daily_digest", "--force")

    assert "succeeded (failed_tenants=0, mails=2, tenants=2)" in forced.output
    assert len(mailbox.to(coordinators["alpha"].email)) == 1 and len(mailbox.to(coordinators["beta"].email)) == 1
    [job_run] = job_runs(app)
    assert job_run.details["failed_tenant_ids"] == []
    assert job_run.details["done_tenant_ids"] == [str(tenant_b.id), str(tenant_a.id)]


def test_a_run_left_running_by_a_crashed_worker_is_finished_by_force(
        app: Flask, tenant_a: Tenant, tenant_b: Tenant, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch) -> None:
    coordinators = {}
    for tenant in (tenant_a, tenant_b):
        coordinators[tenant.slug] = create_user(app, f"coordinator@{tenant.slug}.example", tenant=tenant,
                                                role=Role.COORDINATOR, locale="en")
        running_match(app, tenant, actor=coordinators[tenant.slug], started_on=days_ago(app, 20))
    real = digests._daily_digest

    def crash_in_beta(tenant: Tenant) -> int:
        if tenant.slug == "beta":
            raise KeyboardInterrupt  # the worker dies (not an Exception: nothing catches it)
        return real(tenant)

    monkeypatch.setattr(digests, "_daily_digest", crash_in_beta)
    with pytest.raises(KeyboardInterrupt), app.app_context():
        runner.run_named("daily_digest")
    [job_run] = job_runs(app)
    assert job_run.status == RunStatus.RUNNING and job_run.details["done_tenant_ids"] == [str(tenant_a.id)]
    assert len(mailbox.to(coordinators["alpha"].email)) == 1 and mailbox.to(coordinators["beta"].email) == []
    assert "skipped, already ran in this period" in run(app, "run", "--job", "daily_digest").output

    monkeypatch.setattr(digests, "_daily_digest", real)
    forced = run(app, "run", "--job", "daily_digest", "--force")

    assert "succeeded (failed_tenants=0, mails=2, tenants=2)" in forced.output
    assert len(mailbox.to(coordinators["alpha"].email)) == 1 and len(mailbox.to(coordinators["beta"].email)) == 1


def test_the_scheduler_runs_what_is_due_once_per_period(app: Flask, coordinator_with_a_signal: User,
                                                        at: list[datetime], mailbox: Mailbox,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # The digests only: the statistics are published from 02:00 and would be due at 06:00 too.
    only_digests(monkeypatch)
    at[0] = MONDAY_0600
    assert run(app, "run").output.strip() == "No job is due."

    at[0] = MONDAY_0800
    result = run(app, "run")
    assert result.exit_code == 0, result.output
    assert [(r.job, r.run_key) for r in job_runs(app)] == [("daily_digest", "2026-11-23"),
                                                            ("weekly_summary", "2026-W48")]
    assert run(app, "run").output.strip() == "No job is due."  # cron again an hour later

    at[0] = TUESDAY_0800
    run(app, "run")
    assert [(r.job, r.run_key) for r in job_runs(app)][-2:] == [("daily_digest", "2026-11-24"),
                                                                 ("weekly_summary", "2026-W48")]
    assert len(mailbox.to(coordinator_with_a_signal.email)) == 2  # one digest a day


def test_a_failing_job_is_recorded_and_the_others_still_run(app: Flask, coordinator_with_a_signal: User,
                                                            at: list[datetime], mailbox: Mailbox,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    with_extra_jobs(monkeypatch, broken)

    result = run(app, "run")

    assert result.exit_code == 1
    assert "broken 2026-11-23: failed - RuntimeError: the job broke" in result.output
    runs = {r.job: r for r in job_runs(app)}
    assert runs["broken"].status == RunStatus.FAILED and runs["broken"].error == "RuntimeError: the job broke"
    assert runs["broken"].finished_at is not None
    assert runs["daily_digest"].status == runs["weekly_summary"].status == RunStatus.SUCCEEDED
    assert len(mailbox.to(coordinator_with_a_signal.email)) == 1

    assert "broken" not in run(app, "run").output  # failed in this period: not again by itself
    assert "failed" in run(app, "run", "--job", "broken", "--force").output


def test_the_digest_not_running_stops_being_a_signal_once_it_runs(app: Flask, tenant_a: Tenant) -> None:
    update_tenant_created(app, tenant_a, hours_ago(48))
    assert len(signals_of(app, tenant_a, SignalKind.JOB_STALLED)) == 1

    run(app, "run", "--job", "daily_digest")

    assert signals_of(app, tenant_a, SignalKind.JOB_STALLED) == []


def test_jobs_list_shows_the_schedule_and_the_last_run(app: Flask, coordinator_with_a_signal: User) -> None:
    before = run(app, "list").output
    assert "daily_digest" in before and "daily from 07:00" in before and "never ran" in before
    assert "weekly_summary" in before and "weekly from Monday 07:00" in before

    run(app, "run", "--job", "daily_digest")
    after = run(app, "list").output.splitlines()
    assert "succeeded" in next(line for line in after if line.startswith("daily_digest"))
    assert "never ran" in next(line for line in after if line.startswith("weekly_summary"))


def test_wrong_use_is_explained(app: Flask) -> None:
    assert run(app, "run", "--force").exit_code == 2
    unknown = run(app, "run", "--job", "nonsense")
    assert unknown.exit_code == 2 and "no job named 'nonsense'" in unknown.output
    for command in ("enqueue", "worker"):
        result = run(app, command)
        assert result.exit_code == 1 and "SAAS_REDIS_URL is not set" in result.output


def test_schedules_name_their_periods_and_are_due_from_their_hour() -> None:
    daily, weekly = Daily(hour=7), Weekly(weekday=0, hour=7)
    late_sunday = datetime(2026, 11, 29, 23, 30, tzinfo=AMSTERDAM)
    early_monday = datetime(2026, 11, 30, 6, 0, tzinfo=AMSTERDAM)
    early_wednesday = datetime(2026, 12, 2, 6, 0, tzinfo=AMSTERDAM)

    assert (daily.period_key(late_sunday), weekly.period_key(late_sunday)) == ("2026-11-29", "2026-W48")
    assert (daily.period_key(early_monday), weekly.period_key(early_monday)) == ("2026-11-30", "2026-W49")
    assert daily.is_due(late_sunday) and weekly.is_due(late_sunday)
    assert not daily.is_due(early_monday) and not weekly.is_due(early_monday)
    assert weekly.is_due(early_wednesday)  # a missed Monday is caught up later in the week
