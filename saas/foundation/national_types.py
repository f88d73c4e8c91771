"""What the national view shows, as plain data: every figure of one year and track, protected
(built by saas.foundation.national; read by the pages, the exports, the charts and the annual PDF).
A ``Count`` is a protected count (None: hidden); means, shares and changes are Decimals already
rounded for display (None: not shown)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class Count:
    """A protected count: ``value`` None when suppressed (shown as "<10" or "–")."""

    value: int | None


@dataclass(frozen=True)
class Headline:
    """One national figure of the year, e.g. ("families_supported", "Families supported", Count)."""

    key: str
    label: str
    count: Count


@dataclass(frozen=True)
class Share:
    """A headline share (0–1 in whole percents, None when not shown) with its denominator, the
    protected count of the families it is taken over (saas.foundation.disclosure: shares)."""

    key: str
    label: str
    value: Decimal | None
    of: Count


@dataclass(frozen=True)
class TrendRow:
    """One quarter of the trend table."""

    period: str          #: "2026-Q3"
    label: str           #: "Q3 2026"
    #: column key → protected count (keys: TREND_COLUMNS)
    values: dict[str, Count]


@dataclass(frozen=True)
class GradeChange:
    """A paired change in grade points with its 95 % interval (bounds None for a single family)."""

    mean: Decimal
    low: Decimal | None
    high: Decimal | None


@dataclass(frozen=True)
class DomainImpact:
    """One life domain nationally (for the chosen track or all): the mean grade at each moment and
    the paired change T0 → Tend in grade points, each shown only over ≥ 10 families (None otherwise)."""

    code: str
    label: str
    #: moment code ("t0", "t1", "tend") → (protected number of families, mean or None)
    means: dict[str, tuple[Count, Decimal | None]]
    change_n: Count
    change_mean: Decimal | None
    change_low: Decimal | None
    change_high: Decimal | None
    #: "improved" | "stable" | "worse" → protected count (same table as change_n)
    directions: dict[str, Count]
    #: the share of the paired families that improved (None when not shown)
    improved_share: Decimal | None = None
    #: the change T0 → T1 (after a year): its protected number of families, and the change
    change_t1_n: Count = Count(None)
    change_t1: GradeChange | None = None


@dataclass(frozen=True)
class BreakdownRow:
    key: str
    label: str
    count: Count


@dataclass(frozen=True)
class Breakdown:
    """Parts of a national total (closure reasons, children's age bands, tracks), protected together."""

    rows: list[BreakdownRow]
    total: Count


@dataclass(frozen=True)
class FidelityRow:
    """One tenant's fidelity indicators: shares (0–1) or, for "caseload", families per
    coordinator; None where taken over fewer than 10 cases."""

    tenant_name: str
    values: dict[str, Decimal | None]


@dataclass(frozen=True)
class Fidelity:
    indicators: list[tuple[str, str]]              #: (key, label) in order: measures.FIDELITY_INDICATORS
    rows: list[FidelityRow]                        #: per tenant, by name
    median: dict[str, Decimal | None]              #: national median over the tenants shown


@dataclass(frozen=True)
class GrowthRow:
    """Growth per year: tenants and municipalities exactly (organisations, not people), families
    and volunteers protected."""

    period: str
    label: str
    tenants: int
    municipalities: int
    families: Count
    volunteers: Count


@dataclass(frozen=True)
class PublicationRow:
    """A tenant's last publication (None when it never published)."""

    tenant_name: str
    finished_at: datetime | None
    trigger: str | None        #: label
    status: str | None         #: label
    cells: int | None
    failed: bool = False


@dataclass(frozen=True)
class NationalFigures:
    year: int
    track: str | None                     #: the track chosen, or None for all tracks
    years: list[int]                      #: years with published statistics, newest first
    tracks: list[tuple[str, str]]         #: (code, label) the track choice offers
    frozen_at: datetime | None            #: when the year was frozen (a snapshot), or None
    tenants: int                          #: tenants that published the year
    headlines: list[Headline]
    trend: list[TrendRow]                 #: the quarters of the year and of the year before, oldest first
    impact: list[DomainImpact]
    satisfaction: Decimal | None          #: mean grade 1–10 over ≥ 10 families, else None
    outcomes: list[Headline]              #: closed, care stopped/reduced, prevented referrals…
    closure_reasons: Breakdown
    children: Breakdown                   #: by age band
    fidelity: Fidelity
    growth: list[GrowthRow]               #: every year with published statistics, oldest first
    publications: list[PublicationRow] = field(default_factory=list)
    #: (key, label) of the trend table's columns, in order (the keys of TrendRow.values)
    trend_columns: list[tuple[str, str]] = field(default_factory=list)
    #: (code, label) of the measurement moments, in order (the keys of DomainImpact.means)
    moments: list[tuple[str, str]] = field(default_factory=list)
    #: the day the year shown was released (None when no year is: then nothing is shown)
    released_on: date | None = None
    #: the next year to be released, and when (None where the caller did not ask)
    upcoming: Release | None = None
    #: the headline shares (names.share_labels)
    shares: list[Share] = field(default_factory=list)
    #: the families who gave a satisfaction grade (protected), and the grades' standard deviation
    satisfaction_n: Count = Count(None)
    satisfaction_spread: Decimal | None = None


@dataclass(frozen=True)
class Release:
    """The next year the foundation will see: its release date, and whether it has ended (then an
    admin may release it early by freezing it)."""

    year: int
    on: date
    ended: bool
