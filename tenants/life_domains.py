"""The nine life domains of the Samen Oplopen approach, as stable codes with translated labels.

Referral help questions, volunteer experience and match goals are tagged with these codes, so
matching can compare them. Impact *instruments* are foundation data and carry their own domain
labels; these codes are the vocabulary the tenant packages share.
"""

from __future__ import annotations

from saas.i18n import L_

LIFE_DOMAINS = {
    "finances": L_("Finances and paperwork"),
    "housing": L_("Housing"),
    "social_network": L_("Social network"),
    "wellbeing": L_("Psychological well-being"),
    "physical_health": L_("Physical health"),
    "parenting": L_("Parenting and family life"),
    "daily_activities": L_("Work and daily activities"),
    "participation": L_("Language and participation"),
    "child_development": L_("The children's development"),
}


def life_domain_choices() -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in LIFE_DOMAINS.items()]
