"""With SAAS_REDIS_URL set, "Publish now" puts the publication on RQ and `flask jobs worker` runs
it inside the tenant. Needs a Redis server: SAAS_TEST_REDIS_URL (a database the tests may clean)."""

from __future__ import annotations

from flask import Flask
from rq import Queue

from saas.auth.models import User
from saas.foundation.models import PublicationStatus, PublicationTrigger
from saas.jobs.queue import work
from saas.tenancy.models import Tenant
from tests.impact.test_reports_queue import pytestmark, queue  # noqa: F401 - the skip mark and the fixture
from tests.publishing.test_job import publications, supported_family
from tests.support.sessions import SignIn


def test_publish_now_is_queued_and_published_by_the_worker(app: Flask, queue: Queue, tenant_a: Tenant,  # noqa: F811
                                                           manager_a: User, signed_in: SignIn) -> None:
    supported_family(app, tenant_a)
    client = signed_in(manager_a)

    assert client.post(f"/t/{tenant_a.slug}/statistics/publish").status_code == 302
    assert publications(app, tenant_a) == [] and queue.count == 1

    with app.app_context():
        work(queue, burst=True)

    (publication,) = publications(app, tenant_a)
    assert (publication.trigger, publication.status) == (PublicationTrigger.ON_DEMAND, PublicationStatus.SUCCEEDED)
    assert publication.cells > 0 and queue.count == 0
