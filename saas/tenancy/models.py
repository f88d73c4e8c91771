"""The tenant: one local organisation running Samen Oplopen (a platform table)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from saas.db import Model, TenantScoped, utcnow

if TYPE_CHECKING:
    from saas.billing.models import Licence


class Tenant(Model):
    __tablename__ = "tenants"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    #: URL selector in /t/<slug>/; lowercase letters, digits and hyphens.
    slug: Mapped[str] = mapped_column(sa.String(40), unique=True)
    #: Display name, e.g. "Samen Oplopen Heusden".
    name: Mapped[str] = mapped_column(sa.String(120))
    #: Names of the municipalities (gemeenten) the organisation works for.
    municipalities: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    #: Interface language for members who did not choose one.
    default_locale: Mapped[str] = mapped_column(sa.String(5), default="nl")
    #: An inactive tenant is closed for everyone (its data stays).
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Raised by every transaction that changes the organisation's data (saas.tenancy.versions):
    #: figures kept between requests are kept under it, so a change makes them be computed anew.
    data_version: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")

    #: The organisation's licence (saas.billing; None: none yet). Named by type only, so tenancy does
    #: not import billing; the tenant hook loads it in the statement that resolves the tenant.
    licence: Mapped[Licence | None] = relationship(viewonly=True)


class TenantKey(TenantScoped, Model):
    """The tenant's data key, wrapped (encrypted) by the master key; see saas.crypto.

    Destroying a tenant's keys makes its encrypted notes unreadable everywhere, backups included.
    """

    __tablename__ = "tenant_keys"

    #: 32 random bytes, sealed under the master key with the tenant id as associated data.
    wrapped_key: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
