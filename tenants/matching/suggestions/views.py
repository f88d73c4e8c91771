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
from flask_login import current_user

from saas.auth.roles import Role
from saas.clock import local_today
from saas.errors import or_404
from saas.forms import Form
from saas.i18n import _
from saas.tenancy.versions import kept_for_tenant
from saas.web import Errors, run_form, tenant_route
from saas.web.kept import render_kept
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
from tenants.matching.vocabulary import NeighbourhoodRule

bp = tenant_blueprint("suggestions", __name__, template_folder="templates")

STAFF = (Role.COORDINATOR, Role.MANAGER)
staff_route = partial(tenant_route, bp, roles=STAFF)
#: Eligible volunteers shown at first; "show all" lists every one.
SHOWN = 25
#: Rendered suggestions each process keeps (a family's first cards, or all of them).
KEPT_LISTINGS = 64


@bp.context_processor
def _vocabulary() -> dict[str, Any]:
    return {"LIFE_DOMAINS": LIFE_DOMAINS, "DayPart": DayPart, "Gender": Gender, "CRITERIA": scoring.CRITERIA}


def _render(family: Family, errors: Errors | None = None) -> str:
    today = local_today()
    listing_html, open_match = None, None
    if family.state == CaseState.WAITING:
        show_all = request.args.get("show") == "all"
        listing_html = render_kept("suggestions.cards", current_tenant, (family.id, today, show_all),
                                   "suggestions/_listing.html", lambda: _listing(family, today, show_all),
                                   size=KEPT_LISTINGS)
    else:
        open_match = operations.open_match_of(family)
    return render_template("suggestions/index.html", family=family, listing_html=listing_html,
                           children=scoring.child_ages(family, today), neighbourhood_rule=_neighbourhood_rule(),
                           open_match=open_match, errors=errors or {})


def _listing(family: Family, today: date, show_all: bool) -> dict[str, Any]:
    """What suggestions/_listing.html shows: the family's suggestions, the first SHOWN of those who
    can be matched (or all), and the texts every card repeats."""
    suggestions = listing.suggestions_for(family, today)
    shown = suggestions.eligible if show_all else suggestions.eligible[:SHOWN]
    return {"family": family, "listing": suggestions, "shown": shown, "show_all": show_all, **_row_texts(family)}


def _neighbourhood_rule() -> NeighbourhoodRule:
    """The organisation's rule for the neighbourhood, kept with its data (the page states it)."""
    return kept_for_tenant("matching.neighbourhood_rule", current_tenant, None,
                           lambda: eligibility.policy_for_tenant().neighbourhood_rule)


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
