"""The paired change T0 → Tend with its 95 % confidence interval, from sums alone.

The national figures only know what tenants published: per cell n, Σd and Σd² of the families'
differences (saas.foundation.measures.PAIRED_CHANGE). Adding tenants up keeps those sums exact, and
they are all the interval needs: mean Σd/n, sample variance (Σd² − (Σd)²/n) / (n − 1), interval
mean ± t(0.975, n − 1) × sd / √n — the definition tenants.impact.measurements.scoring.paired_change uses for one
tenant, so a national figure over one tenant equals that tenant's own.

``t`` is the exact quantile of Student's t distribution (scipy), for every number of degrees of
freedom: a printed table has steps between its rows (too wide an interval there) and falls back on
the normal 1.960 beyond 120 (too narrow). :func:`t_quantile` is the one entry point; the tenant
scoring module imports it from here. scipy is imported on first use, so starting the app (and every
page without an interval) does not pay for loading it.

:func:`rounded` is how a mean is shown: half up from the exact value, never from a rounded step
in between (a mean exactly on x.xx5 shows x.xx + 0.01).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext
from fractions import Fraction
from functools import cache


@cache
def t_quantile(df: int) -> Decimal:
    """t(0.975, ``df``): the two-sided 95 % quantile of Student's t distribution with ``df`` degrees
    of freedom (as many digits as a float carries, e.g. 2.228138851986274 for df = 10)."""
    if df < 1:
        raise ValueError("a t quantile needs at least one degree of freedom")
    from scipy.stats import t  # local: loading scipy.stats takes a second, only pages with intervals need it

    return Decimal(repr(float(t.ppf(0.975, df))))


def rounded(value: Fraction | Decimal | int, quantum: Decimal) -> Decimal:
    """``value`` rounded half up (a tie away from zero) to a multiple of ``quantum`` (Decimal("0.01")),
    decided on the exact value: a Fraction is never turned into a float or a shortened decimal first."""
    exact = Fraction(value) / Fraction(quantum)
    whole = (abs(exact.numerator) * 2 + exact.denominator) // (exact.denominator * 2)
    return (whole if exact >= 0 else -whole) * quantum


@dataclass(frozen=True)
class MeanChange:
    """A mean difference with its 95 % interval (None for a single pair: no spread to estimate)."""

    n: int
    mean: Decimal
    low: Decimal | None
    high: Decimal | None


def change_from_sums(n: int, total: int, squares: int, scale: int = 1) -> MeanChange:
    """The paired change from n, Σd and Σd², each difference in units of 1/``scale``."""
    if n < 1:
        raise ValueError("a mean needs at least one difference")
    mean = Fraction(total, n * scale)
    with localcontext() as context:
        context.prec = 28
        centre = Decimal(mean.numerator) / Decimal(mean.denominator)
        if n == 1:
            return MeanChange(n, centre, None, None)
        # Real differences never give a negative variance; inconsistent published sums must not crash a page.
        variance = max((Fraction(squares) - Fraction(total * total, n)) / (n - 1) / (scale * scale), Fraction(0))
        standard_error = (Decimal(variance.numerator) / Decimal(variance.denominator * n)).sqrt()
        margin = t_quantile(n - 1) * standard_error
        return MeanChange(n, centre, centre - margin, centre + margin)
