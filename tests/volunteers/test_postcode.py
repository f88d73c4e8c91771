"""A volunteer's optional postcode (issue 17): on the application and profile form, normalised,
shown on the volunteer's page, refused with a field error when it is not a Dutch postcode."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from saas.tenancy.models import Tenant
from tests.factories.volunteers import written_rows
from tests.volunteers.test_pages import BASE, application, load, staff, today


def test_the_postcode_is_stored_normalised_and_shown(app: Flask, client: FlaskClient, tenant_a: Tenant) -> None:
    staff(app, client, tenant_a)
    assert 'name="postcode"' in client.get(f"{BASE}/volunteers/new").text
    response = client.post(f"{BASE}/volunteers/new", data=application(today(app), postcode="3511 ab"))
    assert response.status_code == 302
    volunteer = load(app, tenant_a)
    assert volunteer.postcode == "3511AB"
    assert "3511 AB" in client.get(f"{BASE}/volunteers/{volunteer.id}").text
    assert 'value="3511 AB"' in client.get(f"{BASE}/volunteers/{volunteer.id}/edit").text


def test_a_bad_postcode_is_a_field_error_and_nothing_is_written(
        app: Flask, client: FlaskClient, tenant_a: Tenant) -> None:
    staff(app, client, tenant_a)
    before = written_rows(app, tenant_a)
    response = client.post(f"{BASE}/volunteers/new", data=application(today(app), postcode="3511 SS"))
    assert response.status_code == 422
    assert "Enter a Dutch postcode: four digits and two letters, for example 3511 AB." in response.text
    assert 'id="f-postcode-error"' in response.text
    assert written_rows(app, tenant_a) == before
