"""The suggestions' score: how well a volunteer fits a waiting family, explained criterion by
criterion (proposing a match stores it with the match).

:func:`score` is pure (no queries): it compares one family with one volunteer and returns the
points per criterion with a translated explanation, so the coordinator sees *why* a volunteer
ranks high. The family's side of every criterion is worked out once (:func:`wishes_of`), so a page
can score a hundred volunteers against it (:func:`score_against`); the volunteer's side is a
:class:`Profile`: a Volunteer, or only the columns the score reads. Which volunteers are scored is
tenants.matching.suggestions.listing's business; the coordinator decides, the system only suggests.

The family's wish about the volunteer's gender (``Intake.wish_gender``) is a criterion only when the
family has one: it counts for nobody when there is no preference, and a volunteer whose gender is
not recorded (``Volunteer.gender`` is optional) gets no points for it, with that as the explanation.
The distance (tenants.matching.distance: how near the postcode areas are) works the same way: it
counts only when the family's postcode is known.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from saas.enums import LabelledEnum
from saas.i18n import L_
from tenants.families.models import Family
from tenants.families.vocabulary import DayPart, Gender, MemberRole, Track
from tenants.life_domains import LIFE_DOMAINS
from tenants.matching.distance import Nearness, area, nearness
from tenants.matching.models import MatchingPolicy
from tenants.matching.vocabulary import NeighbourhoodRule

# Weights: the most points each criterion gives. They add up to 100, so a total reads like a
# percentage of a perfect match (criteria that do not apply to a family count for nobody); a
# family's wish about the volunteer's gender adds GENDER_POINTS to what can be reached.
#: Talking together is the ground of walking alongside; many families are newcomers.
LANGUAGE_POINTS = 20
#: A language in common, but not the one the family asked for at the intake.
OTHER_LANGUAGE_POINTS = 10
#: Samen Oplopen builds a local network in the family's own town, and travel stays short.
MUNICIPALITY_POINTS = 10
#: The tenant chooses: points for the same neighbourhood (prefer) or for another one (avoid,
#: for privacy); nothing when the neighbourhood does not matter.
NEIGHBOURHOOD_POINTS = 10
#: They must be able to meet: one shared day part is most of it, the rest for covering all wishes.
AVAILABILITY_POINTS = 15
AVAILABILITY_ANY_OVERLAP_POINTS = 10
#: Experience with the life domains of the help question, in proportion to how many are covered.
EXPERIENCE_POINTS = 15
#: Children within the ages the volunteer feels at home with, in proportion.
CHILD_AGE_POINTS = 10
#: The volunteer chose to walk alongside families in this track (or has no preference).
TRACK_POINTS = 10
#: More room means more time for this family and spreads the work over the volunteers.
LOAD_POINTS = 10
#: The family asked for a woman or a man at the intake (a wish, not a rule: nobody is left out).
GENDER_POINTS = 10
#: Short travel: points by how near the postcodes are (tenants.matching.distance), where the family's
#: is known; like the gender wish, it adds to what can be reached.
DISTANCE_POINTS = {Nearness.SAME_AREA: 10, Nearness.NEARBY: 7, Nearness.REGION: 4, Nearness.FAR: 0}

CRITERIA = {
    "language": L_("Shared language"),
    "municipality": L_("Same municipality"),
    "neighbourhood": L_("Neighbourhood"),
    "availability": L_("Availability"),
    "experience": L_("Experience with the family's life domains"),
    "child_ages": L_("Children's ages"),
    "track": L_("Track"),
    "load": L_("Current load"),
    "gender": L_("Gender"),
    "distance": L_("Distance"),
}


class Profile(Protocol):
    """What the score reads of a volunteer: a Volunteer, or the few columns a page loads instead
    (tenants.matching.suggestions.listing.Candidate)."""

    @property
    def languages(self) -> list[str] | None: ...
    @property
    def municipality(self) -> str | None: ...
    @property
    def neighbourhood(self) -> str | None: ...
    @property
    def postcode(self) -> str | None: ...
    @property
    def day_parts(self) -> list[str] | None: ...
    @property
    def max_families(self) -> int | None: ...
    @property
    def experience_domains(self) -> list[str] | None: ...
    @property
    def preferred_tracks(self) -> list[str] | None: ...
    @property
    def preferred_child_age_min(self) -> int | None: ...
    @property
    def preferred_child_age_max(self) -> int | None: ...
    @property
    def gender(self) -> Gender | None: ...


class _Later:
    """Text made only when it is shown: a page scores hundreds of volunteers but shows the
    explanations of a few, and translating every one would cost more than the scoring itself."""

    def __init__(self, make: Callable[[], str]) -> None:
        self._make = make

    def __str__(self) -> str:
        return self._make()


@dataclass(frozen=True)
class Criterion:
    """One line of a score: ``points`` of at most ``maximum`` (0 when the criterion does not apply)."""

    code: str
    points: int
    maximum: int
    #: A lazy text (L_ with its placeholders), translated when shown.
    message: Any = field(compare=False)

    @property
    def label(self) -> str:
        return str(CRITERIA[self.code])

    @property
    def explanation(self) -> str:
        return str(self.message)

    @property
    def applies(self) -> bool:
        return self.maximum > 0


@dataclass(frozen=True)
class Score:
    criteria: tuple[Criterion, ...]
    neighbourhood_rule: NeighbourhoodRule

    @property
    def total(self) -> int:
        return sum(c.points for c in self.criteria)

    @property
    def maximum(self) -> int:
        return sum(c.maximum for c in self.criteria)

    def as_details(self) -> dict[str, Any]:
        """The breakdown as stored with a match (``Match.score_details``): as it was when chosen."""
        return {"total": self.total, "maximum": self.maximum, "neighbourhood_rule": self.neighbourhood_rule.value,
                "criteria": [{"code": c.code, "label": c.label, "points": c.points, "maximum": c.maximum,
                              "explanation": c.explanation} for c in self.criteria]}


def _share(points: int, part: int, whole: int) -> int:
    """``points × part / whole``, rounded half up (whole numbers keep the breakdown readable)."""
    return (points * part * 2 + whole) // (whole * 2)


def _words(values: Iterable[Any]) -> _Later:
    """``values`` (texts or lazy labels) joined with commas, when shown."""
    items = list(values)
    return _Later(lambda: ", ".join(map(str, items)))


def _folded(values: Iterable[str] | None) -> dict[str, str]:
    """Typed values (languages, places) by their case-insensitive form, keeping one spelling."""
    return {value.strip().casefold(): value.strip() for value in values or () if value and value.strip()}


@dataclass(frozen=True)
class Wishes:
    """The family's side of every criterion, worked out once (:func:`wishes_of`): a page compares
    one family with every volunteer who can be matched."""

    #: The languages spoken at home and the wished ones, by their folded form; the wished ones alone.
    languages: dict[str, str]
    wished_languages: dict[str, str]
    municipality: str | None
    neighbourhood: str | None
    day_parts: list[str]
    #: The life domains of the help question, then the wished experience, each once.
    domains: list[str]
    child_ages: list[int]
    track: Track
    gender: Gender | None
    postcode: str | None
    neighbourhood_rule: NeighbourhoodRule


def wishes_of(family: Family, today: date, rule: NeighbourhoodRule) -> Wishes:
    """What ``family`` (members and intake loaded) wishes and is, as the criteria compare it."""
    intake = family.intake
    wished = _folded(intake.wish_languages if intake else None)
    experience = (intake.wish_experience if intake else None) or ()
    return Wishes(languages=_folded(family.languages) | wished, wished_languages=wished,
                  municipality=family.municipality, neighbourhood=family.neighbourhood,
                  day_parts=list(dict.fromkeys((intake.wish_day_parts or ()) if intake else ())),
                  domains=list(dict.fromkeys([*(family.help_domains or ()), *experience])),
                  child_ages=child_ages(family, today), track=family.track,
                  gender=intake.wish_gender if intake else None, postcode=family.postcode, neighbourhood_rule=rule)


def _label(enum: type[LabelledEnum], code: str) -> _Later:
    """The label of a stored code, when shown (the code itself should the vocabulary have dropped it)."""
    def make() -> str:
        try:
            return enum(code).label
        except ValueError:
            return code
    return _Later(make)


def _language(wishes: Wishes, volunteer: Profile) -> Criterion:
    wished, spoken = wishes.wished_languages, wishes.languages
    if not spoken:
        return Criterion("language", 0, 0, L_("No languages recorded for the family."))
    own = _folded(volunteer.languages)
    shared_wished = [own[key] for key in own if key in wished]
    shared = [own[key] for key in own if key in spoken]
    if shared_wished or (shared and not wished):
        return Criterion("language", LANGUAGE_POINTS, LANGUAGE_POINTS,
                         L_("Speaks %(languages)s with the family.", languages=_words(shared_wished or shared)))
    if shared:
        return Criterion("language", OTHER_LANGUAGE_POINTS, LANGUAGE_POINTS,
                         L_("Shares %(languages)s with the family, but not the language the family asked for "
                           "(%(wished)s).", languages=_words(shared), wished=_words(wished.values())))
    return Criterion("language", 0, LANGUAGE_POINTS,
                     L_("No language in common with the family (%(languages)s).", languages=_words(spoken.values())))


def _same(first: str | None, second: str | None) -> bool:
    return bool(first and second and first.strip().casefold() == second.strip().casefold())


def _municipality(wishes: Wishes, volunteer: Profile) -> Criterion:
    if not wishes.municipality:
        return Criterion("municipality", 0, 0, L_("The family's municipality is not recorded."))
    if not volunteer.municipality:
        return Criterion("municipality", 0, MUNICIPALITY_POINTS, L_("The volunteer's municipality is not recorded."))
    if _same(wishes.municipality, volunteer.municipality):
        return Criterion("municipality", MUNICIPALITY_POINTS, MUNICIPALITY_POINTS,
                         L_("Lives in %(place)s, like the family.", place=volunteer.municipality))
    return Criterion("municipality", 0, MUNICIPALITY_POINTS,
                     L_("Lives in %(place)s; the family lives in %(family_place)s.", place=volunteer.municipality,
                       family_place=wishes.municipality))


def _neighbourhood(wishes: Wishes, volunteer: Profile) -> Criterion | None:
    rule = wishes.neighbourhood_rule
    if rule == NeighbourhoodRule.IGNORE:
        return None
    if not wishes.neighbourhood:
        return Criterion("neighbourhood", 0, 0, L_("The family's neighbourhood is not recorded."))
    if not volunteer.neighbourhood:
        return Criterion("neighbourhood", 0, NEIGHBOURHOOD_POINTS, L_("The volunteer's neighbourhood is not recorded."))
    # A neighbourhood name is only the same place within the same municipality.
    same = _same(wishes.municipality, volunteer.municipality) and _same(wishes.neighbourhood, volunteer.neighbourhood)
    if rule == NeighbourhoodRule.PREFER:
        if same:
            return Criterion("neighbourhood", NEIGHBOURHOOD_POINTS, NEIGHBOURHOOD_POINTS,
                             L_("Lives in the family's neighbourhood (%(neighbourhood)s); the organisation prefers "
                               "this.", neighbourhood=volunteer.neighbourhood))
        return Criterion("neighbourhood", 0, NEIGHBOURHOOD_POINTS,
                         L_("Lives in another neighbourhood (%(neighbourhood)s); the organisation prefers the same "
                           "neighbourhood.", neighbourhood=volunteer.neighbourhood))
    if same:
        return Criterion("neighbourhood", 0, NEIGHBOURHOOD_POINTS,
                         L_("Lives in the family's neighbourhood (%(neighbourhood)s); the organisation avoids this.",
                           neighbourhood=volunteer.neighbourhood))
    return Criterion("neighbourhood", NEIGHBOURHOOD_POINTS, NEIGHBOURHOOD_POINTS,
                     L_("Lives in another neighbourhood (%(neighbourhood)s), as the organisation prefers.",
                       neighbourhood=volunteer.neighbourhood))


def _availability(wishes: Wishes, volunteer: Profile) -> Criterion:
    wished = wishes.day_parts
    if not wished:
        return Criterion("availability", 0, 0, L_("The family has no wishes about day parts."))
    if not volunteer.day_parts:
        return Criterion("availability", 0, AVAILABILITY_POINTS, L_("The volunteer's free day parts are not recorded."))
    shared = [code for code in wished if code in volunteer.day_parts]
    if not shared:
        return Criterion("availability", 0, AVAILABILITY_POINTS,
                         L_("Not free on the day parts the family wished (%(wished)s).",
                           wished=_words(_label(DayPart, code) for code in wished)))
    points = AVAILABILITY_ANY_OVERLAP_POINTS + _share(AVAILABILITY_POINTS - AVAILABILITY_ANY_OVERLAP_POINTS,
                                                      len(shared), len(wished))
    return Criterion("availability", points, AVAILABILITY_POINTS,
                     L_("Free on %(shared)s: %(count)s of the %(total)s day parts the family wished.",
                       shared=_words(_label(DayPart, code) for code in shared), count=len(shared),
                       total=len(wished)))


def _experience(wishes: Wishes, volunteer: Profile) -> Criterion:
    domains = wishes.domains
    if not domains:
        return Criterion("experience", 0, 0, L_("No life domains recorded for the family."))
    shared = [code for code in domains if code in (volunteer.experience_domains or ())]
    labels = [LIFE_DOMAINS.get(code, code) for code in (shared or domains)]
    if not shared:
        return Criterion("experience", 0, EXPERIENCE_POINTS,
                         L_("No experience recorded with the family's life domains (%(domains)s).",
                           domains=_words(labels)))
    return Criterion("experience", _share(EXPERIENCE_POINTS, len(shared), len(domains)), EXPERIENCE_POINTS,
                     L_("Experience with %(domains)s: %(count)s of the family's %(total)s life domains.",
                       domains=_words(labels), count=len(shared), total=len(domains)))


def child_ages(family: Family, today: date) -> list[int]:
    """The ages of the family's children whose birth date is known, youngest first."""
    ages = (member.age_on(today) for member in family.members if member.role == MemberRole.CHILD)
    return sorted(age for age in ages if age is not None)


