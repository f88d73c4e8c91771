"""Claiming a submission token for this request, and answering a repeat with the first result.

The flow (saas.web.run_form): :func:`claim` before anything else is written, :func:`settle` with
the address of the answer once the change is done, :func:`release` when the form is refused (so
the corrected form can be sent with the same token). All three only flush: the request's one
commit saves the token together with the change, or neither.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

from flask import flash, g, redirect, request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from saas.db import db
from saas.errors import error_response
from saas.forms import RECIPE_FIELDS
from saas.i18n import _
from saas.submissions.models import TOKEN_LENGTH, Submission

#: The hidden field of an HTML form (templates: the ``csrf()`` macro) …
FIELD_NAME = "submission_token"
#: … and the header of a JSON client.
HEADER_NAME = "Idempotency-Key"
#: Fields that are no part of what was sent: they differ between two sends of the same form.
NOT_CONTENT = RECIPE_FIELDS
_TOKEN = re.compile(rf"[A-Za-z0-9_.:-]{{8,{TOKEN_LENGTH}}}")


def new_token() -> str:
    """A fresh token for a form being rendered (a template global)."""
    return secrets.token_urlsafe(16)


def request_token() -> str | None:
    """The token this request carries, or None (none sent, or not a well-formed one)."""
    token = request.headers.get(HEADER_NAME) or request.form.get(FIELD_NAME)
    return token if token and _TOKEN.fullmatch(token) else None


def fingerprint() -> str:
    """A hash of what the request sent, without the fields that change from one send to the next."""
    digest = hashlib.sha256()
    if request.is_json:
        digest.update(request.get_data())
    else:
        for key, value in sorted(request.form.items(multi=True)):
            if key not in NOT_CONTENT:
                digest.update(f"{len(key)}:{key}={len(value)}:{value};".encode())
        for key, upload in sorted(request.files.items(multi=True), key=lambda item: item[0]):
            digest.update(f"file {key}={upload.filename}:".encode())
            for chunk in iter(lambda: upload.stream.read(65536), b""):  # noqa: B023 - consumed at once
                digest.update(chunk)
            upload.stream.seek(0)  # the form reads it next
    return digest.hexdigest()


@dataclass(frozen=True)
class Claim:
    """What :func:`claim` found: this request's own new row, or the earlier one with the token."""

    row: Submission
    repeat: bool


def claim() -> Claim | None:
    """Claim this request's token for its author in the bound tenant; None when the request carries
    none, or it is not a signed-in tenant request (no tenant table to keep it in)."""
    token = request_token()
    if token is None or g.get("tenant") is None or not current_user.is_authenticated:
        return None
    sent = fingerprint()
    row = Submission(author_id=current_user.id, token=token, fingerprint=sent)
    try:
        # A savepoint: a refused insert leaves the request's transaction usable. On PostgreSQL a
        # concurrent insert of the same token waits here until the first request commits.
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        earlier = db.session.scalar(select(Submission).where(Submission.author_id == current_user.id,
                                                             Submission.token == token))
        # None when the row went away in between (the daily clean-up), or when the same token came
        # with other contents: a stale page (back button) sent again with new text, or an edit form
        # sent a second time. That is a new submission the person means; it runs unguarded, like a
        # form without a token, rather than being dropped or refused.
        return Claim(earlier, repeat=True) if earlier is not None and earlier.fingerprint == sent else None
    return Claim(row, repeat=False)


def answer_repeat(earlier: Submission) -> ResponseReturnValue:
    """The first result again: its redirect (409, nothing written, if it has none yet)."""
    if earlier.location is None:
        return error_response(409, _("This form is still being saved. Please wait a moment and reload the page."))
    flash(_("This form had already been sent; it has been saved once."), "info")
    return redirect(earlier.location)


def settle(own: Claim | None, location: str) -> None:
    """Remember where the change's answer leads, for a repeat to answer the same."""
    if own is not None:
        own.row.location = location


def release(own: Claim | None) -> None:
    """Give the token back after a refusal: a refused request may still commit what it keeps for its
    author (a draft, saas.app.KEPT_STATUSES), and a token of a refused form must stay unused."""
    if own is not None:
        db.session.delete(own.row)
        db.session.flush()
