"""Fixed, translated lists used by the family file (stored as their stable codes)."""

from __future__ import annotations

from saas.enums import LabelledEnum
from saas.i18n import L_


class ReferrerType(LabelledEnum):
    CJG = "cjg", L_("Youth and family centre (CJG)")
    NEIGHBOURHOOD_TEAM = "neighbourhood_team", L_("Neighbourhood team")
    SCHOOL = "school", L_("School")
    YOUTH_HEALTH_CARE = "youth_health_care", L_("Youth health care (JGZ)")
    MIDWIFE = "midwife", L_("Midwife")
    GP = "gp", L_("General practitioner")
    PROFESSIONAL_CARE = "professional_care", L_("Professional care scaling down")
    REFUGEE_SUPPORT = "refugee_support", L_("Refugee support")
    SELF = "self", L_("The family itself")
    NETWORK = "network", L_("Family or friends")
    OTHER = "other", L_("Other")


class Channel(LabelledEnum):
    PHONE = "phone", L_("Phone")
    EMAIL = "email", L_("E-mail")
    WEB_FORM = "web_form", L_("Web form")
    IN_PERSON = "in_person", L_("In person")
    OTHER = "other", L_("Other")


class YesNoUnknown(LabelledEnum):
    YES = "yes", L_("Yes")
    NO = "no", L_("No")
    UNKNOWN = "unknown", L_("Unknown")


class Composition(LabelledEnum):
    SINGLE_PARENT = "single_parent", L_("Single parent")
    TWO_PARENTS = "two_parents", L_("Two parents")
    OTHER = "other", L_("Other composition")


class Track(LabelledEnum):
    REGULAR = "regular", L_("Family track")
    FIRST_1000_DAYS = "first_1000_days", L_("First 1000 days")


class MemberRole(LabelledEnum):
    PARENT = "parent", L_("Parent or carer")
    CHILD = "child", L_("Child")
    OTHER = "other", L_("Other household member")


class ConsentPurpose(LabelledEnum):
    SUPPORT = "support", L_("Support by a volunteer")
    REFERRER_CONTACT = "referrer_contact", L_("Contact with the referrer")
    IMPACT_MEASUREMENT = "impact_measurement", L_("Impact measurement")


class Judgement(LabelledEnum):
    SUITABLE = "suitable", L_("Informal help is suitable")
    PARTLY = "partly", L_("Informal help is partly suitable")
    REFER = "refer", L_("Refer to professional care")


class ChildSafety(LabelledEnum):
    NO_CONCERNS = "no_concerns", L_("No concerns about the children's safety")
    CONCERNS_DISCUSSED = "concerns_discussed", L_("Concerns discussed with the family")
    REPORTING_CODE_STARTED = "reporting_code_started", L_("Reporting code (meldcode) started")


class Gender(LabelledEnum):
    ANY = "any", L_("No preference")
    FEMALE = "female", L_("Woman")
    MALE = "male", L_("Man")


class DayPart(LabelledEnum):
    WEEKDAY_MORNING = "weekday_morning", L_("Weekday mornings")
    WEEKDAY_AFTERNOON = "weekday_afternoon", L_("Weekday afternoons")
    WEEKDAY_EVENING = "weekday_evening", L_("Weekday evenings")
    WEEKEND = "weekend", L_("Weekends")


class ClosureReason(LabelledEnum):
    GOALS_REACHED = "goals_reached", L_("Goals reached")
    MAXIMUM_DURATION = "maximum_duration", L_("Maximum duration reached")
    REFERRED_TO_PROFESSIONAL_CARE = "referred_to_professional_care", L_("Referred to professional care")
    FAMILY_STOPPED = "family_stopped", L_("The family stopped")
    MOVED = "moved", L_("The family moved")
    NO_SUITABLE_VOLUNTEER = "no_suitable_volunteer", L_("No suitable volunteer")
    VOLUNTEER_STOPPED = "volunteer_stopped", L_("The volunteer stopped")
    OTHER = "other", L_("Other")


class CareOutcome(LabelledEnum):
    STOPPED = "stopped", L_("Stopped")
    REDUCED = "reduced", L_("Reduced")
    UNCHANGED = "unchanged", L_("Unchanged")
    INCREASED = "increased", L_("Increased")
