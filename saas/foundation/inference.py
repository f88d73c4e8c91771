"""The paired change T0 → Tend with its 95 % confidence interval, from sums alone.

The national figures only know what tenants published: per cell n, Σd and Σd² of the families'
differences (saas.foundation.measures.PAIRED_CHANGE). Adding tenants up keeps those sums exact, and
they are all the interval needs: mean Σd/n, sample variance (Σd² − (Σd)²/n) / (n − 1), interval
mean ± t(0.975, n − 1) × sd / √n — the definition tenants.impact.measurements.scoring.paired_change uses for one
tenant, so a national figure over one tenant equals that tenant's own.

``t`` comes from :data:`T_975`, the usual two-sided 95 % table (three decimals); for a df between
two rows the lower row's value is used (a slightly wider, so conservative, interval); beyond 120
degrees of freedom the normal quantile 1.960. No scipy needed. The tenant scoring module imports
the table from here, so there is one.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext
from fractions import Fraction

#: t(0.975, df): the two-sided 95 % quantiles of Student's t distribution.
T_975: dict[int, Decimal] = {df: Decimal(value) for df, value in {
    1: "12.706", 2: "4.303", 3: "3.182", 4: "2.776", 5: "2.571", 6: "2.447", 7: "2.365", 8: "2.306",
    9: "2.262", 10: "2.228", 11: "2.201", 12: "2.179", 13: "2.160", 14: "2.145", 15: "2.131", 16: "2.120",
    17: "2.110", 18: "2.101", 19: "2.093", 20: "2.086", 21: "2.080", 22: "2.074", 23: "2.069", 24: "2.064",
    25: "2.060", 26: "2.056", 27: "2.052", 28: "2.048", 29: "2.045", 30: "2.042", 40: "2.021", 60: "2.000",
    120: "1.980",
}.items()}
#: The normal quantile, for more than 120 degrees of freedom.
Z_975 = Decimal("1.960")


def t_quantile(df: int) -> Decimal:
    """t(0.975, ``df``) from :data:`T_975` (the lower tabulated row between rows; 1.960 beyond 120)."""
    if df < 1:
        raise ValueError("a t quantile needs at least one degree of freedom")
    if df > max(T_975):
        return Z_975
    return T_975[max(row for row in T_975 if row <= df)]


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
