"""The demo's measurements: completed, at the right moments, scored by the scoring code, and
showing improvement on the whole (with some families worse on a domain)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from importlib import import_module

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from saas.db import db, tenant_context
from saas.tenancy.models import Tenant
from tenants.families.models import Family
from tenants.families.states import CaseState
from tenants.impact.measurements.models import Answer, Measurement
from tenants.impact.measurements.queries import consents
from tenants.impact.measurements.scoring import as_decimal, score_instrument
from tenants.impact.vocabulary import MeasurementStatus, Moment
from tenants.matching.models import Match
from tenants.volunteers.readiness import add_months

SEEDER = "tenants.impact.measurements.demo:seed"


def test_the_demo_measurements_follow_the_rules_and_show_progress(app: Flask) -> None:
    assert SEEDER in import_module("tenants.impact").package.demo
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        for tenant in db.session.scalars(select(Tenant)).all():
            with tenant_context(db.session, tenant.id):
                _check(tenant)


def _check(tenant: Tenant) -> None:
    measurements = list(
        db.session.scalars(
            select(Measurement).options(
                selectinload(Measurement.answers),
                selectinload(Measurement.scores),
                selectinload(Measurement.family),
                selectinload(Measurement.instrument),
            )
        )
    )
    assert measurements, tenant.slug
    first_match = dict(
        db.session.execute(select(Match.family_id, func.min(Match.started_on)).group_by(Match.family_id)).all()
    )
    grades: dict[Moment, list[Decimal]] = defaultdict(list)
    for measurement in measurements:
        family = measurement.family
        assert measurement.status == MeasurementStatus.COMPLETED and consents(family)
        if measurement.moment == Moment.TEND:
            assert family.state == CaseState.CLOSED and measurement.taken_on == family.closed_on
        if measurement.moment == Moment.T1:
            assert measurement.taken_on >= add_months(first_match[family.id], 12)
        stored = {score.domain_code: score.mean for score in measurement.scores}
        computed = score_instrument(measurement.instrument, {a.item_id: a.value for a in measurement.answers})
        assert stored == {result.code: as_decimal(result.mean) for result in computed}
        if stored.get("social_network") is not None:
            grades[measurement.moment].append(stored["social_network"])
    assert {m.moment for m in measurements} == set(Moment), tenant.slug
    assert sum(grades[Moment.TEND]) / len(grades[Moment.TEND]) > sum(grades[Moment.T0]) / len(grades[Moment.T0])
    assert db.session.scalar(select(func.count()).select_from(Answer).where(Answer.value.is_(None))) > 0
    matched = db.session.scalars(select(Family).where(Family.state == CaseState.MATCHED)).all()
    assert any(consents(f) and f.id in {m.family_id for m in measurements} for f in matched)
