"""Finding volunteers in the staff search box (the search page of tenants.families): by name, phone
number and postcode, accents and capitals ignored.

Like a family's, a volunteer's searchable texts are folded (``saas.search.fold``) into one stored key,
``volunteers.search_text``, which :func:`refresh_search_keys` rebuilds in every flush that touches
them. The phone number goes in in its international form (saas.contact), so "06 1234 5678",
"+31612345678" and "612345678" all find it; a volunteer's phone number is not sealed (it is not the
family's), so it may stand in the key. The results are a second group on the search page, added as
the "search" panel (tenants.panels): one statement, however many volunteers match.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from flask import render_template
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from saas.contact import normalise_phone, phone_in_query
from saas.db import db
from saas.search import contains, key_of
from tenants.panels import add_panel
from tenants.volunteers.models import Volunteer

#: The texts of a volunteer the key is made of.
SEARCHED_ATTRIBUTES = ("name", "phone", "postcode")
#: The search page shows this many volunteers; more means the query needs another word.
SHOWN = 10


def search_key(volunteer: Volunteer) -> str:
    return key_of([volunteer.name, normalise_phone(volunteer.phone) or volunteer.phone, volunteer.postcode])


def condition(words: Sequence[str]) -> sa.ColumnElement[bool]:
    """Every word found in the key, or the whole query is a phone number found there."""
    every_word = sa.and_(*(contains(Volunteer.search_text, word) for word in words))
    phone = phone_in_query(words)
    return sa.or_(every_word, contains(Volunteer.search_text, phone)) if phone else every_word


def found(words: Sequence[str]) -> list[Volunteer]:
    """The first SHOWN + 1 volunteers found, by name (the one more says there are more)."""
    return list(db.session.scalars(select(Volunteer).where(condition(words))
                                   .order_by(Volunteer.name, Volunteer.id).limit(SHOWN + 1)))


def search_panel(words: Sequence[str]) -> str:
    """The volunteers group of the search page (shown only for a query)."""
    volunteers = found(words)
    return render_template("volunteers/_search_results.html", volunteers=volunteers[:SHOWN],
                           more=len(volunteers) > SHOWN, shown=SHOWN)


def refresh_search_keys(session: Session, _flush_context: Any, _instances: Any) -> None:
    """``before_flush``: rebuild the key of each volunteer that is new or had a searched text changed."""
    new = session.new  # a set built on each access: once, not once per object
    for obj in (*new, *session.dirty):
        if not isinstance(obj, Volunteer):
            continue
        state: Any = inspect(obj)
        if obj in new or any(state.attrs[name].history.has_changes() for name in SEARCHED_ATTRIBUTES):
            key = search_key(obj)
            if obj.search_text != key:
                obj.search_text = key


def contribute() -> None:
    """Keep the keys up to date and add the volunteers to the search page (once per process)."""
    if not event.contains(Session, "before_flush", refresh_search_keys):
        event.listen(Session, "before_flush", refresh_search_keys)
    add_panel("search", search_panel)
