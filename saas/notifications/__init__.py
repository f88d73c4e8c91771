"""Notifications: one registry of events and channels, each person's preferences, and sending
after the commit through the job queue, once per event and recipient (docs/architecture.md §7)."""

from saas.packages import Package

package = Package(
    models=("saas.notifications.models",),
    blueprints=("saas.notifications.views:bp",),
    jobs=("saas.notifications.jobs:notifications_digest", "saas.notifications.jobs:notifications_retry"),
    audit_labels=("saas.notifications.views:AUDIT_LABELS",),
    contribute="saas.notifications.kinds:contribute",
)
