"""The family file: the family (one support trajectory), its members, intake, notes and timeline."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from saas.auth.models import User
from saas.db import TenantScoped, db, enum_type, tenant_fk, utcnow
from tenants.families.states import CaseState
from tenants.families.vocabulary import (
    CareOutcome,
    Channel,
    ChildSafety,
    ClosureReason,
    Composition,
    Gender,
    Judgement,
    MemberRole,
    ReferrerType,
    Track,
    YesNoUnknown,
)

# What each sealed text is bound to (saas.crypto): a text sealed for one place does not open in another.
# Writes (operations) and reads (queries) must name the same one.
HELP_QUESTION = "help_question"
INTAKE_STORY = "intake_story"
CHILD_SAFETY_NOTES = "child_safety_notes"
NOTE = "family_note"
CONTACT_DETAILS = "family_contact_details"


class Family(TenantScoped, db.Model):
    """A family's case file, from referral to closure. A family referred again gets a new file."""

    __tablename__ = "families"
    __table_args__ = (
        sa.UniqueConstraint("tenant_id", "case_year", "case_seq"),
        # The waiting list (state, longest waiting first) and each list filter with the default sort;
        # the default sort itself has a descending index, below the class.
        sa.Index(None, "tenant_id", "state", "referred_on", "id"),
        sa.Index(None, "tenant_id", "municipality", "referred_on"),
        sa.Index(None, "tenant_id", "referrer_type", "referred_on"),
        sa.Index(None, "tenant_id", "coordinator_id"),
        sa.Index(None, "tenant_id", "family_name", "id"),
        sa.Index(None, "tenant_id", "phone_key"),
        # Substring search on the folded key (tenants.families.search): a trigram GIN index on
        # PostgreSQL (pg_trgm, with btree_gin for the tenant); a plain index on SQLite, which scans.
        sa.Index(
            "ix_families_tenant_id_search_text",
            "tenant_id",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        ),
    )

    #: Year and sequence of the human case number, e.g. 2026-0042 (per tenant).
    case_year: Mapped[int]
    case_seq: Mapped[int]
    #: How the family is addressed in lists, e.g. "Familie Bakker".
    family_name: Mapped[str] = mapped_column(sa.String(120))
    state: Mapped[CaseState] = mapped_column(enum_type(CaseState, "case_state"), default=CaseState.REFERRED)
    #: The responsible coordinator (a member of this tenant), once assigned.
    coordinator_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    track: Mapped[Track] = mapped_column(enum_type(Track, "track"), default=Track.REGULAR)

    # Household ------------------------------------------------------------------------------
    composition: Mapped[Composition | None] = mapped_column(enum_type(Composition, "composition"))
    #: Languages spoken at home, as typed (e.g. "Nederlands", "Arabisch").
    languages: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    interpreter_needed: Mapped[bool] = mapped_column(default=False)
    #: One of the tenant's municipalities; the CBS code (GMxxxx) for reporting.
    municipality: Mapped[str | None] = mapped_column(sa.String(120))
    municipality_code: Mapped[str | None] = mapped_column(sa.String(6))
    neighbourhood: Mapped[str | None] = mapped_column(sa.String(120))
    #: Expected birth for the first-1000-days track.
    expected_due_date: Mapped[date | None]

    # Contact details (tenants.families.contact_details) --------------------------------------
    #: Address, phone, e-mail and the language to use, sealed together (CONTACT_DETAILS).
    contact_sealed: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    #: The postcode, normalised ("3511AB"), kept plain for the matching distance and the search.
    postcode: Mapped[str | None] = mapped_column(sa.String(6))
    #: A keyed hash of the phone number (saas.crypto.blind_index), so a search finds it sealed.
    phone_key: Mapped[str | None] = mapped_column(sa.String(64))

    # Referral (aanmelding) --------------------------------------------------------------------
    referred_on: Mapped[date]
    channel: Mapped[Channel] = mapped_column(enum_type(Channel, "channel"))
    referrer_type: Mapped[ReferrerType] = mapped_column(enum_type(ReferrerType, "referrer_type"))
    referrer_organisation: Mapped[str | None] = mapped_column(sa.String(160))
    referrer_contact: Mapped[str | None] = mapped_column(sa.String(160))
    #: The help question in the family's or referrer's words; encrypted (may hold health details).
    help_question_sealed: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    #: Life-domain codes the help question touches (tenants.life_domains).
    help_domains: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    professional_care_involved: Mapped[bool] = mapped_column(default=False)
    professional_agencies: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    professional_agency_count: Mapped[int] = mapped_column(default=0)
    #: Without Samen Oplopen, would the family have been referred to professional care?
    would_otherwise_be_referred: Mapped[YesNoUnknown] = mapped_column(
        enum_type(YesNoUnknown, "would_otherwise_be_referred"), default=YesNoUnknown.UNKNOWN
    )
    handover_from_professional_care: Mapped[bool] = mapped_column(default=False)
    consent_given: Mapped[bool] = mapped_column(default=False)
    consent_purposes: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    consent_on: Mapped[date | None]
    #: Who gave consent (name and relation); for children under 16 their legal representative.
    consent_by: Mapped[str | None] = mapped_column(sa.String(160))
    consent_by_legal_representative: Mapped[bool] = mapped_column(default=False)

    # Closure (afronding) ----------------------------------------------------------------------
    closed_on: Mapped[date | None]
    closure_reason: Mapped[ClosureReason | None] = mapped_column(enum_type(ClosureReason, "closure_reason"))
    professional_care_at_end: Mapped[CareOutcome | None] = mapped_column(enum_type(CareOutcome, "care_outcome"))
    prevented_referral_confirmed: Mapped[YesNoUnknown | None] = mapped_column(
        enum_type(YesNoUnknown, "prevented_referral_confirmed")
    )
    #: The family's grade for the support, 1–10 (a Dutch school grade).
    satisfaction: Mapped[int | None] = mapped_column(sa.SmallInteger)
    informal_contact_continues: Mapped[bool | None]

    #: The folded names and case number a search looks in (tenants.families.search keeps it up to date).
    search_text: Mapped[str] = mapped_column(sa.Text, default="")

    #: Set when the state last changed, for waiting times.
    state_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    coordinator: Mapped[User | None] = relationship()
    members: Mapped[list[FamilyMember]] = relationship(
        back_populates="family", order_by="FamilyMember.birth_date", cascade="all, delete-orphan"
    )
    intake: Mapped[Intake | None] = relationship(back_populates="family", uselist=False, cascade="all, delete-orphan")

    @property
    def case_number(self) -> str:
        return f"{self.case_year}-{self.case_seq:04d}"

    def days_since_referral(self, today: date) -> int:
        return (today - self.referred_on).days


