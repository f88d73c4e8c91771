"""The volunteer's own families on the phone: first names, where they live, the agreements (how to
reach each other, how often, the goals), their coordinator, and the volunteer's own contact log.

Only the volunteer's own open matches are reachable: every page looks the match up with the
volunteer record linked to ``current_user``, so another volunteer's match, an ended match or a
contact someone else wrote is a 404 — exactly like a match that does not exist. Nothing from the
intake, the coordinator's notes, the help question, the referral or the measurements is loaded
for these pages, so a template cannot show it by mistake.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import partial
from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from saas.auth.models import User
from saas.auth.roles import Role
from saas.clock import local_today
from saas.drafts.keeping import parks_with
from saas.errors import or_404
from saas.forms import Form
from saas.i18n import _
from saas.web import Errors, FormPage, run_form, tenant_route
from saas.web.kept import render_kept
from saas.web.tenant import current_tenant, tenant_blueprint
from tenants.matching.contacts import operations, queries
from tenants.matching.contacts.schemas import VisitForm
from tenants.matching.contacts.views import (
    autosave,
    contact_values,
    contact_vocabulary,
    draft_values,
    in_savepoint,
    keep_as_draft,
    requested_page,
    run_contact_form,
)
from tenants.matching.matches import answers
from tenants.matching.matches.schemas import DeclineForm
from tenants.matching.models import Match
from tenants.matching.my_families.reach import contact_details_shown
from tenants.matching.vocabulary import VOLUNTEER_KINDS, ContactKind, ContactMode, Frequency
from tenants.volunteers import operations as volunteers
from tenants.volunteers.queries import own_record_id

bp = tenant_blueprint("my_families", __name__, template_folder="templates")
bp.context_processor(contact_vocabulary)
#: Rendered "my families" pages each process keeps (saas.web.kept).
KEPT_PAGES = 256
#: Every page here is the volunteer's own.
volunteer_route = partial(tenant_route, bp, roles=(Role.VOLUNTEER,))

#: How many of their own contacts a volunteer sees per page of a family's log.
LOG_PAGE_SIZE = 10


@bp.context_processor
def _vocabulary() -> dict[str, Any]:
    return {"Frequency": Frequency, "volunteer_kinds": sorted(VOLUNTEER_KINDS)}


def _my_record_id() -> uuid.UUID | None:
    """The id of the signed-in person's volunteer record (linked by e-mail address on first visit,
    as on their profile page); these pages need nothing else of it."""
    volunteer_id = own_record_id(current_user.id)
    if volunteer_id is None and volunteers.link_own_record(current_user) is not None:
        volunteer_id = own_record_id(current_user.id)
    return volunteer_id


def _my_match_or_404(match_id: uuid.UUID) -> Match:
    return or_404(queries.open_match_for(or_404(_my_record_id()), match_id))


@volunteer_route("/my/families/")
def index() -> str:
    volunteer_id = _my_record_id()
    if volunteer_id is None:
        return render_template("my_families/not_linked.html")
    today = local_today()

    def context() -> dict[str, Any]:
        matches = queries.open_matches_of(volunteer_id)
        recent = queries.recent_own_contacts([match.id for match in matches], current_user.id)
        return {"matches": matches, "recent": recent, "today": today}

    families = render_kept("my_families.index", current_tenant, (current_user.id, today), "my_families/_index.html",
                           context, size=KEPT_PAGES)
    return render_template("my_families/index.html", families_html=families)


def _visit_defaults() -> dict[str, Any]:
    """A visit at home today for an hour: "Save" alone logs the usual visit."""
    return {"kind": ContactKind.VISIT.value, "mode": ContactMode.HOME.value,
            "happened_on": local_today().isoformat(), "duration_minutes": 60}


def _render_family(match: Match, values: Any = None, errors: Errors | None = None, *,
                   answer_errors: Errors | None = None, answer_values: Any = None) -> str:
    """The family's page; ``answer_errors`` and ``answer_values`` belong to a refused answer to the proposal."""
    restored = False
    if values is None:
        values, restored = draft_values(match.family_id, _visit_defaults())
    page = queries.paginate(queries.own_log(match.id, current_user.id), requested_page(),
                            per_page=LOG_PAGE_SIZE)
    notes = {contact.id: operations.note_text(contact) for contact in page.items}
    reach = contact_details_shown(current_user, match)  # only while active; audited (my_families.reach)
    return render_template("my_families/show.html", match=match, family=match.family, page=page, notes=notes,
                           family_contact=reach,
                           values=values, errors=errors or {}, draft_restored=restored,
                           kept=bool(g.get("keep_refused_input")),
                           answer_errors=answer_errors or {}, answer_values=answer_values or {},
                           today=local_today())


