"""``flask jobs``: run what is due (cron), run one job, list the runs, or use a Redis queue.

Cron, every hour::

    flask jobs run                 # inline, in the cron process
    flask jobs enqueue             # or: queue them for `flask jobs worker` (needs SAAS_REDIS_URL)
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from saas.jobs import runner
from saas.jobs.registry import registered_jobs

jobs_cli = AppGroup("jobs", help="Scheduled jobs: daily digests, weekly summaries.")


def _describe(outcome: runner.Outcome) -> str:
    if outcome.run is None:
        return f"{outcome.job} {outcome.run_key}: skipped, {outcome.skipped}"
    run = outcome.run
    # The counts; lists (e.g. the ids of the tenants done) would make the line unreadable.
    details = ", ".join(f"{key}={value}" for key, value in sorted(run.details.items())
                        if not isinstance(value, list | dict))
    text = f"{outcome.job} {outcome.run_key}: {run.status.value}"
    return text + (f" ({details})" if details else "") + (f" - {run.error}" if run.error else "")


@jobs_cli.command("run")
@click.option("--job", "name", help="Run only this job, for the current period, whatever the hour.")
@click.option("--force", is_flag=True, help="With --job: run it even when it already ran in this period.")
def run(name: str | None, force: bool) -> None:
    """Run every job that is due and has not run in its period yet (exit status 1 if one failed)."""
    if force and not name:
        raise click.UsageError("--force needs --job NAME")
    if name:
        if name not in registered_jobs():
            raise click.BadParameter(f"no job named {name!r}; see `flask jobs list`", param_hint="--job")
        outcomes = [runner.run_named(name, force=force)]
    else:
        outcomes = runner.run_due()
    if not outcomes:
        click.echo("No job is due.")
    for outcome in outcomes:
        click.echo(_describe(outcome))
    if any(outcome.failed for outcome in outcomes):
        raise SystemExit(1)


@jobs_cli.command("list")
def list_jobs() -> None:
    """List the jobs with their schedule and their last run."""
    latest = runner.latest_runs()
    for job in registered_jobs().values():
        last = latest.get(job.name)
        when = (f"last run {last.run_key} started {last.started_at:%Y-%m-%d %H:%M} UTC: {last.status.value}"
                if last else "never ran")
        click.echo(f"{job.name:<20} {job.schedule.describe():<28} {when}")
        if last is not None and last.error:
            click.echo(f"{'':<20} error: {last.error}")


@jobs_cli.command("enqueue")
def enqueue() -> None:
    """Put the due jobs on the Redis queue for `flask jobs worker` (needs SAAS_REDIS_URL)."""
    from saas.jobs.queue import enqueue_due, job_queue, redis_connection

    _require_redis()
    queued = enqueue_due(job_queue(redis_connection()))
    if not queued:
        click.echo("No job is due.")
    for name, run_key, new in queued:
        click.echo(f"{name} {run_key}: {'queued' if new else 'already queued'}")


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker(burst: bool) -> None:
    """Run queued jobs (needs SAAS_REDIS_URL); survives Redis outages (it waits and reconnects).
    Keep it running under systemd with Restart=always (README, "Running in production")."""
    from saas.jobs.queue import job_queue, redis_connection, work, work_through_outages
    from saas.jobs.tasks import reap_now

    _require_redis()
    if burst:
        work(job_queue(redis_connection()), burst=True)
    else:  # each start takes back the tasks whose lease expired while no worker ran
        work_through_outages(job_queue(redis_connection()), on_start=reap_now)


@jobs_cli.command("reap")
def reap() -> None:
    """Queue again (or give up) the background tasks whose lease expired (also an hourly job)."""
    from saas.jobs.tasks import reap_now

    counts = reap_now()
    click.echo(f"{counts['requeued']} task(s) queued again, {counts['abandoned']} given up.")


def _require_redis() -> None:
    if not current_app.config["REDIS_URL"]:
        raise click.ClickException("SAAS_REDIS_URL is not set; run jobs inline with `flask jobs run`.")
