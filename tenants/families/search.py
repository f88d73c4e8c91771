"""Searching family files: what is searchable, the stored key that holds it, and why a file matched.

Every searchable text of a family is listed once, in :data:`FIELDS` (a label and how to read the
texts from the family and its household). The folded texts (``saas.search.fold``) are stored together
in ``families.search_text``, which :func:`refresh_search_keys` rebuilds in the flush whenever a family's
searchable attributes or its members change, however they were written (operations, the demo, tests).
A query matches when each of its words is found in that key — so "bakker yilmaz" finds the Bakker
family with a child Yılmaz — or, for a word shaped like a case number ("2025-47"), when it is the
file's case number. Adding a searchable field is one entry in :data:`FIELDS` (the postcode is one);
the migration that adds its column rebuilds the keys (see migrations/versions/…_family_search_keys.py
for the recipe). The phone number is sealed, so it is not in the key: a query that is a phone number
however typed ("06 1234 5678", "+31612345678") is compared with ``Family.phone_key``, a keyed hash
(tenants.families.contact_details). Volunteers are searched by tenants.volunteers.search.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from saas.contact import format_postcode, phone_in_query
from saas.i18n import L_
from saas.search import contains, fold, key_of
from tenants.families.contact_details import phone_key
from tenants.families.models import Family, FamilyMember
from tenants.families.vocabulary import MemberRole


@dataclass(frozen=True)
class SearchField:
    """One kind of searchable text: its label in "why it matched" and the texts it reads."""

    name: str
    label: Any  # a lazy string: shown as "child: Yusuf"
    texts: Callable[[Family, Sequence[FamilyMember]], Iterable[str | None]]
    #: The family's attributes it reads: changing one rebuilds the key.
    attributes: tuple[str, ...] = ()


def _members(role: MemberRole) -> Callable[[Family, Sequence[FamilyMember]], Iterable[str | None]]:
    return lambda _family, members: [member.first_name for member in members if member.role == role]


def _case_number(family: Family, _members: Sequence[FamilyMember]) -> Iterable[str | None]:
    return [family.case_number] if family.case_year is not None and family.case_seq is not None else []


#: Everything a search looks in, in the order "why it matched" lists it. Members are read by
#: role and first name (MEMBER_ATTRIBUTES).
FIELDS: tuple[SearchField, ...] = (
    SearchField("family_name", L_("family name"), lambda family, _members: [family.family_name], ("family_name",)),
    SearchField("case_number", L_("case number"), _case_number, ("case_year", "case_seq")),
    SearchField("parent", L_("parent"), _members(MemberRole.PARENT)),
    SearchField("child", L_("child"), _members(MemberRole.CHILD)),
    SearchField("member", L_("household member"), _members(MemberRole.OTHER)),
    # "3511AB" (no space): found by "3511ab", "3511 ab" (two words) and "3511".
    SearchField("postcode", L_("postcode"), lambda family, _members: [family.postcode], ("postcode",)),
)
#: The phone number is sealed, so it is not in the key: a query that is a phone number is compared
#: with the file's keyed hash of it (Family.phone_key) instead.
PHONE_LABEL = L_("phone")
FAMILY_ATTRIBUTES = frozenset(chain.from_iterable(field.attributes for field in FIELDS))
MEMBER_ATTRIBUTES = ("role", "first_name", "family_id")

#: A word that is a case number with its year: "2025-0047" or "2025-47" (ASCII digits, within the columns).
CASE_NUMBER = re.compile(r"([0-9]{4})-([0-9]{1,9})")
#: A word of digits only may be the number part of a case number ("47", "0047").
CASE_SEQUENCE = re.compile(r"[0-9]{1,9}")


def search_key(family: Family, members: Sequence[FamilyMember]) -> str:
    """The stored search key of ``family`` with these household ``members``."""
    return key_of(chain.from_iterable(field.texts(family, members) for field in FIELDS))


# The query ------------------------------------------------------------------------------------


def exact_case_number(word: str) -> sa.ColumnElement[bool] | None:
    """The condition "this file has that case number" for a word shaped like one, else None."""
    if match := CASE_NUMBER.fullmatch(word):
        return sa.and_(Family.case_year == int(match[1]), Family.case_seq == int(match[2]))
    if CASE_SEQUENCE.fullmatch(word):
        return Family.case_seq == int(word)
    return None


def word_condition(word: str) -> sa.ColumnElement[bool]:
    """A folded query word: found in the key, or (shaped like a case number "2025-47") that number."""
    found = contains(Family.search_text, word)
    exact = exact_case_number(word) if CASE_NUMBER.fullmatch(word) else None  # "47" alone: a substring only
    return found if exact is None else sa.or_(found, exact)


def condition(words: Sequence[str]) -> sa.ColumnElement[bool]:
    """Every word found (see :func:`word_condition`), or the whole query is the file's phone number."""
    every_word = sa.and_(*(word_condition(word) for word in words))
    phone = phone_in_query(words)
    return sa.or_(every_word, Family.phone_key == phone_key(phone)) if phone else every_word


