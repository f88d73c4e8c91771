"""Factories for contact moments, through tenants.matching.contacts.operations (sealing, timeline
and audit as in the app), the contact the route tests use, and a reader for what a page's form
would submit. The fixtures are in tests/matching/contact_fixtures.py.
"""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser
from typing import Any

from flask import Flask
from werkzeug.datastructures import MultiDict

from saas.auth.models import User
from saas.tenancy.models import Tenant
from tenants.families.models import Family
from tenants.matching.contacts import operations as contact_operations
from tenants.matching.models import ContactMoment, Match
from tenants.matching.vocabulary import ContactKind, ContactMode
from tenants.volunteers.models import Volunteer
from tests.factories.platform import in_tenant, today


def _data(app: Flask, fields: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {"mode": ContactMode.HOME, "happened_on": today(app), "duration_minutes": 60,
                            "domains": [], "note": None}
    data.update(fields)
    return data


def log_visit(app: Flask, tenant: Tenant, match: Match, *, author: User, happened_on: date | None = None,
              **fields: Any) -> ContactMoment:
    """A visit the match's volunteer (``author``) logged, through ``contact_operations.log_visit``."""
    with in_tenant(app, tenant) as session:
        match = session.get(Match, (tenant.id, match.id))
        contact = contact_operations.log_visit(author, match, _data(app, {
            "happened_on": happened_on or today(app), **fields}))
        session.commit()
        return contact


def log_staff_contact(app: Flask, tenant: Tenant, family: Family, *, author: User,
                      kind: ContactKind = ContactKind.COORDINATOR_FAMILY, **fields: Any) -> ContactMoment:
    with in_tenant(app, tenant) as session:
        family = session.get(Family, (tenant.id, family.id))
        contact = contact_operations.log_staff_contact(author, family, _data(app, {"kind": kind, **fields}))
        session.commit()
        return contact


def add_contact(app: Flask, tenant: Tenant, world: Any, volunteer: Volunteer) -> None:
    """The route tests' contact: a visit by the world's volunteer that asks for the coordinator."""
    with in_tenant(app, tenant) as session:
        author = session.get(User, volunteer.user_id)
    world.contact = log_visit(app, tenant, world.match, author=author, needs_coordinator=True, note="Ging goed")


class _FormReader(HTMLParser):
    """Collects what a browser would submit from the form whose action ends with ``action``."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.inside, self.fields = action, False, MultiDict()
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.inside = attributes.get("action", "").endswith(self.action)
        elif self.inside and tag == "input" and attributes.get("name"):
            kind = attributes.get("type", "text")
            if kind not in ("checkbox", "radio") or "checked" in attributes:
                self.fields.add(attributes["name"], attributes.get("value", ""))
        elif self.inside and tag == "textarea":
            self._textarea = attributes.get("name")
            self.fields.add(self._textarea, "")

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.fields.setlist(self._textarea, [self.fields.get(self._textarea, "") + data])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None


def form_fields(html: str, action: str) -> MultiDict[str, str]:
    """The fields the page's form (posting to ``action``) sends as it is, untouched."""
    reader = _FormReader(action)
    reader.feed(html)
    return reader.fields
