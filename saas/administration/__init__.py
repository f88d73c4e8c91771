"""A tenant's own administration, for its managers: the team (invitations, roles, deactivating a
member) and the audit log. Pages only: the accounts live in saas.auth, the log in saas.audit."""

from saas.packages import Package

package = Package(blueprints=("saas.administration.members:bp", "saas.administration.audit_log:bp"))
