"""Suggested volunteers for a waiting family, with the score explained, and making the match.

Coordinators and managers only. The score is computed again when a match is proposed (never
taken from the form), and the operation has the final word on whether the match is possible.
"""

from __future__ import annotations

import uuid
from datetime import date
from functools import partial
from typing import Any

from flask import render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_login import current_user

from saas.auth.roles import Role
from saas.clock import local_today
from saas.errors import or_404
from saas.forms import Form
from saas.i18n import _
from saas.tenancy.versions import kept_for_tenant
from saas.web import Errors, run_form, tenant_route
from saas.web.rows import link_maker
from saas.web.tenant import current_tenant, tenant_blueprint
from tenants.families import operations as families
from tenants.families.models import Family
from tenants.families.queries import family_file
from tenants.families.states import CaseState
from tenants.families.vocabulary import DayPart, Gender
from tenants.life_domains import LIFE_DOMAINS
from tenants.matching import eligibility, scoring
from tenants.matching.matches import operations
from tenants.matching.suggestions import listing

bp = tenant_blueprint("suggestions", __name__, template_folder="templates")

STAFF = (Role.COORDINATOR, Role.MANAGER)
staff_route = partial(tenant_route, bp, roles=STAFF)
#: Eligible volunteers shown at first; "show all" lists every one.
SHOWN = 25
#: Families whose suggestions each process keeps (each a few hundred scored volunteers).
KEPT_LISTINGS = 32


@bp.context_processor
def _vocabulary() -> dict[str, Any]:
    return {"LIFE_DOMAINS": LIFE_DOMAINS, "DayPart": DayPart, "Gender": Gender, "CRITERIA": scoring.CRITERIA}


def _render(family: Family, errors: Errors | None = None) -> str:
    today = local_today()
    suggestions = _suggestions(family, today) if family.state == CaseState.WAITING else None
    show_all = request.args.get("show") == "all"
    shown = [] if suggestions is None else suggestions.eligible if show_all else suggestions.eligible[:SHOWN]
    rule = suggestions.neighbourhood_rule if suggestions else eligibility.policy_for_tenant().neighbourhood_rule
    open_match = None if suggestions else operations.open_match_of(family)
    return render_template("suggestions/index.html", family=family, listing=suggestions, shown=shown,
                           show_all=show_all, children=scoring.child_ages(family, today),
                           neighbourhood_rule=rule, open_match=open_match, errors=errors or {},
                           **_row_texts(family))


def _suggestions(family: Family, today: date) -> listing.SuggestionList:
    """The family's suggestions, kept while the organisation's data is unchanged (saas.tenancy.versions):
    scoring every volunteer who can be matched is most of the page. The reasons why others cannot
    are translated text, so kept per language."""
    return kept_for_tenant("suggestions", current_tenant, (family.id, today, str(get_locale())),
                           lambda: listing.suggestions_for(family, today), size=KEPT_LISTINGS)


def _row_texts(family: Family) -> dict[str, Any]:
    """What every row of every card repeats, translated (and linked) once for the page rather than per row."""
    return {"criterion_labels": {code: str(label) for code, label in scoring.CRITERIA.items()},
            "points_of": _("%(points)s of %(maximum)s"),
            "volunteer_url": link_maker("volunteers.show", "volunteer_id"),
            "propose_url": link_maker("suggestions.propose", "volunteer_id", family_id=family.id)}


@staff_route("/families/<uuid:family_id>/suggestions")
def index(family_id: uuid.UUID) -> str:
    family = or_404(family_file(family_id))
    # The page shows the family's wishes and children's ages: a view of the file, so audited.
    families.record_view(current_user, family)
    return _render(family)


@staff_route("/families/<uuid:family_id>/suggestions/<uuid:volunteer_id>", methods=["POST"])
def propose(family_id: uuid.UUID, volunteer_id: uuid.UUID) -> ResponseReturnValue:
    family = or_404(family_file(family_id))
    volunteer = or_404(listing.candidate(volunteer_id))
    # The button sends nothing but the ids in its address: an empty form, then the operation decides.
    return run_form(Form(), lambda _nothing: operations.propose(current_user, family, volunteer),
                    lambda errors: (_render(family, errors), 422),
                    lambda match: (_("%(volunteer)s has been proposed for %(family)s.", volunteer=volunteer.name,
                                     family=family.family_name), url_for("matches.show", match_id=match.id)))
