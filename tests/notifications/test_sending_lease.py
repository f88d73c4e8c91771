"""A notification left "sending" by a sender that died (a killed worker) is not stuck: once its
lease expired, the next delivery run (the hourly retry) takes it back and sends it, or gives it up
after MAX_ATTEMPTS."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from saas.auth.models import User
from saas.db import utcnow
from saas.notifications.models import Notification, Status
from saas.notifications.registry import Choice
from saas.notifications.sending import MAX_ATTEMPTS, SENDING_LEASE
from saas.tenancy.models import Tenant
from tests.factories.platform import in_tenant
from tests.notifications.helpers import notifications_of, run_retry
from tests.support.mailbox import Mailbox


def left_sending(app: Flask, tenant: Tenant, user: User, *, attempts: int, claimed_ago: timedelta) -> None:
    """A row a sender claimed ``claimed_ago`` and never finished."""
    with in_tenant(app, tenant) as session:
        session.add(Notification(kind="vog_expiring", subject_id=f"s{attempts}-{claimed_ago}", event_key="k",
                                 recipient_id=user.id, delivery=Choice.AT_ONCE, link="http://localhost/",
                                 params={}, status=Status.SENDING, attempts=attempts,
                                 lease_until=utcnow() - claimed_ago + SENDING_LEASE))
        session.commit()


def test_an_expired_claim_is_sent_again_and_a_fresh_one_left_alone(app: Flask, tenant_a: Tenant,
                                                                   coordinator_a: User, mailbox: Mailbox) -> None:
    left_sending(app, tenant_a, coordinator_a, attempts=1, claimed_ago=SENDING_LEASE + timedelta(minutes=1))
    left_sending(app, tenant_a, coordinator_a, attempts=1, claimed_ago=timedelta(minutes=1))  # still being sent

    run_retry(app)

    statuses = sorted(row.status.value for row in notifications_of(app, tenant_a))
    assert statuses == ["sending", "sent"] and len(mailbox.messages) == 1


def test_a_claim_that_expired_too_often_is_given_up(app: Flask, tenant_a: Tenant, coordinator_a: User,
                                                    mailbox: Mailbox) -> None:
    left_sending(app, tenant_a, coordinator_a, attempts=MAX_ATTEMPTS, claimed_ago=SENDING_LEASE * 2)

    run_retry(app)

    [row] = notifications_of(app, tenant_a)
    assert row.status == Status.FAILED and row.error == "the sender stopped while sending"
    assert mailbox.messages == []
