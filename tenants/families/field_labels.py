"""The names of the family form's fields, as the form and the file show them (the timeline lists
edited fields by these names). Lazy strings, so a page translates only the labels it shows, once
each, instead of building the whole table for every label (issue 19)."""

from __future__ import annotations

from saas.i18n import L_

FIELD_LABELS = {
    "family_name": L_("Family name"),
    "coordinator_id": L_("Coordinator"),
    "track": L_("Track"),
    "expected_due_date": L_("Expected due date"),
    "composition": L_("Household composition"),
    "languages": L_("Languages spoken at home"),
    "interpreter_needed": L_("An interpreter is needed"),
    "municipality": L_("Municipality"),
    "municipality_code": L_("Municipality code"),
    "neighbourhood": L_("Neighbourhood"),
    "referred_on": L_("Referred on"),
    "channel": L_("Referred by way of"),
    "referrer_type": L_("Referrer"),
    "referrer_organisation": L_("Referring organisation"),
    "referrer_contact": L_("Contact person at the referrer"),
    "help_question": L_("Help question"),
    "help_domains": L_("Life domains of the help question"),
    "professional_care_involved": L_("Professional care is involved"),
    "professional_agencies": L_("Professional agencies involved"),
    "professional_agency_count": L_("Number of professional agencies"),
    "would_otherwise_be_referred": L_("Would the family otherwise have been referred to professional care?"),
    "handover_from_professional_care": L_("Handed over from professional care"),
    "consent_given": L_("The family has given consent"),
    "consent_purposes": L_("Consent covers"),
    "consent_on": L_("Consent given on"),
    "consent_by": L_("Consent given by"),
    "consent_by_legal_representative": L_("Consent was given by a legal representative"),
    "street": L_("Street and house number"),
    "postcode": L_("Postcode"),
    "town": L_("Town"),
    "phone": L_("Phone number"),
    "email": L_("E-mail address"),
    "language": L_("Language to use with the family"),
}
