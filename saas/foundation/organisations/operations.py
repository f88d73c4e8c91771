"""Provisioning tenants (platform work done by foundation admins)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from saas.audit.operations import record, record_platform
from saas.auth.models import User
from saas.auth.operations import InvitationLink, invite
from saas.auth.roles import Role
from saas.crypto import ensure_tenant_key
from saas.db import db, tenant_context
from saas.errors import OperationError
from saas.i18n import L_
from saas.tenancy.models import Tenant

#: Slugs that would read as something else in a URL.
RESERVED_SLUGS = frozenset({"admin", "api", "foundation", "login", "static", "new", "www"})


def create_tenant(
    actor: User, *, name: str, slug: str, municipalities: list[str], default_locale: str, manager_email: str
) -> tuple[Tenant, InvitationLink]:
    """Create a tenant and invite its first manager; both are audited."""
    if slug in RESERVED_SLUGS or db.session.scalar(select(Tenant.id).where(Tenant.slug == slug)) is not None:
        raise OperationError(L_("This address is already taken. Choose another."), field="slug")
    tenant = Tenant(name=name, slug=slug, municipalities=municipalities, default_locale=default_locale)
    db.session.add(tenant)
    db.session.flush()
    record_platform("tenant.created", user=actor, tenant_id=tenant.id, slug=slug)
    with tenant_context(db.session, tenant.id):
        ensure_tenant_key()
        record(actor, "tenant.created", tenant, slug=slug)
        link = invite(actor, tenant, manager_email, Role.MANAGER)
    return tenant, link


def update_tenant(actor: User, tenant: Tenant, **changes: Any) -> None:
    """Change a tenant's name, municipalities, language or whether it is open."""
    for key, value in changes.items():
        setattr(tenant, key, value)
    with tenant_context(db.session, tenant.id):
        record(actor, "tenant.updated", tenant, fields=sorted(changes))


def invite_manager(actor: User, tenant: Tenant, email: str) -> InvitationLink:
    """Invite (another) manager into ``tenant`` on the foundation's behalf."""
    with tenant_context(db.session, tenant.id):
        try:
            return invite(actor, tenant, email, Role.MANAGER)
        except OperationError as refusal:  # the organisation page asks for the address as manager_email
            raise OperationError(str(refusal), field="manager_email") from None
