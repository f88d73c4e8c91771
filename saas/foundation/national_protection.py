"""Disclosure control of one year's national counts, all at once, the same for every view.

Every count the national view of a year can show is an *entry* here, for each track and for all
tracks (``ALL_TRACKS``); every relation "total = sum of parts" between entries is a *line*; and
``disclosure.protect_entries`` protects all of them together. Because the result depends on the
year's published cells only — not on the track chosen, nor on the year being viewed (a year's
quarters also appear in the next year's trend) — any two views show the same entry the same way,
and no view shows a total whose hidden parts another view gives away.

The lines of a year (``t`` a track, ``*`` all tracks, ``q`` a quarter, ``Y`` the year):

* every count split by track: ``x[*] = Σ x[t]`` (a track's part from fewer than MIN_TENANTS
  tenants is hidden: shown only in the national total);
* flows (families new and closed, volunteers new and stopped): ``x[Y, t] = Σ x[q, t]`` for each
  track and for all tracks — the year *is* the sum of its quarters, and a quarter from too few
  tenants is hidden like a track;
* closure reasons: ``closed[Y, t] = Σ reason[r, t]`` (plus a hidden "not recorded" remainder
  should a publisher's reasons not add up), linked with the quarters through ``closed[Y, t]``;
* children: ``children[t] = Σ children[band, t]``; paired changes: ``n[d, t] = Σ direction[d, t]``
  (the families of the change T0 → T1 are a count per track and domain, without parts);
* outcomes (tenants.impact.dashboard.reach.outcomes: care stopped or reduced ⊆ with care ⊆ closed;
  otherwise referred ⊆ closed and, independently of it, referral prevented ⊆ closed, the two
  overlapping in "prevented as expected"; measured at T0 and Tend ⊆ closed):
  ``with_care[t] = care_stopped[t] + care_reduced[t] + care_other[t]``, ``closed[Y, t] =
  with_care[t] + without_care[t]`` and likewise for each referral question (:data:`OUTCOME_REMAINDERS`).
  A remainder is never displayed, yet "total − shown parts" computes it, so it is an entry like any
  count (hidden when small) and its line keeps the shown outcomes from isolating 1–9 families;
* the numerator of a headline share that adds outcomes up (:data:`OUTCOME_GROUPS`: care stopped or
  reduced) is an entry too, with ``group[t] = Σ part[t]`` and ``whole[t] = group[t] + remainder[t]``:
  a share shows its numerator almost exactly, so the numerator is protected like a shown count.

Stock figures (families supported, volunteers active) are a line per period (a quarter's stock
is no part of the year's). Codes come from the year's own cells, sorted, so the entries (and the
tie-breaks of secondary suppression) do not depend on labels or on the language.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from saas.foundation.disclosure import protect_entries, too_few_tenants
from saas.foundation.measures import AGE_BAND_CATEGORIES, ALL, CHANGE_DIRECTIONS, OUTCOME_CATEGORIES, Measure
from saas.foundation.periods import Period, year_periods
from saas.foundation.published import ANY_TRACK, CellKey, CellSum, PublishedData

#: The track of an entry over all tracks.
ALL_TRACKS = ANY_TRACK
#: The category of a breakdown's total among its parts' keys (no code is "=").
TOTAL = "="
#: Closed families without a (published) reason: only present when the reasons do not add up.
UNRECORDED = "unrecorded"
#: Measures split by track: one cell per track; all tracks is the sum over the tracks (a cell
#: with track ALL of these measures is not part of the contract and is ignored).
TRACK_SPLIT = frozenset({Measure.MEASURED, Measure.DOMAIN_SCORE, Measure.PAIRED_CHANGE, Measure.CHANGE_DIRECTION,
                         Measure.CLOSURE_REASON, Measure.OUTCOME, Measure.SATISFACTION, Measure.FAMILIES,
                         Measure.CHILDREN})
#: Each outcome remainder: (the outcome it is part of, the outcomes it is the rest of); "closed" is
#: the families_closed entry of the year.
OUTCOME_REMAINDERS = {"care_other": ("with_care", ("care_stopped", "care_reduced")),
                      "without_care": ("closed", ("with_care",)),
                      "not_would_otherwise_be_referred": ("closed", ("would_otherwise_be_referred",)),
                      "not_prevented_referral_confirmed": ("closed", ("prevented_referral_confirmed",)),
                      "expected_not_prevented": ("would_otherwise_be_referred", ("prevented_as_expected",)),
                      "prevented_unexpectedly": ("prevented_referral_confirmed", ("prevented_as_expected",)),
                      "closed_not_measured": ("closed", ("measured_t0_and_tend",))}
#: Numerators of headline shares that add outcomes up: group → (its parts, the share's whole, the
#: remainder of the whole beside the parts).
OUTCOME_GROUPS = {"care_stopped_or_reduced": (("care_stopped", "care_reduced"), "with_care", "care_other")}
FAMILY_FLOWS = ("new", "closed")
VOLUNTEER_FLOWS = ("new", "stopped")

Entry = tuple[str, ...]


@dataclass
class YearCounts:
    """The protected counts of one year (None: hidden) with the true counts behind them (for
    deciding whether a mean may be shown: never shown itself)."""

    year: int
    tracks: list[str]
    shown: dict[Entry, int | None] = field(default_factory=dict)
    true: dict[Entry, int] = field(default_factory=dict)

    def count(self, *entry: str) -> int | None:
        """The shown count of ``entry``, None when hidden — and when unknown: an entry that was not
        protected (a misspelt name, a code of another year) must never read as a shown 0."""
        return self.shown.get(entry)

    def track_count(self, *entry: str, track: str) -> int | None:
        """:meth:`count` of ``entry + (track,)``. A track with no published cell in the year (it is
        offered because the previous year has it) has nothing to count: its true count is 0, and a
        shown 0 identifies no one."""
        if track != ALL_TRACKS and track not in self.tracks:
            return 0
        return self.count(*entry, track)

    def true_count(self, *entry: str) -> int:
        return self.true.get(entry, 0)


def year_tracks(data: PublishedData, year: int) -> list[str]:
    """The tracks with cells in ``year`` or its quarters, sorted."""
    periods = set(year_periods(year))
    return sorted({key.track for key in data.cells
                   if key.period in periods and key.measure in TRACK_SPLIT and key.track not in (ALL, ANY_TRACK)})


def codes(data: PublishedData, year: int, measure: Measure, dimension: str) -> list[str]:
    """The codes of ``dimension`` ("domain", "moment", "category") of ``measure`` in ``year``, sorted."""
    return sorted({getattr(key, dimension) for key in data.cells
                   if key.period == str(year) and key.measure == measure.value} - {ALL})


def track_sum(data: PublishedData, key: CellKey, tracks: Iterable[str]) -> CellSum:
    """The cell ``key`` for one track, or (track ALL_TRACKS) summed over ``tracks`` with the
    number of different tenants from the database's all-tracks row."""
    if key.track != ALL_TRACKS:
        return data.cell(key)
    parts = [data.cell(key._replace(track=track)) for track in tracks]
    return CellSum(sum(part.n for part in parts), sum(part.total for part in parts),
                   sum(part.squares for part in parts), data.cell(key).tenants)


