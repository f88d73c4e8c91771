"""A family's contact details: address, postcode, phone number, e-mail address and the language to
use with the family.

Everything but the postcode is sealed together in ``Family.contact_sealed`` (saas.crypto, bound to
CONTACT_DETAILS and the family). The postcode is kept plain and normalised ("3511AB"): the
suggestions measure the distance to a volunteer with it and the search finds it. The phone number
is found by the search through ``Family.phone_key``, a keyed hash of its international form.

Staff edit them on the family file; a volunteer sees them only while their match is active
(tenants.matching.my_families), and every time that is audited.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from typing import Any

from saas.audit.operations import record
from saas.auth.models import User
from saas.contact import normalise_phone
from saas.crypto import blind_index, open_text, seal_text
from saas.db import db
from tenants.families.models import CONTACT_DETAILS, CaseEvent, Family

#: What the hash of a phone number is bound to (saas.crypto.blind_index).
PHONE_INDEX = "family_phone"


@dataclass(frozen=True)
class ContactDetails:
    """The family's contact details as one value; every part optional."""

    street: str | None = None
    postcode: str | None = None
    town: str | None = None
    phone: str | None = None
    email: str | None = None
    language: str | None = None

    @property
    def sealed_parts(self) -> dict[str, str]:
        """What is sealed: everything recorded except the postcode (kept plain on the family)."""
        return {key: value for key, value in asdict(self).items() if value and key != "postcode"}

    @property
    def is_empty(self) -> bool:
        return not any(asdict(self).values())


FIELDS = tuple(field.name for field in fields(ContactDetails))


def phone_key(phone: str | None) -> str | None:
    """The searchable hash of a phone number (any way of writing it), for the bound tenant."""
    normalised = normalise_phone(phone)
    return blind_index(normalised, PHONE_INDEX) if normalised else None


def contact_details_of(family: Family) -> ContactDetails:
    """The family's contact details, opened (one statement for the tenant's key, the first time)."""
    opened = open_text(family.contact_sealed, CONTACT_DETAILS, family.id)
    return ContactDetails(**{**(json.loads(opened) if opened else {}), "postcode": family.postcode})


def store(family: Family, details: ContactDetails) -> None:
    """Write ``details`` on the family: sealed, the postcode plain, the phone's hash (no timeline)."""
    parts = details.sealed_parts
    family.contact_sealed = seal_text(json.dumps(parts, ensure_ascii=False), CONTACT_DETAILS, family.id) \
        if parts else None
    family.postcode = details.postcode
    family.phone_key = phone_key(details.phone)


def update_contact_details(actor: User, family: Family, data: dict[str, Any]) -> None:
    """Save the contact details form; the timeline and the audit log name the parts that changed
    (never their values). Only flushes (with the rest of the request)."""
    before = contact_details_of(family)
    after = ContactDetails(**{key: data.get(key) for key in FIELDS})
    changed = [key for key in FIELDS if getattr(before, key) != getattr(after, key)]
    if not changed:
        return
    store(family, after)
    db.session.add(CaseEvent(family_id=family.id, actor_id=actor.id, kind="contact_details_updated",
                             details={"fields": changed}))
    record(actor, "family.contact_details_updated", family, fields=changed)
