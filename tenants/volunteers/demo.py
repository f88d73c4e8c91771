"""Demo volunteers for one tenant (called by saas.demo; listed in the package's front door).

Every name, address and text is invented. Records look as tenants.volunteers.operations would have
left them (a timeline of allowed moves, interview and approval dates, VOG records that meet the
screening policy) but are built directly and inserted in bulk. The demo writes no audit events:
those are for real actions. Some VOGs deliberately expire soon or have expired, so the lists that
warn about them have something to show; the demo volunteer accounts get a record of their own.
"""

from __future__ import annotations

import random
import unicodedata
import uuid
from datetime import date, timedelta
from itertools import count, pairwise
from typing import Any

from sqlalchemy import select

from saas.auth.models import User
from saas.auth.roles import Role
from saas.clock import local_today
from saas.db import db
from saas.demo import FOUNDATION, TENANTS
from saas.demo_size import demo_count
from saas.tenancy.models import Tenant
from tenants.demo_time import stamp_timeline
from tenants.families.demo_contact import volunteer_postcode
from tenants.families.demo_data import NEIGHBOURHOODS
from tenants.families.vocabulary import DayPart, Track
from tenants.life_domains import LIFE_DOMAINS
from tenants.volunteers.demo_data import (
    CHILD_AGES,
    EXIT_REASONS,
    EXTRA_LANGUAGES,
    FEMININE,
    INTERESTS,
    NAMES,
    ORIGINS,
)
from tenants.volunteers.models import Screening, ScreeningPolicy, Volunteer, VolunteerEvent
from tenants.volunteers.readiness import add_months
from tenants.volunteers.states import PIPELINE, VolunteerKind, VolunteerState

S = VolunteerState

#: The default policy (operations.policy_for_tenant); the demo dates are made to fit it.
POLICY = {"max_age_at_start_days": 90, "renewal_months": 36, "warning_days": 60, "applicant_waiting_days": 14}
LOCALE_LANGUAGES = {"ar": ["Arabisch", "Engels"], "en": ["Engels"]}
PROFILE = "45"  # Justis screening profile for health care and welfare
INTAKE_TO_AVAILABLE = [S.APPLICANT, S.INTAKE, S.SCREENING, S.TRAINING, S.AVAILABLE]
#: Per final state: weight of the remaining volunteers, and days since the application (the pipeline
#: is recent; some long-serving volunteers applied before the first families were referred).
STATES = {S.APPLICANT: (4, (0, 13)), S.INTAKE: (3, (4, 35)), S.SCREENING: (3, (20, 70)),
          S.TRAINING: (3, (45, 110)), S.AVAILABLE: (9, (75, 1400)), S.MATCHED: (16, (80, 1400)),
          S.PAUSED: (3, (150, 1300)), S.STOPPED: (9, (10, 1200))}
#: Days between two steps, by (from, to) or else by the target.
GAPS = {S.INTAKE: (2, 12), S.SCREENING: (5, 25), S.TRAINING: (14, 42), S.AVAILABLE: (14, 56),
        S.MATCHED: (7, 120), (S.MATCHED, S.AVAILABLE): (180, 540), S.PAUSED: (60, 400),
        (S.PAUSED, S.AVAILABLE): (30, 200), S.STOPPED: (90, 700), (S.APPLICANT, S.STOPPED): (5, 40),
        (S.INTAKE, S.STOPPED): (3, 20), (S.SCREENING, S.STOPPED): (7, 40), (S.TRAINING, S.STOPPED): (7, 30)}
#: The state a stopped volunteer stopped from.
STOPPED_FROM = {S.APPLICANT: 2, S.INTAKE: 3, S.SCREENING: 2, S.TRAINING: 1, S.AVAILABLE: 3, S.MATCHED: 3,
                S.PAUSED: 2}


