"""How the national figures read on the page and in the annual PDF: numbers in the reader's
language (flask_babel), "<10" for a suppressed count and "–" for a mean that is not shown, each
with its reason for readers who hover or use a screen reader.

Numbers are wrapped in ``dir="ltr"`` spans: in Arabic (right to left) "+0.25" and "<10" would
otherwise be drawn as "0.25+" and "10>".
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import format_decimal, format_percent
from markupsafe import Markup

from saas.foundation.tables import NOT_SHOWN, SUPPRESSED, Cell, Kind
from saas.i18n import _

#: Babel number patterns per kind (a share goes through format_percent).
PATTERNS = {Kind.COUNT: "#,##0", Kind.EXACT: "#,##0", Kind.CHANGE: "+0.00;−0.00",
            Kind.GRADE: "0.0", Kind.RATIO: "0"}


def suppressed_reason() -> str:
    return _("Not shown: fewer than 10, or hidden so that a small number cannot be worked out from the totals.")


def not_shown_reason() -> str:
    return _("Not shown: taken over fewer than 10 families.")


def share_not_shown_reason() -> str:
    return _("Not shown: taken over fewer than 20 families or cases, or it would tell a hidden number.")


#: Why a figure of each kind is not shown (the default: a mean over too few families).
_REASONS = {Kind.COUNT: suppressed_reason, Kind.SHARE: share_not_shown_reason, Kind.RATIO: share_not_shown_reason}


def display(cell: Cell) -> Markup | str:
    """The cell as the page and the PDF show it."""
    if cell.kind == Kind.TEXT:
        return "" if cell.value is None else str(cell.value)
    value = cell.shown()
    if value is None:
        text = SUPPRESSED if cell.kind == Kind.COUNT else NOT_SHOWN
        reason = _REASONS.get(cell.kind, not_shown_reason)()
        return Markup('<abbr title="{}" dir="ltr">{}</abbr>').format(reason, text)
    return Markup('<span dir="ltr">{}</span>').format(number(value, cell.kind))


def number(value: Any, kind: Kind) -> str:
    """A shown value formatted for the reader's language (a share: its percentage, 0–100)."""
    if kind == Kind.SHARE:
        return format_percent(Decimal(value) / 100, "0%")
    return format_decimal(value, PATTERNS[kind])


def template_helpers() -> dict[str, Any]:
    from saas.foundation.exports import disclosure_note

    return {"display": display, "disclosure_note": disclosure_note, "SUPPRESSED": SUPPRESSED,
            "NOT_SHOWN": NOT_SHOWN}
