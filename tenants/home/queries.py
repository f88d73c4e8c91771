"""Computing the signals of the bound tenant in a fixed number of statements, however many
matches, families or volunteers fire them: one per kind (T0 and T1 share one), the two policies,
the digest's recent runs and one for the acknowledgements (tested in tests/home/ with count_queries).

Rows are read as plain columns, never as ORM entities: a large organisation has a thousand
signals, and building a Match and a Family for each cost more than the signals themselves
(issue 19). The page lists the first few of each kind (tenants.home.views).

The date arithmetic in months (24 months, six months, VOG renewal) is exact in Python; SQL
selects the candidates with a few days' margin, so month ends need no SQL of their own.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, String, and_, cast, func, or_, select

from saas.clock import local_today, local_zone
from saas.db import db, utcnow
from saas.jobs.models import JobRun, RunStatus
from saas.tenancy.models import Tenant
from tenants.families.models import Family
from tenants.families.states import CaseState
from tenants.families.vocabulary import ConsentPurpose
from tenants.home.models import SignalAcknowledgement
from tenants.home.signals import DAILY_DIGEST, Severity, Signal, SignalKind
from tenants.impact.measurements.models import Measurement
from tenants.impact.vocabulary import MeasurementStatus, Moment
from tenants.matching import eligibility
from tenants.matching.contacts.operations import MATCH_KINDS
from tenants.matching.matches import operations as matching
from tenants.matching.models import ContactMoment, Match, MatchingPolicy
from tenants.matching.states import OPEN, MatchState
from tenants.volunteers import operations as volunteers
from tenants.volunteers.models import Screening, ScreeningPolicy, Volunteer
from tenants.volunteers.queries import valid_from
from tenants.volunteers.readiness import add_months

#: Margin for the SQL pre-selection of month arithmetic (months differ by at most three days).
MONTH_MARGIN = timedelta(days=3)
#: The daily digest counts as stopped when its last successful run is older than this.
DIGEST_SILENCE = timedelta(hours=26)
#: How many of the digest's latest successful runs are searched for the tenant's last good one.
RECENT_RUNS = 14
#: T1 is due this many months after the family's first match started; it is signalled this much earlier.
T1_MONTHS = 12
T1_NOTICE = timedelta(weeks=4)
#: A closed family without Tend is signalled for this long after its closure.
TEND_WINDOW = timedelta(days=90)


def compute_signals(tenant: Tenant, today: date | None = None) -> list[Signal]:
    """Every unacknowledged signal of the bound tenant ``tenant``, in display order."""
    return finish_signals(compute_caseload_signals(today or local_today()), tenant)


def compute_caseload_signals(today: date) -> list[Signal]:
    """The signals of the bound tenant's cases and volunteers on ``today``, acknowledged or not and
    in no particular order: everything but the managers' job signal, which
    :func:`finish_signals` adds (tenants.home.snapshots keeps these between changes)."""
    policy = eligibility.policy_for_tenant()
    return [*_contact_signals(policy, today), *_flag_signals(), *_ending_signals(policy, today),
            *_evaluation_signals(today), *_waiting_signals(policy, today),
            *_vog_signals(volunteers.policy_for_tenant(), today), *_measurement_signals(today)]


def finish_signals(caseload_signals: Iterable[Signal], tenant: Tenant) -> list[Signal]:
    """``caseload_signals`` with the job signal of ``tenant`` (read now: it follows the job runs),
    without the acknowledged ones (read now: acknowledging does not recompute), in display order."""
    return with_job_signals(unacknowledged(caseload_signals), tenant)


def unacknowledged(signals: Iterable[Signal]) -> list[Signal]:
    """``signals`` without the acknowledged ones, in display order."""
    found = list(signals)
    hidden = acknowledged(signal.subject_id for signal in found) if found else set()
    return in_display_order(s for s in found if (s.kind.value, s.subject_id, s.key) not in hidden)


def with_job_signals(shown: list[Signal], tenant: Tenant) -> list[Signal]:
    """The unacknowledged ``shown`` with ``tenant``'s unacknowledged job signal, in display order."""
    jobs = unacknowledged(_job_signals(tenant))
    return in_display_order([*shown, *jobs]) if jobs else shown