def _age_range(low: int | None, high: int | None) -> Any:
    if low is not None and high is not None:
        return L_("%(low)s to %(high)s years", low=low, high=high)
    if low is not None:
        return L_("From %(low)s years", low=low)
    return L_("Up to %(high)s years", high=high)


def _child_ages(wishes: Wishes, volunteer: Profile) -> Criterion:
    ages = wishes.child_ages
    if not ages:
        return Criterion("child_ages", 0, 0, L_("No children with a known date of birth."))
    low, high = volunteer.preferred_child_age_min, volunteer.preferred_child_age_max
    if low is None and high is None:
        return Criterion("child_ages", CHILD_AGE_POINTS, CHILD_AGE_POINTS, L_("No preference for children's ages."))
    within = [age for age in ages if (low is None or age >= low) and (high is None or age <= high)]
    return Criterion("child_ages", _share(CHILD_AGE_POINTS, len(within), len(ages)), CHILD_AGE_POINTS,
                     L_("%(count)s of the %(total)s children (ages %(ages)s) within the preferred ages: %(range)s.",
                       count=len(within), total=len(ages), ages=_words(ages), range=_age_range(low, high)))


def _track(wishes: Wishes, volunteer: Profile) -> Criterion:
    preferred = volunteer.preferred_tracks or []
    if not preferred:
        return Criterion("track", TRACK_POINTS, TRACK_POINTS, L_("No preference for a track."))
    if wishes.track.value in preferred:
        return Criterion("track", TRACK_POINTS, TRACK_POINTS, L_("Prefers this track (%(track)s).",
                                                                 track=_label(Track, wishes.track.value)))
    return Criterion("track", 0, TRACK_POINTS,
                     L_("Prefers another track (%(tracks)s); the family is in %(track)s.",
                       tracks=_words(_label(Track, code) for code in preferred),
                       track=_label(Track, wishes.track.value)))


