"""Contact moments for coordinators and managers: the contact log of a family, logging their own
contacts, and handling a volunteer's "I need my coordinator".

Also the draft handling both contact forms share (the volunteer's in my_families/views.py):

* while the author types, saas/static/drafts.js posts the form to a draft
  endpoint (:func:`autosave`, 204), so a closed tab or a dead battery loses nothing;
* when a save is refused (bad input, or an operation's refusal), :func:`run_contact_form`
  (saas.web.run_form with the draft added) keeps what was typed as the author's draft and
  answers 422 with the form again. A 422 normally rolls the request back
  (saas.app._commit_request); the view sets ``g.keep_refused_input`` so the draft is committed.
  That is safe because the refused operation ran in a savepoint that was rolled back: the draft
  is the only write left in the session;
* saving the log discards the draft, and a late autosave that repeats the saved contact is
  dropped when the form is opened again (:func:`draft_values`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from flask import Response, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from saas.auth.roles import Role
from saas.clock import local_today
from saas.db import db
from saas.drafts.keeping import parks_with
from saas.errors import or_404, wants_json
from saas.forms import Form, PageQuery, validate_input, validate_query
from saas.i18n import L_, _
from saas.web import Done, Errors, back_with_refusal, run_form, tenant_route
from saas.web.tenant import tenant_blueprint
from tenants.families import operations as families
from tenants.families.models import Family
from tenants.life_domains import LIFE_DOMAINS, life_domain_choices
from tenants.matching.contacts import operations, queries
from tenants.matching.contacts.schemas import (
    CONTACT_FIELDS,
    COORDINATOR_KINDS,
    MAX_MINUTES,
    STAFF_NOTE_LENGTH,
    VISIT_NOTE_LENGTH,
    DraftForm,
    StaffContactForm,
)
from tenants.matching.models import ContactMoment
from tenants.matching.vocabulary import ContactKind, ContactMode

bp = tenant_blueprint("contacts", __name__, template_folder="templates")

STAFF = (Role.COORDINATOR, Role.MANAGER)
#: Every page of a family's contact log is for staff.
staff_route = partial(tenant_route, bp, roles=STAFF)
Result = TypeVar("Result")

#: Names of this module's audit actions, declared in the package's front door (saas.audit.labels).
AUDIT_LABELS = {
    "contact.logged": L_("Contact logged"),
    "contact.updated": L_("Contact changed"),
    "contact.handled": L_("Request for the coordinator handled"),
}


def contact_vocabulary() -> dict[str, Any]:
    """The fixed lists the contact templates offer as choices and show as labels."""
    return {"ContactKind": ContactKind, "ContactMode": ContactMode, "LIFE_DOMAINS": LIFE_DOMAINS,
            "life_domains": life_domain_choices(), "MAX_MINUTES": MAX_MINUTES,
            "VISIT_NOTE_LENGTH": VISIT_NOTE_LENGTH, "STAFF_NOTE_LENGTH": STAFF_NOTE_LENGTH}


bp.context_processor(contact_vocabulary)


# Drafts, shared with the volunteer's pages -------------------------------------------------------

def _typed_fields() -> dict[str, Any] | None:
    """The contact form's fields as typed (allowlisted and size-checked), or None when there is
    nothing to keep or the input is not even a plausible draft."""
    data, errors = validate_input(DraftForm())
    if errors:
        return None
    fields = {key: value for key, value in data.items() if value not in (None, "", [], False)}
    return fields or None


def keep_as_draft(family_id: uuid.UUID) -> None:
    """Keep the refused input as the author's draft and let the 422 commit it (see the module)."""
    fields = _typed_fields()
    if fields:
        operations.save_draft(current_user, family_id, fields)
        g.keep_refused_input = True


def in_savepoint(operation: Callable[[dict[str, Any]], Result]) -> Callable[[dict[str, Any]], Result]:
    """``operation`` in a savepoint: a refusal leaves no half-done write behind (only a kept draft)."""
    def run(data: dict[str, Any]) -> Result:
        with db.session.begin_nested():
            return operation(data)
    return run


def run_contact_form(form: Form, family_id: uuid.UUID, operation: Callable[[dict[str, Any]], Result],
                     refused: Callable[[Errors], ResponseReturnValue],
                     done: Callable[[Result], Done]) -> ResponseReturnValue:
    """run_form for a new contact log: a refused one (bad input, or the operation's refusal) is also
    kept as the author's draft before ``refused`` shows the form again (422)."""
    def keep_and_refuse(errors: Errors) -> ResponseReturnValue:
        keep_as_draft(family_id)  # first: the page says the input was kept
        return refused(errors)

    response = run_form(form, in_savepoint(operation), keep_and_refuse, done)
    if wants_json() and isinstance(response, Response) and response.status_code == 422:
        keep_as_draft(family_id)  # run_form answers a JSON client itself, without calling refused
    return response


def autosave(family_id: uuid.UUID) -> ResponseReturnValue:
    """The draft endpoint drafts.js posts to as the author types: 204, or 422 with errors."""
    data, errors = validate_input(DraftForm())
    if errors:
        return {"errors": errors}, 422
    fields = {key: value for key, value in data.items() if value not in (None, "", [], False)}
    if fields:
        operations.save_draft(current_user, family_id, fields)
    return "", 204


