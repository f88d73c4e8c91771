"""Reading matches: the filtered list, one match, and the matches of a family or a volunteer.

Each function runs a fixed number of statements however many matches there are (eager loading
with joins for the one-row relations; tested in tests/matching/).
"""

from __future__ import annotations

import contextlib
import uuid
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from saas.auth.models import User
from saas.db import db
from tenants.families.models import Family
from tenants.matching.models import Match
from tenants.matching.states import OPEN, MatchState

PAGE_SIZE = 25


def _with_people(statement: Select[tuple[Match]]) -> Select[tuple[Match]]:
    """The match's family (and its coordinator), volunteer and coordinator, joined: each is one row
    per match, and a separate load by (tenant, id) pairs is a row-value IN that SQLite answers by
    scanning the whole tenant's families or volunteers."""
    return statement.options(joinedload(Match.family).joinedload(Family.coordinator),
                             joinedload(Match.volunteer), joinedload(Match.coordinator))


def match_list(filters: dict[str, Any], me: User) -> Select[tuple[Match]]:
    """The list statement for the validated ``filters`` (tenants.matching.matches.schemas.ListQuery)."""
    statement = _with_people(select(Match))
    state = filters.get("state")
    if state == "open":
        statement = statement.where(Match.state.in_(OPEN))
    elif state:
        statement = statement.where(Match.state == MatchState(state))
    coordinator = filters.get("coordinator")
    if coordinator == "me":
        statement = statement.where(Match.coordinator_id == me.id)
    elif coordinator:
        with contextlib.suppress(ValueError):  # a malformed id filters nothing away
            statement = statement.where(Match.coordinator_id == uuid.UUID(coordinator))
    return statement.order_by(Match.proposed_on.desc(), Match.id)


def paginate(statement: Select[tuple[Match]], page: int | None) -> Pagination:
    return db.paginate(statement, page=page or 1, per_page=PAGE_SIZE, error_out=False)


def counts_per_state() -> dict[MatchState, int]:
    rows = db.session.execute(select(Match.state, func.count()).group_by(Match.state))
    return {state: count for state, count in rows}


def match_detail(match_id: uuid.UUID) -> Match | None:
    return db.session.scalars(_with_people(select(Match).where(Match.id == match_id))).first()


def family_name_of(match_id: uuid.UUID) -> str | None:
    """The family name of the match (its page's title), or None when the tenant has no such match:
    the one column a match page needs when the rest of it is kept rendered."""
    return db.session.scalar(select(Family.family_name).join(Match.family).where(Match.id == match_id))


def matches_of_family(family_id: uuid.UUID) -> list[Match]:
    """Every match of the family, newest first (the open one, then earlier ones)."""
    return list(db.session.scalars(select(Match).where(Match.family_id == family_id)
                                   .options(joinedload(Match.volunteer))
                                   .order_by(Match.proposed_on.desc(), Match.created_at.desc())))


def matches_of_volunteer(volunteer_id: uuid.UUID) -> list[Match]:
    return list(db.session.scalars(select(Match).where(Match.volunteer_id == volunteer_id)
                                   .options(joinedload(Match.family))
                                   .order_by(Match.proposed_on.desc(), Match.created_at.desc())))
