"""The national figures laid out as tables: what the dashboard's tables, the CSV/XLSX exports and
the annual PDF all show, cell for cell.

One layout for every output means the page and a downloaded file cannot disagree: each cell
carries its already-protected value (saas.foundation.national) and its kind, and only the way it
is written differs — the page formats it for the reader's language, a CSV writes it plainly.
Nothing here adds, subtracts or re-derives a figure: a derived number could undo the
disclosure control.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from saas.foundation.national import TREND_COLUMNS, Breakdown, Count, NationalFigures
from saas.foundation.national_labels import headline_labels
from saas.i18n import L_, _


class Kind(StrEnum):
    """How a cell's value is to be read and written."""

    TEXT = "text"      #: a label: a period, a life domain, an organisation's name
    COUNT = "count"    #: a protected count of people; None when suppressed ("<10")
    EXACT = "exact"    #: a number of organisations or municipalities: exact, never people
    CHANGE = "change"  #: a change in grade points (signed); None when taken over fewer than 10 families ("–")
    GRADE = "grade"    #: a mean grade (1 to 10; a domain score 1–4 times 2.5); None likewise
    SHARE = "share"    #: a share from 0 to 1, written as a whole percentage
    RATIO = "ratio"    #: families per coordinator


#: Decimals each kind is shown with (a share: of its percentage).
DECIMALS = {Kind.CHANGE: 2, Kind.GRADE: 1, Kind.SHARE: 0, Kind.RATIO: 0}
#: How the files write a suppressed count, and a mean (or share) that is not shown.
SUPPRESSED = "<10"
NOT_SHOWN = "–"


