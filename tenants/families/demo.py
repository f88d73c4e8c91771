"""Demo families for one tenant (called by saas.demo, listed in the package's front door).

Every family, name and text is invented. Files look as the operations would have left them (case
numbers, sealed texts, intake, closure, a timeline in order) but are built directly and inserted in
bulk: the operations flush and audit every step, which suits real work, not hundreds of demo files.
The demo writes no audit events: those are for real actions.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

from sqlalchemy import select

from saas.auth.models import User
from saas.auth.roles import Role
from saas.clock import local_today
from saas.crypto import seal_text
from saas.db import db
from saas.demo_size import demo_count
from saas.tenancy.models import Tenant
from tenants.demo_time import local_time, stamp_timeline
from tenants.families.demo_contact import add_contact_details
from tenants.families.demo_data import (
    AGENCIES,
    CBS_CODES,
    CHANNELS,
    HELP_QUESTIONS,
    NAMES,
    NEIGHBOURHOODS,
    NEWCOMERS,
    NOTES,
    ORIGINS,
    REASONS,
    REFERRERS,
    STORIES,
)
from tenants.families.models import (
    CHILD_SAFETY_NOTES,
    HELP_QUESTION,
    INTAKE_STORY,
    NOTE,
    CaseCounter,
    CaseEvent,
    Family,
    FamilyMember,
    FamilyNote,
    Intake,
)
from tenants.families.states import CASELOAD, NEEDS_REASON, CaseState
from tenants.families.vocabulary import (
    CareOutcome,
    ChildSafety,
    ClosureReason,
    Composition,
    ConsentPurpose,
    DayPart,
    Gender,
    Judgement,
    MemberRole,
    ReferrerType,
    Track,
    YesNoUnknown,
)

S = CaseState


#: The final state a referral of up to so many days old has reached: recent ones are early in the
#: process, old ones mostly closed. Closing takes at least six months, so it starts at 200 days.
STATE_WEIGHTS = [
    (21, {S.REFERRED: 5, S.INTAKE_PLANNED: 4, S.INTAKE_DONE: 1, S.WITHDRAWN: 0.3}),
    (60, {S.REFERRED: 1, S.INTAKE_PLANNED: 2, S.INTAKE_DONE: 3, S.WAITING: 4, S.MATCHED: 2, S.NOT_ACCEPTED: 0.5,
          S.REFERRED_ELSEWHERE: 0.5, S.WITHDRAWN: 0.5}),
    (200, {S.INTAKE_DONE: 0.5, S.WAITING: 3, S.MATCHED: 8, S.NOT_ACCEPTED: 0.7, S.REFERRED_ELSEWHERE: 0.7,
           S.WITHDRAWN: 1}),
    (365, {S.WAITING: 1, S.MATCHED: 7, S.CLOSING: 2, S.CLOSED: 4, S.NOT_ACCEPTED: 0.5, S.REFERRED_ELSEWHERE: 0.5,
           S.WITHDRAWN: 1}),
    (730, {S.MATCHED: 2, S.CLOSING: 1, S.CLOSED: 12, S.NOT_ACCEPTED: 1, S.REFERRED_ELSEWHERE: 1, S.WITHDRAWN: 1}),
    (1095, {S.CLOSED: 20, S.NOT_ACCEPTED: 1, S.REFERRED_ELSEWHERE: 1, S.WITHDRAWN: 1}),
]
MAIN_PATH = [S.REFERRED, S.INTAKE_PLANNED, S.INTAKE_DONE, S.WAITING, S.MATCHED, S.CLOSING, S.CLOSED]
#: Days between two steps, by (from, to) or else by the target.
GAPS = {S.INTAKE_PLANNED: (1, 10), S.REFERRED: (1, 7), S.INTAKE_DONE: (3, 21), S.WAITING: (0, 5),
        S.MATCHED: (7, 120), S.CLOSING: (120, 420), S.CLOSED: (7, 42), S.NOT_ACCEPTED: (2, 14),
        S.REFERRED_ELSEWHERE: (2, 14), S.WITHDRAWN: (3, 45), (S.MATCHED, S.WAITING): (60, 200),
        (S.MATCHED, S.CLOSED): (120, 420), (S.WAITING, S.CLOSED): (90, 240)}
CLOSURE_REASONS = {ClosureReason.GOALS_REACHED: 55, ClosureReason.MAXIMUM_DURATION: 12,
                   ClosureReason.REFERRED_TO_PROFESSIONAL_CARE: 6, ClosureReason.FAMILY_STOPPED: 8,
                   ClosureReason.MOVED: 5, ClosureReason.VOLUNTEER_STOPPED: 5, ClosureReason.OTHER: 3}
UNMATCHED_CLOSURE_REASONS = {ClosureReason.NO_SUITABLE_VOLUNTEER: 6, ClosureReason.FAMILY_STOPPED: 2,
                             ClosureReason.MOVED: 1}
def _pick(rng: random.Random, weights: dict[Any, float]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _plan(rng: random.Random, today: date) -> list[tuple[date, CaseState]]:
    """(referral date, final state) per family, by date: every state at least once, the rest by age."""
    limits = [limit for limit, _weights in STATE_WEIGHTS]
    bands = [(low + 1, high, weights) for low, (high, weights) in zip([0, *limits], STATE_WEIGHTS, strict=False)]
    ages = [(rng.randint(*rng.choice([(low, high) for low, high, w in bands if state in w])), state)
            for state in CaseState]
    for _ in range(demo_count("families", rng, 60, 120) - len(ages)):
        age = 1 + int(1094 * rng.random() ** 1.3)  # skewed to recent referrals: the programme grows
        ages.append((age, _pick(rng, next(w for low, high, w in bands if age <= high))))
    return sorted((today - timedelta(days=age), state) for age, state in ages)


def _path(rng: random.Random, final: CaseState) -> list[CaseState]:
    """The states a file went through to reach ``final``, each an allowed move (states.TRANSITIONS)."""
    if final == S.CLOSED:
        path = [*MAIN_PATH[:4], S.CLOSED] if rng.random() < 0.08 else [  # sometimes closed unmatched
            *MAIN_PATH[:5], *([S.CLOSING] if rng.random() < 0.8 else []), S.CLOSED]
    elif final in MAIN_PATH:
        path = MAIN_PATH[:MAIN_PATH.index(final) + 1]
    else:
        starts = [S.REFERRED, S.INTAKE_DONE] + ([S.INTAKE_PLANNED, S.WAITING] if final == S.WITHDRAWN else [])
        path = [*MAIN_PATH[:MAIN_PATH.index(rng.choice(starts)) + 1], final]
    if S.INTAKE_DONE in path and rng.random() < 0.05:  # the home visit fell through once
        path[2:2] = [S.REFERRED, S.INTAKE_PLANNED]
    if S.CLOSING in path and rng.random() < 0.08:  # the volunteer stopped; a second match followed
        at = path.index(S.MATCHED) + 1
        path[at:at] = [S.WAITING, S.MATCHED]
    return path


def _dates(rng: random.Random, path: list[CaseState], referred_on: date, today: date) -> list[date]:
    """A date per step, all before today; a closure comes 6–24 months after the referral."""
    gaps = [rng.randint(*GAPS.get((a, b), GAPS[b])) for a, b in pairwise(path)]
    room = (today - referred_on).days - 1
    if path[-1] == S.CLOSED:
        room = rng.randint(190, min(730, room))
        longest = gaps.index(max(gaps))  # the support itself absorbs the difference
        gaps[longest] = max(14, gaps[longest] + room - sum(gaps))
    if sum(gaps) > room:
        total = sum(gaps)
        gaps = [gap * room // total for gap in gaps]
    days = [referred_on]
    for gap in gaps:
        days.append(days[-1] + timedelta(days=gap))
    return days


def _household(rng: random.Random, family: Family, origin: str, today: date) -> list[tuple[FamilyMember, str]]:
    """Parents (legal representatives), a live-in grandparent sometimes, and children of 0–23."""
    _surnames, mothers, fathers, children = NAMES[origin]
    family.composition = _pick(rng, {Composition.TWO_PARENTS: 55, Composition.SINGLE_PARENT: 38, Composition.OTHER: 7})
    referred_on, year = family.referred_on, 365
    oldest = (22 - (today.year - referred_on.year)) * year  # ages in days; still a child (at most 23) today
    count = _pick(rng, {1: 30, 2: 35, 3: 22, 4: 10, 5: 3})
    if family.track == Track.FIRST_1000_DAYS:  # the baby is on its way, or a few months old: siblings are young
        count, oldest = rng.choice([0, 0, 1, 2]), 8 * year
        family.expected_due_date = referred_on + timedelta(days=rng.randint(-150, 180))
    due = family.expected_due_date
    floor = 400 + max(0, (referred_on - due).days) if due else 0  # no sibling within a year of the baby
    ages = [max(floor, min(oldest, int(rng.triangular(0, 19, 5) * year)))] if count else []
    while len(ages) < count and ages[-1] - 400 >= floor:  # from the eldest down, one to four years apart
        ages.append(ages[-1] - rng.randint(400, min(1500, ages[-1] - floor)))

    def born(days: int) -> date:
        return referred_on - timedelta(days=days)
    # The mother had her eldest at 21–36 and her youngest (or the baby) before 40.
    mother_age = min((ages[0] if ages else 0) + rng.randint(21 * year, 36 * year), (0 if due else ages[-1]) + 40 * year)
    mother = (MemberRole.PARENT, rng.choice(mothers), born(mother_age), "moeder")
    father = (MemberRole.PARENT, rng.choice(fathers), mother[2] - timedelta(days=rng.randint(-700, 2200)), "vader")
    people = [mother, father] if family.composition == Composition.TWO_PARENTS else [
        mother if family.track == Track.FIRST_1000_DAYS or rng.random() < 0.85 else father]
    if family.composition == Composition.OTHER:
        people.append((MemberRole.OTHER, rng.choice(mothers), people[0][2] - timedelta(days=9000), "oma"))
    *names, baby = rng.sample(children, len(ages) + 1)
    people += [(MemberRole.CHILD, name, born(age), "kind") for name, age in zip(names, ages, strict=True)]
    if due and due <= referred_on:
        birth = min(referred_on, due + timedelta(days=rng.randint(-14, 7)))
        people.append((MemberRole.CHILD, baby, birth, "kind"))
    return [(_member(family, role, name, birth), label) for role, name, birth, label in people]


def _member(family: Family, role: MemberRole, first_name: str, birth_date: date) -> FamilyMember:
    return FamilyMember(id=uuid.uuid4(), family_id=family.id, role=role, first_name=first_name, birth_date=birth_date,
                        legal_representative=role == MemberRole.PARENT)


def _referral(rng: random.Random, family: Family, origin: str, household: list[tuple[FamilyMember, str]]) -> None:
    """Who referred the family, how, with which question, and who else is involved."""
    municipality, neighbourhood = family.municipality, family.neighbourhood
    newcomer = 6 if origin in NEWCOMERS else 1
    kind, *_weights, organisations = rng.choices(REFERRERS, weights=[
        (regular if family.track == Track.REGULAR else baby) * (newcomer if kind == ReferrerType.REFUGEE_SUPPORT else 1)
        for kind, regular, baby, _organisations in REFERRERS])[0]
    organisation = rng.choice(organisations)
    family.referrer_type, family.channel = kind, _pick(rng, CHANNELS[organisation is not None])
    if organisation:
        family.referrer_organisation = organisation.format(m=municipality, n=neighbourhood)
        family.referrer_contact = f"{rng.choice('ABCDEHJKLMNPRSTW')}. {rng.choice(NAMES['nl'][0])}"
    text, domains = rng.choice(_questions(family, origin, household))
    speaker = next(label for member, label in household if member.legal_representative)
    text = text.format(Ouder=speaker.capitalize())
    family.help_question_sealed = seal_text(text, HELP_QUESTION, family.id)
    family.help_domains = domains.split()
    family.professional_care_involved = rng.random() < 0.75
    if family.professional_care_involved:
        family.professional_agencies = rng.sample(AGENCIES, k=rng.choice([1, 1, 2, 3]))
        family.professional_agency_count = len(family.professional_agencies) + (rng.random() < 0.2)
    family.would_otherwise_be_referred = _pick(rng, {YesNoUnknown.YES: 45, YesNoUnknown.NO: 20,
                                                     YesNoUnknown.UNKNOWN: 35})
    family.handover_from_professional_care = kind == ReferrerType.PROFESSIONAL_CARE and rng.random() < 0.8


def _questions(family: Family, origin: str, household: list[tuple[FamilyMember, str]]) -> list[tuple[str, str]]:
    """The help questions that fit this household."""
    if family.expected_due_date:
        return HELP_QUESTIONS["expecting" if family.expected_due_date > family.referred_on else "baby"]
    school_age = any((member.age_on(family.referred_on) or 0) >= 6 for member, label in household if label == "kind")
    return (HELP_QUESTIONS["family"] + HELP_QUESTIONS["school"] * school_age
            + HELP_QUESTIONS["newcomer"] * (3 if origin in NEWCOMERS else 0))


def _intake(rng: random.Random, family: Family, path: list[CaseState], done_on: date, parent: str, relation: str,
            household: int) -> None:
    """The home visit's record (wishes, judgement, child safety), as operations.record_intake keeps it."""
    intake = family.intake
    refused = path[-1] in (S.NOT_ACCEPTED, S.REFERRED_ELSEWHERE) and path[-2] == S.INTAKE_DONE
    intake.done_on = done_on
    who = "Beide ouders" if family.composition == Composition.TWO_PARENTS else relation.capitalize()
    intake.present = f"{who}, tolk en coördinator" if family.interpreter_needed else rng.choice(
        [f"{who} en coördinator", f"{who}, oudste kind en coördinator"] if household > 2 else
        [f"{who} en coördinator"])
    story = rng.choice(STORIES).format(p=parent)
    intake.story_sealed = seal_text(story, INTAKE_STORY, intake.id)
    intake.wish_languages = [language for language in family.languages if language != "Nederlands"]
    intake.wish_gender = _pick(rng, {Gender.ANY: 75, Gender.FEMALE: 22, Gender.MALE: 3})
    intake.wish_day_parts = rng.sample([part.value for part in DayPart], k=rng.randint(1, 2))
    intake.wish_experience = family.help_domains[:rng.randint(1, len(family.help_domains))]
    intake.judgement = Judgement.REFER if refused else _pick(rng, {Judgement.SUITABLE: 85, Judgement.PARTLY: 15})
    intake.child_safety = ChildSafety.NO_CONCERNS
    if rng.random() < 0.05:  # the form asks for a note with any concern
        intake.child_safety = ChildSafety.CONCERNS_DISCUSSED
        intake.child_safety_notes_sealed = seal_text("Spanningen thuis besproken; het wijkteam blijft betrokken.",
                                                     CHILD_SAFETY_NOTES, intake.id)


