"""What the family list and the waiting list render their rows with (saas.web.rows: each label
translated, each link built and each date formatted once per page, not once per row).

``list_helpers()`` gives the template ``file_url``, ``state_labels``, ``format_day`` and ``case_number``;
the volunteer list uses the same recipe for its own links and labels.
"""

from __future__ import annotations

from typing import Any

from saas.web.rows import DayFormatter, EnumLabels, link_maker


def case_number(row: Any) -> str:
    """The case number of a list row (tenants.families.queries.LIST_COLUMNS), as Family.case_number writes it."""
    return f"{row.case_year}-{row.case_seq:04d}"


def list_helpers() -> dict[str, Any]:
    """What the family list and the waiting list render their rows with."""
    return {
        "file_url": link_maker("families.show", "family_id"),
        "state_labels": EnumLabels(),
        "format_day": DayFormatter(),
        "case_number": case_number,
    }
