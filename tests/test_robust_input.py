"""Every input is checked before it reaches the database (issue 18): the exact cases found by the
hostile run — deep JSON, page numbers of thirty digits, a NUL in a URL, a number of 5,000 digits in
an instrument — and the field kinds behind them (text, whole numbers, dates).

Messages already in the catalogues are compared through them (tests/test_errors.py); new ones are
read in English (a person whose language is English), which is their msgid.
"""

from __future__ import annotations

import json
from datetime import date

import marshmallow as ma
import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import func, select

from saas import forms
from saas.auth.models import Invitation, User
from saas.db import db, tenant_context
from saas.tenancy.models import Tenant
from tenants.impact.instruments.loader import NUMBER_TOO_LONG
from tenants.impact.instruments.models import Instrument
from tenants.impact.measurements.models import Answer
from tests.billing.webhook_support import deliver
from tests.factories.instruments import small_document
from tests.support.sessions import SignIn
from tests.test_errors import INVALID_JSON_MESSAGE, translation
from tests.test_isolation_routes import World, world

__all__ = ["world"]  # the isolation test's fixture, under the name pytest finds it by

DEEP_BODIES = {
    "array-100000": "[" * 100_000,
    "array-5000-closed": "[" * 5000 + "]" * 5000,
    "object-3000": '{"a":' * 3000 + "1" + "}" * 3000,
    "object-40": '{"email":' * 40 + '"x@example.org"' + "}" * 40,  # parses, but no form nests that deep
}
INVALID_JSON = {"errors": {"_request": [translation(INVALID_JSON_MESSAGE)]}}
THIRTY_DIGITS = "9" * 30


# Deep JSON ------------------------------------------------------------------------------------


@pytest.mark.parametrize("body", DEEP_BODIES.values(), ids=DEEP_BODIES.keys())
@pytest.mark.parametrize("path", ["/login", "/password/forgot"])
def test_deep_json_on_the_public_forms_is_a_translated_400(client: FlaskClient, path: str, body: str) -> None:
    response = client.post(path, data=body, content_type="application/json")

    assert response.status_code == 400
    assert response.get_json() == INVALID_JSON


def test_deep_json_on_a_tenant_form_writes_nothing(app: Flask, signed_in: SignIn, manager_a: User,
                                                   tenant_a: Tenant) -> None:
    client = signed_in(manager_a)

    for body in DEEP_BODIES.values():
        response = client.post("/t/alpha/members/invite", data=body, content_type="application/json")
        assert response.status_code == 400
        assert response.get_json() == INVALID_JSON
    with app.app_context(), tenant_context(db.session, tenant_a.id):
        assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0


def test_deep_json_on_the_measurement_answers_is_a_400(app: Flask, signed_in: SignIn, world: World) -> None:
    from saas.auth.roles import Role

    client = signed_in(world.people_a[Role.COORDINATOR])
    with app.app_context(), tenant_context(db.session, world.tenant_a.id):
        answers = db.session.scalar(select(func.count()).select_from(Answer))
    with app.test_request_context():
        url = url_for("measurements.answers", tenant_slug="alpha", family_id=world.matching_a.matched_family.id,
                      measurement_id=world.impact_a.measurement.id)

    responses = [client.post(url, data=body, content_type="application/json") for body in DEEP_BODIES.values()]

    assert [response.status_code for response in responses] == [400] * len(DEEP_BODIES)
    with app.app_context(), tenant_context(db.session, world.tenant_a.id):
        assert db.session.scalar(select(func.count()).select_from(Answer)) == answers


def test_a_nul_in_the_measurement_pages_domain_never_reaches_the_draft_lookup(
        app: Flask, signed_in: SignIn, world: World, caplog: pytest.LogCaptureFixture) -> None:
    """The page's ``domain`` names its draft (saas.drafts); PostgreSQL refuses a NUL in that lookup."""
    from saas.auth.roles import Role

    client = signed_in(world.people_a[Role.COORDINATOR])
    with app.test_request_context():
        url = url_for("measurements.answers", tenant_slug="alpha", family_id=world.matching_a.matched_family.id,
                      measurement_id=world.impact_a.measurement.id)

    response = client.post(url, data={"domain": "a\x00b", "go": "save"})

    assert response.status_code < 400
    assert "database refused" not in caplog.text


