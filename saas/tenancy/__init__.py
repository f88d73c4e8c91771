"""Tenants: the Tenant and TenantKey models, the base every other package stands on.

Resolving the tenant of a request lives in saas.web.tenant; provisioning one (the foundation's
organisations pages) in saas.foundation.organisations."""

from saas.packages import Package

package = Package(models=("saas.tenancy.models",), contribute="saas.tenancy.versions:contribute")
