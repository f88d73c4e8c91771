"""Reading what a volunteer's own pages need beyond tenants.matching.contacts.queries: the
questions they put to their coordinator that nobody has picked up yet (for their home page).

One statement per function, however many contacts there are.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select

from saas.db import db
from tenants.matching.models import ContactMoment


def open_requests_of(author_id: uuid.UUID, match_ids: list[uuid.UUID]) -> dict[uuid.UUID, date]:
    """Per match, the earliest day the author asked "I need my coordinator" in a contact that no
    coordinator has handled yet; matches without such a question are left out."""
    if not match_ids:
        return {}
    rows = db.session.execute(select(ContactMoment.match_id, ContactMoment.happened_on).where(
        ContactMoment.author_id == author_id, ContactMoment.match_id.in_(match_ids),
        ContactMoment.needs_coordinator.is_(True), ContactMoment.handled_at.is_(None))
        .order_by(ContactMoment.happened_on.desc()))
    # Newest first, so the earliest day of each match is the one left standing.
    return {match_id: day for match_id, day in rows}