def _load(volunteer: Profile, load: int) -> Criterion:
    capacity = volunteer.max_families or 0
    room = max(capacity - load, 0)
    if not room:
        return Criterion("load", 0, LOAD_POINTS, L_("%(load)s of %(max)s families: no room.", load=load, max=capacity))
    return Criterion("load", _share(LOAD_POINTS, room, capacity), LOAD_POINTS,
                     L_("%(load)s of %(max)s families: room for %(room)s more.", load=load, max=capacity, room=room))


def _gender(wishes: Wishes, volunteer: Profile) -> Criterion:
    wish = wishes.gender
    if wish in (None, Gender.ANY):
        return Criterion("gender", 0, 0, L_("The family has no wish about the volunteer's gender."))
    if volunteer.gender is None:
        return Criterion("gender", 0, GENDER_POINTS,
                         L_("The family wished: %(wish)s; the volunteer's gender is not recorded.",
                           wish=_label(Gender, wish.value)))
    if volunteer.gender == wish:
        return Criterion("gender", GENDER_POINTS, GENDER_POINTS,
                         L_("%(gender)s, as the family wished.", gender=_label(Gender, wish.value)))
    return Criterion("gender", 0, GENDER_POINTS,
                     L_("%(gender)s; the family wished: %(wish)s.", gender=_label(Gender, volunteer.gender.value),
                       wish=_label(Gender, wish.value)))


