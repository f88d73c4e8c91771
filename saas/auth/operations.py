"""Account operations: sign-in checks, passwords, two-factor, invitations and membership changes.

Every function takes the acting person explicitly, only flushes, and writes the audit entry;
the request commits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, url_for
from sqlalchemy import func, select, update

from saas.audit.operations import record, record_platform
from saas.auth import secrets as auth_secrets
from saas.auth.models import Invitation, Membership, PasswordResetToken, RecoveryCode, User, new_session_nonce
from saas.auth.roles import Role
from saas.db import cross_tenant, db, utcnow
from saas.errors import OperationError
from saas.i18n import L_
from saas.mail import send_mail
from saas.tenancy.models import Tenant

LAST_MANAGER = L_("An organisation needs at least one active manager.")


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def requires_two_factor(user: User) -> bool:
    """Staff (coordinators, managers, foundation) must use an authenticator."""
    if user.is_foundation:
        return True
    statement = select(Membership.id).where(
        Membership.user_id == user.id, Membership.is_active,
        Membership.role.in_([Role.MANAGER, Role.COORDINATOR]))
    return db.session.scalar(cross_tenant(statement, "a person's own roles decide on two-factor").limit(1)) is not None


def active_memberships(user: User) -> list[Membership]:
    """The person's active memberships in active tenants, by tenant name."""
    statement = (select(Membership).join(Tenant, Tenant.id == Membership.tenant_id)
                 .where(Membership.user_id == user.id, Membership.is_active, Tenant.is_active)
                 .order_by(Tenant.name))
    return list(db.session.scalars(cross_tenant(statement, "list a person's own memberships")))


# Signing in ------------------------------------------------------------------------------


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, else None. Records failed attempts."""
    user = find_user_by_email(email)
    if auth_secrets.check_password(user, password) and user is not None and user.is_active:
        return user
    record_platform("login.failed", user=user, email=email[:254])
    return None


def record_login(user: User, *, method: str) -> None:
    user.last_login_at = utcnow()
    record_platform("login.succeeded", user=user, method=method)


def verify_second_factor(user: User, code: str) -> bool:
    """Accept a TOTP code (once) or an unused recovery code; record failures."""
    if auth_secrets.verify_totp(user, code):
        return True
    normalised = auth_secrets.normalise_recovery_code(code)
    recovery = db.session.scalar(select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None),
        RecoveryCode.code_hash == auth_secrets.hash_token(normalised)))
    if recovery is not None:
        recovery.used_at = utcnow()
        record_platform("two_factor.recovery_code_used", user=user)
        return True
    record_platform("two_factor.failed", user=user)
    return False


def enable_two_factor(user: User, secret: str, code: str) -> list[str] | None:
    """Store a confirmed authenticator secret; returns new recovery codes, or None if the code is wrong."""
    step = auth_secrets.matching_timecode(secret, code, None)
    if step is None:
        return None
    auth_secrets.store_totp_secret(user, secret)
    user.totp_last_timecode = step
    record_platform("two_factor.enabled", user=user)
    return replace_recovery_codes(user)


def replace_recovery_codes(user: User) -> list[str]:
    """Invalidate the old recovery codes and issue new ones (returned once, stored hashed)."""
    db.session.execute(update(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
                       .values(used_at=utcnow()))
    codes = auth_secrets.new_recovery_codes(current_app.config["RECOVERY_CODES"])
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=auth_secrets.hash_token(c)) for c in codes)
    db.session.flush()
    return codes


def disable_two_factor(user: User) -> None:
    if requires_two_factor(user):
        raise OperationError(L_("Your role requires two-factor sign-in; it cannot be switched off."))
    auth_secrets.store_totp_secret(user, None)
    db.session.execute(update(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
                       .values(used_at=utcnow()))
    record_platform("two_factor.disabled", user=user)


# Passwords -------------------------------------------------------------------------------


def set_password(user: User, password: str) -> None:
    """Set a new password and end every existing session of the person."""
    user.password_hash = auth_secrets.hash_password(password)
    user.session_nonce = new_session_nonce()
    record_platform("password.changed", user=user)


def end_all_sessions(user: User) -> None:
    user.session_nonce = new_session_nonce()
    record_platform("sessions.ended", user=user)


def request_password_reset(email: str, locale: str) -> None:
    """Mail a reset link if the account exists. The caller's answer is the same either way."""
    user = find_user_by_email(email)
    if user is None or not user.is_active or user.password_hash is None:
        record_platform("password.reset_requested_unknown", email=email[:254])
        return
    token, token_hash = auth_secrets.new_token()
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    db.session.add(PasswordResetToken(user_id=user.id, token_hash=token_hash,
                                      expires_at=utcnow() + timedelta(hours=hours)))
    record_platform("password.reset_requested", user=user)
    link = current_app.config["BASE_URL"] + url_for("auth.reset_password", token=token)
    send_mail(user.email, "password_reset", user.locale or locale, user=user, link=link, hours=hours)