def in_display_order(signals: Iterable[Signal]) -> list[Signal]:
    """By kind, the urgent first, then the oldest, then by subject."""
    return sorted(signals, key=lambda s: (_KIND_ORDER[s.kind], _SEVERITY_ORDER[s.severity], s.since, s.subject))


_KIND_ORDER = {kind: index for index, kind in enumerate(SignalKind)}
_SEVERITY_ORDER = {Severity.ALARM: 0, Severity.WARNING: 1}


def acknowledged(subject_ids: Iterable[uuid.UUID]) -> set[tuple[str, uuid.UUID, str]]:
    """(kind, subject, key) of the acknowledgements about ``subject_ids``, in one statement."""
    rows = db.session.execute(select(SignalAcknowledgement.kind, SignalAcknowledgement.subject_id,
                                     SignalAcknowledgement.key)
                              .where(SignalAcknowledgement.subject_id.in_(set(subject_ids))))
    return {(kind, subject_id, key) for kind, subject_id, key in rows}


# Matches ------------------------------------------------------------------------------------


#: A match signal's people, as plain columns (building ORM entities cost more than the signals).
_MATCH_PEOPLE = (Match.id, Match.coordinator_id, Family.family_name, Family.case_year, Family.case_seq,
                 Family.coordinator_id.label("family_coordinator_id"), Volunteer.name.label("volunteer"))


def _matches_with_people(*columns: Any) -> Select[Any]:
    """A select of matches with their family (name, case number, coordinator), their volunteer's
    name and ``columns``."""
    return select(*_MATCH_PEOPLE, *columns).join(Match.family).join(Match.volunteer)


def _caseload_of(match_coordinator: uuid.UUID | None, family_coordinator: uuid.UUID | None) -> frozenset[uuid.UUID]:
    """Whose caseload a signal is in: the match's coordinator, or the family's when the match names
    none (as tenants.matching.contacts.queries.unhandled_flags decides for "my" flags)."""
    owner = match_coordinator or family_coordinator
    return frozenset({owner}) if owner else frozenset()


def _case_number(row: Any) -> str:
    return f"{row.case_year}-{row.case_seq:04d}"  # as Family.case_number


def _family_label(row: Any, case_number: str) -> str:
    """"Bakker (2026-0042)": the family's name of ``row`` and its case number."""
    return f"{row.family_name} ({case_number})"


def _match_signal(kind: SignalKind, severity: Severity, row: Any, *, key: str, since: date, **facts: Any) -> Signal:
    """A signal about the match of ``row`` (from :func:`_matches_with_people`)."""
    case_number = _case_number(row)
    return Signal(kind, severity, row.id, key, since, _caseload_of(row.coordinator_id, row.family_coordinator_id),
                  subject=f"{_family_label(row, case_number)} · {row.volunteer}", reference=case_number,
                  endpoint="matches.show", url_values={"match_id": row.id}, facts=facts)


