"""The foundation's instrument pages: staff look, admins load and retire, tenants never get in."""

from __future__ import annotations

import io
import json

import yaml
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from saas.auth.models import User
from saas.auth.roles import FoundationRole, Role
from saas.db import db
from saas.tenancy.models import Tenant
from tenants.impact.instruments.models import Instrument
from tests.factories.instruments import create_default_instrument, small_document
from tests.factories.platform import create_user
from tests.support.confirm import CONFIRMED
from tests.support.queries import count_queries
from tests.support.sessions import sign_in

INDEX = "/foundation/instruments/"
LOAD = "/foundation/instruments/load"
BOUNDARY = "instrument-upload-boundary"


def client_for(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    sign_in(client, user)
    return client


def foundation_client(app: Flask, role: FoundationRole, locale: str = "en") -> FlaskClient:
    return client_for(app, create_user(app, f"{role.value}-{locale}@stichting.example", foundation_role=role,
                                       locale=locale))


def upload(client: FlaskClient, content: str | bytes, filename: str) -> object:
    """POST ``content`` as the file. The body is encoded here: the test client would spool a large
    one to a temporary file that it never closes (a ResourceWarning, an error in this suite)."""
    data = content.encode() if isinstance(content, str) else content
    body = (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{BOUNDARY}--\r\n".encode()
    return client.post(LOAD, data=body, content_type=f"multipart/form-data; boundary={BOUNDARY}")


def instruments(app: Flask) -> list[tuple[str, int, bool]]:
    with app.app_context():
        return [(i.code, i.version, i.is_retired) for i in db.session.scalars(
            select(Instrument).order_by(Instrument.code, Instrument.version))]


def test_staff_see_the_instruments_in_their_own_language(app: Flask) -> None:
    default = create_default_instrument(app)
    english = foundation_client(app, FoundationRole.STAFF)
    page = english.get(INDEX)
    assert page.status_code == 200
    assert "Samen Oplopen life domains (example items)" in page.text and "Example items" in page.text
    assert LOAD not in page.text  # no upload form for staff
    page = english.get(f"{INDEX}{default.id}")
    assert page.status_code == 200
    text = page.text
    assert text.index("Finances and paperwork") < text.index("Housing") < text.index("The children&#39;s development")
    assert "I often worry about money." in text and "Reverse-scored" in text and "Fully agree" in text
    assert "Retire this version" not in text
    arabic = foundation_client(app, FoundationRole.STAFF, locale="ar").get(f"{INDEX}{default.id}").text
    assert "أقلق كثيراً بشأن المال." in arabic and "المال والأوراق الإدارية" in arabic
    assert english.get(f"{INDEX}00000000-0000-0000-0000-000000000000").status_code == 404


def test_an_admin_loads_a_yaml_or_json_file_and_retires_a_version(app: Flask) -> None:
    admin = foundation_client(app, FoundationRole.ADMIN)
    assert LOAD in admin.get(INDEX).text
    response = upload(admin, yaml.safe_dump(small_document(code="licensed"), allow_unicode=True), "vragenlijst.yml")
    assert response.status_code == 302
    with app.app_context():
        loaded = db.session.scalars(select(Instrument).where(Instrument.code == "licensed")).one()
    assert response.location.endswith(f"{INDEX}{loaded.id}")
    assert "Version 1 of Test (en) has been loaded." in admin.get(response.location).text
    assert upload(admin, json.dumps(small_document(code="licensed", version=2)), "V2.JSON").status_code == 302
    assert instruments(app) == [("licensed", 1, False), ("licensed", 2, False)]

    response = admin.post(f"{INDEX}{loaded.id}/retire", data=CONFIRMED)
    assert response.status_code == 302
    assert "has been retired" in admin.get(response.location).text
    assert instruments(app) == [("licensed", 1, True), ("licensed", 2, False)]
    # Twice: explained, nothing changes.
    response = admin.post(f"{INDEX}{loaded.id}/retire", data=CONFIRMED, follow_redirects=True)
    assert "This version has already been retired." in response.text
    assert "Retired on" in admin.get(INDEX).text


def test_a_bad_upload_is_refused_with_the_reason_and_nothing_is_written(app: Flask) -> None:
    admin = foundation_client(app, FoundationRole.ADMIN)
    broken = small_document()
    del broken["domains"][1]["items"][0]["texts"]["ar"]
    cases = [
        (yaml.safe_dump(broken), "broken.yaml", "domains[2].items[1].texts (line"),
        ("{not json", "broken.json", "The file is not valid JSON"),
        (json.dumps(small_document()), "instrument.txt", "Only .json, .yaml and .yml files can be loaded."),
        (b"\xff\xfe\x00code", "binary.yaml", "The file is not UTF-8 text."),
        (b" " * 1_000_001, "huge.yaml", "The file is larger than 1 MB."),
    ]
    for content, filename, message in cases:
        response = upload(admin, content, filename)
        assert response.status_code == 422, filename
        assert message in response.text, filename
        assert 'class="error-summary"' in response.text and 'aria-invalid="true"' in response.text
    response = admin.post(LOAD, data={})  # no file at all
    assert response.status_code == 422 and "Choose a JSON or YAML file to load." in response.text
    response = admin.post(LOAD, data={"file": (io.BytesIO(b"{}"), "x.json")}, content_type="multipart/form-data",
                          headers={"Accept": "application/json"})
    assert response.status_code == 422 and response.json["errors"]["file"]
    assert upload(admin, json.dumps(small_document()), "first.json").status_code == 302
    response = upload(admin, json.dumps(small_document()), "again.json")
    assert response.status_code == 422 and "has already been loaded" in response.text
    assert instruments(app) == [("test-instrument", 1, False)]


def test_only_admins_change_and_tenant_members_cannot_get_in(
        app: Flask, tenant_a: Tenant, manager_a: User) -> None:
    default = create_default_instrument(app)
    staff = foundation_client(app, FoundationRole.STAFF)
    assert staff.get(f"{INDEX}{default.id}").status_code == 200
    assert upload(staff, json.dumps(small_document()), "x.json").status_code == 403
    assert staff.post(f"{INDEX}{default.id}/retire", data=CONFIRMED).status_code == 403
    assert instruments(app) == [(default.code, 1, False)]

    coordinator = create_user(app, "coordinator@alpha.example", tenant=tenant_a, role=Role.COORDINATOR)
    for member in (manager_a, coordinator):
        client = client_for(app, member)
        for path in (INDEX, f"{INDEX}{default.id}"):
            assert client.get(path).status_code == 404, path
        assert upload(client, json.dumps(small_document()), "x.json").status_code == 404
        assert client.post(f"{INDEX}{default.id}/retire", data=CONFIRMED).status_code == 404
    assert app.test_client().get(INDEX).status_code == 302  # signed out: to the sign-in page
    assert instruments(app) == [(default.code, 1, False)]


def test_the_list_takes_one_statement_however_many_versions(app: Flask) -> None:
    create_default_instrument(app)
    client = foundation_client(app, FoundationRole.STAFF)

    def statements() -> int:
        with count_queries(app) as sent:
            assert client.get(INDEX).status_code == 200
        return len(sent)

    one = statements()
    with app.app_context():
        from tenants.impact.instruments.loader import load_instrument

        for version in (1, 2, 3):
            load_instrument(None, json.dumps(small_document(version=version)))
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Instrument)) == 4
    assert statements() == one
