"""Reading contact moments: a family's contact log for staff, a volunteer's own families and log,
and the facts the home-page signals need (last contact per match, unhandled flags).

Each function runs a fixed number of statements however many matches or contacts there are
(eager loading with selectinload; tested in tests/matching/test_contacts_statement_counts.py).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from saas.crypto import open_text
from saas.db import db
from tenants.families.models import Family
from tenants.matching.contacts.operations import DRAFT, MATCH_KINDS, draft_statement
from tenants.matching.models import ContactMoment, Match
from tenants.matching.states import OPEN

PAGE_SIZE = 25
#: How many of their own recent contacts a volunteer sees per family on the list of their families.
RECENT = 3


def _newest_first(statement: Select[Any]) -> Select[Any]:
    return statement.order_by(ContactMoment.happened_on.desc(), ContactMoment.created_at.desc(), ContactMoment.id)


def family_log(family_id: uuid.UUID) -> Select[tuple[ContactMoment]]:
    """Every contact about the family, newest first, with authors, handlers and the volunteer."""
    return _newest_first(select(ContactMoment).where(ContactMoment.family_id == family_id).options(
        selectinload(ContactMoment.author), selectinload(ContactMoment.handled_by),
        selectinload(ContactMoment.match).selectinload(Match.volunteer)))


def paginate(statement: Select[tuple[ContactMoment]], page: int | None, per_page: int = PAGE_SIZE) -> Pagination:
    return db.paginate(statement, page=page or 1, per_page=per_page, error_out=False)


@dataclass(frozen=True)
class ContactSummary:
    count: int
    last_on: date | None
    open_flags: int


def contact_summary(family_id: uuid.UUID) -> ContactSummary:
    """How many contacts the family has, the latest date and the unhandled flags, in one statement."""
    unhandled = and_(ContactMoment.needs_coordinator.is_(True), ContactMoment.handled_at.is_(None))
    count, last_on, open_flags = db.session.execute(select(
        func.count(), func.max(ContactMoment.happened_on), func.count().filter(unhandled))
        .where(ContactMoment.family_id == family_id)).one()
    return ContactSummary(count, last_on, open_flags or 0)


# The volunteer's own families ----------------------------------------------------------------

def _with_family(statement: Select[tuple[Match]]) -> Select[tuple[Match]]:
    """What the volunteer's pages show of a match: the family's members and both coordinators. The
    one-row relations are joined (one statement instead of three); the members follow by selectin."""
    family = joinedload(Match.family)
    return statement.options(family.selectinload(Family.members), family.joinedload(Family.coordinator),
                             joinedload(Match.coordinator))


def open_matches_of(volunteer_id: uuid.UUID) -> list[Match]:
    """The volunteer's open matches (proposed up to paused), by family name."""
    return list(db.session.scalars(_with_family(
        select(Match).join(Family, Family.id == Match.family_id)
        .where(Match.volunteer_id == volunteer_id, Match.state.in_(OPEN))
        .order_by(Family.family_name, Match.proposed_on))))


def open_match_for(volunteer_id: uuid.UUID, match_id: uuid.UUID) -> Match | None:
    """The volunteer's open match ``match_id``; None when it is someone else's or has ended."""
    return db.session.scalars(_with_family(select(Match).where(
        Match.id == match_id, Match.volunteer_id == volunteer_id, Match.state.in_(OPEN)))).first()


def own_log(match_id: uuid.UUID, author_id: uuid.UUID) -> Select[tuple[ContactMoment]]:
    """The author's own contacts in the match, newest first."""
    return _newest_first(select(ContactMoment).where(ContactMoment.match_id == match_id,
                                                     ContactMoment.author_id == author_id)
                         .options(selectinload(ContactMoment.handled_by)))


def own_contact(match_id: uuid.UUID, author_id: uuid.UUID, contact_id: uuid.UUID) -> ContactMoment | None:
    """The author's own contact ``contact_id`` in the match, or None (someone else's is None too)."""
    return db.session.scalars(select(ContactMoment).where(
        ContactMoment.id == contact_id, ContactMoment.match_id == match_id,
        ContactMoment.author_id == author_id)).first()


