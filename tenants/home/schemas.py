"""Input for the home page: which signals to show, and acknowledging one."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from saas.forms import REQUIRED, Choice, Form, String
from saas.i18n import L_
from tenants.home.signals import SCOPES, SignalKind

INVALID = L_("This value is not valid.")


class HomeQuery(Form):
    scope = Choice(list(SCOPES))
    #: One kind of signal on its own, every one of them (the start page lists the first few of each).
    kind = Choice(SignalKind)


class AcknowledgeForm(Form):
    kind = Choice(SignalKind, required=True)
    #: Not a RowId: which table the id names depends on ``kind`` (a match, a family, a volunteer, a
    #: contact moment that asks for the coordinator, or the tenant itself), and a subject that is not
    #: there answers 404, not a form error; the view looks it up with its kind (queries.subject_of).
    subject_id = ma.fields.UUID(required=True, error_messages={"required": REQUIRED, "null": REQUIRED,
                                                               "invalid_uuid": INVALID})
    #: As the page received it: a date, a time or a word (see tenants.home.queries).
    key = String(max_length=80, required=True, validate=validate.Regexp(r"^[\w:.+/-]+$", error=INVALID))
    #: The scope to return to.
    scope = Choice(list(SCOPES))
