"""The national view's disclosure control applied to our own counts, for the end-to-end test
(tests/foundation/test_national_end_to_end.py).

:class:`National` adds the tenants' true figures up (tests/foundation/end_to_end_counts.py);
:class:`Protection` lays out one year's entries — the true counts — and the lines "total = sum of
parts" between them as saas.foundation.national_protection's module docstring describes them, with
the parts from fewer than MIN_TENANTS tenants, and hands them to the public
``disclosure.protect_entries``. The counts and the tenants behind them are ours; only the rule that
picks the secondary suppressions is the code's (tested on its own in tests/test_disclosure.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from saas.foundation.disclosure import MIN_TENANTS, protect_entries
from saas.foundation.periods import Period
from tenants.families.vocabulary import Track
from tests.foundation.end_to_end_counts import AGE_BANDS, TenantCounts

TRACKS = sorted(track.value for track in Track)
ALL = "*"
BANDS = [*AGE_BANDS, "other"]
DIRECTIONS = ("improved", "stable", "worse")
OUTCOMES = ("with_care", "care_stopped", "care_reduced", "would_otherwise_be_referred", "prevented_referral_confirmed",
            "prevented_as_expected", "measured_t0_and_tend")
#: Never displayed: what is left of an outcome ("closed": the families closed) after its parts
#: (end_to_end_counts: stopped / reduced are care outcomes of the families with care; each referral
#: question is one of every closed family).
REMAINDERS = (("care_other", "with_care", ("care_stopped", "care_reduced")),
              ("without_care", "closed", ("with_care",)),
              ("not_would_otherwise_be_referred", "closed", ("would_otherwise_be_referred",)),
              ("not_prevented_referral_confirmed", "closed", ("prevented_referral_confirmed",)),
              ("expected_not_prevented", "would_otherwise_be_referred", ("prevented_as_expected",)),
              ("prevented_unexpectedly", "prevented_referral_confirmed", ("prevented_as_expected",)),
              ("closed_not_measured", "closed", ("measured_t0_and_tend",)))

Entry = tuple[str, ...]


class National:
    """The tenants' true figures added up: ``items`` concatenates their lists (both tracks for ALL)."""

    def __init__(self, tenants: list[TenantCounts]) -> None:
        self.tenants = tenants

    def items(self, period: str, name: str, track: str, *dimensions: str) -> list[Any]:
        return [item for counts in self.tenants for item in self._own(counts, period, name, track, dimensions)]

    def n(self, period: str, name: str, track: str, *dimensions: str) -> int:
        return len(self.items(period, name, track, *dimensions))

    def contributors(self, period: str, name: str, track: str, *dimensions: str) -> int:
        return sum(bool(self._own(counts, period, name, track, dimensions)) for counts in self.tenants)

    @staticmethod
    def _own(counts: TenantCounts, period: str, name: str, track: str, dimensions: Entry) -> list[Any]:
        tracks = TRACKS if track == ALL else [track]
        return [item for t in tracks for item in counts.lists.get((period, name, t, *dimensions), [])]

    def codes(self, period: str, name: str, position: int) -> list[str]:
        """The codes at ``position`` of the keys (after period, name, track) with any item in ``period``."""
        return sorted({key[3 + position] for counts in self.tenants for key, items in counts.lists.items()
                       if key[:2] == (period, name) and items})