# The list's default sort (newest referral first, then id) read straight from an index: page 1 reads
# 25 entries instead of sorting every family. A descending column needs the mapped attribute.
sa.Index("ix_families_tenant_id_referred_on_desc_id", Family.tenant_id, Family.referred_on.desc(), Family.id)


class FamilyMember(TenantScoped, db.Model):
    """A parent, child or other member of the household."""

    __tablename__ = "family_members"
    __table_args__ = (tenant_fk("family_id", "families", ondelete="CASCADE"), sa.Index(None, "tenant_id", "family_id"))

    family_id: Mapped[uuid.UUID]
    role: Mapped[MemberRole] = mapped_column(enum_type(MemberRole, "member_role"))
    first_name: Mapped[str] = mapped_column(sa.String(80))
    birth_date: Mapped[date | None]
    #: Holds parental authority: gives consent for children under 16.
    legal_representative: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    family: Mapped[Family] = relationship(back_populates="members")

    def age_on(self, day: date) -> int | None:
        if self.birth_date is None:
            return None
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday


class Intake(TenantScoped, db.Model):
    """The home-visit intake: planned, then recorded by a coordinator."""

    __tablename__ = "intakes"
    __table_args__ = (
        tenant_fk("family_id", "families", ondelete="CASCADE"),
        sa.UniqueConstraint("tenant_id", "family_id"),
    )

    family_id: Mapped[uuid.UUID]
    planned_at: Mapped[datetime | None]
    coordinator_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    done_on: Mapped[date | None]
    #: Who was present at the home visit (names or roles).
    present: Mapped[str | None] = mapped_column(sa.String(300))
    #: The family's own story and wishes; encrypted.
    story_sealed: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    wish_languages: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    wish_gender: Mapped[Gender] = mapped_column(enum_type(Gender, "gender"), default=Gender.ANY)
    wish_day_parts: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    wish_experience: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    judgement: Mapped[Judgement | None] = mapped_column(enum_type(Judgement, "judgement"))
    child_safety: Mapped[ChildSafety | None] = mapped_column(enum_type(ChildSafety, "child_safety"))
    #: The coordinator's notes on the child-safety check; encrypted.
    child_safety_notes_sealed: Mapped[bytes | None] = mapped_column(sa.LargeBinary)

    family: Mapped[Family] = relationship(back_populates="intake")
    coordinator: Mapped[User | None] = relationship()


class FamilyNote(TenantScoped, db.Model):
    """A coordinator's note on the file: only coordinators and managers read it; encrypted at rest."""

    __tablename__ = "family_notes"
    __table_args__ = (
        tenant_fk("family_id", "families", ondelete="CASCADE"),
        sa.Index(None, "tenant_id", "family_id", "created_at"),
    )

    family_id: Mapped[uuid.UUID]
    author_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    body_sealed: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship()


class CaseEvent(TenantScoped, db.Model):
    """One line of the file's timeline: a state change or another change to the file."""

    __tablename__ = "case_events"
    __table_args__ = (
        tenant_fk("family_id", "families", ondelete="CASCADE"),
        sa.Index(None, "tenant_id", "family_id", "at"),
    )

    family_id: Mapped[uuid.UUID]
    actor_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    #: What happened, e.g. "state_changed", "member_added" (labels in tenants.families.timeline).
    kind: Mapped[str] = mapped_column(sa.String(40))
    from_state: Mapped[CaseState | None] = mapped_column(enum_type(CaseState, "from_state"))
    to_state: Mapped[CaseState | None] = mapped_column(enum_type(CaseState, "to_state"))
    #: Why (required for some moves); short, no case details.
    reason: Mapped[str | None] = mapped_column(sa.String(500))
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship()


class CaseCounter(TenantScoped, db.Model):
    """The last case number handed out per year, so numbers are gapless and per tenant."""

    __tablename__ = "case_counters"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "year"),)

    year: Mapped[int]
    last: Mapped[int] = mapped_column(default=0)
