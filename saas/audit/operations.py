"""Writing audit events. Callers pass the actor explicitly; the request supplies the address."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from flask import has_request_context, request

from saas.audit.models import AuditEvent, PlatformEvent
from saas.db import db

if TYPE_CHECKING:
    from saas.auth.models import User  # audit sits below auth: auth records its events here


def _client_address() -> str | None:
    return request.remote_addr if has_request_context() else None


def record(actor: User | None, action: str, obj: Any = None, **details: Any) -> AuditEvent:
    """Append an event to the audit log of the tenant bound to the session.

    ``obj`` is any model with an ``id``; its class name becomes the object type.
    """
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        action=action,
        object_type=type(obj).__name__ if obj is not None else None,
        object_id=str(obj.id) if obj is not None else None,
        details=details,
        ip=_client_address(),
    )
    db.session.add(event)
    db.session.flush()
    return event


def record_platform(
    action: str, *, user: User | None = None, tenant_id: uuid.UUID | None = None, **details: Any
) -> PlatformEvent:
    """Append a platform event (sign-ins, password resets, tenant creation)."""
    event = PlatformEvent(
        user_id=user.id if user else None, tenant_id=tenant_id, action=action, details=details, ip=_client_address()
    )
    db.session.add(event)
    db.session.flush()
    return event
