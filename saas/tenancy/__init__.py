"""Tenants: the model, resolving the current tenant of a request, and provisioning."""
