"""Accounts: users, memberships, sign-in with a second factor, invitations, password reset."""

from saas.packages import Package

package = Package(
    models=("saas.auth.models",),
    blueprints=("saas.auth.views:bp", "saas.auth.two_factor:bp", "saas.auth.account:bp"),
    jobs=("saas.auth.jobs:old_sessions",),
)
