"""Input for contact moments: the volunteer's visit log, the coordinator's own contacts, and drafts.

The date limits depend on the match or family, so they are passed in when the form is built:
``VisitForm(not_before=match.proposed_on)``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from marshmallow import validates_schema

from saas.forms import (
    Boolean,
    Choice,
    ChoiceList,
    Date,
    Form,
    Integer,
    String,
    StringList,
    raise_errors,
    refuse_future_dates,
)
from saas.i18n import L_
from tenants.life_domains import LIFE_DOMAINS
from tenants.matching.vocabulary import VOLUNTEER_KINDS, ContactKind, ContactMode

#: The kinds a coordinator or manager logs (the volunteer's are in VOLUNTEER_KINDS).
COORDINATOR_KINDS = [kind for kind in ContactKind if kind not in VOLUNTEER_KINDS]
#: A short note: the volunteer's log is light-weight; the coordinator's note may say a bit more.
VISIT_NOTE_LENGTH, STAFF_NOTE_LENGTH = 1000, 4000
#: A contact lasts at least a minute and at most a (long) day out.
MAX_MINUTES = 720

#: The fields of both contact forms, in the order the forms show them (drafts keep these).
CONTACT_FIELDS = ("kind", "mode", "happened_on", "duration_minutes", "domains", "note", "needs_coordinator")


class KindChoice(Choice):
    """One of ``kinds`` (a subset of ContactKind); returns the member."""

    def __init__(self, kinds: Any, **kwargs: Any) -> None:
        super().__init__([kind.value for kind in kinds], **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> ContactKind:
        return ContactKind(super()._deserialize(value, attr, data, **kwargs))


class _ContactForm(Form):
    """What every contact records; ``not_before`` is the earliest date it can have happened."""

    mode = Choice(ContactMode, required=True)
    happened_on = Date(required=True)
    duration_minutes = Integer(minimum=1, maximum=MAX_MINUTES, required=True)
    domains = ChoiceList(list(LIFE_DOMAINS))

    #: The message for a date before ``not_before`` (the subclass says before what).
    too_early = L_("This date is too early.")

    def __init__(self, *, not_before: date | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.not_before = not_before

    @validates_schema
    def _check_date(self, data: dict[str, Any], **_kwargs: Any) -> None:
        errors: dict[str, list[Any]] = {}
        refuse_future_dates(errors, data, "happened_on")
        happened_on = data.get("happened_on")
        if happened_on is not None and self.not_before is not None and happened_on < self.not_before:
            errors.setdefault("happened_on", []).append(self.too_early)
        raise_errors(errors)


class VisitForm(_ContactForm):
    """The volunteer's log of a visit or activity with the family."""

    kind = KindChoice(sorted(VOLUNTEER_KINDS), load_default=ContactKind.VISIT)
    note = String(max_length=VISIT_NOTE_LENGTH, allow_none=True)
    #: "I need my coordinator": the coordinator gets a signal.
    needs_coordinator = Boolean()

    too_early = L_("This date cannot be before the match was proposed.")


class StaffContactForm(_ContactForm):
    """A coordinator's or manager's own contact with the family, the volunteer or a professional."""

    kind = KindChoice(COORDINATOR_KINDS, required=True)
    note = String(max_length=STAFF_NOTE_LENGTH, allow_none=True)

    too_early = L_("This date cannot be before the referral.")


class DraftText(String):
    """A draft keeps what was typed, also when it is not valid yet: a number or a yes from a JSON
    client becomes text, and only the length is limited (generously, so nothing typed is cut off
    before the real form can say what is too long)."""

    def deserialize(self, value: Any, attr: str | None = None, data: Any = None, **kwargs: Any) -> Any:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        return super().deserialize(value, attr, data, **kwargs)


class DraftForm(Form):
    """A half-written contact log, as typed (autosaved, or kept when a save was refused)."""

    kind = DraftText(max_length=60, allow_none=True)
    mode = DraftText(max_length=60, allow_none=True)
    happened_on = DraftText(max_length=40, allow_none=True)
    duration_minutes = DraftText(max_length=40, allow_none=True)
    domains = StringList(max_items=len(LIFE_DOMAINS) + 5, max_length=60)
    note = DraftText(max_length=2 * STAFF_NOTE_LENGTH, allow_none=True)
    needs_coordinator = Boolean()

    #: ChoiceList's marker: a form sends one ``domains`` field per ticked box.
    domains.multiple = True  # type: ignore[attr-defined]
