"""Input for volunteers: the profile, state moves, VOG records, the tenant's screening policy, the
list's query string and what a volunteer may edit about themselves. Tenant-dependent choices (the
municipalities) are passed in when the form is built, so a foreign value fails like any typo."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import validate, validates_schema
from marshmallow.fields import Field

from saas.clock import local_today
from saas.contact import Postcode
from saas.forms import (
    Choice,
    ChoiceList,
    Date,
    Email,
    Form,
    Integer,
    String,
    StringList,
    TenantForm,
    raise_errors,
    refuse_future_dates,
)
from saas.i18n import L_
from tenants.families.vocabulary import DayPart, Gender, Track
from tenants.life_domains import LIFE_DOMAINS
from tenants.volunteers.states import ExitReason, VolunteerKind, VolunteerState

#: Children up to 23 are in scope for the family track.
MAX_CHILD_AGE = 23
SCREENING_PROFILE = r"^\d{1,10}$"



def _check_child_ages(errors: dict[str, list[Any]], data: dict[str, Any]) -> None:
    low, high = data.get("preferred_child_age_min"), data.get("preferred_child_age_max")
    if low is not None and high is not None and low > high:
        errors.setdefault("preferred_child_age_max", []).append(
            L_("The highest age cannot be below the lowest age."))


class _Preferences(Form):
    """The profile fields a volunteer may also edit themselves (see SelfServiceForm)."""

    phone = String(max_length=40, allow_none=True)
    languages = StringList(max_items=10, max_length=60)
    day_parts = ChoiceList(DayPart)
    max_families = Integer(required=True, minimum=1, maximum=5)
    experience_domains = ChoiceList(list(LIFE_DOMAINS))
    interests = String(max_length=500, allow_none=True)
    preferred_tracks = ChoiceList(Track)
    preferred_child_age_min = Integer(minimum=0, maximum=MAX_CHILD_AGE, allow_none=True)
    preferred_child_age_max = Integer(minimum=0, maximum=MAX_CHILD_AGE, allow_none=True)


class VolunteerForm(_Preferences, TenantForm):
    """The application and profile: used to register a volunteer and to edit the profile."""

    name = String(required=True, max_length=120)
    kind = Choice(VolunteerKind, required=True)
    email = Email(allow_none=True)
    applied_on = Date(required=True)
    municipality = Choice([], allow_none=True)
    neighbourhood = String(max_length=120, allow_none=True)
    #: Optional; the distance to a family's postcode in the suggestions (tenants.matching.distance).
    postcode = Postcode(allow_none=True)
    #: Optional; only to meet a family's wish about the volunteer's gender in the suggestions.
    gender = Choice(Gender, allow_none=True)

    @validates_schema
    def _check(self, data: dict[str, Any], **_kwargs: Any) -> None:
        errors: dict[str, list[Any]] = {}
        refuse_future_dates(errors, data, "applied_on")
        if data.get("gender") == Gender.ANY:  # a family's wish, not a person's gender
            errors.setdefault("gender", []).append(L_("Choose one of the options."))
        _check_child_ages(errors, data)
        raise_errors(errors)


class SelfServiceForm(_Preferences):
    """What a volunteer may change about themselves: contact, availability and preferences.
    Never the name, the state or the screening: those are the coordinator's."""

    @validates_schema
    def _check(self, data: dict[str, Any], **_kwargs: Any) -> None:
        errors: dict[str, list[Any]] = {}
        _check_child_ages(errors, data)
        raise_errors(errors)


class TransitionForm(Form):
    """A state move by the coordinator, with the date or reason the target state records."""

    to_state = Choice(VolunteerState, required=True)
    exit_reason = Choice(ExitReason, allow_none=True)
    interviewed_on = Date(allow_none=True)
    approved_on = Date(allow_none=True)

    @validates_schema
    def _check(self, data: dict[str, Any], **_kwargs: Any) -> None:
        errors: dict[str, list[Any]] = {}
        target = data.get("to_state")
        if target == VolunteerState.STOPPED and not data.get("exit_reason"):
            errors.setdefault("exit_reason", []).append(L_("Choose why the volunteer stops."))
        refuse_future_dates(errors, data, "interviewed_on", "approved_on")
        # The date that belongs to the move defaults to today (the approval date: see
        # operations.move, which keeps an earlier approval when coming back from a pause); dates
        # for other moves are ignored.
        if target == VolunteerState.SCREENING and data.get("interviewed_on") is None:
            data["interviewed_on"] = local_today()
        if target != VolunteerState.SCREENING:
            data["interviewed_on"] = None
        if target != VolunteerState.AVAILABLE:
            data["approved_on"] = None
        if target != VolunteerState.STOPPED:
            data["exit_reason"] = None
        raise_errors(errors)


class ScreeningForm(Form):
    """A certificate of conduct (VOG) the coordinator has seen."""

    issued_on = Date(required=True)
    screening_profile = String(required=True, max_length=10, validate=validate.Regexp(
        SCREENING_PROFILE, error=L_("Enter the screening profile number, for example 45.")))
    checked_on = Date(required=True)

    @validates_schema
    def _check(self, data: dict[str, Any], **_kwargs: Any) -> None:
        errors: dict[str, list[Any]] = {}
        refuse_future_dates(errors, data, "issued_on", "checked_on")
        issued, checked = data.get("issued_on"), data.get("checked_on")
        if issued and checked and checked < issued:
            errors.setdefault("checked_on", []).append(L_("The check cannot be before the issue date."))
        raise_errors(errors)


class PolicyForm(Form):
    """The tenant's screening rules."""

    max_age_at_start_days = Integer(required=True, minimum=1, maximum=3650)
    renewal_months = Integer(required=True, minimum=1, maximum=240)
    warning_days = Integer(required=True, minimum=0, maximum=365)
    applicant_waiting_days = Integer(required=True, minimum=1, maximum=365)


class ListQuery(Form):
    """The volunteer list's search and filters (query string; bad values are ignored). The list
    reads it through :func:`list_query`, which adds the other packages' filters and the order."""

    q = String(max_length=100, allow_none=True)
    state = Choice(VolunteerState, allow_none=True)
    readiness = Choice(["ready", "not_ready"], allow_none=True)
    municipality = String(max_length=120, allow_none=True)
    language = String(max_length=60, allow_none=True)


def list_query(more_filters: Mapping[str, Field]) -> Form:
    """ListQuery with ``more_filters`` (tenants.volunteers.list_filters), then the sort order and
    the page: in the form's order, which the list's links repeat."""
    return ListQuery.from_dict({
        **more_filters,
        "sort": Choice(["name", "-name", "applied", "-applied"], allow_none=True),
        "page": Integer(minimum=1, maximum=100000, allow_none=True),
    }, name="VolunteerListQuery")()
