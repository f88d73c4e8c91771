"""What the impact forms say after they ran: the flash messages and their categories, including
the outcomes that say nothing because the page that follows is the feedback (the next domain page
of a measurement, a report's progress)."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from saas.auth.models import User
from saas.auth.roles import FoundationRole
from saas.db import db
from saas.tenancy.models import Tenant
from tenants.families.models import Family
from tenants.impact.instruments.models import Instrument
from tenants.impact.measurements.models import Measurement
from tenants.impact.reports.models import MunicipalityReport
from tests.factories.instruments import small_document
from tests.factories.matching import create_match, waiting_family
from tests.factories.measurements import create_instrument, give_consent, item_ids, start_measurement
from tests.factories.platform import create_user, in_tenant, today
from tests.factories.reports import last_year, populate_municipality
from tests.support.confirm import CONFIRMED
from tests.support.sessions import sign_in


def flashed(client: FlaskClient) -> list[tuple[str, str]]:
    """The (category, message) pairs waiting for the next page, without showing them."""
    with client.session_transaction() as session:
        return [tuple(pair) for pair in session.get("_flashes", [])]  # type: ignore[misc]


def english_client(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    sign_in(client, user)  # type: ignore[arg-type]
    with client.session_transaction() as session:
        session["locale"] = "en"
    return client


@pytest.fixture
def matched(app: Flask, tenant_a: Tenant, coordinator_a: User) -> Family:
    family = waiting_family(app, tenant_a, family_name="Familie Melding")
    create_match(app, tenant_a, actor=coordinator_a, family=family)
    give_consent(app, tenant_a, family)
    return family


def test_moving_between_domain_pages_says_nothing_and_saving_in_place_says_so(
    app: Flask, tenant_a: Tenant, coordinator_a: User, matched: Family
) -> None:
    instrument = create_instrument(app)
    ids = item_ids(instrument)
    client = english_client(app, coordinator_a)
    url = f"/t/alpha/families/{matched.id}/measurements"
    started = client.post(
        f"{url}/new", data={"moment": "t0", "taken_on": today(app).isoformat(), "mode": "interview", "language": "en"}
    )
    assert flashed(client) == [("success", "The measurement has started.")]
    client.get(started.location)

    answers = f"{started.location}/answers"
    response = client.post(answers, data={"domain": "finances", "go": "next", f"item-{ids['finances-1']}": "3"})
    assert response.status_code == 302 and flashed(client) == []
    client.post(answers, data={"domain": "finances", "go": "save", f"item-{ids['finances-1']}": "2"})
    assert flashed(client) == [("success", "The answers have been saved.")]


def test_starting_an_unfinished_moment_again_is_information(
    app: Flask, tenant_a: Tenant, coordinator_a: User, matched: Family
) -> None:
    create_instrument(app)
    start_measurement(app, tenant_a, matched, coordinator_a)
    client = english_client(app, coordinator_a)
    client.post(
        f"/t/alpha/families/{matched.id}/measurements/new",
        json={"moment": "t0", "taken_on": today(app).isoformat(), "mode": "interview", "language": "en"},
    )
    assert flashed(client) == [("info", "You continue the measurement started earlier.")]
    with in_tenant(app, tenant_a) as session:
        assert len(session.scalars(select(Measurement)).all()) == 1


def test_asking_for_a_report_says_nothing_and_its_buttons_say_what_happened(
    app: Flask, tenant_a: Tenant, manager_a: User
) -> None:
    period = last_year()
    populate_municipality(app, tenant_a, period, families=10)
    client = english_client(app, manager_a)
    form = {"municipality": "Alpha", "period_start": period.start.isoformat(), "period_end": period.end.isoformat()}
    asked = client.post("/t/alpha/reports/", data=form)
    assert asked.status_code == 302 and flashed(client) == []
    with in_tenant(app, tenant_a) as session:
        report_id = session.scalars(select(MunicipalityReport.id)).one()
    report = f"/t/alpha/reports/{report_id}"

    assert client.post(f"{report}/regenerate").location.endswith(report) and flashed(client) == []
    client.post(f"{report}/submit", data=CONFIRMED)
    assert flashed(client) == [("success", "The report has been marked as submitted. It is now frozen.")]
    client.get(report)
    refused = client.post(f"{report}/regenerate")
    assert refused.status_code == 302 and [category for category, _text in flashed(client)] == ["error"]


def test_an_upload_lists_every_problem_at_its_field_and_retiring_twice_is_explained(app: Flask) -> None:
    admin = english_client(app, create_user(app, "admin-en@stichting.example", foundation_role=FoundationRole.ADMIN))
    broken: dict[str, Any] = small_document()
    del broken["domains"][0]["items"][0]["texts"]["ar"]
    del broken["domains"][1]["items"][1]["texts"]["en"]
    files = {"file": (io.BytesIO(json.dumps(broken).encode()), "broken.json")}
    refused = admin.post("/foundation/instruments/load", data=files, headers={"Accept": "application/json"})
    assert refused.status_code == 422 and len(refused.json["errors"]["file"]) == 2

    files = {"file": (io.BytesIO(json.dumps(small_document()).encode()), "good.json")}
    loaded = admin.post("/foundation/instruments/load", data=files)
    assert flashed(admin) == [("success", "Version 1 of Test (en) has been loaded.")]
    with app.app_context():
        instrument = db.session.scalars(select(Instrument).where(Instrument.code == "test-instrument")).one()
    assert loaded.location.endswith(str(instrument.id))
    admin.post(f"/foundation/instruments/{instrument.id}/retire", data=CONFIRMED)
    admin.get(loaded.location)
    admin.post(f"/foundation/instruments/{instrument.id}/retire", data=CONFIRMED)
    assert flashed(admin) == [("error", "This version has already been retired.")]
