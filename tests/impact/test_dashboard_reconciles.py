"""The impact dashboard's figures reconcile (issue 16): each count is defined once and shown with one
value wherever the page names it, the parts of a whole add up to it, a subset is never larger than
its whole, and a baby on its way is not counted as a child before its birth.

The page marks every figure with ``data-figure`` (and ``data-part-of``/``data-partition`` or
``data-within``; see the dashboard template), so the checks here read the page as rendered, not the
queries behind it. The clock is pinned to 15 June 2026: 2025 is a whole past year, 2026 runs to today.

    family  match                     closed      referral expected / prevented  children
    A       2025-02-01 – 2025-10-01   2025-11-01  yes / yes                      born 2020 (5)
    B       2024-03-01 – 2024-12-15   2025-01-20  not answered / yes             –   (closed a quarter after its match)
    C       never                     2025-04-01  not answered / not known       –   (closed without a match or reason)
    G       2025-01-15 – 2025-09-01   2025-09-20  yes / no                       born 2008 (17)
    D       2024-09-01 –              open        –                              born 2001 (24); baby born 2026-02-03
    E       2025-05-01 –              open        –                              a baby due 2026-03-01, no birth date
    F       2025-03-01 –              open        –                              born 2025-08-10 (in the third quarter)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from html.parser import HTMLParser

import pytest
import time_machine
from flask import Flask

from saas.auth.roles import Role
from saas.foundation.measures import Measure
from saas.foundation.periods import Period
from saas.tenancy.models import Tenant
from tenants.families.models import Family, FamilyMember
from tenants.families.states import CaseState
from tenants.families.vocabulary import CareOutcome, ClosureReason, MemberRole, Track, YesNoUnknown
from tenants.impact.dashboard.aggregates import Scope
from tenants.impact.dashboard.reach import family_reach
from tenants.impact.vocabulary import Moment
from tenants.publishing.cells import compute_cells
from tests.factories.dashboard import add_match, add_measurement, add_volunteer, create_instrument
from tests.factories.families import create_family
from tests.factories.platform import create_user, in_tenant
from tests.support.sessions import sign_in

NOW = datetime(2026, 6, 15, 10, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@dataclass(frozen=True)
class Figure:
    key: str
    value: int
    part_of: str | None
    partition: str
    within: str | None


class FigureReader(HTMLParser):
    """Collects the page's ``data-figure`` elements with their value (``data-value``, else the text)."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: list[Figure] = []
        self._open: list[tuple[dict[str, str | None], list[str], int]] = []
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._depth += 1
        found = dict(attrs)
        if "data-figure" in found:
            self._open.append((found, [], self._depth))

    def handle_endtag(self, tag: str) -> None:
        if self._open and self._open[-1][2] == self._depth:
            found, text, _depth = self._open.pop()
            value = found.get("data-value") or "".join(text).strip()
            self.figures.append(Figure(str(found["data-figure"]), int(value), found.get("data-part-of"),
                                       found.get("data-partition") or "", found.get("data-within")))
        self._depth -= 1

    def handle_data(self, data: str) -> None:
        for _found, text, _depth in self._open:
            text.append(data)


def read_figures(page: str) -> dict[str, Figure]:
    """Every figure of the page by key, after checking that each key has one value wherever it appears."""
    reader = FigureReader()
    reader.feed(page)
    values: dict[str, set[int]] = defaultdict(set)
    for figure in reader.figures:
        values[figure.key].add(figure.value)
    assert {key: found for key, found in values.items() if len(found) > 1} == {}, "one value per figure"
    return {figure.key: figure for figure in reader.figures}


def assert_reconciles(figures: dict[str, Figure]) -> None:
    """The parts of each partition of a whole add up to it; a subset is at most its whole."""
    parts: dict[tuple[str, str], int] = defaultdict(int)
    for figure in figures.values():
        if figure.part_of:
            parts[figure.part_of, figure.partition] += figure.value
        if figure.within:
            assert figure.value <= figures[figure.within].value, figure
    for (whole, partition), total in parts.items():
        assert total == figures[whole].value, (whole, partition)


