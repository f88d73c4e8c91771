"""The group track: pregnancy and mothers' groups with volunteer facilitators, participants (some
linked to first-1000-days families), sessions and attendance."""

from saas.packages import Package

package = Package(
    models=("tenants.groups.models",),
    blueprints=("tenants.groups.views:bp",),
    demo=("tenants.groups.demo:seed",),
    audit_labels=("tenants.groups.views:AUDIT_LABELS",),
)
