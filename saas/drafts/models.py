"""The one table of drafts: one per author and page, sealed like the personal text it holds."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from saas.db import Model, TenantScoped, utcnow

#: A draft untouched this long is deleted (saas.drafts.jobs; the notice above a restored draft says so).
DRAFT_DAYS = 60


class FormDraft(TenantScoped, Model):
    """What ``author`` typed in the form on ``page`` (its path, the form's address), as the pairs
    the browser sent, sealed. Removed when the form is sent, or by the author."""

    __tablename__ = "form_drafts"
    bookkeeping = True
    __table_args__ = (sa.UniqueConstraint("tenant_id", "author_id", "page"),)

    author_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    page: Mapped[str] = mapped_column(sa.String(300))
    data_sealed: Mapped[bytes] = mapped_column(sa.LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
