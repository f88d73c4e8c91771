"""Matching families with volunteers and walking alongside them (contact moments)."""

from saas.packages import Package

package = Package(
    models=("tenants.matching.models",),
    blueprints=("tenants.matching.views:bp",
                "tenants.matching.suggestion_views:bp",
                "tenants.matching.contact_views:bp",
                "tenants.matching.my_families:bp"),
    demo=("tenants.matching.demo:seed",),
    contribute="tenants.matching.contributions:contribute",
    audit_labels=("tenants.matching.views:AUDIT_LABELS",
                  "tenants.matching.contact_views:AUDIT_LABELS"),
)
