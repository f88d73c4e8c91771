"""Reading volunteers: the filtered list, counts per state, applicants, expiring and expired VOGs,
and one volunteer with everything the profile page shows.

Each function runs a fixed number of statements however many volunteers, screenings or timeline
entries there are (eager loading with selectinload). The readiness filter is SQL, so pagination
counts the right rows; it includes the rules other packages add (tenants.volunteers.readiness_rules),
as the list includes their filters (tenants.volunteers.list_filters).
"""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ColumnElement, Date, Select, String, and_, cast, exists, func, literal, not_, or_, select
from sqlalchemy.orm import load_only, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from saas.clock import local_today
from saas.db import db
from tenants.volunteers.list_filters import list_filters
from tenants.volunteers.models import Screening, ScreeningPolicy, Volunteer, VolunteerEvent
from tenants.volunteers.readiness import MATCHABLE, add_months
from tenants.volunteers.readiness_rules import rules_met_condition
from tenants.volunteers.states import PIPELINE, VolunteerState

PAGE_SIZE = 25

SORTS = {
    "name": Volunteer.name.asc(), "-name": Volunteer.name.desc(),
    "applied": Volunteer.applied_on.asc(), "-applied": Volunteer.applied_on.desc(),
}


def _like(term: str) -> str:
    return f"%{term.strip().replace('%', '').replace('_', '').replace('!', '')}%"


def valid_from(policy: ScreeningPolicy, today: date) -> date:
    """The earliest issue date of a VOG that has not expired ``today`` (readiness.vog_expires_on
    of that date lies after today). Exact, also at the ends of months."""
    day = add_months(today, -policy.renewal_months)
    while add_months(day, policy.renewal_months) <= today:
        day += timedelta(days=1)
    return day


def _days_between(later: Any, earlier: Any) -> ColumnElement[Any]:
    """``later - earlier`` in days, for SQLite and PostgreSQL."""
    if db.session.get_bind().dialect.name == "sqlite":
        return func.julianday(later) - func.julianday(earlier)
    return later - earlier


def ready_condition(policy: ScreeningPolicy, today: date) -> ColumnElement[bool]:
    """SQL for readiness_rules.reasons_per_volunteer: matchable state, a valid VOG (the latest one
    has not expired, and one was recent enough at the start) and every registered rule met."""
    start = func.coalesce(Volunteer.approved_on, literal(today, Date))
    not_expired = exists().where(Screening.volunteer_id == Volunteer.id,
                                 Screening.issued_on >= valid_from(policy, today))
    recent_at_start = exists().where(
        Screening.volunteer_id == Volunteer.id, Screening.issued_on <= start,
        _days_between(start, Screening.issued_on) <= policy.max_age_at_start_days)
    return and_(Volunteer.state.in_(MATCHABLE), not_expired, recent_at_start, rules_met_condition(today))


#: What a row of the volunteer list shows (name, kind, state, municipality, languages) and what its
#: readiness and VOG columns read besides the screenings (tenants.volunteers.readiness).
LIST_COLUMNS = (Volunteer.name, Volunteer.kind, Volunteer.state, Volunteer.municipality, Volunteer.languages,
                Volunteer.approved_on)


def volunteer_list(filters: dict[str, Any], policy: ScreeningPolicy) -> Select[tuple[Volunteer]]:
    """The list statement for the validated ``filters`` (tenants.volunteers.schemas.list_query);
    :func:`load_screenings` loads the shown page's VOGs. Only the columns the list shows and its
    readiness reads are loaded (LIST_COLUMNS), not the whole profile."""
    statement = select(Volunteer).options(load_only(*LIST_COLUMNS))
    if filters.get("q"):
        like = _like(filters["q"])
        statement = statement.where(or_(Volunteer.name.ilike(like), Volunteer.email.ilike(like)))
    if filters.get("state"):
        statement = statement.where(Volunteer.state == VolunteerState(filters["state"]))
    readiness = filters.get("readiness")
    if readiness:
        ready = ready_condition(policy, local_today())
        statement = statement.where(ready if readiness == "ready" else not_(ready))
    if filters.get("municipality"):
        statement = statement.where(Volunteer.municipality == filters["municipality"])
    if filters.get("language"):
        # Languages are a JSON list: search its text, also as JSON writes letters outside ASCII.
        term = filters["language"].strip()
        escaped = json.dumps(term)[1:-1]
        text = func.lower(cast(Volunteer.languages, String))
        statement = statement.where(or_(text.like(_like(term.lower()), escape="!"),
                                        text.like(_like(escaped.lower()), escape="!")))
    for more in list_filters():
        condition = more.condition(filters[more.name], local_today()) if filters.get(more.name) else None
        if condition is not None:
            statement = statement.where(condition)
    order = SORTS.get(filters.get("sort") or "name")
    return statement.order_by(order, Volunteer.id)