@dataclass
class Protection:
    """One year's entries (true counts), lines and hidden parts, as the national view documents them."""

    national: National
    year: Period
    true: dict[Entry, int] = field(default_factory=dict)
    lines: list[tuple[Entry, list[Entry]]] = field(default_factory=list)
    hide: set[Entry] = field(default_factory=set)
    shown: dict[Entry, int | None] = field(default_factory=dict)

    def few(self, tenants: int) -> bool:
        return 0 < tenants < MIN_TENANTS

    def by_track(self, entry: Entry, period: str, name: str, *dimensions: str,
                 part: bool = False) -> None:
        """entry + (track,) per track (hidden from too few tenants), entry + (ALL,) their sum; that
        sum hidden too when it is itself a part of a national total (``part``)."""
        for track in TRACKS:
            self.true[(*entry, track)] = self.national.n(period, name, track, *dimensions)
            if self.few(self.national.contributors(period, name, track, *dimensions)):
                self.hide.add((*entry, track))
        self.true[(*entry, ALL)] = self.national.n(period, name, ALL, *dimensions)
        self.lines.append(((*entry, ALL), [(*entry, track) for track in TRACKS]))
        if part and self.few(self.national.contributors(period, name, ALL, *dimensions)):
            self.hide.add((*entry, ALL))

    def total(self, entry: Entry, parts: Callable[[str], list[Entry]],
              tenants: Callable[[str], int]) -> None:
        """entry + (t,) = Σ parts(t) for every track and ALL; a track's total from too few tenants hidden."""
        for track in [*TRACKS, ALL]:
            self.true.setdefault((*entry, track), sum(self.true[p] for p in parts(track)))
            if track != ALL and self.few(tenants(track)):
                self.hide.add((*entry, track))
            self.lines.append(((*entry, track), parts(track)))
        self.lines.append(((*entry, ALL), [(*entry, track) for track in TRACKS]))

    def build(self) -> Protection:
        national, year, quarters = self.national, self.year.key, [q.key for q in self.year.quarters()]
        for period in (year, *quarters):
            self.by_track(("families_supported", period), period, "families", "supported")
            self.true[("volunteers_active", period)] = national.n(period, "volunteers", "", "active")
        for flow in ("new", "closed"):  # the year is the sum of its quarters
            name = f"families_{flow}"
            for quarter in quarters:
                self.by_track((name, quarter), quarter, "families", flow, part=True)
            self.total((name, year), lambda t, name=name: [(name, q, t) for q in quarters],
                       lambda t, flow=flow: max(national.contributors(p, "families", t, flow)
                                                for p in (year, *quarters)))
        for flow in ("new", "stopped"):
            name = f"volunteers_{flow}"
            for quarter in quarters:
                self.true[(name, quarter)] = national.n(quarter, "volunteers", "", flow)
                if self.few(national.contributors(quarter, "volunteers", "", flow)):
                    self.hide.add((name, quarter))
            self.true[(name, year)] = sum(self.true[(name, q)] for q in quarters)
            self.lines.append(((name, year), [(name, q) for q in quarters]))
        self._closure_reasons(year)
        for band in BANDS:
            self.by_track(("children", band), year, "children", band, part=True)
        self.total(("children", "="), lambda t: [("children", band, t) for band in BANDS],
                   lambda t: max(national.contributors(year, "children", t, band) for band in BANDS))
        self._impact(year)
        self.by_track(("satisfaction",), year, "satisfaction")
        self._outcomes(year)
        self.true[("training_attendances",)] = national.n(year, "training", "")
        self.shown = protect_entries(self.true, self.lines, self.hide)
        return self

    def _closure_reasons(self, year: str) -> None:
        reasons = self.national.codes(year, "closure_reason", 0)
        for reason in reasons:
            self.by_track(("closure_reason", reason), year, "closure_reason", reason, part=True)
        for track in TRACKS:  # families closed without a (published) reason: never shown unless 0
            missing = self.true[("families_closed", year, track)] - sum(
                self.true[("closure_reason", reason, track)] for reason in reasons)
            self.true[("closure_reason", "unrecorded", track)] = max(missing, 0)
        self.true[("closure_reason", "unrecorded", ALL)] = sum(
            self.true[("closure_reason", "unrecorded", track)] for track in TRACKS)
        self.lines.append((("closure_reason", "unrecorded", ALL),
                           [("closure_reason", "unrecorded", track) for track in TRACKS]))
        self.hide.update(("closure_reason", "unrecorded", track) for track in [*TRACKS, ALL]
                         if self.true[("closure_reason", "unrecorded", track)])
        for track in [*TRACKS, ALL]:
            self.lines.append((("families_closed", year, track),
                               [("closure_reason", reason, track) for reason in [*reasons, "unrecorded"]]))

    def _outcomes(self, year: str) -> None:
        """The outcomes are parts of the closed families (nested: with care ⊇ stopped, reduced); each
        total also gets its never-displayed remainder, hidden when small or (if not 0) when the total's
        families come from too few tenants."""
        national = self.national
        for category in OUTCOMES:
            self.by_track(("outcome", category), year, "outcome", category, part=True)

        def entry(category: str, track: str) -> Entry:
            return ("families_closed", year, track) if category == "closed" else ("outcome", category, track)

        for remainder, total, parts in REMAINDERS:
            for track in [*TRACKS, ALL]:
                left = self.true[entry(total, track)] - sum(self.true[entry(part, track)] for part in parts)
                self.true[("outcome", remainder, track)] = left
                if left and self.few(national.contributors(year, "families" if total == "closed" else "outcome",
                                                           track, total)):
                    self.hide.add(("outcome", remainder, track))
            self.lines.append((("outcome", remainder, ALL), [("outcome", remainder, track) for track in TRACKS]))
            for track in [*TRACKS, ALL]:
                self.lines.append((entry(total, track), [entry(part, track) for part in (*parts, remainder)]))
        # The numerator of the share "care stopped or reduced, of those with care": a count like any
        # (its parts' tenants decide whether a track's sum is one organisation's own figure).
        group, parts = "care_stopped_or_reduced", ("care_stopped", "care_reduced")
        for track in [*TRACKS, ALL]:
            self.true[("outcome", group, track)] = sum(self.true[("outcome", part, track)] for part in parts)
            if self.few(max(national.contributors(year, "outcome", track, part) for part in parts)):
                self.hide.add(("outcome", group, track))
            self.lines.append((("outcome", group, track), [("outcome", part, track) for part in parts]))
            self.lines.append((("outcome", "with_care", track), [("outcome", group, track),
                                                                 ("outcome", "care_other", track)]))
        self.lines.append((("outcome", group, ALL), [("outcome", group, track) for track in TRACKS]))

    def _impact(self, year: str) -> None:
        national = self.national
        domains = sorted({*national.codes(year, "domain_score", 0), *national.codes(year, "change", 0)})
        for domain in domains:
            for moment in national.codes(year, "domain_score", 1):
                self.by_track(("domain_score", domain, moment), year, "domain_score", domain, moment)
        for domain in sorted({*domains, *national.codes(year, "change_t1", 0)}):  # T0 → T1: a count on its own
            self.by_track(("change_t1", domain), year, "change_t1", domain)
        for domain in domains:  # the directions partition the paired changes
            for track in [*TRACKS, ALL]:
                self.true[("change", domain, "=", track)] = national.n(year, "change", track, domain)
            for direction in DIRECTIONS:
                self.by_track(("change", domain, direction), year, "direction", domain, direction, part=True)
            self.total(("change", domain, "="), lambda t, domain=domain: [
                ("change", domain, direction, t) for direction in DIRECTIONS],
                lambda t, domain=domain: national.contributors(year, "change", t, domain))