def valid_reset_token(token: str) -> PasswordResetToken | None:
    reset = db.session.scalar(select(PasswordResetToken).where(
        PasswordResetToken.token_hash == auth_secrets.hash_token(token)))
    if reset is None or reset.used_at is not None or reset.expires_at <= utcnow() or not reset.user.is_active:
        return None
    return reset


def reset_password(reset: PasswordResetToken, password: str) -> User:
    """Use a reset link: new password, every open reset link of the person burnt."""
    user = reset.user
    db.session.execute(update(PasswordResetToken).where(
        PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None)).values(used_at=utcnow()))
    set_password(user, password)
    record_platform("password.reset", user=user)
    return user


# Invitations and members (inside the bound tenant) ------------------------------------------


@dataclass(frozen=True)
class InvitationLink:
    invitation: Invitation
    url: str


def invite(actor: User, tenant: Tenant, email: str, role: Role) -> InvitationLink:
    """Invite ``email`` to ``tenant`` with ``role`` and mail the link (in the tenant's language)."""
    if _active_member(email) is not None:
        raise OperationError(L_("This person is already a member of this organisation."), field="email")
    token, token_hash = auth_secrets.new_token()
    # A new invitation replaces any open one for the same address.
    db.session.execute(update(Invitation).where(
        Invitation.email == email, Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
        .values(revoked_at=utcnow()))
    invitation = Invitation(email=email, role=role, token_hash=token_hash, invited_by_id=actor.id,
                            expires_at=utcnow() + timedelta(days=current_app.config["INVITATION_DAYS"]))
    db.session.add(invitation)
    db.session.flush()
    record(actor, "invitation.sent", invitation, email=email, role=role.value)
    url = current_app.config["BASE_URL"] + url_for("auth.accept_invitation", tenant_slug=tenant.slug, token=token)
    send_mail(email, "invitation", tenant.default_locale, tenant=tenant, inviter=actor, role=role, link=url,
              days=current_app.config["INVITATION_DAYS"])
    return InvitationLink(invitation, url)


def _active_member(email: str) -> Membership | None:
    return db.session.scalar(select(Membership).join(User).where(User.email == email, Membership.is_active))


def revoke_invitation(actor: User, invitation: Invitation) -> None:
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        record(actor, "invitation.revoked", invitation, email=invitation.email)


def open_invitation(token: str) -> Invitation | None:
    """The still-open invitation for ``token`` in the bound tenant, or None."""
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == auth_secrets.hash_token(token)))
    return invitation if invitation is not None and invitation.is_open else None


def accept_invitation(invitation: Invitation, user: User | None, *, name: str | None = None,
                      password: str | None = None) -> User:
    """Turn an invitation into a membership; creates the account when the person is new."""
    if user is None:
        user = User(email=invitation.email, name=name or invitation.email)
        db.session.add(user)
    if password is not None:
        user.password_hash = auth_secrets.hash_password(password)
        user.session_nonce = new_session_nonce()
        if name:
            user.name = name
    db.session.flush()
    membership = db.session.scalar(select(Membership).where(Membership.user_id == user.id))
    if membership is None:
        membership = Membership(user_id=user.id, role=invitation.role)
        db.session.add(membership)
    else:
        membership.role, membership.is_active = invitation.role, True
    invitation.accepted_at = utcnow()
    db.session.flush()
    record(user, "invitation.accepted", invitation, email=invitation.email, role=invitation.role.value)
    return user


def _managers_left(excluding: Membership) -> int:
    return db.session.scalar(select(func.count()).select_from(Membership).where(
        Membership.role == Role.MANAGER, Membership.is_active, Membership.id != excluding.id)) or 0


def change_role(actor: User, membership: Membership, role: Role) -> None:
    if membership.role == role:
        return
    if membership.role == Role.MANAGER and _managers_left(membership) == 0:
        raise OperationError(LAST_MANAGER, field="role")
    old = membership.role
    membership.role = role
    record(actor, "member.role_changed", membership, user=str(membership.user_id), old=old.value, new=role.value)


def set_member_active(actor: User, membership: Membership, active: bool) -> None:
    if membership.is_active == active:
        return
    if not active and membership.role == Role.MANAGER and _managers_left(membership) == 0:
        raise OperationError(LAST_MANAGER)
    membership.is_active = active
    record(actor, "member.activated" if active else "member.deactivated", membership,
           user=str(membership.user_id))
