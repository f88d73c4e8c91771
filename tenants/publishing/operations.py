"""Writes of the publishing page: asking for a publication now (the publication itself is the
job's, tenants.publishing.job)."""

from __future__ import annotations

from saas.audit.operations import record
from saas.auth.models import User
from saas.tenancy.models import Tenant

PUBLISH_REQUESTED = "statistics.publish_requested"


def request_publication(actor: User, tenant: Tenant) -> None:
    """Record that ``actor`` asked to publish the statistics of ``tenant`` now (the audit entry;
    the caller starts the task)."""
    record(actor, PUBLISH_REQUESTED, tenant)