def case_number_first(words: Sequence[str]) -> list[sa.ColumnElement[Any]]:
    """Ordering that puts files whose case number is a query word ("47", "2025-0047") first."""
    exact = [c for c in map(exact_case_number, words) if c is not None]
    return [sa.case((sa.or_(*exact), 0), else_=1)] if exact else []


# Why it matched --------------------------------------------------------------------------------


def reasons_for(words: Sequence[str]) -> Callable[[Family], list[tuple[Any, str]]]:
    """``reasons(family)`` for one search: the (label, text) of each searchable text of ``family``
    (members loaded) that a word was found in. The phone's key is made once per search, not per
    family shown."""
    phone = phone_in_query(words)
    key = phone_key(phone) if phone else None

    def reasons(family: Family) -> list[tuple[Any, str]]:
        found = []
        for field in FIELDS:
            for text in field.texts(family, family.members):
                if not text:
                    continue
                folded = fold(text)
                exact = field.name == "case_number" and any(_is_case_number(family, word) for word in words)
                if exact or any(word in folded for word in words):
                    found.append((field.label, format_postcode(text) if field.name == "postcode" else text))
        if key is not None and family.phone_key == key:
            found.append((PHONE_LABEL, phone))
        return found

    return reasons


def _is_case_number(family: Family, word: str) -> bool:
    if match := CASE_NUMBER.fullmatch(word):
        return (family.case_year, family.case_seq) == (int(match[1]), int(match[2]))
    return False


# Keeping the key up to date --------------------------------------------------------------------


def contribute() -> None:
    """Rebuild the search keys in every flush (once per process, however many apps are built)."""
    if not event.contains(Session, "before_flush", refresh_search_keys):
        event.listen(Session, "before_flush", refresh_search_keys)


def _changed(obj: Any, attributes: Iterable[str]) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in attributes)


def _family_id(member: FamilyMember) -> uuid.UUID | None:
    if member.family_id is not None:
        return member.family_id
    family = member.__dict__.get("family")  # set through the relationship, not loaded here
    return family.id if family is not None else None


def refresh_search_keys(session: Session, _flush_context: Any, _instances: Any) -> None:
    """``before_flush``: rebuild the key of each family that is new, had a searchable attribute
    changed, or had a member added, changed or removed. Costs nothing when no family is touched and
    two statements when only members are (their family and its other members)."""
    families: dict[uuid.UUID, Family] = {}
    new_members: list[FamilyMember] = []
    touched: set[uuid.UUID | None] = set()
    deleted: set[int] = set()
    for obj in session.new:
        if isinstance(obj, Family):
            if obj.id is None:
                obj.id = uuid.uuid4()  # the column default, given now so members can point at it
            families[obj.id] = obj
        elif isinstance(obj, FamilyMember):
            new_members.append(obj)
            touched.add(_family_id(obj))
    for obj in session.dirty:
        if isinstance(obj, Family) and _changed(obj, FAMILY_ATTRIBUTES):
            families[obj.id] = obj
        elif isinstance(obj, FamilyMember) and _changed(obj, MEMBER_ATTRIBUTES):
            touched.add(obj.family_id)
    for obj in session.deleted:
        if isinstance(obj, FamilyMember):
            touched.add(obj.family_id)
            deleted.add(id(obj))
        elif isinstance(obj, Family):
            families.pop(obj.id, None)
            touched.discard(obj.id)
    touched.discard(None)
    if not families and not touched:
        return
    new_ids = {family.id for family in session.new if isinstance(family, Family)}
    missing = {i for i in touched if i not in families}
    if missing:
        families.update((family.id, family) for family in session.scalars(select(Family).where(Family.id.in_(missing))))
    members: dict[uuid.UUID, dict[int, FamilyMember]] = {family_id: {} for family_id in families}
    stored = set(families) - new_ids
    if stored:
        for member in session.scalars(select(FamilyMember).where(FamilyMember.family_id.in_(stored))):
            if member.family_id in members:  # a member moved to another family keeps to its new one
                members[member.family_id][id(member)] = member
    for family_id in new_ids & set(families):
        for member in families[family_id].__dict__.get("members", []):
            members[family_id][id(member)] = member
    for member in new_members:
        if (family_id := _family_id(member)) in members:
            members[family_id][id(member)] = member
    for family_id, family in families.items():
        household = sorted((m for key, m in members[family_id].items() if key not in deleted),
                           key=lambda m: (m.role.value if m.role else "", m.first_name or ""))
        key = search_key(family, household)
        if family.search_text != key:
            family.search_text = key