def load_screenings(volunteers: list[Volunteer]) -> None:
    """Load the screenings of ``volunteers`` in one statement, by volunteer id. (selectinload would
    ask by (tenant, volunteer) pairs, a row-value IN that SQLite answers by scanning every screening
    of the tenant.)"""
    if not volunteers:
        return
    found: dict[uuid.UUID, list[Screening]] = {volunteer.id: [] for volunteer in volunteers}
    for screening in db.session.scalars(select(Screening).where(Screening.volunteer_id.in_(found))
                                        .order_by(Screening.issued_on.desc())):
        found[screening.volunteer_id].append(screening)
    for volunteer in volunteers:
        set_committed_value(volunteer, "screenings", found[volunteer.id])


def paginate(statement: Select[Any], page: int | None) -> Pagination:
    return db.paginate(statement, page=page or 1, per_page=PAGE_SIZE, error_out=False)


def counts_per_state() -> dict[VolunteerState, int]:
    """How many volunteers are in each state (every state present, zero when none)."""
    rows = db.session.execute(select(Volunteer.state, func.count()).group_by(Volunteer.state))
    counts = dict.fromkeys(VolunteerState, 0)
    counts.update({state: count for state, count in rows})
    return counts


def waiting_cutoff(policy: ScreeningPolicy) -> date:
    """Applicants who applied before this date have waited too long (policy.applicant_waiting_days)."""
    return local_today() - timedelta(days=policy.applicant_waiting_days)


def applicants(state: VolunteerState | None = None) -> Select[tuple[Volunteer]]:
    """People in the pipeline (or in one of its states), longest waiting first. Whether one waits
    too long: ``applied_on < waiting_cutoff(policy)``."""
    states = [state] if state in PIPELINE else list(PIPELINE)
    return (select(Volunteer).where(Volunteer.state.in_(states))
            .order_by(Volunteer.applied_on, Volunteer.id))


def waiting_too_long_count(policy: ScreeningPolicy) -> int:
    return db.session.scalar(select(func.count()).select_from(Volunteer).where(
        Volunteer.state.in_(PIPELINE), Volunteer.applied_on < waiting_cutoff(policy))) or 0


def _latest_issue() -> Any:
    """Subquery: the latest VOG issue date per volunteer."""
    return (select(Screening.volunteer_id, func.max(Screening.issued_on).label("latest"))
            .group_by(Screening.volunteer_id).subquery())


#: Volunteers whose VOG matters: still involved (not stopped).
ACTIVE = frozenset(VolunteerState) - {VolunteerState.STOPPED}


def vog_expiring(policy: ScreeningPolicy) -> Select[tuple[Volunteer]]:
    """Active volunteers whose latest VOG expires within the warning window, soonest first."""
    today = local_today()
    latest = _latest_issue()
    warn_from = valid_from(policy, today + timedelta(days=policy.warning_days))
    return (select(Volunteer).options(selectinload(Volunteer.screenings))
            .join(latest, latest.c.volunteer_id == Volunteer.id)
            .where(Volunteer.state.in_(ACTIVE), latest.c.latest >= valid_from(policy, today),
                   latest.c.latest < warn_from)
            .order_by(latest.c.latest, Volunteer.name, Volunteer.id))


def vog_expired(policy: ScreeningPolicy) -> Select[tuple[Volunteer]]:
    """Active volunteers whose latest VOG has expired, longest expired first."""
    latest = _latest_issue()
    return (select(Volunteer).options(selectinload(Volunteer.screenings))
            .join(latest, latest.c.volunteer_id == Volunteer.id)
            .where(Volunteer.state.in_(ACTIVE), latest.c.latest < valid_from(policy, local_today()))
            .order_by(latest.c.latest, Volunteer.name, Volunteer.id))


def volunteer_file(volunteer_id: uuid.UUID) -> Volunteer | None:
    """One volunteer with their screenings (and who checked them) and account loaded."""
    return db.session.scalars(select(Volunteer).where(Volunteer.id == volunteer_id).options(
        selectinload(Volunteer.screenings).selectinload(Screening.checked_by),
        selectinload(Volunteer.user))).first()


def own_record(user_id: uuid.UUID) -> Volunteer | None:
    """The volunteer record linked to the account ``user_id`` in the bound tenant, or None."""
    return db.session.scalars(select(Volunteer).where(Volunteer.user_id == user_id).options(
        selectinload(Volunteer.screenings))).first()


def own_record_id(user_id: uuid.UUID) -> uuid.UUID | None:
    """The id of :func:`own_record`, for pages that need no more of it (one column, nothing loaded)."""
    return db.session.scalar(select(Volunteer.id).where(Volunteer.user_id == user_id))


def timeline_of(volunteer: Volunteer) -> list[VolunteerEvent]:
    return list(db.session.scalars(select(VolunteerEvent).where(VolunteerEvent.volunteer_id == volunteer.id)
                                   .options(selectinload(VolunteerEvent.actor))
                                   .order_by(VolunteerEvent.at.desc())))


def ready_count(policy: ScreeningPolicy, today: date, *conditions: ColumnElement[bool]) -> int:
    """How many volunteers are ready to be matched (ready_condition) and meet ``conditions`` (room
    for a family, which tenants.matching knows), in one statement: the managers' key figures."""
    return db.session.scalar(select(func.count()).select_from(Volunteer).where(
        ready_condition(policy, today), *conditions)) or 0
