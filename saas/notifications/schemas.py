"""The preferences form: one choice per kind of notification that concerns the person's role.
Safety kinds are not fields (they cannot be changed); any other name is refused, so a tampered
form changes nothing."""

from __future__ import annotations

from typing import Any, cast

from marshmallow import ValidationError, validates_schema
from marshmallow.fields import Field

from saas.auth.roles import Role
from saas.forms import RECIPE_FIELDS, Choice, Form
from saas.i18n import L_
from saas.notifications.registry import Choice as Preference
from saas.notifications.registry import kind_named, kinds_for


class _PreferencesForm(Form):
    @validates_schema(pass_original=True)
    def _refuse_other_kinds(self, _data: dict[str, Any], original: Any, **_kwargs: Any) -> None:
        names = set(original.keys()) if hasattr(original, "keys") else set()
        for name in sorted(names - set(self.fields) - RECIPE_FIELDS):
            kind = kind_named(name)
            if kind is not None and kind.safety:
                raise ValidationError(L_("“%(kind)s” is always sent at once; it cannot be changed.",
                                         kind=kind.label), "_form")
            raise ValidationError(L_("There is no notification “%(name)s” to choose for.", name=name[:40]),
                                  "_form")


def preferences_form(role: Role) -> Form:
    """The form for a member with ``role``: a required choice per kind that concerns them and is
    not a safety kind."""
    fields: dict[str, Field[Any]] = {kind.key: Choice(Preference, required=True) for kind in kinds_for(role)
                                if not kind.safety}
    return cast("Form", _PreferencesForm.from_dict(fields, name="PreferencesForm")())
