"""Shared helpers of the notification tests: the rows, the jobs, a choice stored directly."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from saas.auth.models import User
from saas.notifications.jobs import retry_pending, send_notification_digests
from saas.notifications.models import Notification, NotificationPreference
from saas.notifications.registry import Choice
from saas.tenancy.models import Tenant
from tests.factories.platform import in_tenant


def notifications_of(app: Flask, tenant: Tenant, **where: Any) -> list[Notification]:
    with in_tenant(app, tenant) as session:
        statement = select(Notification).filter_by(**where).order_by(Notification.created_at)
        return list(session.scalars(statement.execution_options(populate_existing=True)))


def choose(app: Flask, tenant: Tenant, user: User, kind: str, choice: Choice) -> None:
    with in_tenant(app, tenant) as session:
        session.add(NotificationPreference(user_id=user.id, kind=kind, choice=choice))
        session.commit()


def run_retry(app: Flask) -> dict[str, Any]:
    with app.app_context():
        return retry_pending()


def run_digest(app: Flask) -> dict[str, Any]:
    with app.app_context():
        return send_notification_digests()
