"""Fixed, translated lists used by the family file (stored as their stable codes)."""

from __future__ import annotations

import enum

from saas.i18n import L_


class LabelledEnum(enum.StrEnum):
    """A string enum whose members have a translated ``label`` (from ``LABELS`` on the class)."""

    @property
    def label(self) -> str:
        return str(type(self).labels()[self])

    @classmethod
    def labels(cls) -> dict[LabelledEnum, object]:
        raise NotImplementedError

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]


class ReferrerType(LabelledEnum):
    CJG = "cjg"
    NEIGHBOURHOOD_TEAM = "neighbourhood_team"
    SCHOOL = "school"
    YOUTH_HEALTH_CARE = "youth_health_care"
    MIDWIFE = "midwife"
    GP = "gp"
    PROFESSIONAL_CARE = "professional_care"
    REFUGEE_SUPPORT = "refugee_support"
    SELF = "self"
    NETWORK = "network"
    OTHER = "other"

    @classmethod
    def labels(cls) -> dict[LabelledEnum, object]:
        return {
            cls.CJG: L_("Youth and family centre (CJG)"),
            cls.NEIGHBOURHOOD_TEAM: L_("Neighbourhood team"),
            cls.SCHOOL: L_("School"),
            cls.YOUTH_HEALTH_CARE: L_("Youth health care (JGZ)"),
            cls.MIDWIFE: L_("Midwife"),
            cls.GP: L_("General practitioner"),
            cls.PROFESSIONAL_CARE: L_("Professional care scaling down"),
            cls.REFUGEE_SUPPORT: L_("Refugee support"),
            cls.SELF: L_("The family itself"),
            cls.NETWORK: L_("Family or friends"),
            cls.OTHER: L_("Other"),
        }


class Channel(LabelledEnum):
    PHONE = "phone"
    EMAIL = "email"
    WEB_FORM = "web_form"
    IN_PERSON = "in_person"
    OTHER = "other"

    @classmethod
    def labels(cls) -> dict[LabelledEnum, object]:
        return {cls.PHONE: L_("Phone"), cls.EMAIL: L_("E-mail"), cls.WEB_FORM: L_("Web form"),
                cls.IN_PERSON: L_("In person"), cls.OTHER: L_("Other")}


class YesNoUnknown(LabelledEnum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"

    @classmethod
    def labels(cls) -> dict[LabelledEnum, object]:
        return {cls.YES: L_("Yes"), cls.NO: L_("No"), cls.UNKNOWN: L_("Unknown")}


class Composition(LabelledEnum):
    SINGLE_PARENT = "single_parent"
    TWO_PARENTS = "two_parents"
    OTHER = "other"

    @classmethod
    def labels(cls) -> dict[LabelledEnum, object]:
        return {cls.SINGLE_PARENT: L_("Single parent"), cls.TWO_PARENTS: L_("Two parents"),
                cls.OTHER: L_("Other composition")}


class Track(LabelledEnum):
    REGULAR = "regular"
    FIRST_1000_DAYS = "first_1000_days"

    @classmethod
    def labels(cls) -> dict[LabelledEnum, object]:
        return {cls.REGULAR: L_("Family track"), cls.FIRST_1000_DAYS: L_("First 1000 days")}


class MemberRole(LabelledEnum):
    PARENT = "parent"
    CHILD = "child"
    OTHER = "other"

    @classmethod
    def labels(cls) -> dict[LabelledEnum, object]:
        return {cls.PARENT: L_("Parent or carer"), cls.CHILD: L_("Child"), cls.OTHER: L_("Other household member")}


class ConsentPurpose(LabelledEnum):
    SUPPORT = "support"
    REFERRER_CONTACT = "referrer_contact"
    IMPACT_MEASUREMENT = "impact_measurement"

    @classmethod
    def labels(cls) -> dict[LabelledEnum, object]:
        return {cls.SUPPORT: L_("Support by a volunteer"),
                cls.REFERRER_CONTACT: L_("Contact with the referrer"),
                cls.IMPACT_MEASUREMENT: L_("Impact measurement")}


class Judgement(LabelledEnum):
    SUITABLE = "suitable"
    PARTLY = "partly"
    REFER = "refer"

    @classmethod
    def labels(cls) -> dict[LabelledEnum, object]:
        return {cls.SUITABLE: L_("Informal help is suitable"), cls.PARTLY: L_("Informal help is partly suitable"),
                cls.REFER: L_("Refer to professional care")}


class ChildSafety(LabelledEnum):
    NO_CONCERNS = "no_concerns"
    CONCERNS_DISCUSSED = "concerns_discussed"
    REPORTING_CODE_STARTED = "reporting_code_started"

    @classmethod
    def labels(cls) -> dict[LabelledEnum, object]:
        return {cls.NO_CONCERNS: L_("No concerns about the children's safety"),
                cls.CONCERNS_DISCUSSED: L_("Concerns discussed with the family"),
                cls.REPORTING_CODE_STARTED: L_("Reporting code (meldcode) started")}


class Gender(LabelledEnum):
    ANY = "any"
    FEMALE = "female"
    MALE = "male"

    @classmethod
    def labels(cls) -> dict[LabelledEnum, object]:
        return {cls.ANY: L_("No preference"), cls.FEMALE: L_("Woman"), cls.MALE: L_("Man")}


class DayPart(LabelledEnum):
    WEEKDAY_MORNING = "weekday_morning"
    WEEKDAY_AFTERNOON = "weekday_afternoon"
    WEEKDAY_EVENING = "weekday_evening"
    WEEKEND = "weekend"

    @classmethod
    def labels(cls) -> dict[LabelledEnum, object]:
        return {cls.WEEKDAY_MORNING: L_("Weekday mornings"), cls.WEEKDAY_AFTERNOON: L_("Weekday afternoons"),
                cls.WEEKDAY_EVENING: L_("Weekday evenings"), cls.WEEKEND: L_("Weekends")}


class ClosureReason(LabelledEnum):
    GOALS_REACHED = "goals_reached"
    MAXIMUM_DURATION = "maximum_duration"
    REFERRED_TO_PROFESSIONAL_CARE = "referred_to_professional_care"
    FAMILY_STOPPED = "family_stopped"
    MOVED = "moved"
    NO_SUITABLE_VOLUNTEER = "no_suitable_volunteer"
    VOLUNTEER_STOPPED = "volunteer_stopped"
    OTHER = "other"

    @classmethod
    def labels(cls) -> dict[LabelledEnum, object]:
        return {cls.GOALS_REACHED: L_("Goals reached"), cls.MAXIMUM_DURATION: L_("Maximum duration reached"),
                cls.REFERRED_TO_PROFESSIONAL_CARE: L_("Referred to professional care"),
                cls.FAMILY_STOPPED: L_("The family stopped"), cls.MOVED: L_("The family moved"),
                cls.NO_SUITABLE_VOLUNTEER: L_("No suitable volunteer"),
                cls.VOLUNTEER_STOPPED: L_("The volunteer stopped"), cls.OTHER: L_("Other")}


class CareOutcome(LabelledEnum):
    STOPPED = "stopped"
    REDUCED = "reduced"
    UNCHANGED = "unchanged"
    INCREASED = "increased"

    @classmethod
    def labels(cls) -> dict[LabelledEnum, object]:
        return {cls.STOPPED: L_("Stopped"), cls.REDUCED: L_("Reduced"), cls.UNCHANGED: L_("Unchanged"),
                cls.INCREASED: L_("Increased")}
