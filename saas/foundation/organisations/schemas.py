"""Input for creating and editing tenants."""

from __future__ import annotations

import re

from marshmallow import validate

from saas.forms import Boolean, Choice, Email, Form, String, StringList
from saas.i18n import L_, LANGUAGES

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class TenantForm(Form):
    name = String(required=True, max_length=120)
    municipalities = StringList(required=True, max_items=30, min_items=1)
    default_locale = Choice(list(LANGUAGES), required=True)


class EditTenantForm(TenantForm):
    is_active = Boolean()


class CreateTenantForm(TenantForm):
    slug = String(
        required=True,
        max_length=40,
        validate=[
            validate.Length(min=3, error=L_("Use at least {min} characters.")),
            validate.Regexp(SLUG_PATTERN, error=L_("Use lowercase letters, digits and single hyphens only.")),
        ],
    )
    manager_email = Email(required=True)


class InviteManagerForm(Form):
    manager_email = Email(required=True)
