"""The one place scores are computed: domain means of a measurement, and the paired change between
two moments with its 95 % confidence interval. Pure functions over plain values (no database), so
a test can check them against a hand-computed example exactly.

Domain score
    The mean of the answered items of the domain, after reverse scoring (an item where agreeing
    means a worse situation counts as ``scale_max + scale_min − value``). A domain is "not scored"
    (mean None) when fewer than ``ceil(items × min_answered_percent / 100)`` items are answered (and
    always when none is). Means are exact fractions; :func:`as_decimal` rounds them for reading,
    :func:`in_units` keeps them exact as a whole number of 1/SCORE_SCALE, which sums exactly.
    The school grade is ``mean × 2.5`` (a 4-point scale gives 2.5–10).

Paired change
    For families measured at both moments: the mean of the differences (after − before), and the
    95 % confidence interval ``mean ± t(0.975, n − 1) × sd / √n``, with ``sd`` the sample standard
    deviation of the differences (n − 1 in the denominator). ``t`` is the exact quantile of
    Student's t distribution, shared with the national figures (saas.foundation.inference.t_quantile).
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from typing import Any, Protocol

from saas.foundation.inference import t_quantile
from saas.foundation.measures import SCORE_SCALE

#: School grade = mean × 2.5.
GRADE_FACTOR = Fraction(5, 2)



class _Domain(Protocol):
    id: uuid.UUID
    code: str


class _Item(Protocol):
    id: uuid.UUID
    domain_id: uuid.UUID
    reverse_scored: bool


@dataclass(frozen=True)
class DomainResult:
    code: str
    #: The exact mean of the answered items (after reverse scoring), or None: not scored.
    mean: Fraction | None
    answered: int
    items: int

    @property
    def scored(self) -> bool:
        return self.mean is not None

    @property
    def grade(self) -> Fraction | None:
        return grade(self.mean)


def grade(mean: Fraction | Decimal | None) -> Any:
    """The school grade of a domain mean (mean × 2.5), None for "not scored"."""
    if mean is None:
        return None
    return mean * GRADE_FACTOR if isinstance(mean, Fraction) else mean * Decimal("2.5")


def required_answers(items: int, min_answered_percent: int) -> int:
    """How many of a domain's ``items`` must be answered for it to be scored (at least one)."""
    return max(1, math.ceil(Fraction(items * min_answered_percent, 100)))


def score_domains(domains: Sequence[_Domain], items: Iterable[_Item], scale: Sequence[Mapping[str, Any]],
                  min_answered_percent: int, answers: Mapping[uuid.UUID, int | None]) -> list[DomainResult]:
    """Each domain's result (in the order of ``domains``) for ``answers`` ({item id: value or None});
    ``scale`` is the instrument's list of points ({"value": …}), ``items`` its items."""
    values = [int(point["value"]) for point in scale]
    low, high = min(values), max(values)
    per_domain: dict[uuid.UUID, list[_Item]] = {domain.id: [] for domain in domains}
    for item in items:
        per_domain.setdefault(item.domain_id, []).append(item)
    results = []
    for domain in domains:
        domain_items = per_domain[domain.id]
        scored = [high + low - answers[item.id] if item.reverse_scored else answers[item.id]
                  for item in domain_items if answers.get(item.id) is not None]
        enough = len(scored) >= required_answers(len(domain_items), min_answered_percent)
        mean = Fraction(sum(scored), len(scored)) if enough and scored else None
        results.append(DomainResult(domain.code, mean, len(scored), len(domain_items)))
    return results


def score_instrument(instrument: Any, answers: Mapping[uuid.UUID, int | None]) -> list[DomainResult]:
    """:func:`score_domains` for an Instrument (its domains, items, scale and threshold)."""
    return score_domains(instrument.domains, instrument.items, instrument.scale, instrument.min_answered_percent,
                         answers)


def as_decimal(value: Fraction | None, places: int = 4) -> Decimal | None:
    """``value`` rounded half up to ``places`` decimals (as a DomainScore stores its mean)."""
    if value is None:
        return None
    with localcontext() as context:
        context.prec = 40
        exact = Decimal(value.numerator) / Decimal(value.denominator)
        return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def in_units(value: Fraction) -> int:
    """``value`` in units of 1/SCORE_SCALE (as DomainScore.mean_units stores a mean): exact for every
    mean of at most MAX_DOMAIN_ITEMS answers; rounded half up for a longer domain of an instrument
    loaded before the limit (off by at most 1/1 260 000, far below the two decimals shown)."""
    units = value * SCORE_SCALE
    return (units.numerator * 2 + units.denominator) // (units.denominator * 2)


@dataclass(frozen=True)
class PairedChange:
    n: int
    #: The exact mean difference (after − before).
    mean: Fraction
    #: The standard deviation of the differences; None for a single pair.
    sd: Decimal | None
    #: The 95 % confidence interval; None for a single pair (no spread to estimate).
    low: Decimal | None
    high: Decimal | None


def paired_change(pairs: Iterable[tuple[Fraction | Decimal | int, Fraction | Decimal | int]]) -> PairedChange | None:
    """The mean change over ``pairs`` of (before, after) scores with its 95 % confidence
    interval; None without pairs. Computed in exact fractions up to the square root, which
    Decimal takes to 28 significant digits (exact when the variance is a perfect square)."""
    differences = [Fraction(after) - Fraction(before) for before, after in pairs]
    n = len(differences)
    if n == 0:
        return None
    mean = sum(differences, Fraction(0)) / n
    if n == 1:
        return PairedChange(n, mean, None, None, None)
    variance = sum(((d - mean) ** 2 for d in differences), Fraction(0)) / (n - 1)
    with localcontext() as context:
        context.prec = 28
        sd = (Decimal(variance.numerator) / Decimal(variance.denominator)).sqrt()
        standard_error = (Decimal(variance.numerator) / Decimal(variance.denominator * n)).sqrt()
        margin = t_quantile(n - 1) * standard_error
        centre = Decimal(mean.numerator) / Decimal(mean.denominator)
        return PairedChange(n, mean, sd, centre - margin, centre + margin)