def test_a_signed_stripe_event_of_deep_json_is_refused_not_a_500(app: Flask, client: FlaskClient,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.billing.webhook_support import SECRET

    monkeypatch.setitem(app.config, "STRIPE_WEBHOOK_SECRET", SECRET)

    assert deliver(client, "[" * 100_000).status_code == 400


def test_json_depth_is_counted_without_recursion() -> None:
    deep: list[object] = []
    for _level in range(10_000):
        deep = [deep]
    assert forms.json_depth(deep) > forms.MAX_JSON_DEPTH
    assert forms.json_depth({"answers": {"a": 1}, "list": [1, 2]}) == 2
    assert forms.json_depth("text") == 0


# Page numbers ----------------------------------------------------------------------------------

TENANT_LISTS = [
    "/t/alpha/families/waiting?page={n}",
    "/t/alpha/volunteers/applicants?page={n}",
    "/t/alpha/volunteers/screening?expiring_page={n}&expired_page={n}",
    "/t/alpha/trainings/?page={n}&past_page={n}",
    "/t/alpha/audit/?page={n}",
    "/t/alpha/members/?page={n}&per_page={n}",
    "/t/alpha/families/?page={n}",
    "/t/alpha/volunteers/?page={n}",
    "/t/alpha/matches/?page={n}",
    "/t/alpha/groups/?page={n}",
    "/t/alpha/reports/?page={n}",
]


@pytest.mark.parametrize("number", [THIRTY_DIGITS, "-" + THIRTY_DIGITS, "0", "9" * 5000, "1e9", "abc"])
@pytest.mark.parametrize("path", TENANT_LISTS)
def test_a_page_number_beyond_any_list_shows_the_first_page(signed_in: SignIn, manager_a: User,
                                                            path: str, number: str) -> None:
    assert signed_in(manager_a).get(path.format(n=number)).status_code == 200


@pytest.mark.parametrize("path", ["/foundation/tenants/?page={n}", "/foundation/courses/?page={n}"])
def test_the_foundations_lists_take_any_page_number(signed_in: SignIn, foundation_admin: User, path: str) -> None:
    assert signed_in(foundation_admin).get(path.format(n=THIRTY_DIGITS)).status_code == 200


def test_paginate_clamps_the_page_outside_a_request_too(app: Flask, tenant_a: Tenant) -> None:
    with app.app_context():
        page = db.paginate(select(Tenant).order_by(Tenant.slug), page=10**30, per_page=10**30)
    assert page.page == 1
    assert [tenant.slug for tenant in page.items] == ["alpha"]


# Junk in the URL ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/t/%00/", "/t/%00/families/", "/t/al%00pha/", "/t/%1b/members/",
                                  "/invite/%00/token", "/invite/alpha/%00", "/password/reset/%00",
                                  "/foundation/tenants/%00"])
def test_a_control_character_in_a_url_is_a_404(app: Flask, signed_in: SignIn, manager_a: User,
                                               foundation_admin: User, path: str) -> None:
    assert app.test_client().get(path).status_code == 404
    assert signed_in(manager_a).get(path).status_code == 404


@pytest.mark.parametrize("path", ["/t/alpha/search?q=a%00b", "/t/alpha/families/?q=a%00b&track=%00",
                                  "/t/alpha/volunteers/?state=%01", "/t/alpha/audit/?page=%00",
                                  "/foundation/?track=%00"])
def test_a_control_character_in_the_query_string_is_refused_or_ignored_never_an_error(
        signed_in: SignIn, manager_a: User, foundation_admin: User, path: str) -> None:
    # Each page reads its query string with a form: such a text is refused (a clear message) or the
    # filter ignored, and it never reaches the database.
    client = signed_in(foundation_admin if path.startswith("/foundation") else manager_a)
    assert client.get(path).status_code in (200, 400, 422)
    assert client.get("/t/alpha/search?q=a%09b" if path.startswith("/t/") else path).status_code < 500


# The instrument upload ----------------------------------------------------------------------------


