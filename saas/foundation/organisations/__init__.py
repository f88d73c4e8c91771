"""The organisations the foundation licenses (/foundation/tenants/): provisioning a tenant with its
first manager, editing its details, inviting another manager."""
