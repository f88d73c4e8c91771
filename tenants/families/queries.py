"""Reading family files: the filtered list, the waiting list and one file with everything it shows,
its sealed texts opened.

Each function runs a fixed number of statements however many families, members, notes or
timeline entries there are (eager loading with selectinload; tested in tests/families/).
"""

from __future__ import annotations

import contextlib
import uuid
from datetime import timedelta
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, selectinload

from saas.auth.models import Membership, User
from saas.auth.roles import STAFF_ROLES
from saas.clock import local_today
from saas.crypto import open_text
from saas.db import db
from saas.search import query_words
from tenants.families import search
from tenants.families.models import (
    CHILD_SAFETY_NOTES,
    HELP_QUESTION,
    INTAKE_STORY,
    NOTE,
    CaseEvent,
    Family,
    FamilyNote,
    Intake,
)
from tenants.families.states import CASELOAD, CaseState

PAGE_SIZE = 25

SORTS = {
    "referred": Family.referred_on.asc(),
    "-referred": Family.referred_on.desc(),
    "case": (Family.case_year.asc(), Family.case_seq.asc()),
    "-case": (Family.case_year.desc(), Family.case_seq.desc()),
    "name": Family.family_name.asc(),
    "-name": Family.family_name.desc(),
}


#: What a row of the family list and the waiting list shows: columns, not whole families (a family
#: has some fifty), and the coordinator's name in the same statement. The name is a subquery rather
#: than a join, so the filters, the count and a deep page's ids (saas.db.base.RowPagination) stay
#: on the families table and its indexes alone.
LIST_COLUMNS = (
    Family.id, Family.case_year, Family.case_seq, Family.family_name, Family.state, Family.municipality,
    Family.referred_on, Family.state_changed_at,
    select(User.name).where(User.id == Family.coordinator_id).scalar_subquery().label("coordinator_name"),
)


def _list_rows() -> Select[Any]:
    return select(*LIST_COLUMNS)


def family_list(filters: dict[str, Any], me: User) -> Select[Any]:
    """The list statement for the validated ``filters`` (tenants.families.schemas.ListQuery): rows of
    LIST_COLUMNS, to page through with :func:`paginate_rows`."""
    statement = _list_rows()
    if words := query_words(filters.get("q")):
        statement = statement.where(search.condition(words))
    state = filters.get("state")
    if state == "open":
        statement = statement.where(Family.state.in_(CASELOAD))
    elif state:
        statement = statement.where(Family.state == CaseState(state))
    coordinator = filters.get("coordinator")
    if coordinator == "me":
        statement = statement.where(Family.coordinator_id == me.id)
    elif coordinator == "none":
        statement = statement.where(Family.coordinator_id.is_(None))
    elif coordinator:
        # A malformed id filters nothing away; the form offers only valid ones.
        with contextlib.suppress(ValueError):
            statement = statement.where(Family.coordinator_id == uuid.UUID(coordinator))
    if filters.get("municipality"):
        statement = statement.where(Family.municipality == filters["municipality"])
    if filters.get("referrer_type"):
        statement = statement.where(Family.referrer_type == filters["referrer_type"])
    if filters.get("waiting") is not None:
        cutoff = local_today() - timedelta(days=filters["waiting"])
        statement = statement.where(
            Family.state.in_(CASELOAD - {CaseState.MATCHED, CaseState.CLOSING}), Family.referred_on <= cutoff
        )
    order = SORTS.get(filters.get("sort") or "-referred")
    order = order if isinstance(order, tuple) else (order,)
    return statement.order_by(*order, Family.id)


def search_results(words: list[str]) -> Select[tuple[Family]]:
    """The families each of ``words`` is found in (tenants.families.search), their members loaded
    to say why; a file whose case number is a word comes first, then by name."""
    return (
        select(Family)
        .options(selectinload(Family.coordinator), selectinload(Family.members))
        .where(search.condition(words))
        .order_by(*search.case_number_first(words), Family.family_name, Family.id)
    )


def paginate(statement: Select[tuple[Family]], page: int | None) -> Pagination:
    return db.paginate(statement, page=page or 1, per_page=PAGE_SIZE, error_out=False)


def paginate_rows(statement: Select[Any], page: int | None) -> Pagination:
    """A page of a list of LIST_COLUMNS rows (:func:`family_list`, :func:`waiting_list`)."""
    return db.paginate(statement, page=page or 1, per_page=PAGE_SIZE, error_out=False, rows=True)


def waiting_list() -> Select[Any]:
    """Families waiting for a match, longest waiting first (rows of LIST_COLUMNS)."""
    return _list_rows().where(Family.state == CaseState.WAITING).order_by(Family.referred_on, Family.id)


def staff_choices() -> list[tuple[str, str]]:
    """(user id, name) of the tenant's active coordinators and managers, by name."""
    rows = db.session.execute(
        select(User.id, User.name)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.is_active, Membership.role.in_(STAFF_ROLES))
        .order_by(User.name)
    )
    return [(str(user_id), name) for user_id, name in rows]


def family_file(family_id: uuid.UUID) -> Family | None:
    """One family with its members, intake and coordinators loaded, joined into one statement: a
    separate load by (tenant, family) pairs is a row-value IN that SQLite answers by scanning every
    household member of the tenant."""
    return db.session.scalars(
        select(Family)
        .where(Family.id == family_id)
        .options(
            joinedload(Family.members),
            joinedload(Family.coordinator),
            joinedload(Family.intake).joinedload(Intake.coordinator),
        )
    ).unique().first()


def notes_of(family: Family) -> list[FamilyNote]:
    return list(
        db.session.scalars(
            select(FamilyNote)
            .where(FamilyNote.family_id == family.id)
            .options(selectinload(FamilyNote.author))
            .order_by(FamilyNote.created_at.desc())
        )
    )


def timeline_of(family: Family) -> list[CaseEvent]:
    return list(
        db.session.scalars(
            select(CaseEvent)
            .where(CaseEvent.family_id == family.id)
            .options(selectinload(CaseEvent.actor))
            .order_by(CaseEvent.at.desc())
        )
    )


def help_question(family: Family) -> str | None:
    """The family's help question, opened with the tenant's key (None when none was given)."""
    return open_text(family.help_question_sealed, HELP_QUESTION, family.id)


def intake_texts(intake: Intake) -> dict[str, str | None]:
    """The intake's sealed texts, opened: the family's story and the child-safety notes."""
    return {
        "story": open_text(intake.story_sealed, INTAKE_STORY, intake.id),
        "child_safety_notes": open_text(intake.child_safety_notes_sealed, CHILD_SAFETY_NOTES, intake.id),
    }


def note_text(note: FamilyNote) -> str:
    """A coordinator's note, opened."""
    return open_text(note.body_sealed, NOTE, note.id) or ""
