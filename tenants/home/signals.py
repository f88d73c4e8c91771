"""Signals: what needs a coordinator's attention today (computed by tenants.home.queries).

A signal carries the *key* of what made it fire (the date of the last contact, the planned end
…): an acknowledged signal stays hidden until its key changes, and then fires anew. Its title
and text are translated when read, so a digest reads in its recipient's language.

A signal belongs to a coordinator's caseload (the match's coordinator, else the family's); "mine"
shows a coordinator's own caseload, "all" the whole tenant. The job-not-running signal is for
managers only.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import url_for
from flask_babel import format_date

from saas.auth.models import User
from saas.auth.roles import Role
from saas.enums import LabelledEnum
from saas.i18n import L_, _, ngettext


class SignalKind(LabelledEnum):
    """The kinds, in the order the home page shows them (most urgent first)."""

    NEEDS_COORDINATOR = "needs_coordinator", L_("Volunteer asks for their coordinator")
    CONTACT_ALARM = "contact_alarm", L_("No contact for a long time")
    CONTACT_LATE = "contact_late", L_("No recent contact")
    VOG_EXPIRING = "vog_expiring", L_("VOG expiring or expired")
    MATCH_ENDING = "match_ending", L_("Match nearing its end")
    EVALUATION_DUE = "evaluation_due", L_("Interim evaluation due")
    WAITING_LONG = "waiting_long", L_("Family waiting long for a match")
    T0_MISSING = "t0_missing", L_("Intake measurement (T0) missing")
    T1_DUE = "t1_due", L_("Measurement a year after the match (T1) due")
    TEND_MISSING = "tend_missing", L_("Closing measurement (Tend) missing")
    JOB_STALLED = "job_stalled", L_("Daily e-mail digest not running")


class Severity(LabelledEnum):
    WARNING = "warning", L_("Attention")
    ALARM = "alarm", L_("Urgent")


#: Kinds shown to managers only (they concern the organisation, not a caseload).
MANAGER_KINDS = frozenset({SignalKind.JOB_STALLED})
#: Acknowledging these marks the thing itself handled instead of storing an acknowledgement.
HANDLED_KINDS = frozenset({SignalKind.NEEDS_COORDINATOR})
SCOPES = ("mine", "all")
#: The job whose silence is itself a signal (tenants.home.digests runs it).
DAILY_DIGEST = "daily_digest"


@dataclass(frozen=True, eq=False)
class Signal:
    kind: SignalKind
    severity: Severity
    #: The match, contact moment, family, volunteer or tenant the signal is about.
    subject_id: uuid.UUID
    #: What made it fire (a date, usually); an acknowledgement holds for this key only.
    key: str
    #: The day the situation began (last contact, planned end …): orders signals within a kind.
    since: date
    #: Coordinators whose caseload this is (several for a volunteer with matches in several caseloads).
    coordinator_ids: frozenset[uuid.UUID]
    #: Who or what it is about, for the page ("Familie Bakker (2026-0042) · Vera de Vries").
    subject: str
    #: The same for an e-mail, without family names: the case number or the volunteer's name.
    reference: str
    #: Where the signal is resolved (None: nowhere in the tenant).
    endpoint: str | None = None
    url_values: dict[str, Any] = field(default_factory=dict)
    #: Dates and numbers the title and text are built from.
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def title(self) -> str:
        """The signal in a few words, translated when read (so a mail can use its reader's language)."""
        return self.describe()[0]

    @property
    def text(self) -> str:
        return self.describe()[1]

    def describe(self) -> tuple[str, str]:
        """The title and the text together (a page showing both translates and formats once)."""
        return _DESCRIPTIONS[self.kind](self)

    def url(self, **values: Any) -> str | None:
        """The link to where it is resolved (``values``: e.g. the tenant slug outside a request)."""
        return url_for(self.endpoint, **self.url_values, **values) if self.endpoint else None

    @property
    def handled_by_acknowledging(self) -> bool:
        return self.kind in HANDLED_KINDS


def _day(value: date) -> str:
    return format_date(value)


def _contact(signal: Signal) -> tuple[str, str]:
    title = ngettext("No contact for %(num)d day", "No contact for %(num)d days", signal.facts["days"])
    counted_from = signal.facts["counted_from"]
    if counted_from == "contact":
        return title, _("Last contact logged on %(date)s.", date=_day(signal.since))
    if counted_from == "start":
        return title, _("No contact logged since the start on %(date)s.", date=_day(signal.since))
    # Resumed after a pause (or its start registered later than the day it began).
    return title, _("No contact logged since the match became active on %(date)s.", date=_day(signal.since))


def _needs_coordinator(signal: Signal) -> tuple[str, str]:
    return (_("The volunteer asks for their coordinator"),
            _("Flagged in the log of a contact on %(date)s.", date=_day(signal.since)))


def _match_ending(signal: Signal) -> tuple[str, str]:
    end = _day(signal.since)
    title = _("Ends on %(date)s", date=end) if signal.severity == Severity.WARNING else _(
        "Should have ended on %(date)s", date=end)
    if signal.facts["reason"] == "planned":
        return title, _("The planned end agreed for this match.")
    return title, _("The maximum of 24 months since the start on %(date)s.", date=_day(signal.facts["started_on"]))


def _evaluation(signal: Signal) -> tuple[str, str]:
    return (_("Interim evaluation due since %(date)s", date=_day(signal.since)),
            _("The match started on %(date)s and has no interim evaluation yet.",
              date=_day(signal.facts["started_on"])))


def _waiting(signal: Signal) -> tuple[str, str]:
    return (ngettext("Waiting for a match for %(num)d day", "Waiting for a match for %(num)d days",
                     signal.facts["days"]),
            _("On the waiting list since %(date)s.", date=_day(signal.since)))


def _vog(signal: Signal) -> tuple[str, str]:
    expires = _day(signal.facts["expires_on"])
    title = _("VOG expired on %(date)s", date=expires) if signal.severity == Severity.ALARM else _(
        "VOG expires on %(date)s", date=expires)
    return title, _("Issued on %(date)s; the volunteer has an open match.", date=_day(signal.since))


def _t0_missing(signal: Signal) -> tuple[str, str]:
    return (_("No intake measurement (T0) yet"),
            _("Matched since %(date)s; record the T0 measurement from the intake.", date=_day(signal.since)))


def _t1_due(signal: Signal) -> tuple[str, str]:
    return (_("T1 measurement due on %(date)s", date=_day(signal.since)),
            _("The match started on %(date)s; the family is measured again a year later.",
              date=_day(signal.facts["started_on"])))


def _tend_missing(signal: Signal) -> tuple[str, str]:
    closed_on = signal.facts["closed_on"]
    return (_("No closing measurement (Tend) yet"),
            _("The case was closed on %(date)s.", date=_day(closed_on)) if closed_on
            else _("The case is being closed; record the Tend measurement before it is."))


def _job(signal: Signal) -> tuple[str, str]:
    last_run = signal.facts["last_run"]
    title = (_("The daily e-mail digest has not run since %(date)s", date=_day(last_run)) if last_run
             else _("The daily e-mail digest has not run yet"))
    return title, _("Coordinators get no e-mail about their signals. Ask the platform's administrator to "
                    "check the scheduled jobs.")


_DESCRIPTIONS: dict[SignalKind, Callable[[Signal], tuple[str, str]]] = {
    SignalKind.CONTACT_LATE: _contact, SignalKind.CONTACT_ALARM: _contact,
    SignalKind.NEEDS_COORDINATOR: _needs_coordinator, SignalKind.MATCH_ENDING: _match_ending,
    SignalKind.EVALUATION_DUE: _evaluation, SignalKind.WAITING_LONG: _waiting, SignalKind.VOG_EXPIRING: _vog,
    SignalKind.T0_MISSING: _t0_missing, SignalKind.T1_DUE: _t1_due, SignalKind.TEND_MISSING: _tend_missing,
    SignalKind.JOB_STALLED: _job,
}


def default_scope(role: Role) -> str:
    return "all" if role == Role.MANAGER else "mine"


def visible_to(signals: Iterable[Signal], user: User, role: Role, scope: str) -> list[Signal]:
    """The signals ``user`` (with ``role``) sees in ``scope``: their own caseload ("mine") or the
    whole tenant ("all"); the managers' kinds only for managers."""
    user_id, manager = user.id, role == Role.MANAGER  # once: ``user`` is often current_user, a proxy
    return [s for s in signals
            if (manager if s.kind in MANAGER_KINDS else scope == "all" or user_id in s.coordinator_ids)]


def in_caseload(signals: Iterable[Signal], user: User) -> list[Signal]:
    """The signals in ``user``'s own caseload, whatever their role (the managers' kinds are in
    nobody's caseload)."""
    user_id = user.id
    return [s for s in signals if user_id in s.coordinator_ids]


def by_kind(signals: Iterable[Signal]) -> list[tuple[SignalKind, list[Signal]]]:
    """The signals grouped by kind, in display order (kinds without signals left out)."""
    groups: dict[SignalKind, list[Signal]] = {}
    for signal in signals:
        groups.setdefault(signal.kind, []).append(signal)
    return [(kind, groups[kind]) for kind in SignalKind if kind in groups]