def _contact_signals(policy: MatchingPolicy, today: date) -> Iterator[Signal]:
    """Active matches without a contact moment for the warning (or alarm) number of days.

    The days count from the latest of: the last contact of the match, its start, and the day it
    last became active (``state_changed_at``: its start, or its resumption after a pause). So a
    visit during the introduction does not count against a match that started yesterday, nor a
    pause against a match resumed yesterday. Each of the three must lie on or before the cutoff,
    which SQL checks one by one (no date arithmetic in SQL: the local day of ``state_changed_at``
    is compared as the UTC moment that day ends); Python then takes the latest. (The last contact
    is the one tenants.matching.contacts.queries.last_contact_dates finds, here as a correlated
    subquery so that the filter stays in SQL.)

    "The last contact is on or before the cutoff" is asked as "no contact after it": one step into
    the index on (match, day) for each active match, where the latest contact itself would be read
    for every active match; it is read for the few matches found only."""
    cutoff = today - timedelta(days=policy.contact_warning_days)
    in_match = (ContactMoment.tenant_id == Match.tenant_id, ContactMoment.match_id == Match.id,
                ContactMoment.kind.in_(MATCH_KINDS))
    last_on = select(func.max(ContactMoment.happened_on)).where(*in_match).correlate(Match).scalar_subquery()
    contact_since_cutoff = select(ContactMoment.id).where(*in_match, ContactMoment.happened_on > cutoff)
    rows = db.session.execute(_matches_with_people(Match.started_on, Match.state_changed_at, last_on.label("last_on"))
                              .where(Match.state == MatchState.ACTIVE,
                                     ~contact_since_cutoff.correlate(Match).exists(),
                                     or_(Match.started_on.is_(None), Match.started_on <= cutoff),
                                     Match.state_changed_at < _end_of_local_day(cutoff)))
    for row in rows:
        last, started_on = row.last_on, row.started_on
        since = max(day for day in (last, started_on, _local_day(row.state_changed_at)) if day is not None)
        days = (today - since).days
        alarm = days >= policy.contact_alarm_days
        counted_from = ("contact" if since == last else "start" if since == started_on else "active")
        yield _match_signal(SignalKind.CONTACT_ALARM if alarm else SignalKind.CONTACT_LATE,
                            Severity.ALARM if alarm else Severity.WARNING, row,
                            key=since.isoformat(), since=since, days=days, last_on=last, counted_from=counted_from)


def _end_of_local_day(day: date) -> datetime:
    """The UTC moment the local ``day`` ends: a stored time is on or before ``day`` if it is earlier."""
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=local_zone()).astimezone(UTC)


def _ending_signals(policy: MatchingPolicy, today: date) -> Iterator[Signal]:
    """Running matches whose planned end, or their 24 months, fall within the warning window."""
    horizon = today + timedelta(days=policy.end_warning_days)
    rows = db.session.execute(_matches_with_people(Match.started_on, Match.planned_end_on).where(
        Match.state.in_((MatchState.ACTIVE, MatchState.PAUSED)), Match.started_on.is_not(None),
        or_(Match.planned_end_on <= horizon,
            Match.started_on <= add_months(horizon, -matching.MAX_MONTHS) + MONTH_MARGIN)))
    for row in rows:
        limit = add_months(row.started_on, matching.MAX_MONTHS)
        planned = row.planned_end_on
        end, reason = (planned, "planned") if planned and planned <= limit else (limit, "maximum")
        if end > horizon:
            continue
        severity = Severity.ALARM if end <= today else Severity.WARNING
        # The key holds the severity too: "ends soon" acknowledged still returns once the day has passed.
        yield _match_signal(SignalKind.MATCH_ENDING, severity, row, key=f"{end.isoformat()}/{severity.value}",
                            since=end, reason=reason, started_on=row.started_on)


def _evaluation_signals(today: date) -> Iterator[Signal]:
    """Active matches started six months ago or more without an interim evaluation."""
    rows = db.session.execute(_matches_with_people(Match.started_on).where(
        Match.state == MatchState.ACTIVE, Match.interim_evaluation_on.is_(None),
        Match.started_on <= add_months(today, -matching.EVALUATION_MONTHS) + MONTH_MARGIN))
    for row in rows:
        due = add_months(row.started_on, matching.EVALUATION_MONTHS)
        if due <= today:
            yield _match_signal(SignalKind.EVALUATION_DUE, Severity.WARNING, row, key=row.started_on.isoformat(),
                                since=due, started_on=row.started_on)


# Contact moments, families, volunteers, jobs -------------------------------------------------


