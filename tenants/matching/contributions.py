"""What matching adds to the packages below it, which never import matching: the matches and
contacts panels on the family file and the volunteer page, and the listeners that move matches
along when a family or a volunteer moves on elsewhere (tenants.matching.hooks). Called once by
saas.packages.contribute_all while the app is built (the package's front door names it)."""

from __future__ import annotations

from flask import render_template

from tenants.families.models import Family
from tenants.families.operations import case_moved
from tenants.matching import hooks, notices
from tenants.matching.contacts import queries as contact_queries
from tenants.matching.matches import queries
from tenants.matching.matches.operations import match_moved
from tenants.panels import add_panel
from tenants.volunteers.models import Volunteer
from tenants.volunteers.operations import volunteer_moved


def matches_of_family_panel(family: Family) -> str:
    return render_template("matches/_matches_panel.html", partner="volunteer",
                           matches=queries.matches_of_family(family.id))


def contacts_of_family_panel(family: Family) -> str:
    return render_template("contacts/_family_panel.html", family=family,
                           summary=contact_queries.contact_summary(family.id))


def matches_of_volunteer_panel(volunteer: Volunteer) -> str:
    return render_template("matches/_matches_panel.html", partner="family",
                           matches=queries.matches_of_volunteer(volunteer.id))


def contribute() -> None:
    add_panel("family", matches_of_family_panel)
    add_panel("family", contacts_of_family_panel)
    add_panel("volunteer", matches_of_volunteer_panel)
    case_moved.connect(hooks.on_case_moved)
    volunteer_moved.connect(hooks.on_volunteer_moved)
    match_moved.connect(notices.on_match_moved)
