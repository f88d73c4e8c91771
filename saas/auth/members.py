"""A tenant's team: managers invite people, change roles and deactivate members."""

from __future__ import annotations

import uuid

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from saas.auth import operations
from saas.auth.models import Invitation, Membership, User
from saas.auth.roles import Role
from saas.auth.schemas import ChangeRoleForm, InviteMemberForm, SetActiveForm
from saas.auth.session import login_required
from saas.db import db, utcnow
from saas.errors import OperationError, invalid_input
from saas.forms import validate_input
from saas.i18n import _
from saas.tenancy.context import current_tenant, require_role, tenant_blueprint

bp = tenant_blueprint("members", __name__)
PAGE_SIZE = 25


def _page(status: int = 200, **context: object) -> tuple[str, int]:
    page = db.paginate(select(Membership).join(User).order_by(Membership.is_active.desc(), User.name),
                       per_page=PAGE_SIZE, error_out=False)
    invitations = db.session.scalars(select(Invitation).where(
        Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None), Invitation.expires_at > utcnow())
        .order_by(Invitation.created_at.desc())).all()
    context.setdefault("errors", {})
    context.setdefault("values", {})
    return render_template("members/index.html", page=page, invitations=invitations, roles=list(Role),
                           role_options=[(role.value, role.label) for role in Role],
                           **context), status


def _invalid(errors: dict[str, list[str]], **context: object) -> ResponseReturnValue:
    return invalid_input(errors, lambda: _page(422, errors=errors, **context))


def _membership_or_404(member_id: uuid.UUID) -> Membership:
    membership: Membership = db.first_or_404(select(Membership).where(Membership.id == member_id))
    return membership


@bp.route("/members/")
@login_required
@require_role(Role.MANAGER)
def index() -> tuple[str, int]:
    return _page()


@bp.route("/members/invite", methods=["POST"])
@login_required
@require_role(Role.MANAGER)
def invite() -> ResponseReturnValue:
    data, errors = validate_input(InviteMemberForm())
    if not errors:
        try:
            operations.invite(current_user, current_tenant, data["email"], data["role"])
        except OperationError as exc:
            errors = {"email": [str(exc)]}
    if errors:
        return _invalid(errors, values=request.form)
    flash(_("An invitation has been sent to %(email)s.", email=data["email"]), "success")
    return redirect(url_for(".index"))


@bp.route("/invitations/<uuid:invitation_id>/revoke", methods=["POST"])
@login_required
@require_role(Role.MANAGER)
def revoke(invitation_id: uuid.UUID) -> Response:
    invitation = db.first_or_404(select(Invitation).where(Invitation.id == invitation_id))
    operations.revoke_invitation(current_user, invitation)
    flash(_("The invitation for %(email)s has been withdrawn.", email=invitation.email), "success")
    return redirect(url_for(".index"))


@bp.route("/members/<uuid:member_id>/role", methods=["POST"])
@login_required
@require_role(Role.MANAGER)
def change_role(member_id: uuid.UUID) -> ResponseReturnValue:
    membership = _membership_or_404(member_id)
    data, errors = validate_input(ChangeRoleForm())
    if not errors:
        try:
            operations.change_role(current_user, membership, data["role"])
        except OperationError as exc:
            errors = {"role": [str(exc)]}
    if errors:
        return _invalid(errors)
    flash(_("The role of %(name)s is now: %(role)s.", name=membership.user.name, role=membership.role.label),
          "success")
    return redirect(url_for(".index"))


@bp.route("/members/<uuid:member_id>/active", methods=["POST"])
@login_required
@require_role(Role.MANAGER)
def set_active(member_id: uuid.UUID) -> ResponseReturnValue:
    membership = _membership_or_404(member_id)
    data, errors = validate_input(SetActiveForm())
    if errors:
        return _invalid(errors)
    active = data["active"]
    try:
        operations.set_member_active(current_user, membership, active)
    except OperationError as exc:
        return _invalid({"_form": [str(exc)]})
    message = _("%(name)s can use this organisation again.") if active else _(
        "%(name)s no longer has access to this organisation.")
    flash(message % {"name": membership.user.name}, "success")
    return redirect(url_for(".index"))
