"""Database layer: the declarative base, tenant scoping and PostgreSQL row-level security.

Models import from here only::

    from saas.db import db, TenantScoped, tenant_fk, utcnow
"""

from saas.db.base import Base, TimestampMixin, UTCDateTime, configure_engine, db, enum_type, get_or_create, utcnow
from saas.db.tenant import (
    MissingTenant,
    TenantMismatch,
    TenantScoped,
    bind_context,
    bound_tenant_id,
    cross_tenant,
    tenant_context,
    tenant_fk,
)

__all__ = [
    "Base",
    "MissingTenant",
    "TenantMismatch",
    "TenantScoped",
    "TimestampMixin",
    "UTCDateTime",
    "bind_context",
    "bound_tenant_id",
    "configure_engine",
    "cross_tenant",
    "db",
    "enum_type",
    "get_or_create",
    "tenant_context",
    "tenant_fk",
    "utcnow",
]
