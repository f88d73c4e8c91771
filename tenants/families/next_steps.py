"""The family file's next steps (issue #15): what the case's state asks for next, first.

After the intake that is putting the family on the waiting list (issue 17): a button that posts
the generic state change at once, with "Change the state" for the other outcomes.

The file shows them twice from the same list: at the top of its overview, and in the sticky bar
that stays within thumb reach on a phone. "Close the case" is the next step only once the case is
closing; before that it is offered last, after editing, so it is not the first thing a phone shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for

from saas.i18n import L_
from tenants.families.models import Family
from tenants.families.states import CaseState


@dataclass(frozen=True)
class Step:
    label: str
    url: str
    primary: bool = False
    #: A step that changes the case at once is a button posting these fields to ``url`` (with the
    #: CSRF token); a step without them is a link to the page where it is taken.
    post: tuple[tuple[str, str], ...] = ()


def _url(endpoint: str, family: Family, anchor: str = "") -> str:
    return url_for(endpoint, family_id=family.id) + anchor


def next_steps(family: Family) -> list[Step]:
    """The steps the state asks for, the primary one first (empty once nothing is asked)."""
    state = family.state
    if state == CaseState.REFERRED:
        return [Step(str(L_("Plan the intake")), _url("families.plan_intake", family), True)]
    if state == CaseState.INTAKE_PLANNED:
        return [Step(str(L_("Record the intake")), _url("families.record_intake", family), True),
                Step(str(L_("Re-plan the intake")), _url("families.plan_intake", family))]
    if state == CaseState.INTAKE_DONE:  # the judgement is in: most families go on the waiting list
        return [Step(str(L_("Put on the waiting list")), _url("families.transition", family), True,
                     post=(("to_state", CaseState.WAITING.value),)),
                Step(str(L_("Change the state")), _url("families.show", family, "#change-state"))]
    if state == CaseState.WAITING:
        return [Step(str(L_("Suggest volunteers")), url_for("suggestions.index", family_id=family.id), True)]
    if state == CaseState.CLOSING:
        return [Step(str(L_("Close the case")), _url("families.close", family), True)]
    return []


def closing_step(family: Family) -> Step | None:
    """"Close the case" at the end of the actions, while it is possible but not yet the next step."""
    if family.state in (CaseState.WAITING, CaseState.MATCHED):
        return Step(str(L_("Close the case")), _url("families.close", family))
    return None