def _own_log_url(match: Match, anchor: str = "#my-log") -> str:
    return url_for(".show", match_id=match.id) + anchor


@volunteer_route("/my/families/<uuid:match_id>")
def show(match_id: uuid.UUID) -> str:
    return _render_family(_my_match_or_404(match_id))


def _answer(match: Match, schema: Form, operation: Callable[[User, Match, dict[str, Any]], object],
            done: str) -> ResponseReturnValue:
    """Answer the proposal ``match``: a refusal shows the family's page again with the errors (422)."""
    return run_form(schema, partial(operation, current_user, match),
                    lambda errors: (_render_family(match, answer_errors=errors, answer_values=request.form), 422),
                    lambda _match: (done, url_for(".show", match_id=match.id) + "#proposal"))


@volunteer_route("/my/families/<uuid:match_id>/accept", methods=["POST"])
def accept(match_id: uuid.UUID) -> ResponseReturnValue:
    return _answer(_my_match_or_404(match_id), Form(), lambda actor, match, _data: answers.accept(actor, match),
                   _("You have accepted. Your coordinator will plan the next step with you."))


@volunteer_route("/my/families/<uuid:match_id>/decline", methods=["POST"])
def decline(match_id: uuid.UUID) -> ResponseReturnValue:
    return _answer(_my_match_or_404(match_id), DeclineForm(),
                   lambda actor, match, data: answers.decline(actor, match, data["reason"]),
                   _("You have declined. Your coordinator will get in touch with you."))


def _park_visit(match_id: uuid.UUID) -> str:
    """After the idle sign-out (saas.drafts): the visit log as sent becomes the volunteer's draft."""
    match = _my_match_or_404(match_id)
    keep_as_draft(match.family_id)
    return url_for(".show", match_id=match.id)


@volunteer_route("/my/families/<uuid:match_id>/contacts", methods=["POST"])
@parks_with(_park_visit)
def log(match_id: uuid.UUID) -> ResponseReturnValue:
    match = _my_match_or_404(match_id)
    return run_contact_form(VisitForm(not_before=match.proposed_on), match.family_id,
                            partial(operations.log_visit, current_user, match),
                            lambda errors: (_render_family(match, request.form, errors), 422),
                            lambda _contact: (_("Your visit has been logged. Thank you!"), _own_log_url(match)))


@volunteer_route("/my/families/<uuid:match_id>/contacts/draft", methods=["POST"])
@parks_with(_park_visit)
def draft(match_id: uuid.UUID) -> ResponseReturnValue:
    return autosave(_my_match_or_404(match_id).family_id)


@volunteer_route("/my/families/<uuid:match_id>/contacts/draft/discard", methods=["POST"])
def discard_draft(match_id: uuid.UUID) -> ResponseReturnValue:
    match = _my_match_or_404(match_id)
    operations.discard_draft(current_user, match.family_id)
    flash(_("The draft has been discarded."), "success")
    return redirect(_own_log_url(match, "#log-visit"))


@volunteer_route("/my/families/<uuid:match_id>/contacts/<uuid:contact_id>/edit", methods=["GET", "POST"])
def edit(match_id: uuid.UUID, contact_id: uuid.UUID) -> ResponseReturnValue:
    match = _my_match_or_404(match_id)
    contact = or_404(queries.own_contact(match.id, current_user.id, contact_id))

    def render(values: Any, errors: Errors) -> str:
        return render_template("my_families/edit.html", match=match, family=match.family, contact=contact,
                               values=values, errors=errors, today=local_today())

    # A correction is not a new log: a refused one is shown again, not kept as a draft.
    return FormPage(partial(VisitForm, not_before=match.proposed_on), render,
                    in_savepoint(partial(operations.update_visit, current_user, contact)),
                    lambda _none: (_("Your contact has been saved."), _own_log_url(match)),
                    values=lambda: contact_values(contact)).respond()
