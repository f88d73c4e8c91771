"""Tenants: the model, resolving the current tenant of a request, and provisioning."""

from saas.packages import Package

package = Package(
    models=("saas.tenancy.models",),
    blueprints=("saas.tenancy.views:bp",),
)
