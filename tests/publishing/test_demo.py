"""The demo publishes each demo tenant's statistics, so the foundation's dashboard has figures."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from saas import packages
from saas.clock import local_today
from saas.db import bind_context, db, tenant_context
from saas.foundation.models import PublicationStatus, PublicationTrigger, PublishedStatistic, StatisticsPublication
from saas.foundation.national import national_figures
from saas.foundation.release import release_date
from saas.tenancy.models import Tenant

SEEDER = "tenants.publishing.demo:seed"


def test_the_demo_tenants_have_published(app: Flask) -> None:
    last = packages.demo_seeders()[-1]  # it publishes what the others seeded
    assert f"{last.__module__}:{last.__name__}" == SEEDER
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        for tenant in db.session.scalars(select(Tenant)).all():
            with tenant_context(db.session, tenant.id):
                (publication,) = db.session.scalars(select(StatisticsPublication)).all()
                assert (publication.status, publication.trigger) == (PublicationStatus.SUCCEEDED,
                                                                     PublicationTrigger.COMMAND)
                cells = db.session.scalar(select(func.count()).select_from(PublishedStatistic))
                assert cells == publication.cells > 100, tenant.slug
        # The demo's past is published too, so the foundation sees its released years at once.
        bind_context(db.session, reader="foundation")
        years = national_figures(None, None, "nl").years
        last_released = local_today().year - (1 if local_today() >= release_date(local_today().year - 1) else 2)
        assert years and years[0] == last_released