def closed(reason: ClosureReason | None, on: date, **fields: object) -> dict[str, object]:
    return {"state": CaseState.CLOSED, "closure_reason": reason, "closed_on": on, **fields}


def child(family: Family, birth_date: date | None) -> FamilyMember:
    return FamilyMember(family_id=family.id, role=MemberRole.CHILD, first_name="Kind", birth_date=birth_date)


@pytest.fixture
def families(app: Flask, tenant_a: Tenant) -> dict[str, Family]:
    yes, unknown = YesNoUnknown.YES, YesNoUnknown.UNKNOWN
    made = {
        "A": create_family(app, tenant_a, family_name="A", referred_on=date(2025, 1, 5), **closed(
            ClosureReason.GOALS_REACHED, date(2025, 11, 1), would_otherwise_be_referred=yes,
            prevented_referral_confirmed=yes, professional_care_involved=True,
            professional_care_at_end=CareOutcome.STOPPED, satisfaction=8)),
        "B": create_family(app, tenant_a, family_name="B", referred_on=date(2024, 1, 5), **closed(
            ClosureReason.MAXIMUM_DURATION, date(2025, 1, 20), would_otherwise_be_referred=unknown,
            prevented_referral_confirmed=yes, professional_care_involved=True,
            professional_care_at_end=CareOutcome.REDUCED)),
        "C": create_family(app, tenant_a, family_name="C", referred_on=date(2025, 2, 1), **closed(
            None, date(2025, 4, 1), prevented_referral_confirmed=unknown)),
        "G": create_family(app, tenant_a, family_name="G", referred_on=date(2024, 12, 1), **closed(
            ClosureReason.MOVED, date(2025, 9, 20), would_otherwise_be_referred=yes,
            prevented_referral_confirmed=YesNoUnknown.NO, professional_care_involved=True,
            professional_care_at_end=CareOutcome.UNCHANGED, satisfaction=6)),
        "D": create_family(app, tenant_a, family_name="D", referred_on=date(2024, 8, 1), state=CaseState.MATCHED,
                           track=Track.FIRST_1000_DAYS, expected_due_date=date(2026, 2, 1)),
        "E": create_family(app, tenant_a, family_name="E", referred_on=date(2025, 4, 1), state=CaseState.MATCHED,
                           track=Track.FIRST_1000_DAYS, expected_due_date=date(2026, 3, 1)),
        "F": create_family(app, tenant_a, family_name="F", referred_on=date(2025, 2, 1), state=CaseState.MATCHED),
    }
    instrument = create_instrument(app)
    with in_tenant(app, tenant_a) as session:
        volunteer = add_volunteer(session, "V")
        for name, started, ended in [("A", date(2025, 2, 1), date(2025, 10, 1)),
                                     ("B", date(2024, 3, 1), date(2024, 12, 15)),
                                     ("G", date(2025, 1, 15), date(2025, 9, 1)), ("D", date(2024, 9, 1), None),
                                     ("E", date(2025, 5, 1), None), ("F", date(2025, 3, 1), None)]:
            add_match(session, made[name], volunteer, started, ended)
        session.add_all([child(made["A"], date(2020, 5, 1)), child(made["G"], date(2008, 1, 1)),
                         child(made["D"], date(2001, 6, 1)), child(made["D"], date(2026, 2, 3)),
                         child(made["E"], None), child(made["F"], date(2025, 8, 10))])
        for moment, taken_on, mean in [(Moment.T0, date(2025, 2, 10), "2.0"), (Moment.TEND, date(2025, 10, 20), "3.0")]:
            add_measurement(session, instrument, made["A"], moment, taken_on, {"finances": mean, "housing": mean})
        session.commit()
    return made


def dashboard(app: Flask, tenant: Tenant, year: int) -> str:
    manager = create_user(app, f"boss{year}@alpha.example", tenant=tenant, role=Role.MANAGER, locale="en")
    client = app.test_client()
    sign_in(client, manager)
    response = client.get(f"/t/alpha/impact/?year={year}")
    assert response.status_code == 200
    return response.text


