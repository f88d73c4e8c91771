"""The person's notification preferences in one organisation: /t/<slug>/account/notifications.

Part of their account area (the account page links here per organisation), but a tenant page:
preferences are per organisation, because the role — and so what concerns them — is."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from saas.i18n import L_, _
from saas.notifications import preferences
from saas.notifications.registry import Choice
from saas.notifications.schemas import preferences_form
from saas.web import Errors, FormPage, tenant_route
from saas.web.tenant import ALL_ROLES, current_membership, current_tenant, tenant_blueprint

bp = tenant_blueprint("notifications", __name__, template_folder="templates")

AUDIT_LABELS = {"notifications.preferences_changed": L_("Notification preferences changed")}


def _current_values() -> dict[str, Any]:
    return {kind.key: choice.value for kind, choice in preferences.choices_of(current_user, current_membership.role)}


def _render(values: Mapping[str, Any], errors: Errors) -> str:
    return render_template("notifications/preferences.html", tenant=current_tenant, errors=errors, values=values,
                           choices=Choice.choices(), rows=preferences.choices_of(current_user, current_membership.role))


def _save(data: dict[str, Any]) -> list[str]:
    return preferences.save_choices(current_user, current_membership.role, data)


@tenant_route(bp, "/account/notifications", roles=ALL_ROLES, methods=["GET", "POST"])
def edit() -> ResponseReturnValue:
    return FormPage(lambda: preferences_form(current_membership.role), _render, _save,
                    lambda _changed: (_("Your notification preferences have been saved."), url_for(".edit")),
                    values=_current_values).respond()