def _close(rng: random.Random, family: Family, path: list[CaseState], closed_on: date) -> None:
    """The closure and its outcomes, weighted toward reached goals and less professional care."""
    unmatched = path[-2] == S.WAITING
    family.closed_on = closed_on
    family.closure_reason = _pick(rng, UNMATCHED_CLOSURE_REASONS if unmatched else CLOSURE_REASONS)
    family.professional_care_at_end = (
        CareOutcome.INCREASED if family.closure_reason == ClosureReason.REFERRED_TO_PROFESSIONAL_CARE
        else _pick(rng, {CareOutcome.STOPPED: 45, CareOutcome.REDUCED: 40, CareOutcome.UNCHANGED: 10,
                         CareOutcome.INCREASED: 5}) if family.professional_care_involved
        else CareOutcome.UNCHANGED)
    expected = family.would_otherwise_be_referred == YesNoUnknown.YES
    family.prevented_referral_confirmed = _pick(rng, {YesNoUnknown.YES: 60 if expected else 20,
                                                      YesNoUnknown.UNKNOWN: 25 if expected else 50,
                                                      YesNoUnknown.NO: 15 if expected else 30})
    if not unmatched and rng.random() < 0.9:
        family.satisfaction = _pick(rng, {5: 2, 6: 5, 7: 20, 8: 35, 9: 25, 10: 13})
    family.informal_contact_continues = rng.random() < (0.6 if family.closure_reason == ClosureReason.GOALS_REACHED
                                                        else 0.25)


