"""The main navigation of every page (saas/templates/base.html): which links a person sees, by their
role in the tenant of the page or at the foundation, and which of them is the current page.

The links of a kind of reader (language, role, tenant, foundation or not) are the same on every page,
so they are built (url_for and translation) once per process and kept (issue 19: a dozen url_for and
translations per request were a third of the layout's time); only "is this the current page" is
decided per request, from the endpoint.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import current_app, g, request, url_for
from flask_babel.speaklater import LazyString
from flask_login import current_user

from saas.auth.roles import Role
from saas.i18n import L_, get_locale

_STAFF = (Role.MANAGER, Role.COORDINATOR)
_MANAGER = (Role.MANAGER,)


@dataclass(frozen=True)
class _Entry:
    endpoint: str
    label: LazyString
    #: Roles in a tenant that see it; None: a foundation link (outside tenants).
    roles: tuple[Role, ...] | None
    #: Current on the endpoints starting with this (e.g. "families."), or on ``endpoint`` alone when empty.
    section: str = ""
    #: Endpoints of the section that have a link of their own.
    except_on: tuple[str, ...] = ()
    #: Never marked current (the foundation's catalogues share no prefix of their own).
    never_current: bool = False
    #: The staff's family search box rather than a link (``label`` is its label).
    search: bool = False


_TENANT_ENTRIES = (
    _Entry("home.index", L_("Start"), tuple(Role)),
    _Entry("families.index", L_("Families"), _STAFF, "families.", ("families.waiting", "families.search_page")),
    _Entry("families.waiting", L_("Waiting list"), _STAFF),
    _Entry("volunteers.index", L_("Volunteers"), _STAFF, "volunteers."),
    _Entry("matches.index", L_("Matches"), _STAFF, "matches."),
    _Entry("groups.index", L_("Groups"), _STAFF, "groups."),
    _Entry("trainings.index", L_("Trainings"), _STAFF, "trainings."),
    _Entry("families.search_page", L_("Search families"), _STAFF, search=True),
    _Entry("my_families.index", L_("My families"), (Role.VOLUNTEER,), "my_families."),
    _Entry("groups.index", L_("My groups"), (Role.VOLUNTEER,), "groups."),
    _Entry("self_service.index", L_("My profile"), (Role.VOLUNTEER,), "self_service."),
    _Entry("my_trainings.index", L_("My trainings"), (Role.VOLUNTEER,), "my_trainings."),
    _Entry("impact.index", L_("Impact"), _MANAGER, "impact."),
    _Entry("reports.index", L_("Reports"), (Role.MANAGER, Role.REPORT_VIEWER), "reports."),
    _Entry("publishing.index", L_("Shared with the foundation"), _MANAGER, "publishing."),
    _Entry("members.index", L_("Team"), _MANAGER, "members."),
    _Entry("licence.index", L_("Licence"), _MANAGER, "licence."),
    _Entry("audit.index", L_("Audit log"), _MANAGER),
)
_FOUNDATION_ENTRIES = (
    _Entry("foundation.dashboard", L_("Statistics"), None, "foundation."),
    _Entry("billing.index", L_("Licences"), None, "billing."),
    _Entry("organisations.index", L_("Organisations"), None, "organisations."),
    _Entry("courses.index", L_("Courses"), None, never_current=True),
    _Entry("instruments.index", L_("Instruments"), None, never_current=True),
)
_ACCOUNT = _Entry("account.index", L_("My account"), None, "account.")


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    endpoint: str
    section: str
    except_on: tuple[str, ...]
    never_current: bool
    #: The family search box (a form sent to ``url``), left out on the search page itself.
    is_search: bool

    def is_current(self, endpoint: str | None) -> bool:
        if self.never_current or not endpoint:
            return False
        if self.section:
            return endpoint.startswith(self.section) and endpoint not in self.except_on
        return endpoint == self.endpoint


def main_navigation() -> tuple[NavLink, ...]:
    """The links of the signed-in reader of this request, in order (empty when nobody is signed in)."""
    if not current_user.is_authenticated:
        return ()
    membership = g.get("membership")
    tenant = g.get("tenant")
    role = membership.role if membership is not None and tenant is not None else None
    key = (str(get_locale()), request.script_root, tenant.slug if role else None, role,
           role is None and current_user.is_foundation)
    kept: dict[tuple[Any, ...], tuple[NavLink, ...]] = current_app.extensions.setdefault("main_navigation", {})
    links = kept.get(key)
    if links is None:
        links = kept[key] = _build(_entries(role, is_foundation=key[-1]))
    return links


def _entries(role: Role | None, *, is_foundation: bool) -> Iterable[_Entry]:
    if role is not None:
        yield from (entry for entry in _TENANT_ENTRIES if entry.roles is not None and role in entry.roles)
    elif is_foundation:
        yield from _FOUNDATION_ENTRIES
    yield _ACCOUNT


def _build(entries: Iterable[_Entry]) -> tuple[NavLink, ...]:
    return tuple(NavLink(str(entry.label), url_for(entry.endpoint), entry.endpoint, entry.section, entry.except_on,
                         entry.never_current, entry.search)
                 for entry in entries)
