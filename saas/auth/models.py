"""People, their memberships of tenants, and the secrets that prove who they are."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime
from typing import ClassVar, cast

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from saas.auth.roles import FoundationRole, Role
from saas.db import Model, TenantScoped, enum_type, utcnow
from saas.tenancy.models import Tenant


def new_session_nonce() -> str:
    return secrets.token_hex(8)


class User(Model):
    """One global account per person (platform table); roles come from memberships."""

    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    #: Sign-in name, stored lowercased.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    #: Argon2id hash; None until the person sets a password through their invitation.
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    #: Chosen interface language, or None to follow the tenant and browser.
    locale: Mapped[str | None] = mapped_column(sa.String(5))
    #: Optional; a coordinator's number is shown to the volunteers they guide (saas.contact).
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    #: A deactivated account cannot sign in; its sessions end at the next request.
    is_active: Mapped[bool] = mapped_column(default=True)
    #: Role at the foundation, or None for people who only work inside tenants.
    foundation_role: Mapped[FoundationRole | None] = mapped_column(enum_type(FoundationRole, "foundation_role"))
    #: TOTP secret, AES-GCM encrypted under the master key; None without an authenticator.
    totp_secret_encrypted: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    #: Time step of the last accepted TOTP code: a code is accepted once (no replay).
    totp_last_timecode: Mapped[int | None] = mapped_column(sa.BigInteger)
    #: Part of the session id: changing it (new password, "sign out everywhere") ends all sessions.
    session_nonce: Mapped[str] = mapped_column(sa.String(32), default=new_session_nonce)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    #: What the pages of the person's organisations show of them (a coordinator's name in a list, a
    #: phone number on a volunteer's page): a change raises those tenants' data versions
    #: (saas.tenancy.versions), a sign-in (last_login_at) does not.
    shown_in_tenants: ClassVar[tuple[str, ...]] = ("name", "email", "phone")

    # Flask-Login protocol ------------------------------------------------------------------
    is_authenticated = True
    is_anonymous = False

    @property
    def signed_in_session(self) -> uuid.UUID | None:
        """The server-side session (:class:`UserSession`) this request runs in: set by
        saas.auth.session when it signs in or loads the person; kept on the object, not the row."""
        return cast("uuid.UUID | None", self.__dict__.get("_signed_in_session"))

    @signed_in_session.setter
    def signed_in_session(self, value: uuid.UUID | None) -> None:
        self.__dict__["_signed_in_session"] = value

    def get_id(self) -> str:
        """The session id Flask-Login keeps in the session and the "remember me" cookie:
        ``<user>:<nonce>:<server-side session>``."""
        return f"{self.id}:{self.session_nonce}:{self.signed_in_session or ''}"

    @property
    def has_two_factor(self) -> bool:
        return self.totp_secret_encrypted is not None

    @property
    def is_foundation(self) -> bool:
        return self.foundation_role is not None


class UserSession(Model):
    """One signed-in session of a person on one device (platform table). Its id travels in the
    session and "remember me" cookies; signing out ends it here, so a copy of either cookie taken
    before is worthless afterwards (ASVS 7.4.1), while the person's other devices go on."""

    __tablename__ = "user_sessions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When the person signed out (or the session timed out); None while it lasts.
    ended_at: Mapped[datetime | None]


class Membership(TenantScoped, Model):
    """A person's role in one tenant."""

    __tablename__ = "memberships"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "user_id"),)

    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    role: Mapped[Role] = mapped_column(enum_type(Role, "role"))
    #: Deactivated members keep their history but cannot open the tenant.
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)
    tenant: Mapped[Tenant] = relationship(lazy="joined", innerjoin=True)


class RecoveryCode(Model):
    """A one-time code to sign in when the authenticator is lost (stored as a hash)."""

    __tablename__ = "recovery_codes"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the code; the codes are random, so a fast hash is enough.
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    used_at: Mapped[datetime | None]


class PasswordResetToken(Model):
    """A single-use, expiring password reset link (stored as a hash)."""

    __tablename__ = "password_reset_tokens"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class Invitation(TenantScoped, Model):
    """An e-mailed invitation to join a tenant with a role (token stored as a hash)."""

    __tablename__ = "invitations"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "token_hash"),
                      sa.Index(None, "tenant_id", "email"))

    email: Mapped[str] = mapped_column(sa.String(254))
    role: Mapped[Role] = mapped_column(enum_type(Role, "role"))
    token_hash: Mapped[str] = mapped_column(sa.String(64))
    invited_by_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    invited_by: Mapped[User | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > utcnow()
