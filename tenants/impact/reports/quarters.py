"""The quarters of a municipality report: the periods the report's year is split into, and the
true counts of the year and of each quarter, in SQL (four statements, whatever the number of
families). tenants.impact.reports.figures protects them (the flows together with the year's own
figures they add up to) and lays out the table.

Only quarters that have begun by the report's last day are counted, and a quarter is cut off at
that day (this year's report ends today), so the quarters of a report cover exactly its period:
a flow (families referred, families whose support ended, contact moments) of the year is the sum
of its quarters. A stock (families supported, children in them, active volunteers) is counted per
quarter as the report counts it for the year — a family supported in two quarters is counted in
both, and once in the year — so it is no sum.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_, select

from saas.db import db
from saas.foundation.periods import Period
from tenants.families.models import Family, FamilyMember
from tenants.families.states import CaseState
from tenants.families.vocabulary import MemberRole
from tenants.matching.models import ContactMoment, Match

#: Counted over a period: the year's figure is the sum of its quarters'.
FLOWS = ("families_referred", "families_closed", "contact_moments")
#: Counted at any time in a period: a quarter's figure is no part of the year's.
STOCKS = ("families_supported", "children", "active_volunteers")
#: The order of the quarter table: the families, then the children, the volunteers and their contacts.
MEASURES = ("families_supported", "families_referred", "families_closed", "children", "active_volunteers",
            "contact_moments")
#: The key of a span that covers the whole report but not one calendar year (reports made before
#: reports were limited to calendar years).
WHOLE_PERIOD = "all"


@dataclass(frozen=True)
class Span:
    """A period the report counts over: the report's whole period (``key`` its year) or one of its
    quarters (``key`` "2026-Q2"), from ``start`` to ``end`` inclusive."""

    key: str
    start: date
    end: date

    def running(self, started_on: Any, ended_on: Any) -> Any:
        """SQL: something that started by the span's end and had not ended before its start."""
        return and_(started_on <= self.end, or_(ended_on.is_(None), ended_on >= self.start))

    def born_by_end(self) -> Any:
        """SQL: a household member born by the span's last day (or whose birth date is unknown):
        a child is not counted in a period that ends before it was born."""
        return or_(FamilyMember.birth_date.is_(None), FamilyMember.birth_date <= self.end)


def whole_span(start: date, end: date) -> Span:
    """The report's whole period, keyed by its calendar year (every report made now covers one)."""
    return Span(Period(start.year).key if start.year == end.year else WHOLE_PERIOD, start, end)


def quarter_spans(start: date, end: date) -> list[Span]:
    """The calendar quarters that have begun by ``end``, cut off at ``start`` and ``end``, oldest first."""
    spans = []
    day = start
    while day <= end:
        quarter = Period(day.year, (day.month - 1) // 3 + 1)
        spans.append(Span(quarter.key, day, min(quarter.end, end)))
        day = quarter.end + timedelta(days=1)
    return spans


def true_counts(municipality: str, spans: list[Span]) -> dict[tuple[str, str], int]:
    """The true count of every measure of :data:`MEASURES` in every span, as ``(measure, span key)``."""
    return {**_family_flows(municipality, spans), **_contacts(municipality, spans),
            **_supported(municipality, spans), **_children(municipality, spans)}


def _family_flows(municipality: str, spans: list[Span]) -> dict[tuple[str, str], int]:
    referred = [func.count(case((Family.referred_on.between(s.start, s.end), Family.id))) for s in spans]
    closed = [func.count(case((and_(Family.state == CaseState.CLOSED, Family.closed_on.between(s.start, s.end)),
                               Family.id))) for s in spans]
    counts = db.session.execute(select(*referred, *closed).where(Family.municipality == municipality)).one()
    return _by_span(("families_referred", "families_closed"), spans, counts)


def _contacts(municipality: str, spans: list[Span]) -> dict[tuple[str, str], int]:
    first, last = min(s.start for s in spans), max(s.end for s in spans)
    counts = db.session.execute(
        select(*(func.count(case((ContactMoment.happened_on.between(s.start, s.end), ContactMoment.id)))
                 for s in spans))
        .select_from(ContactMoment)
        .join(Family, and_(Family.tenant_id == ContactMoment.tenant_id, Family.id == ContactMoment.family_id))
        .where(Family.municipality == municipality, ContactMoment.happened_on.between(first, last))).one()
    return _by_span(("contact_moments",), spans, counts)


def _running_matches(municipality: str, spans: list[Span]) -> Any:
    """Matches of the municipality's families running at some time in one of ``spans``."""
    first, last = min(s.start for s in spans), max(s.end for s in spans)
    return (select().select_from(Match)
            .join(Family, and_(Family.tenant_id == Match.tenant_id, Family.id == Match.family_id))
            .where(Family.municipality == municipality, Match.started_on.is_not(None),
                   Span(WHOLE_PERIOD, first, last).running(Match.started_on, Match.ended_on)))


def _supported(municipality: str, spans: list[Span]) -> dict[tuple[str, str], int]:
    def distinct_in(span: Span, column: Any) -> Any:
        return func.count(func.distinct(case((span.running(Match.started_on, Match.ended_on), column))))

    counts = db.session.execute(_running_matches(municipality, spans).add_columns(
        *(distinct_in(s, Match.family_id) for s in spans), *(distinct_in(s, Match.volunteer_id) for s in spans))).one()
    return _by_span(("families_supported", "active_volunteers"), spans, counts)


def _children(municipality: str, spans: list[Span]) -> dict[tuple[str, str], int]:
    """Children of the families supported in each span, born by its end (one statement)."""
    counts = db.session.execute(_running_matches(municipality, spans).add_columns(
        *(func.count(func.distinct(case((and_(s.running(Match.started_on, Match.ended_on), s.born_by_end()),
                                         FamilyMember.id)))) for s in spans))
        .join(FamilyMember, and_(FamilyMember.tenant_id == Match.tenant_id, FamilyMember.family_id == Match.family_id))
        .where(FamilyMember.role == MemberRole.CHILD)).one()
    return _by_span(("children",), spans, counts)


def _by_span(measures: tuple[str, ...], spans: list[Span], counts: Any) -> dict[tuple[str, str], int]:
    """The columns of one statement (each measure's spans in turn) by ``(measure, span key)``."""
    values = iter(counts)
    return {(measure, span.key): int(next(values) or 0) for measure in measures for span in spans}
