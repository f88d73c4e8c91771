"""The audit log page for a tenant's managers."""

from __future__ import annotations

from flask import render_template
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from saas.audit.labels import action_label
from saas.audit.models import AuditEvent, PlatformEvent
from saas.auth.models import Membership
from saas.auth.roles import Role
from saas.db import db
from saas.web import tenant_route
from saas.web.tenant import current_tenant, tenant_blueprint

bp = tenant_blueprint("audit", __name__)
PAGE_SIZE = 50


@tenant_route(bp, "/audit/", roles=(Role.MANAGER,))
def index() -> str:
    events = db.paginate(
        select(AuditEvent).options(selectinload(AuditEvent.actor)).order_by(AuditEvent.at.desc()),
        per_page=PAGE_SIZE,
        error_out=False,
    )
    # Sign-ins happen before a tenant is chosen; show those of this tenant's members.
    members = select(Membership.user_id)
    sign_ins = db.paginate(
        select(PlatformEvent)
        .options(selectinload(PlatformEvent.user))
        .where(
            PlatformEvent.user_id.in_(members),
            or_(PlatformEvent.tenant_id.is_(None), PlatformEvent.tenant_id == current_tenant.id),
        )
        .order_by(PlatformEvent.at.desc()),
        page=1,
        per_page=PAGE_SIZE,
        error_out=False,
    )
    return render_template("administration/audit_log.html", events=events, sign_ins=sign_ins, action_label=action_label)