def _flag_signals() -> Iterator[Signal]:
    """Contact moments in which the volunteer asked for their coordinator, not yet handled."""
    rows = db.session.execute(
        select(ContactMoment.id, ContactMoment.happened_on, ContactMoment.family_id, ContactMoment.match_id,
               Match.coordinator_id, Family.family_name, Family.case_year, Family.case_seq,
               Family.coordinator_id.label("family_coordinator_id"), Volunteer.name.label("volunteer"))
        .join(ContactMoment.family).outerjoin(ContactMoment.match).outerjoin(Match.volunteer)
        # The condition of tenants.matching.contacts.queries.unhandled_flags, as columns: its eager
        # loads of whole rows cost more than the signals themselves.
        .where(ContactMoment.needs_coordinator.is_(True), ContactMoment.handled_at.is_(None))
        .order_by(ContactMoment.happened_on, ContactMoment.created_at, ContactMoment.id))
    for row in rows:
        case_number = _case_number(row)
        if row.match_id:
            where = ("matches.show", {"match_id": row.match_id})
            subject = f"{_family_label(row, case_number)} · {row.volunteer}"
        else:
            where, subject = ("families.show", {"family_id": row.family_id}), _family_label(row, case_number)
        yield Signal(SignalKind.NEEDS_COORDINATOR, Severity.ALARM, row.id, "open", row.happened_on,
                     _caseload_of(row.coordinator_id, row.family_coordinator_id),
                     subject=subject, reference=case_number, endpoint=where[0], url_values=where[1])


#: A family signal's columns (plain columns: building ORM entities cost more than the signals).
_FAMILY_FIELDS = (Family.id, Family.family_name, Family.case_year, Family.case_seq, Family.coordinator_id,
                  Family.state, Family.state_changed_at, Family.closed_on)


def _waiting_signals(policy: MatchingPolicy, today: date) -> Iterator[Signal]:
    """Families on the waiting list for longer than the policy's number of days."""
    rows = db.session.execute(select(*_FAMILY_FIELDS).where(
        # Counted in whole days to the end of today, as the snapshot is kept for the day: a family
        # passing the limit this afternoon is signalled from the morning, not tomorrow.
        Family.state == CaseState.WAITING,
        Family.state_changed_at < _end_of_local_day(today) - timedelta(days=policy.waiting_days)))
    for row in rows:
        since, case_number = _local_day(row.state_changed_at), _case_number(row)
        yield Signal(SignalKind.WAITING_LONG, Severity.WARNING, row.id, since.isoformat(), since,
                     _caseload_of(None, row.coordinator_id), subject=_family_label(row, case_number),
                     reference=case_number, endpoint="families.show", url_values={"family_id": row.id},
                     facts={"days": (today - since).days})


def _measured_family() -> Any:
    """A condition on Family: consent for the impact measurement (a JSON list, searched as text)."""
    return and_(Family.consent_given.is_(True),
                cast(Family.consent_purposes, String).like(f'%"{ConsentPurpose.IMPACT_MEASUREMENT.value}"%'))


def _without_completed(moment: Moment) -> Any:
    """A condition on Family: no completed measurement at ``moment``."""
    return ~select(Measurement.id).where(
        Measurement.tenant_id == Family.tenant_id, Measurement.family_id == Family.id, Measurement.moment == moment,
        Measurement.status == MeasurementStatus.COMPLETED).correlate(Family).exists()


def _families_with_match_coordinator(*columns: Any) -> Select[Any]:
    """A select of families (as plain columns) with the coordinator of their open match (None
    without one), whose caseload the signal is in when the family names none, and ``columns``."""
    return select(*_FAMILY_FIELDS, Match.coordinator_id.label("match_coordinator_id"), *columns).outerjoin(
        Match, and_(Match.tenant_id == Family.tenant_id, Match.family_id == Family.id, Match.state.in_(OPEN)))


def _measurement_signal(kind: SignalKind, row: Any, key: str, since: date, **facts: Any) -> Signal:
    """A signal about the family of ``row`` (from :func:`_families_with_match_coordinator`)."""
    caseload, case_number = _caseload_of(row.match_coordinator_id, row.coordinator_id), _case_number(row)
    return Signal(kind, Severity.WARNING, row.id, key, since, caseload,
                  subject=_family_label(row, case_number), reference=case_number, endpoint="measurements.overview",
                  url_values={"family_id": row.id}, facts=facts)


