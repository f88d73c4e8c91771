"""How near a volunteer lives to a family, from their postcodes alone: no map, no external service.

Dutch postcode areas (the four digits, "PC4") are numbered regionally: the same four digits are the
same area, the same first three digits are neighbouring areas of one town, the same first two digits
are one region (e.g. 35xx is Utrecht and around it), and further apart is further away. That
ordering is coarse (two areas on either side of a regional border are near yet numbered far apart),
which is why it is one criterion of the suggestions, explained, and never a rule. No bundled table
of postcode coordinates is available offline, so numeric proximity is all it uses.
"""

from __future__ import annotations

import enum


class Nearness(enum.IntEnum):
    """How many leading digits of the two postcode areas are the same (more is nearer)."""

    FAR = 1
    REGION = 2
    NEARBY = 3
    SAME_AREA = 4


def nearness(first: str, second: str) -> Nearness:
    """The nearness of two normalised postcodes ("3511AB")."""
    for level in (Nearness.SAME_AREA, Nearness.NEARBY, Nearness.REGION):
        if first[:level] == second[:level]:
            return level
    return Nearness.FAR


def area(postcode: str) -> str:
    """The postcode area (PC4) of a normalised postcode: "3511AB" → "3511"."""
    return postcode[:4]