def draft_values(family_id: uuid.UUID, defaults: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The form's starting values: the author's draft over ``defaults``; True when a draft was restored.

    A draft that repeats the contact the author logged last for the family is deleted instead of
    restored. Saving the log discards the draft, but an autosave that was still on its way (posted
    just before the form was sent) can arrive after that and bring the draft back. Its timestamp
    cannot tell it from new work, since it is written after the contact; its content can: it holds
    exactly what was just logged. Dropping such a draft loses nothing that is not saved already.
    drafts.js aborts a pending autosave on submit, so a straggler that differs from the
    contact (text typed while it was under way) is rare; it is restored, and can be discarded.
    """
    draft = queries.draft_of(current_user.id, family_id)
    if draft and _repeats_latest_contact(draft, family_id):
        operations.discard_draft(current_user, family_id)
        draft = None
    return ({**defaults, **draft}, True) if draft else (defaults, False)


def contact_values(contact: ContactMoment) -> dict[str, Any]:
    """A saved contact as its form sends it (the note in plain text: callers decide who may read it)."""
    return {"kind": contact.kind.value, "mode": contact.mode.value, "happened_on": contact.happened_on.isoformat(),
            "duration_minutes": contact.duration_minutes, "domains": list(contact.domains or []),
            "note": operations.note_text(contact) or "", "needs_coordinator": contact.needs_coordinator}


def _comparable(fields: dict[str, Any]) -> dict[str, Any]:
    """A contact's fields, as typed or as saved, in one form: "060 " and 60 compare equal, as do
    the domains in any order and an empty note and none."""
    def text(value: Any) -> str:
        return "" if value is None else str(value).replace("\r\n", "\n").strip()

    comparable: dict[str, Any] = {key: text(fields.get(key)) for key in CONTACT_FIELDS}
    if comparable["duration_minutes"].isdigit():
        comparable["duration_minutes"] = int(comparable["duration_minutes"])
    domains = fields.get("domains") or []
    comparable["domains"] = sorted({text(code) for code in domains if text(code)}) if isinstance(domains, list) else []
    comparable["needs_coordinator"] = fields.get("needs_coordinator") is True
    return comparable


def _repeats_latest_contact(draft: dict[str, Any], family_id: uuid.UUID) -> bool:
    contact = queries.latest_own_contact(current_user.id, family_id)
    return contact is not None and _comparable(draft) == _comparable(contact_values(contact))


def requested_page() -> int | None:
    """The log's page from the query string; None (the first page) when it is missing or bad."""
    page: int | None = validate_query(PageQuery()).get("page")
    return page


# The family's contact log ------------------------------------------------------------------------

def _family_or_404(family_id: uuid.UUID) -> Family:
    return or_404(db.session.scalars(select(Family).where(Family.id == family_id)
                                     .options(selectinload(Family.coordinator))).first())


def _defaults() -> dict[str, Any]:
    return {"kind": ContactKind.COORDINATOR_FAMILY.value, "mode": ContactMode.PHONE.value,
            "happened_on": local_today().isoformat(), "duration_minutes": 30}


def _render_log(family: Family, values: Any = None, errors: Errors | None = None) -> str:
    restored = False
    if values is None:
        values, restored = draft_values(family.id, _defaults())
    page = queries.paginate(queries.family_log(family.id), requested_page())
    notes = {contact.id: operations.note_text(contact) for contact in page.items}
    return render_template("contacts/index.html", family=family, page=page, notes=notes, values=values,
                           errors=errors or {}, draft_restored=restored, kept=bool(g.get("keep_refused_input")),
                           match=queries.match_of_family(family.id), kinds=COORDINATOR_KINDS,
                           today=local_today())


def _log_url(family_id: uuid.UUID, anchor: str = "") -> str:
    return url_for(".index", family_id=family_id) + anchor


@staff_route("/families/<uuid:family_id>/contacts")
def index(family_id: uuid.UUID) -> str:
    family = _family_or_404(family_id)
    families.record_view(current_user, family)  # the log holds notes about the family
    return _render_log(family)


def _park_log(family_id: uuid.UUID) -> str:
    """After the idle sign-out (saas.drafts): the contact log as sent becomes the author's draft."""
    family = _family_or_404(family_id)
    keep_as_draft(family.id)
    return _log_url(family.id)


@staff_route("/families/<uuid:family_id>/contacts", methods=["POST"])
@parks_with(_park_log)
def log(family_id: uuid.UUID) -> ResponseReturnValue:
    family = _family_or_404(family_id)
    return run_contact_form(StaffContactForm(not_before=family.referred_on), family.id,
                            partial(operations.log_staff_contact, current_user, family),
                            lambda errors: (_render_log(family, request.form, errors), 422),
                            lambda _contact: (_("The contact has been logged."), _log_url(family.id)))


@staff_route("/families/<uuid:family_id>/contacts/draft", methods=["POST"])
@parks_with(_park_log)
def draft(family_id: uuid.UUID) -> ResponseReturnValue:
    return autosave(_family_or_404(family_id).id)


@staff_route("/families/<uuid:family_id>/contacts/draft/discard", methods=["POST"])
def discard_draft(family_id: uuid.UUID) -> ResponseReturnValue:
    family = _family_or_404(family_id)
    operations.discard_draft(current_user, family.id)
    flash(_("The draft has been discarded."), "success")
    return redirect(_log_url(family.id, "#log-contact"))


@staff_route("/families/<uuid:family_id>/contacts/<uuid:contact_id>/handled", methods=["POST"])
def handled(family_id: uuid.UUID, contact_id: uuid.UUID) -> ResponseReturnValue:
    contact = or_404(db.session.scalars(select(ContactMoment).where(
        ContactMoment.id == contact_id, ContactMoment.family_id == family_id)).first())
    back = _log_url(family_id, f"#contact-{contact.id}")
    return run_form(Form(), lambda _nothing: operations.mark_handled(current_user, contact),
                    back_with_refusal(back), lambda _none: (_("Marked as handled."), back))
