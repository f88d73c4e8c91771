"""Impact: the foundation's versioned instruments, measurements at T0/T1/Tend, scores, the tenant's
impact dashboard and municipality reports."""

from saas.packages import Package

package = Package(
    models=("tenants.impact.instruments", "tenants.impact.models"),
    blueprints=("tenants.impact.foundation_views:bp", "tenants.impact.views:bp", "tenants.impact.dashboard_views:bp",
                "tenants.impact.report_views:bp"),
    demo=("tenants.impact.instrument_demo:seed", "tenants.impact.demo:seed", "tenants.impact.report_demo:seed"),
    contribute="tenants.impact.contributions:contribute",
    audit_labels=("tenants.impact.views:AUDIT_LABELS",
                  "tenants.impact.report_views:AUDIT_LABELS",
                  "tenants.impact.foundation_views:AUDIT_LABELS"),
)