def _family(rng: random.Random, tenant: Tenant, coordinator: User | None, actor: User, referred_on: date,
            final: CaseState, today: date) -> tuple[Family, list[Any]]:
    """One family file and, separately, the rows that belong to it (intake, members, notes, timeline)."""
    origin = _pick(rng, {key: spec[0] for key, spec in ORIGINS.items()})
    municipalities = list(tenant.municipalities) or [tenant.name]
    municipality = rng.choices(municipalities, weights=[3] + [1] * (len(municipalities) - 1))[0]
    family = Family(
        id=uuid.uuid4(), family_name=f"Familie {rng.choice(NAMES[origin][0])}", state=final, referred_on=referred_on,
        coordinator_id=coordinator.id if coordinator else None, case_year=referred_on.year,
        track=Track.FIRST_1000_DAYS if rng.random() < 0.14 else Track.REGULAR, languages=list(ORIGINS[origin][1]),
        interpreter_needed=origin in NEWCOMERS and rng.random() < 0.6, municipality=municipality,
        municipality_code=CBS_CODES.get(municipality),
        neighbourhood=rng.choice(NEIGHBOURHOODS.get(municipality, "Centrum, Noord, Oost, Zuid, West").split(", ")),
        professional_agencies=[], professional_agency_count=0, consent_purposes=[])
    household = _household(rng, family, origin, today)
    _referral(rng, family, origin, household)
    path = _path(rng, final)
    days = _dates(rng, path, referred_on, today)
    steps = dict(zip(path, days, strict=True))  # a repeated state keeps its last date
    intake_done = steps.get(S.INTAKE_DONE)
    parent, relation = next((member, label) for member, label in household if member.legal_representative)
    if intake_done or rng.random() < 0.4:  # consent comes at the intake, or earlier through the referrer
        family.consent_given, family.consent_by_legal_representative = True, True
        family.consent_on = intake_done if intake_done and rng.random() < 0.6 else referred_on
        family.consent_by = f"{parent.first_name} ({relation})"
        family.consent_purposes = [ConsentPurpose.SUPPORT.value, ConsentPurpose.REFERRER_CONTACT.value] + (
            [ConsentPurpose.IMPACT_MEASUREMENT.value] if rng.random() < 0.8 else [])
    if S.INTAKE_PLANNED in steps:
        planned_on = intake_done or steps[S.INTAKE_PLANNED] + timedelta(days=rng.randint(3, 14))
        family.intake = Intake(id=uuid.uuid4(), family_id=family.id, coordinator_id=actor.id,
                               planned_at=local_time(planned_on, rng.choice([10, 14, 19]) * 60))
        if intake_done:
            _intake(rng, family, path, intake_done, parent.first_name, relation, len(household))
    if final == S.CLOSED:
        _close(rng, family, path, days[-1])
    timeline = _timeline(rng, family, actor, household, origin, path, days, today)
    stamp_timeline(rng, family, timeline)
    rows = [row for _day, event, about in timeline for row in (event, about) if row is not None]
    return family, [family.intake, *rows] if family.intake else rows


