"""Matching families with volunteers and walking alongside them (contact moments)."""

from saas.packages import Package

package = Package(
    models=("tenants.matching.models",),
    blueprints=("tenants.matching.matches.views:bp",
                "tenants.matching.suggestions.views:bp",
                "tenants.matching.contacts.views:bp",
                "tenants.matching.my_families.views:bp"),
    demo=("tenants.matching.demo:seed",),
    jobs=("tenants.matching.notices:escalation",),
    contribute="tenants.matching.contributions:contribute",
    audit_labels=("tenants.matching.matches.views:AUDIT_LABELS",
                  "tenants.matching.contacts.views:AUDIT_LABELS"),
)
