"""The foundation's area at /foundation/: staff see tenants and, later, published statistics only."""

from saas.packages import Package

package = Package(
    models=("saas.foundation.models",),
    blueprints=("saas.foundation.views:bp", "saas.foundation.organisations.views:bp"),
    audit_labels=("saas.foundation.views:AUDIT_LABELS",),
)
