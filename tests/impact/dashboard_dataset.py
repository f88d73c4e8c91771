"""A small dataset for the dashboard tests, small enough to compute every figure by hand (the
dataset fixture).

Year 2025, domains finances and housing (means on the 1–4 scale):

    family  municipality  T0 (taken)              Tend (taken)             closed       match (volunteer)
    F1      Alpha         2024-03-01: 2.0 / 3.0   2025-06-01: 3.0  / 3.0   2025-06-15   2024-05-01–2025-06-10 (V1)
    F2      Alpha         2025-01-10: 1.5 / 2.5   2025-11-01: 2.25 / 2.0   2025-11-20   2025-02-01–2025-11-15 (V2)
    F3      Alpha         2025-02-01: 2.5 / –     2025-12-01: 2.6  / 3.5   2025-12-10   2025-03-01–2025-12-05 (V1)
    F4      Gamma         2025-03-01: 3.0 / 2.0   (T1 2025-09-01 in progress)             2025-04-01– (V3)
    F5      Alpha         2024-01-01: 2.0 / 2.0   2024-12-01: 3.0  / 3.0   2024-12-15   2024-02-01–2024-12-01 (V2)
    F6      Alpha         waiting, never matched, another tenant's family with a measurement in 2025
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pytest
from flask import Flask

from saas.db import db
from saas.tenancy.models import Tenant
from tenants.families.models import Family, FamilyMember
from tenants.families.states import CaseState
from tenants.families.vocabulary import CareOutcome, ClosureReason, MemberRole, YesNoUnknown
from tenants.impact.vocabulary import MeasurementStatus, Moment
from tenants.trainings.states import EnrolmentStatus
from tests.factories.dashboard import add_match, add_measurement, add_training, add_volunteer, create_instrument
from tests.factories.families import create_family
from tests.factories.platform import in_tenant

YEAR = 2025
CODES = ("finances", "housing")


@dataclass
class Dataset:
    families: dict[str, Family]


def closed(reason: ClosureReason, closed_on: date, **fields: Any) -> dict[str, Any]:
    return {"state": CaseState.CLOSED, "closure_reason": reason, "closed_on": closed_on, **fields}


@pytest.fixture
def dataset(app: Flask, tenant_a: Tenant, tenant_b: Tenant) -> Dataset:
    with app.app_context():
        db.session.get(Tenant, tenant_a.id).municipalities = ["Alpha", "Gamma"]
        db.session.commit()
    instrument = create_instrument(app)
    families = {
        "F1": create_family(app, tenant_a, family_name="F1", **closed(
            ClosureReason.GOALS_REACHED, date(2025, 6, 15), professional_care_involved=True,
            professional_care_at_end=CareOutcome.STOPPED, would_otherwise_be_referred=YesNoUnknown.YES,
            prevented_referral_confirmed=YesNoUnknown.YES, satisfaction=8)),
        "F2": create_family(app, tenant_a, family_name="F2", **closed(
            ClosureReason.MOVED, date(2025, 11, 20), professional_care_involved=True,
            professional_care_at_end=CareOutcome.UNCHANGED, prevented_referral_confirmed=YesNoUnknown.NO,
            satisfaction=7)),
        "F3": create_family(app, tenant_a, family_name="F3", **closed(ClosureReason.GOALS_REACHED, date(2025, 12, 10))),
        "F4": create_family(app, tenant_a, family_name="F4", municipality="Gamma", state=CaseState.MATCHED),
        "F5": create_family(app, tenant_a, family_name="F5", **closed(
            ClosureReason.GOALS_REACHED, date(2024, 12, 15), satisfaction=3)),
        "F6": create_family(app, tenant_a, family_name="F6", state=CaseState.WAITING),
    }
    other = create_family(app, tenant_b, family_name="Elders", **closed(ClosureReason.MOVED, date(2025, 5, 1)))
    f = families
    with in_tenant(app, tenant_a) as session:
        for family, t0, t0_scores, tend, tend_scores in [
            (f["F1"], date(2024, 3, 1), ("2.0", "3.0"), date(2025, 6, 1), ("3.0", "3.0")),
            (f["F2"], date(2025, 1, 10), ("1.5", "2.5"), date(2025, 11, 1), ("2.25", "2.0")),
            (f["F3"], date(2025, 2, 1), ("2.5", None), date(2025, 12, 1), ("2.6", "3.5")),
            (f["F5"], date(2024, 1, 1), ("2.0", "2.0"), date(2024, 12, 1), ("3.0", "3.0")),
        ]:
            add_measurement(session, instrument, family, Moment.T0, t0, dict(zip(CODES, t0_scores, strict=True)))
            add_measurement(session, instrument, family, Moment.TEND, tend, dict(zip(CODES, tend_scores, strict=True)))
        add_measurement(session, instrument, f["F4"], Moment.T0, date(2025, 3, 1), {"finances": "3.0",
                                                                                    "housing": "2.0"})
        add_measurement(session, instrument, f["F4"], Moment.T1, date(2025, 9, 1), {"finances": "4.0",
                                                                                    "housing": "4.0"},
                        status=MeasurementStatus.IN_PROGRESS)
        v1, v2, v3 = (add_volunteer(session, name) for name in ("V1", "V2", "V3"))
        add_match(session, f["F1"], v1, date(2024, 5, 1), date(2025, 6, 10))
        add_match(session, f["F2"], v2, date(2025, 2, 1), date(2025, 11, 15))
        add_match(session, f["F3"], v1, date(2025, 3, 1), date(2025, 12, 5))
        add_match(session, f["F4"], v3, date(2025, 4, 1))
        add_match(session, f["F5"], v2, date(2024, 2, 1), date(2024, 12, 1))
        for family, birth_date in [(f["F1"], date(2022, 1, 1)), (f["F1"], date(2014, 1, 1)),
                                   (f["F3"], date(2021, 12, 31)), (f["F2"], date(2010, 12, 31)),
                                   (f["F2"], date(2007, 12, 31)), (f["F4"], None), (f["F5"], date(2020, 1, 1))]:
            session.add(FamilyMember(family_id=family.id, role=MemberRole.CHILD, first_name="Kind",
                                     birth_date=birth_date))
        session.add(FamilyMember(family_id=f["F4"].id, role=MemberRole.PARENT, first_name="Ouder",
                                 birth_date=date(1990, 1, 1)))
        session.commit()
    with in_tenant(app, tenant_b) as session:
        add_measurement(session, instrument, other, Moment.T0, date(2025, 2, 1), {"finances": "1.0"})
        session.commit()
    add_training(app, tenant_a, [{"name": "Start", "hours": 2}, {"name": "Gesprek", "hours": 1.5}], [
        (datetime(2025, 3, 1, 18), 0, {v1: EnrolmentStatus.ATTENDED, v2: EnrolmentStatus.ATTENDED,
                                       v3: EnrolmentStatus.ABSENT}),
        (datetime(2025, 5, 1, 18), 1, {v3: EnrolmentStatus.ATTENDED}),
        (datetime(2024, 5, 1, 18), 0, {v1: EnrolmentStatus.ATTENDED}),
    ])
    return Dataset(families)