def _timeline(rng: random.Random, family: Family, actor: User, household: list[tuple[FamilyMember, str]], origin: str,
              path: list[CaseState], days: list[date], today: date) -> list[tuple[date, CaseEvent, Any]]:
    """(day, event, the member or note it is about): registration, members, the steps, a baby, notes."""
    referred_on = family.referred_on
    timeline = [(referred_on, _event(family, actor, "registered", to_state=S.REFERRED), None)]
    timeline += [(referred_on, _event(family, actor, "member_added", details={"role": member.role.value}), member)
                 for member, _label in household]
    for before, state, day in zip(path, path[1:], days[1:], strict=False):
        details = ({"judgement": family.intake.judgement.value} if state == S.INTAKE_DONE else
                   {"closure_reason": family.closure_reason.value} if state == S.CLOSED else {})
        reason = rng.choice(REASONS[state]) if state in NEEDS_REASON else None
        timeline.append((day, _event(family, actor, "state_changed", from_state=before, to_state=state,
                                     reason=reason, details=details), None))
    open_until = today - timedelta(days=1) if family.state in CASELOAD else days[-1]
    due = family.expected_due_date
    if due and due > referred_on:  # expecting at the referral
        birth = max(referred_on, due + timedelta(days=rng.randint(-14, 7)))
        if birth + timedelta(days=5) <= open_until:  # born while the file was open: added when the family told
            told = max(referred_on, min(open_until, birth + timedelta(days=rng.randint(5, 20))))
            taken = {member.first_name for member, _label in household}
            children = [name for name in NAMES[origin][3] if name not in taken]
            baby = _member(family, MemberRole.CHILD, rng.choice(children), min(birth, told))
            timeline.append((told, _event(family, actor, "member_added", details={"role": "child"}), baby))
    last_note = (open_until - referred_on).days - (family.state not in CASELOAD)  # notes precede an ending
    for _ in range(rng.randint(1, 3) if family.state in CASELOAD else rng.randint(0, 2)):
        day = referred_on + timedelta(days=rng.randint(0, max(0, last_note)))
        state = [step for step, on in zip(path, days, strict=True) if on <= day and step in CASELOAD][-1]
        note = FamilyNote(id=uuid.uuid4(), family_id=family.id, author_id=actor.id)
        note.body_sealed = seal_text(rng.choice(NOTES[state]), NOTE, note.id)
        timeline.append((day, _event(family, actor, "note_added"), note))
    return timeline


