"""Families: referral, the family file, household members, intake, case states and closure."""

from saas.packages import Package

package = Package(
    models=("tenants.families.models",),
    blueprints=("tenants.families.views:bp",),
    demo=("tenants.families.demo:seed",),
    audit_labels=("tenants.families.views:AUDIT_LABELS",),
    contribute="tenants.families.search:contribute",
)
