"""Believable, fictional contact details for the demo families and postcodes for the demo
volunteers: real postcode areas (PC4) of the demo municipalities with invented letters, common
street names, and phone numbers from the fictional range 06-12345xxx.

Each family's and volunteer's details come from a random generator of their own, seeded with the
tenant and the case number or name, so the shared generator of the demo seeders (tenants.PACKAGES)
draws exactly what it drew before these details existed: every other demo datum stays the same.
"""

from __future__ import annotations

import random

from anyascii import anyascii

from saas.tenancy.models import Tenant
from tenants.families.contact_details import ContactDetails, store
from tenants.families.models import Family

#: Postcode areas (PC4) of the demo municipalities and their villages.
POSTCODE_AREAS = {
    "Heusden": ("5151", "5152", "5154", "5156", "5251", "5252", "5253", "5254", "5256"),
    "Zeist": ("3701", "3702", "3703", "3704", "3705", "3706", "3707", "3708", "3709", "3734"),
    "Papendrecht": ("3351", "3352", "3353", "3354", "3355", "3356"),
    "Alblasserdam": ("2951", "2952", "2953", "2954"),
}
#: The town in the address when a neighbourhood of the municipality is a village of its own.
VILLAGES = {"Drunen", "Vlijmen", "Nieuwkuijk", "Heusden", "Oudheusden", "Elshout", "Haarsteeg", "Den Dolder"}
STREETS = ("Kerkstraat", "Dorpsstraat", "Molenweg", "Schoolstraat", "Julianastraat", "Beatrixlaan",
           "Wilhelminastraat", "Lindelaan", "Eikenlaan", "Meidoornstraat", "Kastanjelaan", "Prins Bernhardstraat",
           "Merelstraat", "Vlasakker", "Sportlaan", "Parkweg")
LETTERS = "ABCEGHJKLMNPRTVWXZ"  # no SA, SD or SS can come out of these


def postcode(rng: random.Random, municipality: str | None) -> str:
    areas = POSTCODE_AREAS.get(municipality or "", ("3511",))
    return rng.choice(areas) + rng.choice(LETTERS) + rng.choice(LETTERS)


def _own_generator(tenant: Tenant, *parts: object) -> random.Random:
    return random.Random(":".join(map(str, (tenant.slug, *parts))))  # noqa: S311 - demo data, not secrets


def add_contact_details(tenant: Tenant, family: Family, number: int) -> None:
    """Sealed contact details for a demo family (``number``: a phone number 06-12345xxx of its own)."""
    rng = _own_generator(tenant, family.case_number)
    town = family.neighbourhood if family.neighbourhood in VILLAGES else family.municipality
    surname = anyascii(family.family_name.removeprefix("Familie ")).lower().replace(" ", "")
    languages = [language for language in family.languages if language != "Nederlands"]
    store(family, ContactDetails(
        street=f"{rng.choice(STREETS)} {rng.randint(1, 120)}{rng.choice(['', '', '', 'a', 'b'])}",
        postcode=postcode(rng, family.municipality), town=town,
        phone=f"06-12345{number % 1000:03d}",
        email=f"{surname}{rng.randint(1, 99)}@mail.example" if rng.random() < 0.6 else None,
        language=languages[0] if family.interpreter_needed and languages else "Nederlands"))


def volunteer_postcode(tenant: Tenant, name: str, municipality: str | None) -> str | None:
    """Most demo volunteers have a postcode in their municipality; some left it out."""
    rng = _own_generator(tenant, name)
    return postcode(rng, municipality) if rng.random() < 0.85 else None
