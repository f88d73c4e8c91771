"""Input for the family file. Choices that depend on the tenant (its municipalities, its staff)
are passed in when the form is built, so a foreign value fails like any typo."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta
from typing import Any

from marshmallow import validate, validates_schema
from sqlalchemy import Select, select

from saas.auth.models import Membership
from saas.auth.roles import STAFF_ROLES
from saas.clock import local_today
from saas.contact import Phone, Postcode
from saas.forms import (
    Boolean,
    Choice,
    ChoiceList,
    Confirmed,
    Date,
    Email,
    Form,
    Integer,
    LocalDateTime,
    RowId,
    String,
    StringList,
    TenantForm,
    raise_errors,
    refuse_future_dates,
)
from saas.i18n import L_
from saas.search import MAX_QUERY_LENGTH
from tenants.families.models import FamilyMember
from tenants.families.states import CaseState
from tenants.families.vocabulary import (
    CareOutcome,
    Channel,
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
from tenants.life_domains import LIFE_DOMAINS

BEFORE_REFERRAL = L_("This date cannot be before the referral.")
MUNICIPALITY_CODE = re.compile(r"^GM\d{4}$")
#: Children up to 23 are in scope for the family track.
MAX_CHILD_AGE = 23


def staff_members() -> Select[tuple[uuid.UUID]]:
    """Ids of the active coordinators and managers of the bound tenant (the guard scopes it)."""
    return select(Membership.user_id).where(Membership.is_active, Membership.role.in_(STAFF_ROLES))


def StaffMember(**kwargs: Any) -> RowId:  # noqa: N802 - used like a field class
    """A coordinator or manager of this tenant, by user id; returns the UUID."""
    return RowId(staff_members, **kwargs)


class FamilyForm(TenantForm):
    """The referral and household: used to register a family and to edit the file."""

    family_name = String(required=True, max_length=120)
    coordinator_id = StaffMember(allow_none=True)
    track = Choice(Track, required=True)
    expected_due_date = Date(allow_none=True)
    # Household
    composition = Choice(Composition, allow_none=True)
    languages = StringList(max_items=10, max_length=60)
    interpreter_needed = Boolean()
    municipality = Choice([], required=True)
    municipality_code = String(max_length=6, allow_none=True, validate=validate.Regexp(
        MUNICIPALITY_CODE, error=L_("Use the CBS code: GM followed by four digits.")))
    neighbourhood = String(max_length=120, allow_none=True)
    # Referral
    referred_on = Date(required=True)
    channel = Choice(Channel, required=True)
    referrer_type = Choice(ReferrerType, required=True)
    referrer_organisation = String(max_length=160, allow_none=True)
    referrer_contact = String(max_length=160, allow_none=True)
    help_question = String(max_length=4000, allow_none=True)
    help_domains = ChoiceList(list(LIFE_DOMAINS))
    professional_care_involved = Boolean()
    professional_agencies = StringList(max_items=20, max_length=120)
    professional_agency_count = Integer(minimum=0, maximum=50, allow_none=True)
    would_otherwise_be_referred = Choice(YesNoUnknown, required=True)
    handover_from_professional_care = Boolean()
    consent_given = Boolean()
    consent_purposes = ChoiceList(ConsentPurpose)
    consent_on = Date(allow_none=True)
    consent_by = String(max_length=160, allow_none=True)
    consent_by_legal_representative = Boolean()

    @validates_schema
    def _check(self, data: dict[str, Any], **_kwargs: Any) -> None:
        errors: dict[str, list[Any]] = {}
        refuse_future_dates(errors, data, "referred_on", "consent_on")
        if data.get("consent_given"):
            for name in ("consent_on", "consent_by"):
                if not data.get(name):
                    errors.setdefault(name, []).append(L_("Record when and by whom consent was given."))
            if not data.get("consent_purposes"):
                errors.setdefault("consent_purposes", []).append(L_("Choose what the consent covers."))
        consent_on, referred_on = data.get("consent_on"), data.get("referred_on")
        if consent_on and referred_on and consent_on < referred_on - timedelta(days=365):
            errors.setdefault("consent_on", []).append(
                L_("Consent must be recent: at most a year before the referral."))
        if data.get("track") == Track.FIRST_1000_DAYS and not data.get("expected_due_date"):
            errors.setdefault("expected_due_date", []).append(L_("The first-1000-days track needs a due date."))
        due = data.get("expected_due_date")
        if due is not None and not (local_today() - timedelta(days=730) <= due <= local_today() + timedelta(days=300)):
            errors.setdefault("expected_due_date", []).append(
                L_("A due date lies at most ten months ahead (or up to two years back, once born)."))
        if data.get("professional_care_involved") is False:
            data["professional_agencies"], data["professional_agency_count"] = [], 0
        elif data.get("professional_agency_count") is None:
            data["professional_agency_count"] = len(data.get("professional_agencies", []))
        raise_errors(errors)


class MemberForm(Form):
    role = Choice(MemberRole, required=True)
    first_name = String(required=True, max_length=80)
    birth_date = Date(allow_none=True)
    legal_representative = Boolean()
    #: Sent by the warning's confirm button: add a member with the name and birth date of one
    #: already in the household all the same (operations.add_member).
    confirmed = Boolean()

    @validates_schema
    def _check(self, data: dict[str, Any], **_kwargs: Any) -> None:
        errors: dict[str, list[Any]] = {}
        birth = data.get("birth_date")
        today = local_today()
        if birth is not None:
            refuse_future_dates(errors, data, "birth_date")
            if birth < date(today.year - 110, 1, 1):
                errors.setdefault("birth_date", []).append(L_("Check the year of birth."))
            child_age = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
            if data.get("role") == MemberRole.CHILD and child_age > MAX_CHILD_AGE:
                errors.setdefault("birth_date", []).append(
                    L_("Children up to {n} years old take part; record older members as other members.").format(
                        n=MAX_CHILD_AGE))
        if data.get("role") == MemberRole.CHILD and birth is None:
            errors.setdefault("birth_date", []).append(L_("Enter the child's date of birth."))
        raise_errors(errors)


class PlanIntakeForm(TenantForm):
    planned_at = LocalDateTime(required=True)
    coordinator_id = StaffMember(required=True)


def legal_representatives(family_id: uuid.UUID | None) -> Select[tuple[uuid.UUID]]:
    """Ids of the household members of ``family_id`` recorded as legal representative."""
    return select(FamilyMember.id).where(FamilyMember.family_id == family_id, FamilyMember.legal_representative)


class IntakeForm(TenantForm):
    """The home visit, and the family's consent when the file's consent does not allow the intake
    yet: the intake page then shows the consent fields (``consent_fix``), so it is fixed in place.
    Build it with the family (``IntakeForm(family_id=…)``): consent comes from one of its members."""

    done_on = Date(required=True)
    coordinator_id = StaffMember(required=True)
    present = String(max_length=300, allow_none=True)
    story = String(max_length=8000, allow_none=True)
    wish_languages = StringList(max_items=10, max_length=60)
    wish_gender = Choice(Gender, required=True)
    wish_day_parts = ChoiceList(DayPart)
    wish_experience = ChoiceList(list(LIFE_DOMAINS))
    judgement = Choice(Judgement, required=True)
    child_safety = Choice(ChildSafety, required=True)
    child_safety_notes = String(max_length=4000, allow_none=True)
    # Consent, fixed in place: only read when the page showed these fields (consent_fix=1).
    consent_fix = Boolean()
    consent_given = Boolean()
    consent_purposes = ChoiceList(ConsentPurpose)
    consent_on = Date(allow_none=True)
    #: A household member recorded as legal representative who gave consent; empty: someone else.
    consent_member_id = RowId(lambda: legal_representatives(None), allow_none=True)
    consent_by = String(max_length=160, allow_none=True)
    consent_by_legal_representative = Boolean()

    def __init__(self, *, family_id: uuid.UUID | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.fields["consent_member_id"].allowed = lambda: legal_representatives(family_id)  # type: ignore[attr-defined]

    @validates_schema
    def _check(self, data: dict[str, Any], **_kwargs: Any) -> None:
        errors: dict[str, list[Any]] = {}
        refuse_future_dates(errors, data, "done_on")
        if data.get("consent_fix") and data.get("consent_given"):
            refuse_future_dates(errors, data, "consent_on")
            if not data.get("consent_on"):
                errors.setdefault("consent_on", []).append(L_("Enter the date consent was given."))
            if not data.get("consent_member_id") and not data.get("consent_by"):
                errors.setdefault("consent_by", []).append(
                    L_("Choose who gave consent, or type the name and relation to the family."))
            if not data.get("consent_purposes"):
                errors.setdefault("consent_purposes", []).append(L_("Choose what the consent covers."))
        if data.get("child_safety") not in (None, ChildSafety.NO_CONCERNS) and not data.get("child_safety_notes"):
            errors.setdefault("child_safety_notes", []).append(L_("Describe the concern and what was agreed."))
        raise_errors(errors)


class TransitionForm(Form):
    to_state = Choice(CaseState, required=True)
    reason = String(max_length=500, allow_none=True)


class CloseForm(Confirmed):
    closed_on = Date(required=True)
    closure_reason = Choice(ClosureReason, required=True)
    professional_care_at_end = Choice(CareOutcome, required=True)
    prevented_referral_confirmed = Choice(YesNoUnknown, required=True)
    satisfaction = Integer(minimum=1, maximum=10, allow_none=True)
    informal_contact_continues = Boolean()

    @validates_schema
    def _check(self, data: dict[str, Any], **_kwargs: Any) -> None:
        errors: dict[str, list[Any]] = {}
        refuse_future_dates(errors, data, "closed_on")
        raise_errors(errors)


class NoteForm(Form):
    body = String(required=True, max_length=10000)


class ContactDetailsForm(Form):
    """The family's contact details (tenants.families.contact_details); every part optional."""

    street = String(max_length=160, allow_none=True)
    postcode = Postcode(allow_none=True)
    town = String(max_length=120, allow_none=True)
    phone = Phone(allow_none=True)
    email = Email(allow_none=True)
    language = String(max_length=60, allow_none=True)


class ListQuery(Form):
    """The family list's search, filters and sorting (query string; bad values are ignored)."""

    q = String(max_length=100, allow_none=True)
    state = Choice([*CaseState, "open"], allow_none=True)
    coordinator = String(max_length=36, allow_none=True)
    municipality = String(max_length=120, allow_none=True)
    referrer_type = Choice(ReferrerType, allow_none=True)
    waiting = Integer(minimum=0, maximum=3650, allow_none=True)
    sort = Choice(["referred", "-referred", "case", "-case", "name", "-name"], allow_none=True)
    page = Integer(minimum=1, maximum=100000, allow_none=True)


class SearchQuery(Form):
    """The staff search across the organisation (tenants.families.search); errors are shown, not dropped."""

    q = String(max_length=MAX_QUERY_LENGTH, allow_none=True)
    page = Integer(minimum=1, maximum=100000, allow_none=True)
