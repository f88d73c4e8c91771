"""The used submission tokens of a tenant: one row per author and token."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from saas.db import Model, TenantScoped, utcnow

#: A token is remembered this long: far longer than any client retries (saas.submissions.jobs).
SUBMISSION_DAYS = 3
#: The longest token accepted (a UUID is 36 characters; a client may use its own scheme).
TOKEN_LENGTH = 100


class Submission(TenantScoped, Model):
    """A form ``author`` sent with ``token``, and where its answer led (None while it is running).

    Written in the transaction of the change itself, so a token is used exactly when the change is
    saved; the unique constraint makes a concurrent repeat wait for the first and then fail."""

    __tablename__ = "submissions"
    bookkeeping = True
    __table_args__ = (sa.UniqueConstraint("tenant_id", "author_id", "token"),)

    author_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    token: Mapped[str] = mapped_column(sa.String(TOKEN_LENGTH))
    #: A hash of what was sent: a repeat is the same token with the same contents; other contents
    #: (a stale page sent again with new text) are a new submission, never silently dropped.
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    #: The address the first answer redirected to.
    location: Mapped[str | None] = mapped_column(sa.String(2000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
