"""Recording a measurement through the pages: start (form and JSON), a page per domain with
partial saves, completion; one per moment; refusals; bad input refused whole (422)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from saas.audit.models import AuditEvent
from saas.auth.models import User
from saas.tenancy.models import Tenant
from tenants.families.models import CaseEvent, Family
from tenants.families.states import CaseState
from tenants.impact.instruments.models import Instrument
from tenants.impact.measurements.models import Answer, DomainScore, Measurement
from tenants.impact.vocabulary import MeasurementStatus, Moment
from tests.factories.families import create_family
from tests.factories.matching import create_match, waiting_family
from tests.factories.measurements import answer, complete, create_instrument, give_consent, item_ids, start_measurement
from tests.factories.platform import in_tenant, today


@pytest.fixture
def instrument(app: Flask) -> Instrument:
    return create_instrument(app)


@pytest.fixture
def matched(app: Flask, tenant_a: Tenant, coordinator_a: User) -> Family:
    """A matched family that consented to the impact measurement (match started today)."""
    family = waiting_family(app, tenant_a, family_name="Familie Meting")
    create_match(app, tenant_a, actor=coordinator_a, family=family)
    give_consent(app, tenant_a, family)
    return family


def base(family: Family) -> str:
    return f"/t/alpha/families/{family.id}/measurements"


def start_form(app: Flask, moment: str = "t0", **overrides: Any) -> dict[str, Any]:
    return {"moment": moment, "taken_on": today(app).isoformat(), "mode": "interview", "language": "en", **overrides}


def stored(app: Flask, tenant: Tenant, family: Family) -> list[Measurement]:
    with in_tenant(app, tenant) as session:
        return list(session.scalars(select(Measurement).where(Measurement.family_id == family.id)))


def count(app: Flask, tenant: Tenant, model: type) -> int:
    with in_tenant(app, tenant) as session:
        return session.scalar(select(func.count()).select_from(model))


def scores_of(app: Flask, tenant: Tenant, measurement_id: uuid.UUID) -> dict[str, tuple[Any, int, int]]:
    with in_tenant(app, tenant) as session:
        rows = session.scalars(select(DomainScore).where(DomainScore.measurement_id == measurement_id))
        return {row.domain_code: (row.mean, row.answered, row.items) for row in rows}


def test_a_coordinator_records_t0_a_domain_at_a_time(app: Flask, tenant_a: Tenant, coordinator_a: User,
                                                     signed_in: Any, instrument: Instrument, matched: Family) -> None:
    client = signed_in(coordinator_a)
    ids = item_ids(instrument)
    page = client.get(f"{base(matched)}/new?moment=t0")
    assert page.status_code == 200 and 'value="t0" checked' in page.get_data(as_text=True)

    response = client.post(f"{base(matched)}/new", data=start_form(app))
    [measurement] = stored(app, tenant_a, matched)
    assert response.status_code == 302 and response.location.endswith(f"{base(matched)}/{measurement.id}")
    assert (measurement.moment, measurement.status, measurement.language) == (
        Moment.T0, MeasurementStatus.IN_PROGRESS, "en")

    page = client.get(f"{base(matched)}/{measurement.id}").get_data(as_text=True)
    assert "Question finances-1" in page and "Question social_network-1" not in page  # the first domain only
    assert "Fully agree" in page and 'lang="en"' in page  # the scale in the measurement's language

    form = {"domain": "finances", "go": "next", f"item-{ids['finances-1']}": "3", f"item-{ids['finances-2']}": "",
            f"item-{ids['finances-3']}": "1"}
    response = client.post(f"{base(matched)}/{measurement.id}/answers", data=form)
    assert response.status_code == 302 and response.location.endswith("?domain=social_network")
    assert scores_of(app, tenant_a, measurement.id)["finances"] == (pytest.approx(3.5), 2, 3)  # f3 reversed: 4

    page = client.get(response.location).get_data(as_text=True)
    assert "Question social_network-1" in page and "1 of 3 answered" not in page and "2 of 3 answered" in page

    client.post(f"{base(matched)}/{measurement.id}/answers", data={
        "domain": "social_network", "go": "save", f"item-{ids['social_network-1']}": "2"})
    response = client.post(f"{base(matched)}/{measurement.id}/complete")
    assert response.status_code == 302 and response.location.endswith(base(matched))

    [measurement] = stored(app, tenant_a, matched)
    assert measurement.status == MeasurementStatus.COMPLETED and measurement.completed_at is not None
    assert scores_of(app, tenant_a, measurement.id) == {"finances": (pytest.approx(3.5), 2, 3),
                                                        "social_network": (pytest.approx(2), 1, 2),
                                                        "wellbeing": (None, 0, 4)}
    with in_tenant(app, tenant_a) as session:
        events = session.scalars(select(CaseEvent.kind).where(CaseEvent.family_id == matched.id)).all()
        actions = session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == str(measurement.id))).all()
    assert "measurement_completed" in events
    assert sorted(actions) == ["measurement.answers_saved", "measurement.answers_saved", "measurement.completed",
                               "measurement.started"]

    overview = client.get(base(matched)).get_data(as_text=True)
    assert "measurements/chart.svg" in overview and "<table" in overview and "8.8" in overview  # 3.5 × 2.5


def test_the_same_works_with_json(app: Flask, tenant_a: Tenant, coordinator_a: User, signed_in: Any,
                                  instrument: Instrument, matched: Family) -> None:
    client = signed_in(coordinator_a)
    ids = item_ids(instrument)
    assert client.post(f"{base(matched)}/new", json=start_form(app, language="ar")).status_code == 302
    [measurement] = stored(app, tenant_a, matched)

    response = client.post(f"{base(matched)}/{measurement.id}/answers", json={
        "domain": "wellbeing", "answers": {str(ids["wellbeing-1"]): 4, str(ids["wellbeing-4"]): 4,
                                           str(ids["wellbeing-2"]): None}})
    assert response.status_code == 302 and response.location.endswith("?domain=wellbeing")
    assert scores_of(app, tenant_a, measurement.id)["wellbeing"] == (pytest.approx(2.5), 2, 4)  # 4 and 5 − 4

    assert client.post(f"{base(matched)}/{measurement.id}/complete", json={}).status_code == 302
    assert stored(app, tenant_a, matched)[0].status == MeasurementStatus.COMPLETED
    page = client.get(f"{base(matched)}/{measurement.id}?domain=wellbeing").get_data(as_text=True)
    assert "سؤال wellbeing-1" in page and 'dir="rtl"' in page and "disabled" in page


def test_one_measurement_per_moment_an_unfinished_one_is_continued(
        app: Flask, tenant_a: Tenant, coordinator_a: User, signed_in: Any, instrument: Instrument,
        matched: Family) -> None:
    client = signed_in(coordinator_a)
    first = client.post(f"{base(matched)}/new", data=start_form(app))
    again = client.post(f"{base(matched)}/new", data=start_form(app, language="nl"))
    assert again.status_code == 302 and again.location == first.location
    [measurement] = stored(app, tenant_a, matched)

    answer(app, tenant_a, measurement, coordinator_a, {"finances-1": 2})
    complete(app, tenant_a, measurement, coordinator_a)
    refused = client.post(f"{base(matched)}/new", json=start_form(app))
    assert refused.status_code == 422
    assert "already been completed" in refused.get_json()["errors"]["_form"][0]
    assert len(stored(app, tenant_a, matched)) == 1


@pytest.mark.parametrize(("state", "moment", "allowed"), [
    (CaseState.INTAKE_PLANNED, "t0", False), (CaseState.INTAKE_DONE, "t0", True), (CaseState.WAITING, "t1", False),
    (CaseState.WAITING, "tend", False), (CaseState.CLOSING, "tend", True), (CaseState.CLOSED, "tend", True),
])
def test_each_moment_waits_for_its_stage_of_the_case(app: Flask, tenant_a: Tenant, coordinator_a: User,
                                                    signed_in: Any, instrument: Instrument, state: CaseState,
                                                    moment: str, allowed: bool) -> None:
    family = create_family(app, tenant_a, state=state)
    give_consent(app, tenant_a, family)
    response = signed_in(coordinator_a).post(f"{base(family)}/new", json=start_form(app, moment))
    assert response.status_code == (302 if allowed else 422)
    assert len(stored(app, tenant_a, family)) == (1 if allowed else 0)


def test_t1_needs_a_started_match_and_every_moment_needs_consent(
        app: Flask, tenant_a: Tenant, coordinator_a: User, signed_in: Any, instrument: Instrument,
        matched: Family) -> None:
    client = signed_in(coordinator_a)
    assert client.post(f"{base(matched)}/new", json=start_form(app, "t1")).status_code == 302
    assert client.post(f"{base(matched)}/new", json=start_form(app, "tend")).status_code == 422

    without = waiting_family(app, tenant_a, family_name="Familie Zonder Toestemming")
    response = client.post(f"{base(without)}/new", json=start_form(app))
    assert response.status_code == 422 and "consent" in response.get_json()["errors"]["_form"][0]
    page = client.get(f"/t/alpha/families/{without.id}").get_data(as_text=True)
    assert "has not given consent for the impact measurement" in page and f"{base(without)}/new" not in page


def test_a_bad_start_form_is_refused(app: Flask, tenant_a: Tenant, coordinator_a: User, signed_in: Any,
                                     instrument: Instrument, matched: Family) -> None:
    client = signed_in(coordinator_a)
    response = client.post(f"{base(matched)}/new", data=start_form(app, "t9", mode="phone", language="de"))
    assert response.status_code == 422 and 'class="error-summary"' in response.get_data(as_text=True)
    assert set(client.post(f"{base(matched)}/new", json={}).get_json()["errors"]) == {
        "moment", "taken_on", "mode", "language"}
    future = (today(app) + timedelta(days=2)).isoformat()
    response = client.post(f"{base(matched)}/new", data=start_form(app, taken_on=future))
    assert response.status_code == 422 and "cannot be in the future" in response.get_data(as_text=True)
    assert stored(app, tenant_a, matched) == []


def test_bad_answers_are_refused_whole(app: Flask, tenant_a: Tenant, coordinator_a: User, signed_in: Any,
                                       instrument: Instrument, matched: Family) -> None:
    measurement = start_measurement(app, tenant_a, matched, coordinator_a)
    other = create_instrument(app, code="andere-lijst")  # newer: a later measurement would use it
    answer(app, tenant_a, measurement, coordinator_a, {"finances-1": 2})
    client = signed_in(coordinator_a)
    ids, url = item_ids(instrument), f"{base(matched)}/{measurement.id}/answers"
    before = (count(app, tenant_a, Answer), scores_of(app, tenant_a, measurement.id))

    off_scale = client.post(url, data={"domain": "finances", f"item-{ids['finances-1']}": "7",
                                       f"item-{ids['finances-2']}": "3"})
    assert off_scale.status_code == 422 and "Choose one of the points of the scale." in off_scale.get_data(as_text=True)
    for odd in ("³", "--3", "１", "9" * 30):  # digits int() refuses, and absurd lengths: 422, never 500
        response = client.post(url, data={"domain": "finances", f"item-{ids['finances-1']}": odd})
        assert response.status_code == 422, odd
    for bad in ({str(uuid.uuid4()): 2}, {str(item_ids(other)["finances-1"]): 2}, {"not-an-id": 2},
                {str(ids["finances-2"]): True}, {str(ids["finances-2"]): 2.5}):
        response = client.post(url, json={"domain": "finances", "answers": {str(ids["finances-3"]): 1, **bad}})
        assert response.status_code == 422, bad
        assert list(response.get_json()["errors"]) == [f"item-{next(iter(bad))}"]
    assert client.post(url, json={"answers": [1, 2]}).status_code == 422

    assert (count(app, tenant_a, Answer), scores_of(app, tenant_a, measurement.id)) == before
    with in_tenant(app, tenant_a) as session:
        assert session.scalar(select(Answer.value).where(Answer.item_id == ids["finances-1"])) == 2


def test_a_completed_measurement_keeps_its_answers(app: Flask, tenant_a: Tenant, coordinator_a: User,
                                                   signed_in: Any, instrument: Instrument, matched: Family) -> None:
    measurement = start_measurement(app, tenant_a, matched, coordinator_a)
    client = signed_in(coordinator_a)
    empty = client.post(f"{base(matched)}/{measurement.id}/complete")
    assert empty.status_code == 422 and "at least one question" in empty.get_data(as_text=True)

    answer(app, tenant_a, measurement, coordinator_a, {"finances-1": 2})
    complete(app, tenant_a, measurement, coordinator_a)
    ids = item_ids(instrument)
    response = client.post(f"{base(matched)}/{measurement.id}/answers", json={
        "domain": "finances", "answers": {str(ids["finances-1"]): 4}})
    assert response.status_code == 422 and "can no longer change" in response.get_json()["errors"]["_form"][0]
    assert client.post(f"{base(matched)}/{measurement.id}/complete").status_code == 422


def test_the_family_file_shows_the_moments(app: Flask, tenant_a: Tenant, coordinator_a: User, signed_in: Any,
                                           instrument: Instrument, matched: Family) -> None:
    start_measurement(app, tenant_a, matched, coordinator_a)
    page = signed_in(coordinator_a).get(f"/t/alpha/families/{matched.id}").get_data(as_text=True)
    assert 'id="measurements"' in page and "In progress" in page
    assert f"{base(matched)}/new?moment=t1" in page and "moment=tend" not in page and "moment=t0" not in page


def test_a_measurement_of_another_family_is_not_found(app: Flask, tenant_a: Tenant, coordinator_a: User,
                                                      signed_in: Any, instrument: Instrument,
                                                      matched: Family) -> None:
    measurement = start_measurement(app, tenant_a, matched, coordinator_a)
    other = create_family(app, tenant_a, family_name="Familie Anders")
    client = signed_in(coordinator_a)
    assert client.get(f"{base(other)}/{measurement.id}").status_code == 404
    assert client.post(f"{base(other)}/{measurement.id}/complete").status_code == 404


def test_a_domain_page_keeps_its_draft_until_its_answers_are_saved(
        app: Flask, tenant_a: Tenant, coordinator_a: User, signed_in: Any, instrument: Instrument,
        matched: Family) -> None:
    client = signed_in(coordinator_a)
    ids = item_ids(instrument)
    client.post(f"{base(matched)}/new", data=start_form(app))
    [measurement] = stored(app, tenant_a, matched)
    answers_url, page_url = f"{base(matched)}/{measurement.id}/answers", f"{base(matched)}/{measurement.id}"
    typed = {"domain": "finances", f"item-{ids['finances-1']}": "3"}
    assert client.post(answers_url, data=typed, headers={"X-Draft": "save"}).status_code == 204
    assert scores_of(app, tenant_a, measurement.id) == {}  # an autosave saves no answer

    page = client.get(page_url).get_data(as_text=True)
    assert "Draft restored" in page
    assert f'name="item-{ids["finances-1"]}" type="radio" value="3" checked' in page
    discarded = client.post(answers_url, data={"_draft": "discard", "domain": "finances"})
    assert discarded.status_code == 303 and discarded.location.endswith("?domain=finances")
    assert "Draft restored" not in client.get(page_url).get_data(as_text=True)

    client.post(answers_url, data=typed, headers={"X-Draft": "save"})
    assert client.post(answers_url, data={**typed, "go": "save"}).status_code == 302
    assert "Draft restored" not in client.get(page_url).get_data(as_text=True)
