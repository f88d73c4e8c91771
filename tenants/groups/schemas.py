"""Input for the group track. Choices that depend on the tenant (its municipalities and staff, the
volunteers who may facilitate, the first-1000-days families, a group's participants) are given
when the form is built, or checked by a RowId, so another tenant's id fails like any typo: with a
field error."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from functools import partial
from typing import Any

from flask_babel import format_date
from marshmallow import validates_schema
from sqlalchemy import Select, and_, false, or_, select

from saas.clock import local_today
from saas.forms import (
    Choice,
    ChoiceList,
    Date,
    Form,
    Integer,
    RowId,
    String,
    TenantForm,
    raise_errors,
    refuse_future_dates,
)
from saas.i18n import L_
from tenants.families.models import Family
from tenants.families.schemas import StaffMember
from tenants.families.states import ENDED
from tenants.families.vocabulary import Track
from tenants.groups.models import Group, GroupParticipant
from tenants.groups.operations import SESSION_TAKEN, dated_rows_outside, within_period
from tenants.groups.vocabulary import GroupKind
from tenants.volunteers.models import Volunteer
from tenants.volunteers.readiness import MATCHABLE, add_months

#: Dates further ahead than this are typing mistakes (a group is planned months, not years, ahead).
MAX_YEARS_AHEAD = 2
EARLIEST = date(2000, 1, 1)
#: A due date lies at most ten months after joining (pregnant), or up to a year before (just born).
DUE_AFTER_JOINING, DUE_BEFORE_JOINING = timedelta(days=300), timedelta(days=365)
#: A mothers' group is for the first years: a child born at most four years before joining.
CHILD_YEARS = 4

WITHIN_PERIOD = L_("Choose a date within the group's period.")


def facilitator_candidates(group: Group) -> Select[tuple[uuid.UUID]]:
    """Ids of the volunteers who may facilitate ``group``: available or matched, not yet in it
    (the ids of tenants.groups.queries.possible_facilitators)."""
    taken = [facilitator.volunteer_id for facilitator in group.facilitators]
    return select(Volunteer.id).where(Volunteer.state.in_(MATCHABLE), Volunteer.id.not_in(taken))


def linkable_family_ids(keep: uuid.UUID | None) -> Select[tuple[uuid.UUID]]:
    """Ids of the open first-1000-days family files, and ``keep`` (a participant's own family, even
    when closed since): the ids of tenants.groups.queries.linkable_families."""
    return select(Family.id).where(or_(and_(Family.track == Track.FIRST_1000_DAYS, Family.state.not_in(ENDED)),
                                       Family.id.in_([keep] if keep else [])))


def taken_families(group: Group, participant: GroupParticipant | None = None) -> set[uuid.UUID]:
    """The families linked to the group's participants (other than ``participant``)."""
    return {p.family_id for p in group.participants if p.family_id and p is not participant}


def _plausible(day: date) -> bool:
    """Whether ``day`` lies between 2000 and two years ahead (anything else is a mistyped year)."""
    return EARLIEST <= day <= add_months(local_today(), 12 * MAX_YEARS_AHEAD)


def _refuse_implausible(errors: dict[str, list[Any]], data: dict[str, Any], *names: str) -> None:
    """A field error for each date of ``names`` before 2000 or more than two years ahead."""
    for name in names:
        if data.get(name) is not None and not _plausible(data[name]):
            errors.setdefault(name, []).append(L_("Check the year."))