@pytest.mark.usefixtures("families")
def test_the_figures_of_a_year_reconcile(app: Flask, tenant_a: Tenant) -> None:
    page = dashboard(app, tenant_a, 2025)
    figures = read_figures(page)
    assert_reconciles(figures)
    value = {key: figure.value for key, figure in figures.items()}
    # "Closed" is one count: every family closed in 2025, matched in the year, earlier or never.
    assert value["closed"] == 4
    assert (value["closed-after-match"], value["closed-after-earlier-match"], value["closed-without-match"]) == (
        2, 1, 1)  # A and G; B (its match ended in 2024); C
    assert page.count('data-figure="closed"') >= 3  # the sentence, the breakdown and the reasons' total
    assert value["reason-not-recorded"] == 1  # C: the reasons still add up to the families closed
    # The two referral questions: prevented is not a part of "would otherwise be referred".
    assert (value["would-otherwise-be-referred"], value["prevented-referral"]) == (2, 2)  # A, G; A, B
    assert (value["prevented-as-expected"], value["prevented-unexpectedly"]) == (1, 1)  # A; B (not answered)
    assert "at closure whether the support prevented that referral" in page
    assert (value["with-care"], value["care-stopped"], value["care-reduced"], value["care-otherwise"]) == (3, 1, 1, 1)
    assert value["satisfaction-given"] == 2
    # Supported: a match that ran in 2025 (not B, whose match ended in 2024).
    assert (value["supported"], value["new"], value["continued"]) == (5, 4, 1)
    # Children on 31 December 2025: D's baby (born 2026) and E's (due 2026) are not born yet.
    assert value["children"] == 4
    assert (value["children-0-3"], value["children-4-11"], value["children-12-17"], value["children-18-23"],
            value["children-other"]) == (1, 1, 1, 0, 1)  # F's, A's, G's; D's eldest is 24


@pytest.mark.usefixtures("families")
def test_domain_scores_are_grades(app: Flask, tenant_a: Tenant) -> None:
    page = dashboard(app, tenant_a, 2025)
    assert "from 2.5 to 10" in page
    assert ">5.0" in page and ">7.5" in page  # A's finances: 2.0 and 3.0 on the 1–4 scale
    assert "+2.5" in page  # the change, in grade points
    assert "0.625 grade points" in page  # the stable band (0.25 on the 1–4 scale)
    figures = read_figures(page)
    assert (figures["paired-finances"].value, figures["improved-finances"].value) == (1, 1)
    assert figures["scored-finances-t0"].within == "measured-t0"


@pytest.mark.usefixtures("families")
def test_this_year_counts_the_babies_born_in_it(app: Flask, tenant_a: Tenant) -> None:
    figures = read_figures(dashboard(app, tenant_a, 2026))
    assert_reconciles(figures)
    value = {key: figure.value for key, figure in figures.items()}
    assert (value["supported"], value["closed"]) == (3, 0)  # D, E, F
    # On 15 June 2026: D's baby (born 3 February) by its birth date, F's; E's baby has no birth date
    # but its due date has passed (age unknown); D's eldest is 25.
    assert (value["children"], value["children-0-3"], value["children-other"]) == (4, 2, 2)


@pytest.mark.usefixtures("families")
def test_the_published_children_count_from_birth(app: Flask, tenant_a: Tenant) -> None:
    def children(period: Period) -> int:
        return sum(cell.n for cell in compute_cells([period]) if cell.measure == Measure.CHILDREN)

    with in_tenant(app, tenant_a):
        second, third = family_reach(Scope(2025, quarter=2)), family_reach(Scope(2025, quarter=3))
        # F's child is born on 10 August: not a child of the second quarter, one of the third.
        assert (second.children.get((0, 3)), third.children.get((0, 3))) == (0, 1)
        assert children(Period(2025, 3)) - children(Period(2025, 2)) == third.children_total - second.children_total
        assert children(Period(2025, 2)) == second.children_total
