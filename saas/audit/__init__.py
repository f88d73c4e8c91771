"""Append-only audit log: who did what, to which object, when and from where (the page that shows
it to a tenant's managers is in saas.administration)."""

from saas.packages import Package

package = Package(
    models=("saas.audit.models",),
)
