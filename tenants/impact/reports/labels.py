"""What the figures of a municipality report are called, and how a figure is written, in the
report's language.

The figures hold stable codes; every label here is lazy (or looked up in a translated vocabulary
when asked), so it is resolved inside the report's ``force_locale`` when a file is made, never at
import time (which froze the English text into Dutch reports).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import format_date

from saas.enums import LabelledEnum
from saas.foundation import disclosure
from saas.foundation.periods import Period
from saas.i18n import L_, _, format_number
from tenants.families.vocabulary import ClosureReason, ReferrerType, YesNoUnknown
from tenants.impact.reports.figures import CHANGE, COUNT, GRADE, HOURS
from tenants.impact.vocabulary import Moment
from tenants.life_domains import LIFE_DOMAINS

#: How a suppressed count or hour total is written in the PDF.
SUPPRESSED = disclosure.SUPPRESSED_MARK
#: How a mean that is not shown (too few families) is written in the PDF.
NOT_SHOWN = "–"
#: Decimals a person reads per unit (the figures are rounded like this when computed).
DECIMALS = {COUNT: 0, HOURS: 0, GRADE: 1, CHANGE: 2}

TABLE_TITLES = {
    "reach": L_("Reach"),
    "quarters": L_("The year and its quarters"),
    "children_by_age": L_("Children in the supported families, by age"),
    "referral_channels": L_("Referrals by referrer"),
    "closure_reasons": L_("Closed support by reason"),
    "professional_care": L_("Professional care at closure (families that had it at referral)"),
    "prevented_referrals": L_("Referral to professional care prevented (confirmed at closure)"),
    "satisfaction": L_("Satisfaction of the families (grade 1–10)"),
    "measured_families": L_("Families measured in the period"),
    "domain_means": L_("Grade per life domain at each moment"),
    "outcome_changes": L_("Change per life domain from T0 to Tend (families with both measurements)"),
    "change_directions": L_("Families improved, stable or worse per life domain"),
}

#: What a reader needs to know to read a table right, shown under it.
TABLE_NOTES = {
    "quarters": L_("Families referred, families whose support ended and contact moments add up from the quarters "
                   "to the year. Families supported, their children and active volunteers are counted in every "
                   "quarter in which they took part, and once in the year."),
}

#: Short names for the spreadsheet's tabs (Excel allows 31 characters; the translations fit).
SHEET_NAMES = {
    "reach": L_("Reach"),
    "quarters": L_("Quarters"),
    "children_by_age": L_("Children by age"),
    "referral_channels": L_("Referrers"),
    "closure_reasons": L_("Closure reasons"),
    "professional_care": L_("Professional care"),
    "prevented_referrals": L_("Prevented referrals"),
    "satisfaction": L_("Satisfaction"),
    "measured_families": L_("Families measured"),
    "domain_means": L_("Grades per life domain"),
    "outcome_changes": L_("Change per life domain"),
    "change_directions": L_("Direction of change"),
}

MEASURES = {
    "families_supported": L_("Families supported"),
    "families_referred": L_("Families referred"),
    "families_closed": L_("Families whose support ended"),
    "active_volunteers": L_("Active volunteers"),
    "matches_running": L_("Matches running"),
    "matches_started": L_("Matches started"),
    "contact_moments": L_("Contact moments"),
    "volunteer_visits": L_("Visits by volunteers"),
    "volunteer_hours": L_("Estimated volunteer hours"),
    "trained_volunteers": L_("Volunteers who attended training"),
    "training_hours": L_("Training hours"),
    "children": L_("Children"),
    "families_with_professional_care": L_("Families"),
    "families_grading": L_("Families who gave a grade"),
    "mean_grade": L_("Mean grade"),
    "families_measured": L_("Families measured"),
    "families_paired": L_("Families with T0 and Tend"),
    "grade_t0": L_("Grade at T0"),
    "grade_t1": L_("Grade at T1"),
    "grade_tend": L_("Grade at Tend"),
    "families_scored_t0": L_("Families scored at T0"),
    "families_scored_t1": L_("Families scored at T1"),
    "families_scored_tend": L_("Families scored at Tend"),
    "change": L_("Change (grade points)"),
    "change_ci_low": L_("Confidence interval, lower bound"),
    "change_ci_high": L_("Confidence interval, upper bound"),
    "families_improved": L_("Improved"),
    "families_stable": L_("Stable"),
    "families_worse": L_("Worse"),
}

#: Categories the report itself defines; the others come from the vocabularies below.
OWN_CATEGORIES = {
    "all": L_("All"),
    "total": L_("Total"),
    "unknown": L_("Unknown"),
    "stopped_or_reduced": L_("Stopped or reduced"),
    "unchanged_or_increased": L_("Unchanged or increased"),
    "0-3": L_("0 to 3 years"),
    "4-11": L_("4 to 11 years"),
    "12-17": L_("12 to 17 years"),
    "18+": L_("18 years and older"),
    **LIFE_DOMAINS,
}
VOCABULARIES: tuple[type[LabelledEnum], ...] = (ReferrerType, ClosureReason, YesNoUnknown, Moment)
#: Tables laid out with their measures down and their categories across: the quarter table's
#: categories are periods, whose short names fit side by side even on a phone.
MEASURES_DOWN = frozenset({"quarters"})


def measure_label(code: str) -> str:
    return str(MEASURES.get(code, code))


def category_label(code: str) -> str:
    """The category in the current language: the report's own words, else the vocabulary's label
    (``.label`` translates when read), else the code itself."""
    if code in OWN_CATEGORIES:
        return str(OWN_CATEGORIES[code])
    for vocabulary in VOCABULARIES:
        if code in vocabulary._value2member_map_:
            return vocabulary(code).label
    return code


def period_label(row: dict[str, Any]) -> str:
    """The period of a row of the quarter table ("Q2 2026"), with its last day when it ends early
    (this year's report ends today): "Q2 2026 (to 14 May)"."""
    try:
        period = Period.parse(row["category"])
    except ValueError:  # a report not of one calendar year: its whole period
        return category_label(row["category"])
    end = date.fromisoformat(row["period_end"])
    if end >= period.end:
        return period.label()
    return _("%(period)s (to %(date)s)", period=period.label(), date=format_date(end, "d MMMM"))


def table_title(key: str) -> str:
    return str(TABLE_TITLES.get(key, key))


def format_value(row: dict[str, Any]) -> str:
    """A figure as the PDF writes it, in the current language ("7,8" in Dutch)."""
    value = row["value"]
    if value is None:
        return SUPPRESSED if row["unit"] in (COUNT, HOURS) else NOT_SHOWN
    return format_number(value, DECIMALS.get(row["unit"], 1), signed=row["unit"] == CHANGE)


def suppressed_reason() -> str:
    return _("Not shown: fewer than 10, or hidden so that a small number cannot be worked out from the totals.")


def not_shown_reason() -> str:
    return _("Not shown: taken over fewer than 10 families.")


@dataclass
class Layout:
    """One table of figures laid out for reading: categories down and measures across, or, when
    each measure has a single figure, measures down in one column. Cells are the figures' rows
    (None where a category has no such measure), so each file writes them its own way."""

    key: str
    columns: list[str]
    lines: list[tuple[str, list[dict[str, Any] | None]]]
    by_measure: bool = False

    @property
    def title(self) -> str:
        return table_title(self.key)

    @property
    def note(self) -> str | None:
        return str(TABLE_NOTES[self.key]) if self.key in TABLE_NOTES else None

    @property
    def sheet_name(self) -> str:
        return str(SHEET_NAMES.get(self.key, self.key))

    @property
    def row_heading(self) -> str:
        """What the rows are, for the spreadsheet's header row."""
        return _("Measure") if self.by_measure else _("Category")


def layout(key: str, rows: list[dict[str, Any]]) -> Layout:
    measures = list(dict.fromkeys(r["measure"] for r in rows))
    categories = list(dict.fromkeys(r["category"] for r in rows))
    if key in MEASURES_DOWN:
        cells = {(r["measure"], r["category"]): r for r in rows}
        days = {r["category"]: r for r in rows}  # any row of a period carries its days
        return Layout(key, [period_label(days[c]) for c in categories],
                      [(measure_label(m), [cells.get((m, c)) for c in categories]) for m in measures], by_measure=True)
    if len(categories) == 1:  # one figure per measure: measures down
        return Layout(key, [_("Value")], [(measure_label(r["measure"]), [r]) for r in rows],
                      by_measure=True)
    cells = {(r["category"], r["measure"]): r for r in rows}
    return Layout(key, [measure_label(m) for m in measures],
                  [(category_label(c), [cells.get((c, m)) for m in measures]) for c in categories])


def layouts(figures: dict[str, Any]) -> list[Layout]:
    return [layout(key, rows) for key, rows in figures.get("tables", {}).items() if rows]