def protect_year(data: PublishedData, year: int) -> YearCounts:
    """Every count of ``year`` the national view can show, protected together (see the module)."""
    builder = _YearBuilder(data, year)
    builder.build()
    counts = YearCounts(year, builder.tracks, true=builder.true)
    counts.shown = protect_entries(builder.true, builder.lines, builder.hide)
    return counts


def protect_families_supported(data: PublishedData, period: Period) -> YearCounts:
    """Only the line of the families supported in ``period`` (for the growth table): a line of its
    own, so the result is the same as in that year's own :func:`protect_year`."""
    builder = _YearBuilder(data, period.year)
    builder.split(("families_supported", period.key),
                  CellKey(period.key, Measure.FAMILIES.value, ALL_TRACKS, category="supported"))
    counts = YearCounts(period.year, builder.tracks, true=builder.true)
    counts.shown = protect_entries(builder.true, builder.lines, builder.hide)
    return counts


class _YearBuilder:
    def __init__(self, data: PublishedData, year: int) -> None:
        self.data = data
        self.year = year
        self.period = Period(year)
        self.quarters = self.period.quarters()
        self.tracks = year_tracks(data, year)
        self.every_track = [*self.tracks, ALL_TRACKS]
        self.true: dict[Entry, int] = {}
        self.lines: list[tuple[Entry, list[Entry]]] = []
        self.hide: set[Entry] = set()

    # Building blocks ---------------------------------------------------------------------------

    def split(self, name: Entry, cell: CellKey) -> None:
        """``name + (t,)`` for every track from ``cell`` (its track replaced), ``name + ("*",)``
        their sum; parts from too few tenants hidden, the all-tracks entry too when it is itself a
        part (its tenants are counted across tracks by the database)."""
        for track in self.tracks:
            found = self.data.cell(cell._replace(track=track))
            self._add((*name, track), found.n, found.tenants)
        self.true[(*name, ALL_TRACKS)] = sum(self.true[(*name, track)] for track in self.tracks)
        self.lines.append(((*name, ALL_TRACKS), [(*name, track) for track in self.tracks]))

    def hide_if_part(self, entry: Entry, cell: CellKey) -> None:
        """``entry`` (over all tracks) is itself a part of a national total: the tenants rule applies."""
        if too_few_tenants(self.data.cell(cell._replace(track=ALL_TRACKS)).tenants):
            self.hide.add(entry)

    def total_of(self, total: Entry, parts: Callable[[str], list[Entry]], tenants: Callable[[str], int]) -> None:
        """For every track and all tracks: ``total + (t,)`` = Σ ``parts(t)``; a track's total from
        too few tenants (``tenants(t)``) hidden."""
        for track in self.every_track:
            entry = (*total, track)
            if entry not in self.true:
                self.true[entry] = sum(self.true[part] for part in parts(track))
            if track != ALL_TRACKS and too_few_tenants(tenants(track)):
                self.hide.add(entry)
            self.lines.append((entry, parts(track)))

    def _add(self, entry: Entry, n: int, tenants: int) -> None:
        self.true[entry] = n
        if too_few_tenants(tenants):
            self.hide.add(entry)

    def _cell(self, period: str, measure: Measure, track: str = ALL, domain: str = ALL, moment: str = ALL,
              category: str = ALL) -> CellKey:
        return CellKey(period, measure.value, track, domain, moment, category)

    # The year's figures ------------------------------------------------------------------------

    def build(self) -> None:
        for period in (self.period, *self.quarters):
            supported = self._cell(period.key, Measure.FAMILIES, category="supported")
            self.split(("families_supported", period.key), supported)
            self.true[("volunteers_active", period.key)] = self.data.cell(
                self._cell(period.key, Measure.VOLUNTEERS, category="active")).n
        for category in FAMILY_FLOWS:
            self._family_flow(category)
        for category in VOLUNTEER_FLOWS:
            self._volunteer_flow(category)
        self._closure_reasons()
        self._children()
        self._impact()
        self.split(("satisfaction",), self._cell(self.period.key, Measure.SATISFACTION))
        self._outcomes()
        self.true[("training_attendances",)] = self.data.cell(self._cell(self.period.key, Measure.TRAINING_HOURS)).n

    def _family_flow(self, category: str) -> None:
        name = f"families_{category}"
        for quarter in self.quarters:
            cell = self._cell(quarter.key, Measure.FAMILIES, category=category)
            self.split((name, quarter.key), cell)
            self.hide_if_part((name, quarter.key, ALL_TRACKS), cell)
        year_cell = self._cell(self.period.key, Measure.FAMILIES, category=category)

        def tenants(track: str) -> int:
            # The year's own cell counts its tenants; any quarter's is a lower bound should it be missing.
            return max(self.data.cell(cell._replace(track=track)).tenants
                       for cell in (year_cell, *(year_cell._replace(period=q.key) for q in self.quarters)))

        self.total_of((name, self.period.key), lambda track: [(name, q.key, track) for q in self.quarters], tenants)
        self.lines.append(((name, self.period.key, ALL_TRACKS), [(name, self.period.key, t) for t in self.tracks]))

    def _volunteer_flow(self, category: str) -> None:
        name = f"volunteers_{category}"
        for quarter in self.quarters:
            found = self.data.cell(self._cell(quarter.key, Measure.VOLUNTEERS, category=category))
            self._add((name, quarter.key), found.n, found.tenants)
        year = (name, self.period.key)
        self.true[year] = sum(self.true[(name, quarter.key)] for quarter in self.quarters)
        self.lines.append((year, [(name, quarter.key) for quarter in self.quarters]))

    def _closure_reasons(self) -> None:
        reasons = codes(self.data, self.year, Measure.CLOSURE_REASON, "category")
        for reason in reasons:
            cell = self._cell(self.period.key, Measure.CLOSURE_REASON, category=reason)
            self.split(("closure_reason", reason), cell)
            self.hide_if_part(("closure_reason", reason, ALL_TRACKS), cell)
        closed = ("families_closed", self.period.key)
        for track in self.tracks:
            missing = self.true[(*closed, track)] - sum(self.true[("closure_reason", r, track)] for r in reasons)
            self.true[("closure_reason", UNRECORDED, track)] = max(missing, 0)
        unrecorded = ("closure_reason", UNRECORDED)
        self.true[(*unrecorded, ALL_TRACKS)] = sum(self.true[(*unrecorded, track)] for track in self.tracks)
        self.lines.append(((*unrecorded, ALL_TRACKS), [(*unrecorded, track) for track in self.tracks]))
        # Who a remainder comes from is unknown: never shown unless it is zero.
        self.hide.update((*unrecorded, track) for track in self.every_track if self.true[(*unrecorded, track)])
        for track in self.every_track:
            self.lines.append(((*closed, track), [("closure_reason", r, track) for r in (*reasons, UNRECORDED)]))

    def _outcomes(self) -> None:
        """The outcomes as parts of the closed families, with their remainders (see the module)."""
        for category in OUTCOME_CATEGORIES:
            if category != "closed":  # the closed families are families_closed (the same count)
                cell = self._cell(self.period.key, Measure.OUTCOME, category=category)
                self.split(("outcome", category), cell)
                self.hide_if_part(("outcome", category, ALL_TRACKS), cell)
        for remainder, (total, parts) in OUTCOME_REMAINDERS.items():
            # The remainder's families are some of its total's: from too few tenants when the total
            # is. (From how many tenants a remainder comes when its total has enough, sums cannot
            # tell; it is never displayed, and computing it takes three rounded figures.)
            total_cell = self._cell(self.period.key, Measure.OUTCOME, category=total)
            for track in self.tracks:
                left = self.true[self._outcome(total, track)] - sum(self.true[self._outcome(p, track)] for p in parts)
                tenants = self.data.cell(total_cell._replace(track=track)).tenants
                self._add(("outcome", remainder, track), max(left, 0), tenants if left > 0 else 0)
            entry = ("outcome", remainder, ALL_TRACKS)
            self.true[entry] = sum(self.true[("outcome", remainder, track)] for track in self.tracks)
            self.lines.append((entry, [("outcome", remainder, track) for track in self.tracks]))
            if self.true[entry]:
                self.hide_if_part(entry, total_cell)
            for track in self.every_track:
                self.lines.append((self._outcome(total, track),
                                   [self._outcome(category, track) for category in (*parts, remainder)]))
        for group, (parts, whole, remainder) in OUTCOME_GROUPS.items():
            self._outcome_group(group, parts, whole, remainder)

    def _outcome_group(self, group: str, parts: tuple[str, ...], whole: str, remainder: str) -> None:
        """A share's numerator that adds outcomes up (see OUTCOME_GROUPS): an entry with the lines
        ``group = Σ parts`` and ``whole = group + remainder``, hidden for a track where every part
        comes from too few tenants (the sum could be one organisation's own figure)."""
        for track in self.tracks:
            tenants = max(self.data.cell(self._cell(self.period.key, Measure.OUTCOME, track=track, category=part))
                          .tenants for part in parts)
            self._add(("outcome", group, track), sum(self.true[("outcome", part, track)] for part in parts), tenants)
        entry = ("outcome", group, ALL_TRACKS)
        self.true[entry] = sum(self.true[("outcome", group, track)] for track in self.tracks)
        self.lines.append((entry, [("outcome", group, track) for track in self.tracks]))
        if too_few_tenants(max(self.data.cell(self._cell(self.period.key, Measure.OUTCOME, track=ALL_TRACKS,
                                                         category=part)).tenants for part in parts)):
            self.hide.add(entry)
        for track in self.every_track:
            self.lines.append(((("outcome", group, track)), [("outcome", part, track) for part in parts]))
            self.lines.append((self._outcome(whole, track),
                               [("outcome", group, track), self._outcome(remainder, track)]))

    def _outcome(self, category: str, track: str) -> Entry:
        """The entry of an outcome or remainder; the closed families are the year's families_closed."""
        return ("families_closed", self.period.key, track) if category == "closed" else ("outcome", category, track)

    def _children(self) -> None:
        bands = sorted(set(AGE_BAND_CATEGORIES) | set(codes(self.data, self.year, Measure.CHILDREN, "category")))
        cells = {band: self._cell(self.period.key, Measure.CHILDREN, category=band) for band in bands}
        for band, cell in cells.items():
            self.split(("children", band), cell)
            self.hide_if_part(("children", band, ALL_TRACKS), cell)
        self.total_of(("children", TOTAL), lambda track: [("children", band, track) for band in bands],
                      lambda track: max(self.data.cell(cell._replace(track=track)).tenants for cell in cells.values()))
        self.lines.append((("children", TOTAL, ALL_TRACKS), [("children", TOTAL, t) for t in self.tracks]))

    def _impact(self) -> None:
        year = self.period.key
        # Every domain gets every entry (zeros where it has no cell: they change nothing), so the view
        # finds a count for each domain it lists — e.g. scored at T0 but with no paired change yet.
        domains = sorted({code for measure in (Measure.DOMAIN_SCORE, Measure.PAIRED_CHANGE, Measure.CHANGE_DIRECTION)
                          for code in codes(self.data, self.year, measure, "domain")})
        for domain in domains:
            for moment in codes(self.data, self.year, Measure.DOMAIN_SCORE, "moment"):
                self.split(("domain_score", domain, moment), self._cell(year, Measure.DOMAIN_SCORE, domain=domain,
                                                                         moment=moment))
        for domain in domains:
            self._change(domain)
            # T0 → T1: how many families it is taken over, a count on its own (no parts).
            self.split(("change_t1", domain), self._cell(year, Measure.PAIRED_CHANGE, domain=domain, moment="t1"))

    def _change(self, domain: str) -> None:
        year = self.period.key
        paired = self._cell(year, Measure.PAIRED_CHANGE, domain=domain)
        for track in self.tracks:  # the total is the paired change's own n (the directions partition it)
            self.true[("change", domain, TOTAL, track)] = self.data.cell(paired._replace(track=track)).n
        self.true[("change", domain, TOTAL, ALL_TRACKS)] = sum(
            self.true[("change", domain, TOTAL, track)] for track in self.tracks)
        for direction in CHANGE_DIRECTIONS:
            cell = self._cell(year, Measure.CHANGE_DIRECTION, domain=domain, category=direction)
            self.split(("change", domain, direction), cell)
            self.hide_if_part(("change", domain, direction, ALL_TRACKS), cell)
        self.total_of(("change", domain, TOTAL),
                      lambda track: [("change", domain, direction, track) for direction in CHANGE_DIRECTIONS],
                      lambda track: self.data.cell(paired._replace(track=track)).tenants)
        self.lines.append((("change", domain, TOTAL, ALL_TRACKS), [("change", domain, TOTAL, t) for t in self.tracks]))
