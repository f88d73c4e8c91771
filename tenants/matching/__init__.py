"""Matching families with volunteers, walking alongside (contact moments) and the group track."""

from saas.packages import Package

package = Package(
    models=("tenants.matching.models", "tenants.matching.group_models"),
    blueprints=("tenants.matching.views:bp",
                "tenants.matching.suggestion_views:bp",
                "tenants.matching.contact_views:bp",
                "tenants.matching.my_families:bp",
                "tenants.matching.group_views:bp"),
    demo=("tenants.matching.demo:seed", "tenants.matching.group_demo:seed_groups"),
    contribute="tenants.matching.contributions:contribute",
    audit_labels=("tenants.matching.views:AUDIT_LABELS",
                  "tenants.matching.contact_views:AUDIT_LABELS",
                  "tenants.matching.group_views:AUDIT_LABELS"),
)