def latest_own_contact(author_id: uuid.UUID, family_id: uuid.UUID) -> ContactMoment | None:
    """The contact the author logged last (by when it was saved) about the family, or None."""
    return db.session.scalars(select(ContactMoment).where(
        ContactMoment.family_id == family_id, ContactMoment.author_id == author_id)
        .order_by(ContactMoment.created_at.desc(), ContactMoment.id).limit(1)).first()


def recent_own_contacts(match_ids: list[uuid.UUID], author_id: uuid.UUID,
                        per_match: int = RECENT) -> dict[uuid.UUID, list[ContactMoment]]:
    """The author's ``per_match`` newest contacts in each of the matches, in one statement."""
    if not match_ids:
        return {}
    rank = func.row_number().over(partition_by=ContactMoment.match_id, order_by=(
        ContactMoment.happened_on.desc(), ContactMoment.created_at.desc())).label("rank")
    ranked = (select(ContactMoment, rank)
              .where(ContactMoment.match_id.in_(match_ids), ContactMoment.author_id == author_id).subquery())
    contact = aliased(ContactMoment, ranked)
    rows = db.session.scalars(select(contact).where(ranked.c.rank <= per_match)
                              .options(selectinload(contact.handled_by)).order_by(ranked.c.match_id, ranked.c.rank))
    found: dict[uuid.UUID, list[ContactMoment]] = {match_id: [] for match_id in match_ids}
    for row in rows:
        found[row.match_id].append(row)
    return found


def match_of_family(family_id: uuid.UUID) -> Match | None:
    """The family's open match with its volunteer (for the staff log's heading)."""
    return db.session.scalars(select(Match).where(Match.family_id == family_id, Match.state.in_(OPEN))
                              .options(selectinload(Match.volunteer))).first()


def draft_of(author_id: uuid.UUID, family_id: uuid.UUID) -> dict[str, Any] | None:
    """The author's draft for the family (the fields as typed), or None."""
    draft = db.session.scalars(draft_statement(author_id, family_id)).first()
    if draft is None:
        return None
    data = json.loads(open_text(draft.data_sealed, DRAFT, draft.id) or "{}")
    return data if isinstance(data, dict) else None


# Signals -----------------------------------------------------------------------------------------

def last_contact_dates(match_ids: list[uuid.UUID]) -> dict[uuid.UUID, date]:
    """The date of the latest contact in each match — a volunteer's visit, or a coordinator's
    contact with the family or the volunteer — in one statement. Matches without any contact are
    missing from the result (their "no contact since" counts from the start of the match)."""
    if not match_ids:
        return {}
    rows = db.session.execute(select(ContactMoment.match_id, func.max(ContactMoment.happened_on)).where(
        ContactMoment.match_id.in_(match_ids), ContactMoment.kind.in_(MATCH_KINDS))
        .group_by(ContactMoment.match_id))
    return {match_id: day for match_id, day in rows}


def unhandled_flags(coordinator_id: uuid.UUID | None = None) -> list[ContactMoment]:
    """Contacts whose author asked "I need my coordinator" and that no coordinator has handled yet,
    oldest first, with the family, the author and the match's volunteer loaded.

    With ``coordinator_id`` only the coordinator's own caseload: flags in matches they guide, or
    on families they are responsible for when the match names no coordinator.
    """
    statement = (select(ContactMoment)
                 .where(ContactMoment.needs_coordinator.is_(True), ContactMoment.handled_at.is_(None))
                 .options(selectinload(ContactMoment.family), selectinload(ContactMoment.author),
                          selectinload(ContactMoment.match).selectinload(Match.volunteer))
                 .order_by(ContactMoment.happened_on, ContactMoment.created_at, ContactMoment.id))
    if coordinator_id is not None:
        statement = (statement.join(Family, Family.id == ContactMoment.family_id)
                     .outerjoin(Match, Match.id == ContactMoment.match_id)
                     .where(or_(Match.coordinator_id == coordinator_id,
                                and_(or_(Match.id.is_(None), Match.coordinator_id.is_(None)),
                                     Family.coordinator_id == coordinator_id))))
    return list(db.session.scalars(statement))
