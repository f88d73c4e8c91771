"""Acknowledging a signal: a coordinator has seen it and handled it (or decided to let it be)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from saas.audit.operations import record
from saas.auth.models import User
from saas.db import db, get_or_create
from tenants.home.models import SignalAcknowledgement
from tenants.home.signals import HANDLED_KINDS, SignalKind
from tenants.matching.contacts.operations import mark_handled


def acknowledge(actor: User, kind: SignalKind, subject: Any, key: str) -> None:
    """Hide the signal ``kind`` about ``subject`` while its key stays ``key``.

    A volunteer's "I need my coordinator" is not hidden but handled: the contact moment records
    who handled it and when (tenants.matching.contacts.operations.mark_handled). Acknowledging
    again changes nothing.
    """
    if kind in HANDLED_KINDS:
        if subject.handled_at is None:
            mark_handled(actor, subject)
        return
    statement = select(SignalAcknowledgement).where(
        SignalAcknowledgement.kind == kind.value, SignalAcknowledgement.subject_id == subject.id,
        SignalAcknowledgement.key == key)
    if db.session.scalars(statement).first() is not None:
        return
    get_or_create(db.session, statement, lambda: SignalAcknowledgement(
        kind=kind.value, subject_id=subject.id, key=key, acknowledged_by_id=actor.id))
    record(actor, "signal.acknowledged", subject, kind=kind.value, key=key)