def _distance(wishes: Wishes, volunteer: Profile) -> Criterion:
    most = DISTANCE_POINTS[Nearness.SAME_AREA]
    if not wishes.postcode:
        return Criterion("distance", 0, 0, L_("The family's postcode is not recorded."))
    if not volunteer.postcode:
        return Criterion("distance", 0, most, L_("The volunteer's postcode is not recorded."))
    level = nearness(wishes.postcode, volunteer.postcode)
    places = {"area": area(volunteer.postcode), "family_area": area(wishes.postcode)}
    return Criterion("distance", DISTANCE_POINTS[level], most, _NEARNESS_MESSAGES[level](places))


#: The explanation of each level of nearness, made only for the level found.
_NEARNESS_MESSAGES: dict[Nearness, Callable[[dict[str, str]], Any]] = {
    Nearness.SAME_AREA: lambda places: L_("Lives in the family's postcode area (%(area)s).", **places),
    Nearness.NEARBY: lambda places: L_("Lives nearby: postcode area %(area)s, the family's is %(family_area)s.",
                                       **places),
    Nearness.REGION: lambda places: L_("Lives in the same region: postcode area %(area)s, the family's is "
                                       "%(family_area)s.", **places),
    Nearness.FAR: lambda places: L_("Lives further away: postcode area %(area)s, the family's is %(family_area)s.",
                                    **places),
}


def score(family: Family, volunteer: Profile, load: int, policy: MatchingPolicy, today: date) -> Score:
    """How well ``volunteer`` (with ``load`` open matches) fits ``family``, criterion by criterion.

    Needs the family's members and intake and nothing else loaded; runs no queries. The gender
    wish counts only when the family has one (see the module docstring).
    """
    return score_against(wishes_of(family, today, policy.neighbourhood_rule), volunteer, load)


def score_against(wishes: Wishes, volunteer: Profile, load: int) -> Score:
    """:func:`score` with the family's side worked out already, for scoring many volunteers."""
    criteria = [_language(wishes, volunteer), _municipality(wishes, volunteer), _neighbourhood(wishes, volunteer),
                _availability(wishes, volunteer), _experience(wishes, volunteer), _child_ages(wishes, volunteer),
                _track(wishes, volunteer), _load(volunteer, load), _gender(wishes, volunteer),
                _distance(wishes, volunteer)]
    return Score(tuple(c for c in criteria if c is not None), wishes.neighbourhood_rule)
