"""Database layer: the declarative base, tenant scoping and PostgreSQL row-level security.

Models import from here only::

    from saas.db import Model, TenantScoped, db, tenant_fk, utcnow

``Model`` is ``db.Model`` under a name a type checker can subclass: ``class Membership(TenantScoped, Model)``
is the same class at run time as ``class Membership(TenantScoped, db.Model)``, and mypy checks it.
"""

from saas.db.base import (
    MAX_PAGE,
    AnySession,
    Base,
    Model,
    TimestampMixin,
    UTCDateTime,
    configure_engine,
    db,
    enum_type,
    get_or_create,
    utcnow,
)
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
    "MAX_PAGE",
    "AnySession",
    "Base",
    "MissingTenant",
    "Model",
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
