"""The tenant's "Shared with the foundation" page (managers): what the organisation shares, when
the foundation sees it (saas.foundation.release), the figures it shared per year, the last runs
and "Share now"; and ``flask statistics publish``.

The figures are the organisation's own, exactly as shared (a manager may see them all); what the
foundation shows is its own view, added up with other organisations and disclosure-controlled.
"""

from __future__ import annotations

import logging
import uuid
from functools import partial

import click
from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from saas.auth.roles import Role
from saas.db import db
from saas.foundation import national_labels as names
from saas.foundation.models import PublicationStatus, PublicationTrigger
from saas.i18n import L_, _
from saas.jobs.tasks import run_task
from saas.tenancy.models import Tenant
from saas.web import after_commit, tenant_route
from saas.web.tenant import current_tenant, tenant_blueprint
from tenants.publishing import operations, queries
from tenants.publishing.job import publish_all, publish_tenant

logger = logging.getLogger("saas.publishing")

bp = tenant_blueprint("publishing", __name__, template_folder="templates", cli_group="statistics")

TASK = "tenants.publishing.job:publish_on_demand"

#: Names of this module's audit actions, declared in the package's front door (saas.audit.labels).
AUDIT_LABELS = {operations.PUBLISH_REQUESTED: L_("Statistics published for the foundation on request")}

#: Both pages are for managers: they decide what the organisation shares.
manager_route = partial(tenant_route, bp, roles=(Role.MANAGER,))


@manager_route("/statistics/")
def index() -> str:
    labels = {**names.headline_labels(), **names.outcome_labels()}
    return render_template("publishing/index.html", publications=queries.recent_publications(),
                           years=queries.shared_years(),
                           figure_labels=[(key, labels[key]) for key, _measure, _category in queries.SHARED_FIGURES],
                           PublicationStatus=PublicationStatus)


@manager_route("/statistics/publish", methods=["POST"])
def publish() -> Response:
    """Publish now: the audit entry is committed with the request, then the task runs (inline
    without Redis, so the page that follows shows the new publication) or is queued. The task
    commits itself."""
    operations.request_publication(current_user, current_tenant)
    after_commit(partial(_start_publication, current_tenant.id))
    return redirect(url_for(".index"))


def _start_publication(tenant_id: uuid.UUID) -> None:
    try:
        queued = run_task(TASK, tenant_id=str(tenant_id))
    except Exception:  # e.g. Redis unreachable: the page still answers and says so
        logger.exception("publishing tenant %s could not be started", tenant_id)
        db.session.rollback()
        flash(_("Your figures could not be shared just now. Please try again later."), "error")
    else:
        flash(_("Your figures will be shared in a moment.") if queued
              else _("Your figures have been shared."), "success")


@bp.cli.command("publish")
@click.option("--tenant", "slug", default=None, help="Only this tenant (its slug); default: every active tenant.")
def publish_command(slug: str | None) -> None:
    """Publish the statistics for the foundation now (each tenant committed on its own)."""
    if slug is None:
        counts = publish_all(PublicationTrigger.COMMAND)
    else:
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == slug))
        if tenant is None or not tenant.is_active:
            raise click.ClickException(f"There is no active tenant {slug!r}.")
        publication = publish_tenant(tenant.id, PublicationTrigger.COMMAND)
        succeeded = publication.status == PublicationStatus.SUCCEEDED
        counts = {"tenants": int(succeeded), "cells": publication.cells, "failed": int(not succeeded)}
    click.echo(f"Published {counts['tenants']} tenant(s), {counts['cells']} cells; {counts['failed']} failed.")
    if counts["failed"]:
        raise click.ClickException("Some tenants could not be published; see the log and their publications.")
