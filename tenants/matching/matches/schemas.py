"""Input for matches: the steps, the agreements, the end, the list's filters and the policy."""

from __future__ import annotations

from typing import Any

from marshmallow import post_load, pre_dump, validates_schema

from saas.forms import (
    Boolean,
    Choice,
    Confirmed,
    Date,
    Form,
    Integer,
    RowWithValues,
    String,
    raise_errors,
    refuse_future_dates,
)
from saas.i18n import L_
from tenants.life_domains import LIFE_DOMAINS
from tenants.matching.states import EndReason, MatchState
from tenants.matching.vocabulary import Frequency, NeighbourhoodRule

#: The form sends one goal field per life domain: goal_finances, goal_housing, …
GOAL_PREFIX = "goal_"

#: The longest reason a volunteer can give for declining (a sentence or two, typed on a phone).
REASON_LENGTH = 500


class _PastDayForm(Form):
    """A day that has passed already (or is today): a pause or an evaluation is recorded afterwards."""

    @validates_schema
    def _check(self, data: dict[str, Any], **_kwargs: Any) -> None:
        errors: dict[str, list[Any]] = {}
        refuse_future_dates(errors, data, *self.fields)
        raise_errors(errors)


class _ConfirmedPastDayForm(Confirmed, _PastDayForm):
    """A past day that is also confirmed first (a pause, an evaluation: issue #15)."""


def day_form(name: str, *, past_only: bool = False, confirmed: bool = False) -> Form:
    """A step that records only its day (``introduction_on``, ``paused_on``, ``interim_evaluation_on``);
    each has its own field name, so the forms on the match page never share an id. ``confirmed``: the
    step is refused unless confirmed (saas.forms.Confirmed)."""
    base: type[Form] = _PastDayForm if past_only else Form
    if confirmed:
        base = _ConfirmedPastDayForm if past_only else Confirmed
    return base.from_dict({name: Date(required=True)}, name=f"DayForm_{name}")()


class AgreementsForm(Form):
    """What family and volunteer agree: how often, the goals per life domain, how to reach each other."""

    frequency = Choice(Frequency, required=True)
    contact_agreement = String(max_length=300, allow_none=True)
    planned_end_on = Date(allow_none=True)
    # One optional field per life domain, declared in a loop so a new domain needs no new line.
    locals().update({f"{GOAL_PREFIX}{code}": String(max_length=300, allow_none=True) for code in LIFE_DOMAINS})

    @post_load
    def _collect_goals(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        data["goals"] = {code: text for code in LIFE_DOMAINS if (text := data.pop(f"{GOAL_PREFIX}{code}", None))}
        return data

    @pre_dump
    def _spread_goals(self, match: Any, **_kwargs: Any) -> RowWithValues:
        """The stored goals as the form's goal fields, for form_values (the way back of _collect_goals)."""
        return RowWithValues(match, {f"{GOAL_PREFIX}{code}": text for code, text in (match.goals or {}).items()})


class StartForm(AgreementsForm):
    """The match starts after the introduction, with its agreements."""

    started_on = Date(required=True)

    @validates_schema
    def _check(self, data: dict[str, Any], **_kwargs: Any) -> None:
        errors: dict[str, list[Any]] = {}
        refuse_future_dates(errors, data, "started_on")
        if data.get("planned_end_on") and data.get("started_on") and data["planned_end_on"] <= data["started_on"]:
            errors.setdefault("planned_end_on", []).append(L_("The planned end must be after the start."))
        raise_errors(errors)


class EndForm(Confirmed):
    ended_on = Date(required=True)
    end_reason = Choice(EndReason, required=True)
    end_note = String(max_length=500, allow_none=True)
    informal_contact_continues = Boolean()
    #: The family goes back to the waiting list for another volunteer (otherwise: support ends).
    rematch = Boolean()

    @validates_schema
    def _check(self, data: dict[str, Any], **_kwargs: Any) -> None:
        errors: dict[str, list[Any]] = {}
        refuse_future_dates(errors, data, "ended_on")
        raise_errors(errors)


class DeclineForm(Form):
    """The volunteer declines a proposed match, saying why (tenants.matching.matches.answers)."""

    reason = String(max_length=REASON_LENGTH, required=True)


class ListQuery(Form):
    """The match list's filters (query string; bad values are ignored)."""

    state = Choice([*MatchState, "open"], allow_none=True)
    coordinator = String(max_length=36, allow_none=True)
    page = Integer(minimum=1, maximum=100_000, allow_none=True)


class PolicyForm(Form):
    neighbourhood_rule = Choice(NeighbourhoodRule, required=True)
    contact_warning_days = Integer(minimum=1, maximum=365, required=True)
    contact_alarm_days = Integer(minimum=2, maximum=365, required=True)
    waiting_days = Integer(minimum=1, maximum=730, required=True)
    end_warning_days = Integer(minimum=1, maximum=365, required=True)

    @validates_schema
    def _check(self, data: dict[str, Any], **_kwargs: Any) -> None:
        # The operation refuses this too (for callers without the form); here it shows at the field.
        if data["contact_alarm_days"] <= data["contact_warning_days"]:
            raise_errors({"contact_alarm_days": [L_("The second contact signal must come later than the first.")]})