def _pick(rng: random.Random, weights: dict[Any, float]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _plan(rng: random.Random, linked: list[User]) -> list[tuple[S, str | None, User | None]]:
    """(final state, VOG scenario, own account) per volunteer: every state, a few applicants waiting
    too long, a few VOGs about to expire or expired, and a record for each demo volunteer account."""
    plan: list[tuple[S, str | None, User | None]] = [(rng.choice([S.AVAILABLE, S.MATCHED]), None, user)
                                                     for user in linked]
    plan += [(state, None, None) for state in VolunteerState]
    plan += [(S.APPLICANT, "waiting", None) for _ in range(rng.randint(2, 3))]
    plan += [(rng.choice([S.AVAILABLE, S.MATCHED, S.MATCHED]), "expiring", None) for _ in range(rng.randint(2, 4))]
    plan += [(rng.choice([S.AVAILABLE, S.MATCHED]), "expired", None) for _ in range(rng.randint(1, 3))]
    for _ in range(demo_count("volunteers", rng, 40, 80) - len(plan)):
        plan.append((_pick(rng, {state: weight for state, (weight, _ages) in STATES.items()}), None, None))
    return plan


def _path(rng: random.Random, final: S, age: int) -> list[S]:
    """The states a volunteer went through to reach ``final``, each an allowed move (states.TRANSITIONS)."""
    if final in PIPELINE or (final == S.AVAILABLE and age < 150):
        return INTAKE_TO_AVAILABLE[:INTAKE_TO_AVAILABLE.index(final) + 1]
    if final == S.STOPPED:
        late = age > 240
        before = _pick(rng, {state: weight for state, weight in STOPPED_FROM.items() if late or state in PIPELINE})
        return [*_path(rng, before, age - 90), S.STOPPED]
    path = list(INTAKE_TO_AVAILABLE)
    for _ in range(rng.randint(max(0, age // 400 - 1), age // 400)):  # earlier matches, now and then a pause
        path += [S.PAUSED, S.AVAILABLE] if rng.random() < 0.15 else [S.MATCHED, S.AVAILABLE]
    if final == S.MATCHED:
        path.append(S.MATCHED)
    elif final == S.PAUSED:
        path += [S.MATCHED, S.PAUSED] if rng.random() < 0.6 else [S.PAUSED]
    return path


def _dates(rng: random.Random, path: list[S], applied_on: date, today: date) -> list[date]:
    """A date per step, all before today (the steps shrink proportionally when they would not fit)."""
    gaps = [rng.randint(*GAPS.get((a, b), GAPS[b])) for a, b in pairwise(path)]
    room = max(0, (today - applied_on).days - 1)
    if sum(gaps) > room:
        total = sum(gaps)
        gaps = [gap * room // total for gap in gaps]
    days = [applied_on]
    for gap in gaps:
        days.append(days[-1] + timedelta(days=gap))
    return days


def _vogs(rng: random.Random, path: list[S], days: list[date], end: date, renew: bool) -> list[tuple[date, date]]:
    """(issued, checked) per VOG: the first requested at the interview and seen before the training,
    so it is at most ~70 days old at approval; renewed 10–70 days before each expiry while active."""
    if S.TRAINING not in path:
        return []
    step = path.index(S.TRAINING)
    requested, seen = days[step - 1], days[step]
    issued = max(requested, seen - timedelta(days=rng.randint(1, 10)))
    vogs = [(issued, issued + timedelta(days=rng.randint(0, (seen - issued).days)))]
    while renew:
        issued = add_months(vogs[-1][0], POLICY["renewal_months"]) - timedelta(days=rng.randint(10, 70))
        if issued >= end:
            break
        vogs.append((issued, min(end, issued + timedelta(days=rng.randint(0, 10)))))
    return vogs


def _shift_to_expiry(rng: random.Random, scenario: str, days: list[date], today: date) -> list[date]:
    """Move a whole history so its (only) VOG expires 3–57 days from now, or expired 3–45 days ago."""
    expires = today + timedelta(days=rng.randint(3, 48) if scenario == "expiring" else -rng.randint(12, 45))
    seen = days[INTAKE_TO_AVAILABLE.index(S.TRAINING)]  # the VOG is issued 1–10 days before it is seen
    shift = add_months(expires, -POLICY["renewal_months"]) + timedelta(days=10) - seen
    return [day + shift for day in days]


def _ascii(text: str) -> str:
    text = text.translate({ord("ı"): "i", ord("İ"): "I", ord("ł"): "l", ord("Ł"): "L"})
    return "".join(c for c in unicodedata.normalize("NFKD", text) if (c.isascii() and c.isalnum()) or c == "-").lower()


def _person(rng: random.Random, kind: VolunteerKind, taken: set[str]) -> tuple[str, str | None, list[str]]:
    """(name, e-mail address at example.org, languages) of an invented volunteer or volunteer family;
    ``taken`` holds the names and addresses given out already, so none repeats within the tenant."""
    name = ""
    for attempt in count():
        if name and name not in taken:
            break
        origin = _pick(rng, {key: spec[0] for key, spec in ORIGINS.items()})
        surnames, women, men = NAMES[origin]
        surname = rng.choice(surnames)
        if attempt > 20:  # a large demo has used up the single surnames: families take a double one
            surname = f"{surname}-{rng.choice(surnames)}"
        if kind == VolunteerKind.FAMILY:
            name, local = f"Familie {surname}", f"familie.{_ascii(surname)}"
            continue
        female = rng.random() < 0.78
        first = rng.choice(women if female else men)
        if female and origin == "pl":
            surname = next((surname[:-3] + fem for end, fem in FEMININE.items() if surname.endswith(end)), surname)
        name = f"{first} {surname}"
        local = rng.choice([f"{_ascii(first)}.{_ascii(surname)}", f"{_ascii(first)[0]}.{_ascii(surname)}",
                            f"{_ascii(first)}{_ascii(surname)}{rng.randint(50, 99)}"])
    while f"{local}@" in taken:
        local += str(rng.randint(1, 9))
    taken |= {name, f"{local}@"}
    languages = ["Nederlands", *ORIGINS[origin][1]]
    if origin == "nl":
        languages += rng.sample(list(EXTRA_LANGUAGES), k=rng.choice([0, 0, 1, 1, 2]),
                                counts=list(EXTRA_LANGUAGES.values()))
    return name, None if rng.random() < 0.04 else f"{local}@example.org", list(dict.fromkeys(languages))


def _profile(rng: random.Random, tenant: Tenant, volunteer: Volunteer) -> None:
    """Where the volunteer lives, when they are free, what they like to do and which families they prefer."""
    municipalities = list(tenant.municipalities) or [tenant.name]
    volunteer.municipality = rng.choices(municipalities, weights=[3] + [1] * (len(municipalities) - 1))[0]
    neighbourhoods = NEIGHBOURHOODS.get(volunteer.municipality, "Centrum, Noord, Oost, Zuid, West").split(", ")
    volunteer.neighbourhood = rng.choice(neighbourhoods) if rng.random() < 0.85 else None
    volunteer.phone = f"06-{rng.randint(10000000, 99999999)}" if rng.random() < 0.95 else None
    volunteer.day_parts = sorted(rng.sample([part.value for part in DayPart], k=rng.choice([1, 2, 2, 3])),
                                 key=[part.value for part in DayPart].index)
    family = volunteer.kind == VolunteerKind.FAMILY
    volunteer.max_families = 1 if family else _pick(rng, {1: 70, 2: 24, 3: 6})
    chosen = rng.sample(INTERESTS, k=rng.choice([1, 1, 2]))
    volunteer.interests = " ".join(text for text, _domains in chosen)
    domains = {code for _text, codes in chosen for code in codes.split()}
    domains |= set(rng.sample(list(LIFE_DOMAINS), k=rng.choice([0, 1, 1, 2])))
    volunteer.experience_domains = [code for code in LIFE_DOMAINS if code in domains]
    baby = "Oud-verpleegkundige" in volunteer.interests or "jong moeder" in volunteer.interests
    track = Track.FIRST_1000_DAYS if baby else _pick(rng, {None: 60, Track.REGULAR: 25, Track.FIRST_1000_DAYS: 15})
    volunteer.preferred_tracks = [track.value] if track else []
    ages = (0, 3) if track == Track.FIRST_1000_DAYS else _pick(rng, CHILD_AGES)
    volunteer.preferred_child_age_min, volunteer.preferred_child_age_max = ages or (None, None)


def _volunteer(rng: random.Random, tenant: Tenant, final: S, scenario: str | None, user: User | None,
               actor: User, taken: set[str], today: date) -> tuple[Volunteer, list[Any]]:
    """One volunteer and, separately, their VOG records and timeline."""
    if scenario in ("expiring", "expired"):  # approved about three years ago, no renewal yet
        path = INTAKE_TO_AVAILABLE + [S.MATCHED] * (final == S.MATCHED)
        days = _shift_to_expiry(rng, scenario, _dates(rng, path, today - timedelta(days=1000), today), today)
    else:
        low, high = (16, 45) if scenario == "waiting" else (200, 900) if user else STATES[final][1]
        age = low + int((high - low) * rng.random() ** 1.5)  # skewed to recent: the programme grows
        path = _path(rng, final, age)
        days = _dates(rng, path, today - timedelta(days=age), today)
    kind = VolunteerKind.FAMILY if user is None and rng.random() < 0.08 else VolunteerKind.INDIVIDUAL
    name, email, languages = _person(rng, kind, taken)
    if user is not None:  # the demo account's own record; an Arabic or English interface hints at a language
        name, email = user.name, user.email
        languages = ["Nederlands", *LOCALE_LANGUAGES.get(user.locale or "", ["Engels"])]
    steps = dict(zip(path, days, strict=True))  # a repeated state keeps its last date
    approved_on = days[path.index(S.AVAILABLE)] if S.AVAILABLE in path else None
    volunteer = Volunteer(
        id=uuid.uuid4(), user_id=user.id if user else None, kind=kind, name=name, email=email, state=final,
        applied_on=days[0], interviewed_on=steps.get(S.SCREENING), approved_on=approved_on, languages=languages,
        stopped_on=steps.get(S.STOPPED),
        exit_reason=_pick(rng, EXIT_REASONS[path[-2]]) if final == S.STOPPED else None)
    _profile(rng, tenant, volunteer)
    if user is not None and volunteer.phone is None:  # the demo account shows a complete profile
        volunteer.phone = f"06-{rng.randint(10000000, 99999999)}"
    timeline: list[tuple[date, VolunteerEvent, Screening | None]] = [
        (days[0], _event(volunteer, actor, "registered", to_state=S.APPLICANT), None)]
    vogs = _vogs(rng, path, days, volunteer.stopped_on or today, renew=scenario is None)
    for issued, checked in vogs:  # listed before the move on the same day: the VOG was seen first
        screening = Screening(id=uuid.uuid4(), volunteer_id=volunteer.id, issued_on=issued,
                              screening_profile=PROFILE, checked_by_id=actor.id, checked_on=checked)
        timeline.append((checked, _event(volunteer, actor, "screening_added", issued_on=issued.isoformat(),
                                         screening_profile=PROFILE), screening))
    for before, state, day in zip(path, path[1:], days[1:], strict=False):
        details = ({"interviewed_on": day.isoformat()} if state == S.SCREENING else
                   {"approved_on": approved_on.isoformat()} if state == S.AVAILABLE and approved_on else
                   {"exit_reason": volunteer.exit_reason.value} if state == S.STOPPED and volunteer.exit_reason else
                   {})
        timeline.append((day, _event(volunteer, actor, "state_changed", from_state=before, to_state=state,
                                     **details), None))
    if user is not None and approved_on:  # invited once approved; the account was linked at the first sign-in
        invited = min(today, approved_on + timedelta(days=rng.randint(0, 14)))
        timeline.append((invited, _event(volunteer, actor, "account_invited"), None))
        timeline.append((min(today, invited + timedelta(days=rng.randint(0, 3))),
                         _event(volunteer, user, "account_linked"), None))
    stamp_timeline(rng, volunteer, timeline)
    return volunteer, [row for _day, event, about in timeline for row in (about, event) if row is not None]


def _event(volunteer: Volunteer, actor: User, kind: str, *, from_state: S | None = None,
           to_state: S | None = None, **details: Any) -> VolunteerEvent:
    return VolunteerEvent(id=uuid.uuid4(), volunteer_id=volunteer.id, actor_id=actor.id, kind=kind,
                          from_state=from_state, to_state=to_state, details=details)



def seed(tenant: Tenant, people: dict[Role, list[User]], rng: random.Random) -> None:
    """Fill ``tenant`` (bound to the session) with fictional volunteers in every state, their VOGs and
    timelines, the default screening policy, and a record for each demo volunteer account."""
    coordinators = people.get(Role.COORDINATOR) or people.get(Role.MANAGER) or []
    if not coordinators:
        return
    today = local_today()
    if db.session.scalars(select(ScreeningPolicy)).first() is None:
        db.session.add(ScreeningPolicy(**POLICY))
    accounts = people.get(Role.VOLUNTEER, [])
    linked = set(db.session.scalars(select(Volunteer.user_id).where(Volunteer.user_id.is_not(None))))
    # No invented volunteer shares a name or address with another one or with a demo account.
    taken = {name for cast in [FOUNDATION, *(spec.people for spec in TENANTS)] for _local, name, _role in cast}
    volunteers, rows = [], []
    for final, scenario, user in _plan(rng, [user for user in accounts if user.id not in linked]):
        volunteer, more = _volunteer(rng, tenant, final, scenario, user, rng.choice(coordinators), taken, today)
        volunteer.postcode = volunteer_postcode(tenant, volunteer.name, volunteer.municipality)
        volunteers.append(volunteer)
        rows += more
    # Volunteers first: the other rows point at them by foreign key only, so the flush cannot order them.
    db.session.add_all(sorted(volunteers, key=lambda volunteer: volunteer.applied_on))
    db.session.flush()
    db.session.add_all(rows)
    db.session.flush()
