"""The dashboard dataset (tests/impact/dashboard_dataset.py) with what the published statistics
add: F4 on the first-1000-days track, coordinators, intakes, VOGs, a required course, stopped
volunteers. The hand counts are in tests/publishing/test_cells.py.

    volunteer  approved    VOG issued   required course done   first match   stopped
    V1         2024-04-01  2024-03-01   2024-06-01 (too late)  2024-05-01    –
    V2         2024-01-15  2021-01-01   –                      2024-02-01    2025-11-30
    V3         2025-03-20  2025-03-01   2025-03-25             2025-04-01    –
    V4         –           –            –                      –             2025-05-10

    family  coordinator  intake
    F1      C1           done 2024-04-01 by C1
    F2      C1           done 2025-01-05 by C1
    F3      C1           planned, not done
    F4      C2           done 2025-03-15 by C2
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from flask import Flask
from sqlalchemy import select

from saas.auth.roles import Role
from saas.tenancy.models import Tenant
from tenants.families.models import Family, Intake
from tenants.families.vocabulary import Track
from tenants.trainings.models import CourseCompletion
from tenants.volunteers.models import Screening, Volunteer
from tenants.volunteers.states import VolunteerState
from tests.factories.dashboard import add_volunteer
from tests.factories.platform import create_user, in_tenant
from tests.factories.trainings import create_course
from tests.impact.dashboard_dataset import Dataset, dataset  # noqa: F401 - a fixture
from tests.support.clock import while_open


@pytest.fixture(autouse=True)
def year_2025_open() -> Iterator[None]:
    """The dataset lives in 2024 and 2025: publish on a day when 2025 is not yet released (in
    January 2026), so that the job still writes it."""
    with while_open(2025):
        yield


@pytest.fixture
def statistics_dataset(app: Flask, tenant_a: Tenant, dataset: Dataset) -> Dataset:  # noqa: F811 - the fixture
    c1 = create_user(app, "c1@alpha.example", tenant=tenant_a, role=Role.COORDINATOR)
    c2 = create_user(app, "c2@alpha.example", tenant=tenant_a, role=Role.COORDINATOR)
    course = create_course(app, None, name="Basis vooraf", validity_months=None, required_before_first_match=True)
    f = dataset.families
    with in_tenant(app, tenant_a) as session:
        families = {name: session.get(Family, (tenant_a.id, family.id)) for name, family in f.items()}
        families["F4"].track = Track.FIRST_1000_DAYS
        for name, coordinator in (("F1", c1), ("F2", c1), ("F3", c1), ("F4", c2)):
            families[name].coordinator_id = coordinator.id
        session.add_all([
            Intake(family_id=f["F1"].id, done_on=date(2024, 4, 1), coordinator_id=c1.id),
            Intake(family_id=f["F2"].id, done_on=date(2025, 1, 5), coordinator_id=c1.id),
            Intake(family_id=f["F3"].id, planned_at=datetime(2025, 2, 1, 10, tzinfo=UTC), coordinator_id=c1.id),
            Intake(family_id=f["F4"].id, done_on=date(2025, 3, 15), coordinator_id=c2.id)])
        volunteers = {v.name: v for v in session.scalars(select(Volunteer))}
        for name, approved_on, issued_on in (("V1", date(2024, 4, 1), date(2024, 3, 1)),
                                             ("V2", date(2024, 1, 15), date(2021, 1, 1)),
                                             ("V3", date(2025, 3, 20), date(2025, 3, 1))):
            volunteers[name].approved_on = approved_on
            session.add(Screening(volunteer_id=volunteers[name].id, issued_on=issued_on, screening_profile="45",
                                  checked_on=issued_on))
        volunteers["V2"].state, volunteers["V2"].stopped_on = VolunteerState.STOPPED, date(2025, 11, 30)
        v4 = add_volunteer(session, "V4")
        v4.state, v4.stopped_on = VolunteerState.STOPPED, date(2025, 5, 10)
        for number, (name, completed_on) in enumerate((("V1", date(2024, 6, 1)), ("V3", date(2025, 3, 25)))):
            session.add(CourseCompletion(volunteer_id=volunteers[name].id, course_id=course.id,
                                         completed_on=completed_on, certificate_number=f"2025-{number:04d}"))
        session.commit()
    return dataset


@pytest.fixture
def in_tenant_a(app: Flask, tenant_a: Tenant) -> Iterator[None]:
    with in_tenant(app, tenant_a):
        yield
