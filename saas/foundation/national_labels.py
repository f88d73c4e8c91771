"""The names the national view gives its figures (translated when asked, in the current language)."""

from __future__ import annotations

from saas.foundation.labels import labels
from saas.i18n import _


def headline_labels() -> dict[str, str]:
    """{key: label} of the headline figures, in display order."""
    return {
        "families_supported": _("Families supported"),
        "families_new": _("New families"),
        "families_closed": _("Families closed"),
        "children": _("Children in the families supported"),
        "volunteers_active": _("Active volunteers"),
        "volunteers_new": _("New volunteers"),
        "volunteers_stopped": _("Volunteers who stopped"),
        "training_hours": _("Training hours"),
    }


def outcome_labels() -> dict[str, str]:
    """{outcome category: label}, in display order (measures.OUTCOME_CATEGORIES)."""
    return {
        "closed": _("Families closed"),
        "with_care": _("Closed with professional care involved"),
        "care_stopped": _("Professional care stopped"),
        "care_reduced": _("Professional care reduced"),
        "would_otherwise_be_referred": _("Would otherwise have been referred"),
        "prevented_referral_confirmed": _("Referral prevented (confirmed at closure)"),
        "prevented_as_expected": _("Referral prevented, of those expected to be referred"),
        "measured_t0_and_tend": _("Measured at the start (T0) and at the end (Tend)"),
    }


def share_labels() -> dict[str, str]:
    """{share: label} of the headline shares, in display order."""
    return {
        "care_stopped_or_reduced": _("Professional care stopped or reduced, of the families with care at the start"),
        "referral_prevented": _("Referral prevented, of the families who would otherwise have been referred"),
        "response": _("Measured at the start and at the end, of the families closed"),
    }


def fidelity_labels() -> dict[str, str]:
    """{indicator: label}, in display order (measures.FIDELITY_INDICATORS)."""
    return {
        "t0_done": _("Cases with a T0 measurement"),
        "home_visit_intake": _("Intake by home visit"),
        "trained_before_first_match": _("Volunteers trained before their first match"),
        "valid_vog": _("Volunteers with a valid certificate of conduct (VOG)"),
        "caseload": _("Families per coordinator"),
    }


def moment_labels(language: str) -> dict[str, str]:
    """{moment code: label}: the publishing package's names, else the three standard moments."""
    standard = {"t0": _("T0: at intake"), "t1": _("T1: a year after the match"), "tend": _("Tend: at closure")}
    return {**standard, **labels("moment", language)}


def age_band_label(band: str) -> str:
    if band == "other":
        return _("Other or unknown age")
    return _("%(band)s years", band=band)


def unrecorded_reason_label() -> str:
    return _("Reason not published")


def ordered(found: set[str] | list[str], named: dict[str, str]) -> list[tuple[str, str]]:
    """(code, label) for the codes ``found``: those ``named`` in its order, then the rest by code."""
    present = set(found)
    return [(code, label) for code, label in named.items() if code in present] + [
        (code, code) for code in sorted(present - set(named))]
