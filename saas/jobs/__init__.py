"""Scheduled jobs: a registry of named jobs, run by ``flask jobs run`` (cron) or an RQ worker."""

from saas.packages import Package

package = Package(
    models=("saas.jobs.models",),
    jobs=("saas.jobs.tasks:reap_tasks",),
)