@pytest.mark.parametrize("render", [json.dumps, lambda document: __import__("yaml").safe_dump(document)],
                         ids=["json", "yaml"])
def test_a_number_of_5000_digits_in_an_instrument_is_a_translated_422(
        app: Flask, signed_in: SignIn, foundation_admin: User, render: object) -> None:
    from tests.impact.test_instruments_pages import upload

    text = render(small_document(code="huge")).replace('"version": 1', f'"version": {"9" * 5000}')  # type: ignore[operator]
    text = text.replace("version: 1\n", f"version: {'9' * 5000}\n")
    assert "9" * 5000 in text
    client = signed_in(foundation_admin)
    client.post("/language", data={"locale": "en"})

    response = upload(client, text, "huge.json" if text.startswith("{") else "huge.yaml")

    assert response.status_code == 422  # type: ignore[attr-defined]
    assert str(escape(str(NUMBER_TOO_LONG))) in response.text  # type: ignore[attr-defined]
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(Instrument.code == "huge")) == 0


# Field kinds ------------------------------------------------------------------------------------


class Kinds(forms.Form):
    name = forms.String(max_length=120)
    story = forms.String(max_length=4000)
    count = forms.Integer()
    small = forms.Integer(minimum=0, maximum=10)
    day = forms.Date()
    at = forms.LocalDateTime()


def load(**data: object) -> tuple[dict[str, object], dict[str, object]]:
    return forms.validate_input(Kinds(), dict(data))


def test_a_single_line_gets_spaces_for_line_breaks_and_a_text_area_keeps_them(app: Flask) -> None:
    with app.test_request_context():
        data, errors = load(name="Mia\tvan\r\nDijk", story="Eerste regel\n\tTweede regel")
    assert errors == {}
    assert data == {"name": "Mia van Dijk", "story": "Eerste regel\n\tTweede regel"}


@pytest.mark.parametrize("text", ["a\x00b", "a\x08b", "a\x1bb", "a\x7fb", "a\x85b"])
def test_other_control_characters_are_refused_in_every_kind_of_text(app: Flask, text: str) -> None:
    with app.test_request_context():
        _data, errors = load(name=text, story=text)
    assert set(errors) == {"name", "story"}


@pytest.mark.parametrize("number", ["2147483648", "-2147483649", "9" * 30, "9" * 5000, 10**30, "1e400"])
def test_a_whole_number_is_bounded_by_what_the_column_holds(app: Flask, number: object) -> None:
    with app.test_request_context():
        _data, errors = load(count=number, small=number)
    assert set(errors) == {"count", "small"}


def test_the_largest_integer_a_column_holds_is_accepted(app: Flask) -> None:
    with app.test_request_context():
        data, errors = load(count=str(forms.INTEGER_MAX), small="10")
    assert errors == {} and data == {"count": forms.INTEGER_MAX, "small": 10}


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "2200-01-01", "9999-12-31"])
def test_a_date_outside_1900_to_2199_is_refused(app: Flask, day: str) -> None:
    with app.test_request_context():
        _data, errors = load(day=day, at=f"{day}T00:00")
    assert set(errors) == {"day", "at"}


def test_dates_at_the_edges_of_the_range_are_accepted(app: Flask) -> None:
    with app.test_request_context():
        data, errors = load(day="1900-01-01", at="2199-12-31T23:59")
    assert errors == {}
    assert data["day"] == date(1900, 1, 1)


def test_a_huge_number_in_a_real_form_is_a_field_error_and_nothing_is_written(
        app: Flask, signed_in: SignIn, manager_a: User, tenant_a: Tenant) -> None:
    client = signed_in(manager_a)

    response = client.post("/t/alpha/volunteers/policy", json={"max_age_at_start_days": "9" * 30,
                                                               "renewal_months": 10**30, "warning_days": "1",
                                                               "applicant_waiting_days": "1"})

    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"max_age_at_start_days", "renewal_months"}


def test_marshmallow_is_still_the_one_validator(app: Flask) -> None:
    """The bounds are validators of the fields, so every form gets them without a line of its own."""
    assert any(isinstance(v, ma.validate.Range) for v in forms.Integer().validators)
