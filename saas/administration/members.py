"""A tenant's team: managers invite people, change roles and deactivate members."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from functools import partial
from typing import Any

from flask import render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from saas.auth import operations
from saas.auth.models import Invitation, Membership, User
from saas.auth.roles import Role
from saas.auth.schemas import ChangeRoleForm, InviteMemberForm, SetActiveForm
from saas.db import db, utcnow
from saas.forms import Confirmed
from saas.i18n import _
from saas.web import Errors, run_form, tenant_route
from saas.web.tenant import current_tenant, tenant_blueprint

bp = tenant_blueprint("members", __name__)
manager_route = partial(tenant_route, bp, roles=(Role.MANAGER,))
PAGE_SIZE = 25


def _page(errors: Errors | None = None, values: Mapping[str, Any] | None = None) -> str:
    """The team: members (active first), open invitations, and the invitation form."""
    page = db.paginate(select(Membership).join(User).order_by(Membership.is_active.desc(), User.name),
                       per_page=PAGE_SIZE, error_out=False)
    invitations = db.session.scalars(select(Invitation).where(
        Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None), Invitation.expires_at > utcnow())
        .order_by(Invitation.created_at.desc())).all()
    return render_template("administration/members.html", page=page, invitations=invitations, roles=list(Role),
                           role_options=[(role.value, role.label) for role in Role],
                           errors=errors or {}, values=values or {})


def _refused(errors: Errors, values: Mapping[str, Any] | None = None) -> tuple[str, int]:
    return _page(errors, values), 422


def _membership_or_404(member_id: uuid.UUID) -> Membership:
    membership: Membership = db.first_or_404(select(Membership).where(Membership.id == member_id))
    return membership


@manager_route("/members/")
def index() -> str:
    return _page()


@manager_route("/members/invite", methods=["POST"])
def invite() -> ResponseReturnValue:
    def send(data: dict[str, Any]) -> str:
        operations.invite(current_user, current_tenant, data["email"], data["role"])
        return str(data["email"])

    return run_form(InviteMemberForm(), send, lambda errors: _refused(errors, request.form),
                    lambda email: (_("An invitation has been sent to %(email)s.", email=email), url_for(".index")))


@manager_route("/invitations/<uuid:invitation_id>/revoke", methods=["POST"])
def revoke(invitation_id: uuid.UUID) -> ResponseReturnValue:
    invitation = db.first_or_404(select(Invitation).where(Invitation.id == invitation_id))
    # Confirmed in a dialog first: a refusal shows the team page with its reason.
    return run_form(Confirmed(), lambda _nothing: operations.revoke_invitation(current_user, invitation), _refused,
                    lambda _none: (_("The invitation for %(email)s has been withdrawn.", email=invitation.email),
                                   url_for(".index")))


@manager_route("/members/<uuid:member_id>/role", methods=["POST"])
def change_role(member_id: uuid.UUID) -> ResponseReturnValue:
    membership = _membership_or_404(member_id)
    return run_form(ChangeRoleForm(), lambda data: operations.change_role(current_user, membership, data["role"]),
                    _refused,
                    lambda _none: (_("The role of %(name)s is now: %(role)s.", name=membership.user.name,
                                     role=membership.role.label), url_for(".index")))


@manager_route("/members/<uuid:member_id>/active", methods=["POST"])
def set_active(member_id: uuid.UUID) -> ResponseReturnValue:
    membership = _membership_or_404(member_id)

    def done(_none: None) -> tuple[str, str]:
        message = (_("%(name)s can use this organisation again.") if membership.is_active
                   else _("%(name)s no longer has access to this organisation."))
        return message % {"name": membership.user.name}, url_for(".index")

    return run_form(SetActiveForm(),
                    lambda data: operations.set_member_active(current_user, membership, data["active"]),
                    _refused, done)