class GroupForm(TenantForm):
    """A group's details. ``group`` (when editing) keeps the period around its sessions and participants."""

    name = String(required=True, max_length=120)
    kind = Choice(GroupKind, required=True)
    municipality = Choice([], allow_none=True)
    partner_organisation = String(max_length=160, allow_none=True)
    coordinator_id = StaffMember(allow_none=True)
    starts_on = Date(required=True)
    ends_on = Date(allow_none=True)
    meeting_frequency = String(max_length=120, allow_none=True)

    def __init__(self, *, group: Group | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.group = group

    @validates_schema
    def _check(self, data: dict[str, Any], **_kwargs: Any) -> None:
        errors: dict[str, list[Any]] = {}
        _refuse_implausible(errors, data, "starts_on", "ends_on")
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if errors:  # a mistyped year first: the period is checked once both dates are plausible
            raise_errors(errors)
        if starts_on and ends_on and ends_on < starts_on:
            errors.setdefault("ends_on", []).append(L_("The end date cannot be before the start date."))
        elif starts_on and self.group is not None:
            outside = dated_rows_outside(self.group, starts_on, ends_on)
            if outside:
                name = "starts_on" if outside[0] < starts_on else "ends_on"
                errors.setdefault(name, []).append(L_(
                    "The group has a session or a participant's joining or leaving on %(date)s, outside this period.",
                    date=format_date(outside[0])))
        raise_errors(errors)


class FacilitatorForm(Form):
    """A volunteer of this tenant who may facilitate (available or matched, not yet in the group)."""

    #: No one until the form is built for its group.
    volunteer_id = RowId(lambda: select(Volunteer.id).where(false()), required=True)

    def __init__(self, *, group: Group, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.fields["volunteer_id"].allowed = partial(facilitator_candidates, group)


class ParticipantForm(Form):
    """A participant joining a group (the edit form adds ``left_on``, and keeps ``participant``'s own
    family linkable).

    She may be linked to a first-1000-days family that no other participant of the group is linked to.
    """

    first_name = String(required=True, max_length=80)
    family_id = RowId(partial(linkable_family_ids, None), allow_none=True)
    due_date = Date(allow_none=True)
    child_birth_date = Date(allow_none=True)
    intake_on = Date(allow_none=True)
    joined_on = Date(required=True)

    def __init__(self, *, group: Group, participant: GroupParticipant | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.group, self.taken = group, taken_families(group, participant)
        keep = participant.family_id if participant else None
        self.fields["family_id"].allowed = partial(linkable_family_ids, keep)

    @validates_schema
    def _check(self, data: dict[str, Any], **_kwargs: Any) -> None:
        errors: dict[str, list[Any]] = {}
        group, joined_on = self.group, data.get("joined_on")
        refuse_future_dates(errors, data, "intake_on", "child_birth_date")
        _refuse_implausible(errors, data, "intake_on", "joined_on")
        if "joined_on" not in errors and joined_on is not None and not within_period(
                group.starts_on, group.ends_on, joined_on):
            errors.setdefault("joined_on", []).append(WITHIN_PERIOD)
        due, born = data.get("due_date"), data.get("child_birth_date")
        if due is None and born is None:
            errors.setdefault("due_date", []).append(L_("Enter the due date or the child's date of birth."))
        # Measured from a plausible joining date only: from year 1 or 9999 the date arithmetic
        # itself fails (OverflowError), and a wrong joining date has its own error already.
        if joined_on is not None and "joined_on" not in errors and _plausible(joined_on):
            self._check_child(errors, due, born, joined_on)
        if data.get("family_id") is not None and data["family_id"] in self.taken:
            errors.setdefault("family_id", []).append(
                L_("This family is already linked to another participant of this group."))
        self._check_left(errors, data)
        raise_errors(errors)

    @staticmethod
    def _check_child(errors: dict[str, list[Any]], due: date | None, born: date | None, joined_on: date) -> None:
        """The due date, or the child's birth date, against a plausible joining date."""
        if due is not None and not joined_on - DUE_BEFORE_JOINING <= due <= joined_on + DUE_AFTER_JOINING:
            errors.setdefault("due_date", []).append(
                L_("A due date lies at most ten months after joining the group, or up to a year before."))
        if born is not None and "child_birth_date" not in errors and born < add_months(joined_on, -12 * CHILD_YEARS):
            errors.setdefault("child_birth_date", []).append(
                L_("The child is born at most %(years)s years before joining the group.", years=CHILD_YEARS))

    def _check_left(self, errors: dict[str, list[Any]], data: dict[str, Any]) -> None:
        """The edit form's rule for ``left_on``; joining needs none."""


class ParticipantEditForm(ParticipantForm):
    """A participant's details corrected, or the date she left the group."""

    left_on = Date(allow_none=True)

    def _check_left(self, errors: dict[str, list[Any]], data: dict[str, Any]) -> None:
        left_on, joined_on = data.get("left_on"), data.get("joined_on")
        if left_on is None:
            return
        refuse_future_dates(errors, data, "left_on")
        if "left_on" in errors:
            return
        if joined_on is not None and left_on < joined_on:
            errors.setdefault("left_on", []).append(L_("She cannot leave before she joined."))
        elif not within_period(self.group.starts_on, self.group.ends_on, left_on):
            errors.setdefault("left_on", []).append(WITHIN_PERIOD)


class SessionForm(Form):
    """A meeting of the group, on a date in its period that has no session yet."""

    held_on = Date(required=True)
    theme = String(max_length=200, allow_none=True)

    def __init__(self, *, group: Group, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.group = group

    @validates_schema
    def _check(self, data: dict[str, Any], **_kwargs: Any) -> None:
        errors: dict[str, list[Any]] = {}
        held_on = data.get("held_on")
        _refuse_implausible(errors, data, "held_on")  # a group without an end date has no upper bound
        if held_on is not None and not errors:
            if not within_period(self.group.starts_on, self.group.ends_on, held_on):
                errors["held_on"] = [WITHIN_PERIOD]
            elif any(session.held_on == held_on for session in self.group.sessions):
                errors["held_on"] = [SESSION_TAKEN]
        raise_errors(errors)


class AttendanceForm(Form):
    """The ticked participants of a session's attendance list (every box unticked: nobody came)."""

    present = ChoiceList([])

    def __init__(self, *, participant_ids: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.fields["present"].inner.choices = list(participant_ids)


#: The list's filter on a group's period, relative to today.
PERIODS = ("upcoming", "running", "ended")


class ListQuery(Form):
    """The group list's filter and page (query string; bad values are ignored)."""

    period = Choice(list(PERIODS), allow_none=True)
    page = Integer(minimum=1, maximum=100000, allow_none=True)