def _measurement_signals(today: date) -> Iterator[Signal]:
    """Measurements missing: T0 of a matched family, T1 from four weeks before it falls due (a year
    after the first match started), Tend of a family closing or closed in the last 90 days; only
    for families that consented to the impact measurement. One statement for T0 and T1 together,
    one for Tend; "missing" means no
    *completed* measurement at that moment. (A family with two open matches appears twice in a
    result; the first row counts.)"""
    seen: set[tuple[SignalKind, uuid.UUID]] = set()
    for kind, row, key, since, facts in _missing_measurements(today):
        if (kind, row.id) not in seen:
            seen.add((kind, row.id))
            yield _measurement_signal(kind, row, key, since, **facts)


def _missing_measurements(today: date) -> Iterator[tuple[SignalKind, Any, str, date, dict[str, Any]]]:
    # T0 and T1 in one pass over the matched families, each row saying which of the two it misses.
    # The first match's start is read per family (the matched families are a few of all matches' families).
    first_started = (select(func.min(Match.started_on)).where(Match.tenant_id == Family.tenant_id,
                                                                Match.family_id == Family.id)
                     .correlate(Family).scalar_subquery())
    without_t0, without_t1 = _without_completed(Moment.T0), _without_completed(Moment.T1)
    t1_near = and_(without_t1, first_started <= add_months(today + T1_NOTICE, -T1_MONTHS) + MONTH_MARGIN)
    matched = db.session.execute(_families_with_match_coordinator(
        without_t0.label("without_t0"), t1_near.label("t1_near"), first_started.label("first_started_on")).where(
        Family.state == CaseState.MATCHED, _measured_family(), or_(without_t0, t1_near)))
    for row in matched:
        if row.without_t0:
            yield SignalKind.T0_MISSING, row, "t0", _local_day(row.state_changed_at), {}
        if row.t1_near:
            started_on = row.first_started_on
            due = add_months(started_on, T1_MONTHS)
            if due - T1_NOTICE <= today:
                yield SignalKind.T1_DUE, row, due.isoformat(), due, {"started_on": started_on}
    ending = db.session.execute(_families_with_match_coordinator().where(
        Family.state.in_((CaseState.CLOSING, CaseState.CLOSED)),  # lets the index on the state narrow it down
        or_(Family.state == CaseState.CLOSING, Family.closed_on >= today - TEND_WINDOW),
        _measured_family(), _without_completed(Moment.TEND)))
    for row in ending:
        closed_on = row.closed_on if row.state == CaseState.CLOSED else None
        yield (SignalKind.TEND_MISSING, row, closed_on.isoformat() if closed_on else "closing",
               closed_on or _local_day(row.state_changed_at), {"closed_on": closed_on})


def _local_day(moment: datetime) -> date:
    return moment.astimezone(local_zone()).date()


def _vog_signals(policy: ScreeningPolicy, today: date) -> Iterator[Signal]:
    """Volunteers with an open match whose latest VOG expires within the warning window, or expired."""
    # "The latest VOG was issued before the bound" is asked as "a VOG, and none from the bound on":
    # steps into the index on (volunteer, issue date), where the latest VOG of every volunteer
    # would be computed first; the latest is read for the volunteers found only.
    bound = valid_from(policy, today + timedelta(days=policy.warning_days))
    own = (Screening.tenant_id == Volunteer.tenant_id, Screening.volunteer_id == Volunteer.id)
    latest = select(func.max(Screening.issued_on)).where(*own).correlate(Volunteer).scalar_subquery()
    rows = db.session.execute(
        select(Volunteer.id, Volunteer.name, latest, Match.coordinator_id, Family.coordinator_id)
        .join(Match, and_(Match.tenant_id == Volunteer.tenant_id, Match.volunteer_id == Volunteer.id))
        .join(Match.family)
        .where(Match.state.in_(OPEN), select(Screening.id).where(*own).correlate(Volunteer).exists(),
               ~select(Screening.id).where(*own, Screening.issued_on >= bound).correlate(Volunteer).exists()))
    found: dict[uuid.UUID, tuple[str, date, set[uuid.UUID]]] = {}
    for volunteer_id, name, issued_on, match_coordinator, family_coordinator in rows:
        found.setdefault(volunteer_id, (name, issued_on, set()))[2].update(
            _caseload_of(match_coordinator, family_coordinator))
    for volunteer_id, (name, issued_on, coordinators) in found.items():
        expires_on = add_months(issued_on, policy.renewal_months)
        severity = Severity.ALARM if expires_on <= today else Severity.WARNING
        yield Signal(SignalKind.VOG_EXPIRING, severity, volunteer_id, f"{issued_on.isoformat()}/{severity.value}",
                     issued_on, frozenset(coordinators), subject=name, reference=name,
                     endpoint="volunteers.show", url_values={"volunteer_id": volunteer_id},
                     facts={"expires_on": expires_on})


