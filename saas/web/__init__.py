"""One way to write a page: the request recipe every view module follows.

* :func:`tenant_route` declares a tenant route and the roles that may use it. Signing in is implied:
  the tenant hook (saas.web.tenant) sends visitors to the sign-in page and other tenants'
  members to a 404 before any view runs, so a tenant view never repeats ``login_required``.
* :class:`FormPage` is a form page: GET shows the form with its starting values; POST validates
  through the schema, runs the operation, flashes what happened and redirects — or shows the form
  again (422, or ``{"errors": …}`` for JSON) with the field errors, or with the operation's refusal
  (an ``OperationError``) as an error of the whole form, in the person's language. The request
  hook commits once when it succeeded and rolls back otherwise (saas.app).
* :func:`run_form` is the POST half on its own, for forms that live inside another page (a
  household member on the family file) and show that page again when refused; with
  :func:`back_with_refusal` for a button that has no form to show again.
* ``done`` gives ``(message, address)`` (a message of None: the next page says it), or
  ``(message, address, category)`` when what happened is
  not simply a success (a place on the waiting list is a warning).
* :func:`after_commit` leaves work for after the request's one commit: a background task must find
  the request's rows from another transaction (an RQ worker), or commits as it goes (a report
  generated inline), so no view commits halfway. Like mail (saas.mail), it is dropped on a rollback.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Generic, TypeVar, cast

import marshmallow as ma
from flask import Blueprint, flash, g, redirect, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from saas.auth.roles import Role
from saas.drafts import keeping as drafts
from saas.errors import OperationError, invalid_input
from saas.forms import validate_input
from saas.submissions import once
from saas.web.tenant import require_role

View = TypeVar("View", bound=Callable[..., ResponseReturnValue])
Result = TypeVar("Result")
#: Field errors by field name; ``_form`` holds errors of the whole form.
Errors = dict[str, Any]
#: The key on ``flask.g`` of the callbacks saas.app runs after the request's commit, in order.
AFTER_COMMIT = "after_commit"


def after_commit(callback: Callable[[], None]) -> None:
    """Run ``callback`` once this request has committed; never when it rolls back. It may flash
    (the session cookie is written after it) and handles its own failures: the answer is chosen."""
    g.setdefault(AFTER_COMMIT, []).append(callback)


def tenant_route(
    blueprint: Blueprint, rule: str, *, roles: Iterable[Role], methods: Iterable[str] = ("GET",)
) -> Callable[[View], View]:
    """Register the view at ``rule`` on a tenant blueprint, open to members with one of ``roles``
    (others get 403; the roles stay on the view for the route tests)."""
    allowed = tuple(roles)

    def decorator(view: View) -> View:
        guarded = require_role(*allowed)(view)
        blueprint.add_url_rule(rule, view_func=guarded, methods=list(methods))
        # Called like the view it wraps (functools.wraps), and carrying ``allowed_roles`` besides.
        return cast("View", guarded)

    return decorator


#: What ``done`` returns: (flash message, address) or (flash message, address, flash category). A
#: message of None flashes nothing: the page that follows says what happened (a progress bar).
Done = tuple[str | None, str] | tuple[str | None, str, str]


def run_form(
    schema: ma.Schema,
    operation: Callable[[dict[str, Any]], Result],
    refused: Callable[[Errors], ResponseReturnValue],
    done: Callable[[Result], Done],
) -> ResponseReturnValue:
    """Validate the request's input with ``schema`` and run ``operation`` on the clean data; then
    flash the message and redirect to the address ``done`` gives. When the input is invalid or the
    operation refuses, ``refused(errors)`` renders the page again (it answers 422).

    A request that carries a submission token (saas.submissions) runs once: a repeat of it (a
    double click, a client's retry) answers the first result and writes nothing."""
    own = once.claim()
    if own is not None and own.repeat:
        return once.answer_repeat(own.row)
    data, errors = validate_input(schema)
    if not errors:
        try:
            result = operation(data)
        except OperationError as refusal:
            errors = {refusal.field: [str(refusal)]}
    if errors:
        once.release(own)
        return invalid_input(errors, lambda: refused(errors))
    message, url, *category = done(result)
    once.settle(own, url)
    if message is not None:
        flash(message, category[0] if category else "success")
    return redirect(url)


def back_with_refusal(url: str) -> Callable[[Errors], ResponseReturnValue]:
    """``refused`` for run_form when there is no form to show again (a button: invite, cancel): the
    refusal is flashed on the page at ``url`` instead."""

    def refused(errors: Errors) -> ResponseReturnValue:
        for messages in errors.values():
            for message in messages:
                flash(message, "error")
        return redirect(url)

    return refused


@dataclass(frozen=True)
class FormPage(Generic[Result]):
    """A page with one form: what to show, how to validate, what to run and where to go next."""

    #: The schema that validates the submitted form (built per request: choices depend on the tenant).
    schema: Callable[[], ma.Schema]
    #: Renders the page for ``(values, errors)``: the starting values on GET, what was typed on a refusal.
    render: Callable[[Mapping[str, Any], Errors], str]
    #: Runs the change with the clean data (an operation: it flushes and audits, never commits).
    operation: Callable[[dict[str, Any]], Result]
    #: ``(flash message, address)`` after the change (or with a flash category as a third item).
    done: Callable[[Result], Done]
    #: The form's starting values on GET (an edit form: what is stored, as the form shows it).
    values: Callable[[], Mapping[str, Any]] = field(default=dict)

    def respond(self) -> ResponseReturnValue:
        # A page that keeps drafts (saas.drafts): its form autosaves, comes back as it was typed,
        # and is forgotten once sent, in the same transaction as the change.
        page = drafts.page_of_request()
        if page is not None:
            g.draft_page = page
            answer = drafts.answer_draft_request(current_user, page)
            if answer is not None:
                return answer
        if request.method == "GET":
            restored = drafts.restore(current_user, page) if page is not None else None
            return self.render(restored.values if restored else self.values(), {})
        operation = self.operation if page is None else partial(_then_discard, self.operation, page)
        return run_form(
            self.schema(), operation, lambda errors: (self.render(request.form, errors), 422), self.done
        )


def _then_discard(operation: Callable[[dict[str, Any]], Result], page: str, data: dict[str, Any]) -> Result:
    result = operation(data)
    drafts.discard(current_user, page)
    return result
