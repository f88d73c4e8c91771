"""Which pages keep drafts, and reading, saving and discarding one.

A page's draft is keyed by the page's address (its path: the form's own address, which names the
form and what it is about — ``/t/<slug>/families/<id>/intake``) and its author, so it comes back on
any device the author signs in on. Only the author ever reads it, and only on that page, which the
view has already guarded (tenant, role, the record itself).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from flask import current_app, flash, g, redirect, request
from flask.typing import ResponseReturnValue
from sqlalchemy import delete, select
from werkzeug.datastructures import MultiDict

from saas.auth.models import User
from saas.auth.session import AUTOSAVE_HEADER, session_ending
from saas.crypto import open_text, seal_text
from saas.db import db, get_or_create, utcnow
from saas.drafts.models import DRAFT_DAYS, FormDraft
from saas.forms import RECIPE_FIELDS
from saas.i18n import _

#: An autosave (static/drafts.js) says "save" in the header AUTOSAVE_HEADER, or in this field of
#: its body (a beacon has no headers); the restored draft's notice sends "discard" in it.
DRAFT_FIELD = "_draft"
PURPOSE = "form_draft"

View = TypeVar("View", bound=Callable[..., Any])


@dataclass(frozen=True)
class KeptDraft:
    """A draft as a page shows it: the fields as the browser sent them, and when it was saved."""

    values: MultiDict[str, str]
    saved_at: datetime
    #: How long an untouched draft is kept (saas.drafts.jobs), for the notice to say.
    days_kept: int = DRAFT_DAYS


def keeps_drafts(view: View) -> View:
    """Mark a form view (below its route decorator): its page keeps drafts. The form recipe
    (saas.web.FormPage) restores, autosaves and discards them; the idle sign-out parks a late
    submission in them (:func:`park_submission`)."""
    view.keeps_drafts = True  # type: ignore[attr-defined]
    return view


def parks_with(park: Callable[..., str]) -> Callable[[View], View]:
    """Mark a form view that keeps its drafts its own way (a contact log): after the idle sign-out,
    ``park(**view_args)`` keeps what the request carries and returns the page to come back to."""
    def mark(view: View) -> View:
        view.park_submission = park  # type: ignore[attr-defined]
        return view
    return mark


def _view() -> Any:
    return current_app.view_functions.get(request.endpoint or "")


def page_of_request() -> str | None:
    """This request's draft page (its path), when its view keeps drafts and it is a tenant page."""
    if g.get("tenant") is None or not getattr(_view(), "keeps_drafts", False):
        return None
    return request.path


def is_autosave() -> bool:
    """An autosave says so in a header, or in its body when it is a beacon (which has no headers)."""
    return request.headers.get(AUTOSAVE_HEADER) == "save" or (
        request.method == "POST" and request.form.get(DRAFT_FIELD) == "save")


def wants_discard() -> bool:
    return request.method == "POST" and request.form.get(DRAFT_FIELD) == "discard"


def _statement(author_id: uuid.UUID, page: str) -> Any:
    return select(FormDraft).where(FormDraft.author_id == author_id, FormDraft.page == page)


def kept(author: User, page: str) -> KeptDraft | None:
    """The author's draft of ``page``, or None."""
    draft = db.session.scalars(_statement(author.id, page)).first()
    if draft is None:
        return None
    pairs = json.loads(open_text(draft.data_sealed, PURPOSE, draft.id) or "[]")
    return KeptDraft(MultiDict([(str(key), str(value)) for key, value in pairs]), draft.updated_at)


def keep(author: User, page: str, form: MultiDict[str, str]) -> None:
    """Keep what ``form`` holds (every field as sent, also what would not validate yet) as the
    author's draft of ``page``, replacing the one before."""
    # The tokens the recipe adds belong to the send they came with, not to the draft.
    pairs = [(key, value) for key, value in form.items(multi=True) if key not in RECIPE_FIELDS]
    draft = get_or_create(db.session, _statement(author.id, page),
                          lambda: FormDraft(author_id=author.id, page=page, data_sealed=b""))
    draft.data_sealed = seal_text(json.dumps(pairs), PURPOSE, draft.id) or b""
    draft.updated_at = utcnow()
    db.session.flush()


def discard(author: User, page: str) -> None:
    db.session.execute(delete(FormDraft).where(FormDraft.author_id == author.id, FormDraft.page == page))


def park_submission(author: User) -> str | None:
    """Called by the idle sign-out (the ``session_ending`` signal) before it ends ``author``'s
    session: when this request posts a form whose page keeps drafts, and the author may use that
    page, keep what it carries as their draft (the sign-out's redirect commits it). Returns the
    page to come back to after signing in.

    The tenant is already entered (saas.web.tenant runs before the sign-out check) and the form's
    token was checked against the ending session, so only the author's own form can be parked.
    """
    view = _view()
    if request.method != "POST" or g.get("tenant") is None or g.membership.role not in getattr(
            view, "allowed_roles", ()):
        return None
    own_way: Callable[..., str] | None = getattr(view, "park_submission", None)
    page: str | None
    if own_way is not None:
        page = own_way(**(request.view_args or {}))
    elif (page := page_of_request()) is not None:
        keep(author, page, request.form)
    g.keep_refused_input = True  # the autosave's 401 commits the draft too (saas.app)
    return page


def answer_draft_request(author: User, page: str, shown_at: str | None = None) -> ResponseReturnValue | None:
    """The answer to a request that only concerns the draft of ``page`` (an autosave: 204; the
    notice's discard button: the form again, empty, at ``shown_at``, else ``page``), or None for
    a real submission or a visit."""
    if is_autosave():
        keep(author, page, request.form)
        return "", 204
    if wants_discard():
        discard(author, page)
        flash(_("The draft has been discarded."), "success")
        return redirect(shown_at or page, 303)
    return None


def restore(author: User, page: str, *, posted_to: str | None = None,
            identified_by: dict[str, str] | None = None) -> KeptDraft | None:
    """The author's draft of ``page`` for the page to show, remembered for the notice above the
    form (drafts/_notice.html, included by base.html), whose discard button posts to the form's
    address (``posted_to``, else ``page``) with the fields ``identified_by`` that name the draft."""
    g.draft_page = posted_to or page
    g.draft_fields = identified_by or {}
    g.restored_draft = draft = kept(author, page)
    return draft


def init_drafts() -> None:
    """Let the idle sign-out keep a form sent too late (called once while the app is built)."""
    session_ending.connect(park_submission)
