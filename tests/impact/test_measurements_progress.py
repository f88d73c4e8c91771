"""The family's progress: the overview table, the SVG chart route, and fixed statement counts of
the measurement pages however many answers or measurements there are."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from saas.auth.models import User
from saas.auth.roles import Role
from saas.tenancy.models import Tenant
from tenants.families.models import Family
from tenants.families.states import CaseState
from tenants.impact.instruments.models import Instrument
from tenants.impact.measurements.charts import SVG_CSP
from tenants.impact.vocabulary import Moment
from tests.factories.home import update
from tests.factories.matching import create_match, ready_volunteer, waiting_family
from tests.factories.measurements import (
    answer,
    completed_measurement,
    create_instrument,
    give_consent,
    start_measurement,
)
from tests.factories.platform import create_user
from tests.support.queries import count_queries

LOW = {"finances-1": 1, "finances-2": 2, "finances-3": 4, "social_network-1": 1, "social_network-2": 1}
HIGH = {"finances-1": 3, "finances-2": 3, "finances-3": 2, "social_network-1": 3, "social_network-2": 4,
        "wellbeing-1": 3, "wellbeing-2": 3}


@pytest.fixture
def instrument(app: Flask) -> Instrument:
    return create_instrument(app)


@pytest.fixture
def coordinator(app: Flask, tenant_a: Tenant) -> User:
    """A coordinator who reads English (the pages' texts are checked in English)."""
    return create_user(app, "cor@alpha.example", tenant=tenant_a, role=Role.COORDINATOR, locale="en")


def matched_family(app: Flask, tenant: Tenant, actor: User, name: str) -> Family:
    family = waiting_family(app, tenant, family_name=name)
    volunteer = ready_volunteer(app, tenant, f"Vrijwilliger {name}")
    create_match(app, tenant, actor=actor, family=family, volunteer=volunteer)
    give_consent(app, tenant, family)
    return family


def measured_three_times(app: Flask, tenant: Tenant, actor: User, name: str) -> Family:
    """A family measured at T0 (low), T1 (higher) and Tend (higher still), now closing."""
    family = matched_family(app, tenant, actor, name)
    completed_measurement(app, tenant, family, actor, Moment.T0, LOW)
    completed_measurement(app, tenant, family, actor, Moment.T1, {**LOW, "social_network-2": 3, "finances-3": 1})
    update(app, tenant, Family, family.id, state=CaseState.CLOSING)
    completed_measurement(app, tenant, family, actor, Moment.TEND, HIGH)
    return family


def url(family: Family, rest: str = "") -> str:
    return f"/t/alpha/families/{family.id}/measurements{rest}"


def test_the_overview_tables_the_grades_and_the_change_since_t0(app: Flask, tenant_a: Tenant, coordinator: User,
                                                                signed_in: Any, instrument: Instrument) -> None:
    family = measured_three_times(app, tenant_a, coordinator, "Familie Vooruit")

    page = signed_in(coordinator).get(url(family)).get_data(as_text=True)

    # finances: T0 (1 + 2 + 1) / 3 = 4/3 → 3.3; Tend (3 + 3 + 3) / 3 = 3 → 7.5; change +4.2.
    # social network: T0 1 → 2.5; T1 (1 + 3) / 2 = 2 → 5.0; Tend 3.5 → 8.8; changes +2.5 and +6.3.
    # well-being: not scored at T0 and T1 (no answers); at Tend 2 of 4 answered: (3 + 3) / 2 = 3 → 7.5.
    # (8.75 shows as 8.8 and 6.25 as +6.3: rounded half up.)
    assert "Change T0 → T1" in page and "Change T0 → Tend" in page
    for text in ("3.3", "7.5", "+4.2", "2.5", "5.0", "8.8", "+2.5", "+6.3", "not scored", "not available"):
        assert text in page, text
    assert 'alt="Bar chart of the grade per life domain' in page


def test_the_chart_is_an_svg_image_with_a_policy_of_its_own(app: Flask, tenant_a: Tenant, coordinator: User,
                                                           signed_in: Any, instrument: Instrument) -> None:
    family = measured_three_times(app, tenant_a, coordinator, "Familie Grafiek")

    response = signed_in(coordinator).get(url(family, "/chart.svg"))

    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.headers["Content-Security-Policy"] == SVG_CSP
    svg = response.get_data(as_text=True)
    assert "<svg" in svg and "<script" not in svg and "Domain finances" in svg
    assert all(f">{legend}</text>" in svg for legend in ("T0", "T1", "Tend"))


def test_the_chart_of_a_family_without_measurements_still_renders(app: Flask, tenant_a: Tenant, coordinator: User,
                                                                  signed_in: Any, instrument: Instrument) -> None:
    family = matched_family(app, tenant_a, coordinator, "Familie Nieuw")
    response = signed_in(coordinator).get(url(family, "/chart.svg"))
    assert response.status_code == 200 and "<svg" in response.get_data(as_text=True)
    assert "No measurement has been completed yet." in signed_in(coordinator).get(
        url(family)).get_data(as_text=True)


def test_the_overview_and_chart_take_the_same_statements_for_one_or_three_measurements(
        app: Flask, tenant_a: Tenant, coordinator: User, signed_in: Any, instrument: Instrument) -> None:
    one = matched_family(app, tenant_a, coordinator, "Familie Een")
    completed_measurement(app, tenant_a, one, coordinator, Moment.T0, {"finances-1": 2})
    three = measured_three_times(app, tenant_a, coordinator, "Familie Drie")
    client = signed_in(coordinator)
    for path in ("", "/chart.svg"):
        client.get(url(one, path)), client.get(url(three, path))  # warm up (sessions, policies)
        with count_queries(app) as few:
            assert client.get(url(one, path)).status_code == 200
        with count_queries(app) as many:
            assert client.get(url(three, path)).status_code == 200
        assert len(few) == len(many), many


def test_a_domain_page_takes_the_same_statements_for_one_or_many_answers(
        app: Flask, tenant_a: Tenant, coordinator: User, signed_in: Any, instrument: Instrument) -> None:
    sparse_family = matched_family(app, tenant_a, coordinator, "Familie Weinig")
    sparse = start_measurement(app, tenant_a, sparse_family, coordinator)
    answer(app, tenant_a, sparse, coordinator, {"finances-1": 2})
    full_family = matched_family(app, tenant_a, coordinator, "Familie Veel")
    full = start_measurement(app, tenant_a, full_family, coordinator)
    answer(app, tenant_a, full, coordinator, {**HIGH, "wellbeing-3": 1, "wellbeing-4": 2})
    client = signed_in(coordinator)
    pages = (url(sparse_family, f"/{sparse.id}?domain=finances"), url(full_family, f"/{full.id}?domain=finances"))
    for page in pages:
        client.get(page)

    with count_queries(app) as few:
        assert client.get(pages[0]).status_code == 200
    with count_queries(app) as many:
        assert client.get(pages[1]).status_code == 200
    assert len(few) == len(many), many
