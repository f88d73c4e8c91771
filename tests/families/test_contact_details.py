"""A family's contact details (issue 17): edited by staff on the file, sealed at rest except the
normalised postcode, refused input shown with translated field errors and nothing written, and only
for staff of the family's own tenant."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from saas.auth.models import User
from saas.contact import normalise_phone, normalise_postcode, phone_in_query
from saas.tenancy.models import Tenant
from tenants.families.contact_details import ContactDetails, contact_details_of, update_contact_details
from tenants.families.models import CaseEvent, Family
from tests.factories.families import audit_actions, load_family, written_rows
from tests.factories.platform import in_tenant
from tests.support.sessions import SignIn

GOOD = {"street": "Kerkstraat 12", "postcode": "3511 ab", "town": "Utrecht", "phone": "06-1234 5678",
        "email": "Gezin.Bakker@Example.NL", "language": "Arabisch"}


def url(family: Family, slug: str = "alpha") -> str:
    return f"/t/{slug}/families/{family.id}/contact"


def stored_details(app: Flask, tenant: Tenant, family: Family) -> ContactDetails:
    with in_tenant(app, tenant) as session:
        return contact_details_of(session.get(Family, (tenant.id, family.id)))


def set_details(app: Flask, tenant: Tenant, family: Family, actor: User, **data: Any) -> None:
    """Contact details written through the operation, as the form writes them (already validated)."""
    with in_tenant(app, tenant) as session:
        update_contact_details(actor, session.get(Family, (tenant.id, family.id)), data)
        session.commit()


# Normal forms ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "postcode"), [
    ("3511 AB", "3511AB"), ("3511ab", "3511AB"), (" 3511  ab ", "3511AB"), ("9999 ZZ", "9999ZZ"),
    ("0511 AB", None), ("3511 SA", None), ("3511 SD", None), ("3511 SS", None), ("351 AB", None), ("3511", None),
    ("3511 A1", None), ("", None),
])
def test_a_postcode_is_four_digits_not_starting_with_0_and_two_letters(typed: str, postcode: str | None) -> None:
    assert normalise_postcode(typed) == postcode


@pytest.mark.parametrize(("typed", "phone"), [
    ("06-1234 5678", "+31612345678"), ("+31 6 12345678", "+31612345678"), ("0031612345678", "+31612345678"),
    ("+31 (0)6 12345678", "+31612345678"), ("020 123 4567", "+31201234567"), ("+44 20 7946 0958", "+442079460958"),
    ("0612", None), ("06123456789", None), ("bel me", None), ("", None),
])
def test_a_phone_number_has_one_international_form(typed: str, phone: str | None) -> None:
    assert normalise_phone(typed) == phone


def test_a_query_is_a_phone_number_with_or_without_spaces_and_leading_zero() -> None:
    assert phone_in_query(["06", "1234", "5678"]) == "+31612345678"
    assert phone_in_query(["612345678"]) == "+31612345678"
    assert phone_in_query(["+31612345678"]) == "+31612345678"
    assert phone_in_query(["bakker"]) is None and phone_in_query(["47"]) is None


# The form -----------------------------------------------------------------------------------------


def test_staff_save_the_contact_details_sealed_with_a_plain_postcode(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, family_a: Family) -> None:
    client = signed_in(coordinator_a)
    assert client.get(url(family_a)).status_code == 200
    response = client.post(url(family_a), data=GOOD)
    assert response.status_code == 302 and response.location.endswith(f"/families/{family_a.id}#contact")
    assert stored_details(app, tenant_a, family_a) == ContactDetails(
        street="Kerkstraat 12", postcode="3511AB", town="Utrecht", phone="06-1234 5678",
        email="gezin.bakker@example.nl", language="Arabisch")
    stored = load_family(app, tenant_a, family_a.id)
    assert stored is not None and stored.postcode == "3511AB" and stored.phone_key
    assert stored.contact_sealed is not None and b"Kerkstraat" not in stored.contact_sealed
    assert b"12345678" not in stored.contact_sealed
    # The file shows them, the phone as a tel: link; the timeline and the audit log name the parts only.
    page = client.get(f"/t/alpha/families/{family_a.id}").text
    assert "Kerkstraat 12" in page and "3511 AB" in page and 'href="tel:+31612345678"' in page
    with in_tenant(app, tenant_a) as session:
        event = session.scalars(select(CaseEvent).where(CaseEvent.kind == "contact_details_updated")).one()
        assert set(event.details["fields"]) == set(GOOD)
    [audit] = [a for a in audit_actions(app, tenant_a, family_a.id) if a.action == "family.contact_details_updated"]
    assert "Kerkstraat" not in str(audit.details)
    # The form starts from what is stored.
    form = client.get(url(family_a)).text
    assert 'value="3511 AB"' in form and 'value="Kerkstraat 12"' in form


def test_saving_the_same_details_again_writes_nothing(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, family_a: Family) -> None:
    client = signed_in(coordinator_a)
    client.post(url(family_a), data=GOOD)
    before = written_rows(app, tenant_a)
    assert client.post(url(family_a), data={**GOOD, "postcode": "3511AB"}).status_code == 302
    assert written_rows(app, tenant_a) == before


def test_emptying_the_details_removes_them(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, family_a: Family) -> None:
    client = signed_in(coordinator_a)
    client.post(url(family_a), data=GOOD)
    assert client.post(url(family_a), data={}).status_code == 302
    stored = load_family(app, tenant_a, family_a.id)
    assert stored is not None and (stored.contact_sealed, stored.postcode, stored.phone_key) == (None, None, None)
    assert stored_details(app, tenant_a, family_a).is_empty


@pytest.mark.parametrize(("field", "value", "message"), [
    ("postcode", "0511 AB", "Enter a Dutch postcode: four digits and two letters, for example 3511 AB."),
    ("postcode", "3511 SS", "Enter a Dutch postcode"),
    ("phone", "bel me maar", "Enter a phone number, for example 06 12345678 or +31 6 12345678."),
    ("email", "geen-adres", "Enter a valid e-mail address."),
    ("street", "x" * 161, "Use at most 160 characters."),
])
def test_bad_input_is_a_translated_field_error_and_nothing_is_written(
        app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, family_a: Family,
        field: str, value: str, message: str) -> None:
    client = signed_in(coordinator_a)  # reads the pages in English: the msgids (nl/ar in /tmp/i18n/contact.json)
    before = written_rows(app, tenant_a)
    response = client.post(url(family_a), data={**GOOD, field: value})
    assert response.status_code == 422
    assert message in response.text and f'id="f-{field}-error"' in response.text
    assert written_rows(app, tenant_a) == before
    assert stored_details(app, tenant_a, family_a).is_empty  # nothing half-written: not even the good parts
    json_answer = client.post(url(family_a), json={**GOOD, field: value})
    assert json_answer.status_code == 422 and list(json_answer.json["errors"]) == [field]


# Who may -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["volunteer_a", "report_viewer_a"])
def test_volunteers_and_report_viewers_may_not_see_or_change_them(
        app: Flask, signed_in: SignIn, tenant_a: Tenant, family_a: Family, person: str,
        request: pytest.FixtureRequest) -> None:
    client = signed_in(request.getfixturevalue(person))
    before = written_rows(app, tenant_a)
    assert client.get(url(family_a)).status_code == 403
    assert client.post(url(family_a), data=GOOD).status_code == 403
    assert written_rows(app, tenant_a) == before


def test_another_tenants_staff_get_a_404(
        app: Flask, signed_in: SignIn, coordinator_a: User, manager_b: User, tenant_a: Tenant, tenant_b: Tenant,
        family_a: Family) -> None:
    set_details(app, tenant_a, family_a, coordinator_a, street="Kerkstraat 12", postcode="3511AB")
    client = signed_in(manager_b)
    for slug in ("alpha", "beta"):
        assert client.get(url(family_a, slug)).status_code == 404
        assert client.post(url(family_a, slug), data=GOOD).status_code == 404
    assert stored_details(app, tenant_a, family_a).street == "Kerkstraat 12"


# The demo ----------------------------------------------------------------------------------------


def test_demo_details_are_dutch_looking_fictional_and_the_same_every_time(
        app: Flask, tenant_a: Tenant, family_a: Family) -> None:
    from tenants.families.demo_contact import POSTCODE_AREAS, add_contact_details, volunteer_postcode

    with in_tenant(app, tenant_a) as session:
        family = session.get(Family, (tenant_a.id, family_a.id))
        assert family is not None
        family.municipality, family.neighbourhood = "Heusden", "Drunen"
        add_contact_details(tenant_a, family, 1007)
        first = contact_details_of(family)
        add_contact_details(tenant_a, family, 1007)
        assert contact_details_of(family) == first  # its own generator: the same details again
    assert first.phone == "06-12345007" and normalise_phone(first.phone) == "+31612345007"
    assert first.postcode is not None and first.postcode[:4] in POSTCODE_AREAS["Heusden"]
    assert normalise_postcode(first.postcode) == first.postcode and first.town == "Drunen"
    assert volunteer_postcode(tenant_a, "Kees", "Zeist") == volunteer_postcode(tenant_a, "Kees", "Zeist")