def vog_signals(today: date | None = None) -> list[Signal]:
    """The VOG_EXPIRING signals of the bound tenant, acknowledged or not (tenants.home.notices)."""
    return list(_vog_signals(volunteers.policy_for_tenant(), today or local_today()))


def _job_signals(tenant: Tenant) -> Iterator[Signal]:
    """The daily digest has not succeeded for this tenant for more than a day (or never, in a
    tenant older than a day).

    A run is platform-wide and succeeds even when some tenants failed; it lists those in
    ``details["failed_tenant_ids"]`` (tenants.home.digests). So the tenant's last good run is the
    latest successful run among the recent ones that does not list it; when every recent run
    does, it has not had one since (at least) the oldest of them.
    """
    failed_ids = JobRun.details["failed_tenant_ids"]
    runs = db.session.execute(select(JobRun.started_at, failed_ids).where(
        JobRun.job == DAILY_DIGEST, JobRun.status == RunStatus.SUCCEEDED)
        .order_by(JobRun.started_at.desc()).limit(RECENT_RUNS)).all()
    own_id = str(tenant.id)
    last = next((started_at for started_at, failed in runs if own_id not in (failed or ())), None)
    now = utcnow()
    if last is not None:
        if last > now - DIGEST_SILENCE:
            return
        key, before = last.isoformat(), last
    elif len(runs) == RECENT_RUNS:  # failing for this tenant in every recent run
        key, before = "failing", runs[-1].started_at
    elif tenant.created_at > now - timedelta(days=1):
        return
    else:
        key, before = "never", None
    since = (before or tenant.created_at).astimezone(local_zone()).date()
    yield Signal(SignalKind.JOB_STALLED, Severity.WARNING, tenant.id, key, since, frozenset(),
                 subject=tenant.name, reference=tenant.name, facts={"last_run": since if before else None})


def subject_of(kind: SignalKind, subject_id: uuid.UUID, tenant: Tenant) -> Any:
    """What a signal of ``kind`` is about, found within the bound tenant ``tenant``; None if not there."""
    if kind == SignalKind.JOB_STALLED:
        return tenant if subject_id == tenant.id else None
    model = SUBJECT_MODELS[kind]
    statement = select(model).where(model.id == subject_id)
    if kind == SignalKind.NEEDS_COORDINATOR:
        statement = statement.where(ContactMoment.needs_coordinator.is_(True))
    return db.session.scalars(statement).first()


SUBJECT_MODELS: dict[SignalKind, type] = {
    SignalKind.NEEDS_COORDINATOR: ContactMoment, SignalKind.CONTACT_ALARM: Match, SignalKind.CONTACT_LATE: Match,
    SignalKind.MATCH_ENDING: Match, SignalKind.EVALUATION_DUE: Match, SignalKind.WAITING_LONG: Family,
    SignalKind.VOG_EXPIRING: Volunteer, SignalKind.T0_MISSING: Family, SignalKind.T1_DUE: Family,
    SignalKind.TEND_MISSING: Family,
}
