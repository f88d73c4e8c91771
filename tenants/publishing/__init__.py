"""Publishing the tenant's statistics for the foundation: counts and sums per fixed cell
(saas.foundation.measures), computed inside the tenant and written to the published statistics
table, the only tenant data the foundation reads (docs/architecture.md §5)."""

from saas.packages import Package

package = Package(
    blueprints=("tenants.publishing.views:bp",),
    demo=("tenants.publishing.demo:seed",),  # the last seeder: it publishes what the others made
    jobs=("tenants.publishing.job:publish_statistics",),
    contribute="tenants.publishing.labels:contribute",
    audit_labels=("tenants.publishing.views:AUDIT_LABELS",),
)
