"""Impact: the foundation's versioned instruments, measurements at T0/T1/Tend, scores, the tenant's
impact dashboard and municipality reports."""

from saas.packages import Package

package = Package(
    models=("tenants.impact.instruments.models", "tenants.impact.measurements.models", "tenants.impact.reports.models"),
    blueprints=(
        "tenants.impact.instruments.views:bp",
        "tenants.impact.instruments.cli:bp",
        "tenants.impact.measurements.views:bp",
        "tenants.impact.dashboard.views:bp",
        "tenants.impact.reports.views:bp",
    ),
    demo=(
        "tenants.impact.instruments.demo:seed",
        "tenants.impact.measurements.demo:seed",
        "tenants.impact.reports.demo:seed",
    ),
    contribute="tenants.impact.contributions:contribute",
    audit_labels=(
        "tenants.impact.measurements.views:AUDIT_LABELS",
        "tenants.impact.reports.views:AUDIT_LABELS",
        "tenants.impact.instruments.views:AUDIT_LABELS",
    ),
)
