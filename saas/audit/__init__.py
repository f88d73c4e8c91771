"""Append-only audit log: who did what, to which object, when and from where."""

from saas.packages import Package

package = Package(
    models=("saas.audit.models",),
    blueprints=("saas.audit.views:bp",),
)