def _event(family: Family, actor: User, kind: str, details: dict[str, Any] | None = None, **fields: Any) -> CaseEvent:
    return CaseEvent(id=uuid.uuid4(), family_id=family.id, actor_id=actor.id, kind=kind, details=details or {},
                     **fields)



def seed(tenant: Tenant, people: dict[Role, list[User]], rng: random.Random) -> None:
    """Fill ``tenant`` (bound to the session) with fictional families in every state."""
    managers = people.get(Role.MANAGER, [])
    staff = people.get(Role.COORDINATOR, []) * 3 + managers  # coordinators carry most files
    if not staff:
        return
    today = local_today()
    counters = {counter.year: counter for counter in db.session.scalars(select(CaseCounter))}
    families, rows = [], []
    for referred_on, final in _plan(rng, today):  # by referral date, so case numbers ascend with time
        coordinator = None if final == S.REFERRED and rng.random() < 0.5 else rng.choice(staff)
        family, more = _family(rng, tenant, coordinator, coordinator or (managers or staff)[0], referred_on, final,
                               today)
        counter = counters.setdefault(family.case_year, CaseCounter(year=family.case_year, last=0))
        counter.last += 1
        family.case_seq = counter.last
        families.append(family)
        rows += more
    for number, family in enumerate(families):  # from generators of their own: the shared one is untouched
        add_contact_details(tenant, family, number)
    # Families first: the other rows point at them by foreign key only, so the flush cannot order them.
    db.session.add_all([*counters.values(), *families])
    db.session.flush()
    db.session.add_all(rows)
    db.session.flush()
