"""The tenant's start page."""

from saas.packages import Package

package = Package(
    models=("tenants.home.models",),
    blueprints=("tenants.home.views:bp",),
    jobs=("tenants.home.digests:daily_digest", "tenants.home.digests:weekly_summary",
          "tenants.home.notices:vog_reminders"),
    audit_labels=("tenants.home.views:AUDIT_LABELS",),
    contribute="tenants.home.invalidation:contribute",
)