@dataclass(frozen=True)
class Cell:
    value: int | Decimal | str | None
    kind: Kind = Kind.TEXT
    #: On a row's label cell: the row's stable English code ("finances", "2026-Q3"), which the
    #: machine-readable exports write instead of the translated label.
    code: str | None = None

    @property
    def is_number(self) -> bool:
        return self.kind != Kind.TEXT

    def shown(self) -> int | Decimal | str | None:
        """The value as every output shows it: decimals rounded half up to the kind's places, a
        share as its percentage; None when suppressed or not shown."""
        if self.value is None or self.kind not in DECIMALS:
            return self.value
        value = Decimal(self.value) * (100 if self.kind == Kind.SHARE else 1)
        return value.quantize(Decimal(1).scaleb(-DECIMALS[self.kind]), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Table:
    """A titled table: ``columns`` are the header labels (the first heads the row labels), and the
    first cell of each row is the row's label."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    #: The columns' stable English codes, in the order of ``columns`` (for the machine-readable exports).
    codes: tuple[str, ...] = ()


#: The tables in the order of the page, each downloadable under its key.
TABLE_KEYS = ("headlines", "trend", "impact", "outcomes", "closure_reasons", "children", "fidelity", "growth")

TITLES = {
    "headlines": L_("National figures"),
    "trend": L_("Trend per quarter"),
    "impact": L_("Impact per life domain"),
    "outcomes": L_("Outcomes of closed support"),
    "closure_reasons": L_("Closure reasons"),
    "children": L_("Children in the supported families, by age"),
    "fidelity": L_("Fidelity per organisation"),
    "growth": L_("Growth over the years"),
}
#: The moments of measurement, as the published statistics name them, with their labels.
MOMENTS = (("t0", "T0"), ("t1", "T1"), ("tend", "Tend"))
DIRECTIONS = (("improved", L_("Improved")), ("stable", L_("Stable")), ("worse", L_("Worse")))


def _count(count: Count) -> Cell:
    return Cell(count.value, Kind.COUNT)


def headlines(figures: NationalFigures) -> Table:
    rows = [[Cell(_("Organisations that published"), code="organisations_published"),
             Cell(figures.tenants, Kind.EXACT)]]
    rows += [[Cell(headline.label, code=headline.key), _count(headline.count)] for headline in figures.headlines]
    return Table("headlines", str(TITLES["headlines"]), [_("Figure"), _("Number")], rows, ("figure", "number"))


def trend_columns(figures: NationalFigures) -> list[tuple[str, str]]:
    """(key, label) of the trend's columns: as the figures name them, else the usual five."""
    return figures.trend_columns or [(key, headline_labels()[key]) for key in TREND_COLUMNS]


def moments(figures: NationalFigures, *, short: bool = False) -> list[tuple[str, str]]:
    """(code, label) of the moments of measurement, as the figures name them (else T0, T1, Tend);
    ``short``: the bare names ("T0") of the standard moments, for column headers."""
    if not figures.moments:
        return list(MOMENTS)
    short_names = dict(MOMENTS) if short else {}
    return [(code, short_names.get(code, label)) for code, label in figures.moments]


def trend(figures: NationalFigures) -> Table:
    columns = trend_columns(figures)
    return Table("trend", str(TITLES["trend"]), [_("Quarter"), *(label for _key, label in columns)],
                 [[Cell(row.label, code=row.period),
                   *(_count(row.values.get(key, Count(None))) for key, _label in columns)] for row in figures.trend],
                 ("quarter", *(key for key, _label in columns)))


def impact(figures: NationalFigures) -> Table:
    heads = [("domain", _("Life domain"))]  # (code, label) of each column
    for code, moment in moments(figures, short=True):
        heads += [(f"families_{code}", _("Families at %(moment)s", moment=moment)),
                  (f"mean_{code}", _("Mean at %(moment)s", moment=moment))]
    interval = [("change_ci_low", _("Lower bound of the %(level)s%% confidence interval", level=95)),
                ("change_ci_high", _("Upper bound of the %(level)s%% confidence interval", level=95))]
    heads += [("families_paired", _("Families with T0 and Tend")), ("mean_change", _("Mean change (grade points)")),
              *interval, *((code, str(label)) for code, label in DIRECTIONS), ("improved_share", _("Improved (share)")),
              ("families_paired_t1", _("Families with T0 and T1")),
              ("mean_change_t1", _("Mean change to T1 (grade points)")),
              ("change_ci_low_t1", _("Lower bound to T1 (%(level)s%% interval)", level=95)),
              ("change_ci_high_t1", _("Upper bound to T1 (%(level)s%% interval)", level=95))]
    rows = []
    for domain in figures.impact:
        row = [Cell(domain.label, code=domain.code)]
        for code, _moment in moments(figures):
            n, mean = domain.means.get(code, (Count(0), None))
            row += [_count(n), Cell(mean, Kind.GRADE)]
        after_a_year = domain.change_t1
        row += [_count(domain.change_n), Cell(domain.change_mean, Kind.CHANGE),
                Cell(domain.change_low, Kind.CHANGE), Cell(domain.change_high, Kind.CHANGE),
                *(_count(domain.directions.get(code, Count(0))) for code, _label in DIRECTIONS),
                Cell(domain.improved_share, Kind.SHARE), _count(domain.change_t1_n),
                *(Cell(getattr(after_a_year, part) if after_a_year else None, Kind.CHANGE)
                  for part in ("mean", "low", "high"))]
        rows.append(row)
    return Table("impact", str(TITLES["impact"]), [label for _code, label in heads], rows,
                 tuple(code for code, _label in heads))


#: The columns of the change T0 → T1 at the end of the impact table: families, mean, interval.
AFTER_A_YEAR_COLUMNS = 4


def impact_parts(figures: NationalFigures) -> tuple[Table, Table, Table]:
    """The impact table in three, as the page and the PDF show it (twenty columns do not read
    well): the mean grades at each moment, the change T0 → Tend, the change T0 → T1 — the same
    cells, split by column."""
    whole = impact(figures)
    first, last = 1 + 2 * len(moments(figures)), len(whole.columns) - AFTER_A_YEAR_COLUMNS
    return (_columns(whole, "impact_means", _("Mean grade per life domain and moment"), range(1, first)),
            _columns(whole, "impact_change", _("Change from T0 to Tend per life domain"), range(first, last)),
            _columns(whole, "impact_change_t1", _("Change from T0 to T1 (after a year) per life domain"),
                     range(last, len(whole.columns))))


def _columns(table: Table, key: str, title: str, indexes: range) -> Table:
    """``table``'s row labels with the columns at ``indexes``."""
    return Table(key, title, [table.columns[0], *(table.columns[i] for i in indexes)],
                 [[row[0], *(row[i] for i in indexes)] for row in table.rows],
                 tuple(table.codes[i] for i in (0, *indexes)) if table.codes else ())


def outcomes(figures: NationalFigures) -> Table:
    """The outcomes of the families closed (counts), their satisfaction (how many gave a grade,
    the mean grade and its spread) and the headline shares, in one column of figures."""
    rows = [[Cell(outcome.label, code=outcome.key), _count(outcome.count)] for outcome in figures.outcomes]
    rows.append([Cell(_("Families who gave a satisfaction grade"), code="satisfaction_count"),
                 _count(figures.satisfaction_n)])
    rows.append([Cell(_("Mean satisfaction grade (1 to 10)"), code="satisfaction_grade"),
                 Cell(figures.satisfaction, Kind.GRADE)])
    rows.append([Cell(_("Spread of the satisfaction grades (standard deviation)"), code="satisfaction_spread"),
                 Cell(figures.satisfaction_spread, Kind.GRADE)])
    rows.extend([Cell(share.label, code=share.key), Cell(share.value, Kind.SHARE)] for share in figures.shares)
    return Table("outcomes", str(TITLES["outcomes"]), [_("Outcome"), _("Number")], rows, ("outcome", "number"))


def _breakdown(key: str, breakdown: Breakdown, heading: str, unit: str, codes: tuple[str, str]) -> Table:
    rows = [[Cell(row.label, code=row.key), _count(row.count)] for row in breakdown.rows]
    rows.append([Cell(_("Total"), code="total"), _count(breakdown.total)])
    return Table(key, str(TITLES[key]), [heading, unit], rows, codes)


def closure_reasons(figures: NationalFigures) -> Table:
    return _breakdown("closure_reasons", figures.closure_reasons, _("Reason"), _("Families"), ("reason", "families"))


def children(figures: NationalFigures) -> Table:
    return _breakdown("children", figures.children, _("Age"), _("Children"), ("age", "children"))


def fidelity(figures: NationalFigures, *, per_organisation: bool = True) -> Table:
    """The fidelity indicators per organisation and the national median; only the median with
    ``per_organisation`` False (the annual report, which may be passed on: organisations' names
    and scores stay on the foundation's own pages)."""
    indicators = figures.fidelity.indicators

    def cells(values: dict[str, Decimal | None]) -> list[Cell]:
        return [Cell(values.get(key), Kind.RATIO if key == "caseload" else Kind.SHARE) for key, _label in indicators]

    rows = ([[Cell(row.tenant_name, code=row.tenant_name), *cells(row.values)] for row in figures.fidelity.rows]
            if per_organisation else [])
    rows.append([Cell(_("National median"), code="national_median"), *cells(figures.fidelity.median)])
    return Table("fidelity", str(TITLES["fidelity"]), [_("Organisation"), *(label for _key, label in indicators)],
                 rows, ("organisation", *(key for key, _label in indicators)))


def growth(figures: NationalFigures) -> Table:
    return Table("growth", str(TITLES["growth"]),
                 [_("Year"), _("Organisations"), _("Municipalities"), _("Families"), _("Volunteers")],
                 [[Cell(row.label, code=row.period), Cell(row.tenants, Kind.EXACT),
                   Cell(row.municipalities, Kind.EXACT), _count(row.families), _count(row.volunteers)]
                  for row in figures.growth],
                 ("year", "organisations", "municipalities", "families", "volunteers"))


BUILDERS = {"headlines": headlines, "trend": trend, "impact": impact, "outcomes": outcomes,
            "closure_reasons": closure_reasons, "children": children, "fidelity": fidelity, "growth": growth}


def table(figures: NationalFigures, key: str) -> Table:
    """The table ``key`` (one of TABLE_KEYS; KeyError otherwise)."""
    return BUILDERS[key](figures)


def all_tables(figures: NationalFigures) -> dict[str, Table]:
    return {key: table(figures, key) for key in TABLE_KEYS}

