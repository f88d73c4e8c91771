"""Matches between a family and a volunteer, the tenant's matching policy, and contact moments."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from saas.auth.models import User
from saas.db import TenantScoped, db, enum_type, tenant_fk, utcnow
from tenants.families.models import Family
from tenants.matching.states import ANSWERABLE, OPEN, EndReason, MatchState, VolunteerResponse
from tenants.matching.vocabulary import ContactKind, ContactMode, Frequency, NeighbourhoodRule
from tenants.volunteers.models import Volunteer

#: SQL for "the match is open", for the partial unique index (one open match per family).
_OPEN_SQL = sa.text("state IN ({})".format(", ".join(f"'{state.value}'" for state in sorted(OPEN))))


class Match(TenantScoped, db.Model):
    """A volunteer walking alongside a family, from the proposal to the end (6 to 24 months)."""

    __tablename__ = "matches"
    __table_args__ = (
        tenant_fk("family_id", "families"),
        tenant_fk("volunteer_id", "volunteers"),
        sa.Index(None, "tenant_id", "family_id"),
        sa.Index(None, "tenant_id", "volunteer_id", "state"),
        sa.Index(None, "tenant_id", "state", "started_on"),
        # The database refuses a second open match for a family, even from two requests at once.
        sa.Index("uq_matches_open_family", "tenant_id", "family_id", unique=True,
                 sqlite_where=_OPEN_SQL, postgresql_where=_OPEN_SQL),
    )

    family_id: Mapped[uuid.UUID]
    volunteer_id: Mapped[uuid.UUID]
    #: The coordinator who guides this match.
    coordinator_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    state: Mapped[MatchState] = mapped_column(enum_type(MatchState, "match_state"), default=MatchState.PROPOSED)
    state_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    proposed_on: Mapped[date]
    #: The getting-to-know meeting (kennismakingsgesprek) with family, volunteer and coordinator.
    introduction_on: Mapped[date | None]
    started_on: Mapped[date | None]
    #: Agreed end, between 6 and 24 months after the start.
    planned_end_on: Mapped[date | None]
    #: When the interim evaluation (around six months) took place.
    interim_evaluation_on: Mapped[date | None]
    paused_on: Mapped[date | None]
    # Agreements (visible to the volunteer) -----------------------------------------------------
    frequency: Mapped[Frequency | None] = mapped_column(enum_type(Frequency, "frequency"))
    #: Goals per life domain: {domain code: goal in a sentence}.
    goals: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    #: How family and volunteer reach each other (e.g. "WhatsApp, not after 21:00").
    contact_agreement: Mapped[str | None] = mapped_column(sa.String(300))
    # End ---------------------------------------------------------------------------------------
    ended_on: Mapped[date | None]
    end_reason: Mapped[EndReason | None] = mapped_column(enum_type(EndReason, "end_reason"))
    #: Why, in a sentence; encrypted (it may touch on health or safety).
    end_note_sealed: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    informal_contact_continues: Mapped[bool | None]
    # The volunteer's answer to the proposal (tenants.matching.matches.answers) --------------------
    volunteer_response: Mapped[VolunteerResponse | None] = mapped_column(
        enum_type(VolunteerResponse, "volunteer_response"))
    responded_at: Mapped[datetime | None]
    #: Why the volunteer declined, in their words; encrypted (it may be personal).
    decline_reason_sealed: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    # The suggestion the coordinator chose, as it was then ---------------------------------------
    score: Mapped[int | None]
    score_details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    family: Mapped[Family] = relationship(viewonly=True)
    volunteer: Mapped[Volunteer] = relationship(viewonly=True)
    coordinator: Mapped[User | None] = relationship()

    @property
    def is_proposal(self) -> bool:
        """Proposed, not started yet: the volunteer's answer counts (states.ANSWERABLE)."""
        return self.state in ANSWERABLE

    @property
    def awaits_answer(self) -> bool:
        """The volunteer has not answered the proposal yet, and still can."""
        return self.volunteer_response is None and self.is_proposal


class MatchingPolicy(TenantScoped, db.Model):
    """The tenant's matching rules and signal thresholds (one row per tenant)."""

    __tablename__ = "matching_policies"
    __table_args__ = (sa.UniqueConstraint("tenant_id"),)

    neighbourhood_rule: Mapped[NeighbourhoodRule] = mapped_column(
        enum_type(NeighbourhoodRule, "neighbourhood_rule"), default=NeighbourhoodRule.PREFER)
    #: Signal an active match without contact for this many days, and more urgently after the second.
    contact_warning_days: Mapped[int] = mapped_column(default=14)
    contact_alarm_days: Mapped[int] = mapped_column(default=30)
    #: Signal a family waiting for a match longer than this.
    waiting_days: Mapped[int] = mapped_column(default=60)
    #: Signal a match this many days before its planned end or its 24 months.
    end_warning_days: Mapped[int] = mapped_column(default=60)


class ContactMoment(TenantScoped, db.Model):
    """A contact: a volunteer's visit with the family, or a coordinator's contact about the family."""

    __tablename__ = "contact_moments"
    __table_args__ = (
        tenant_fk("family_id", "families"),
        tenant_fk("match_id", "matches"),
        sa.Index(None, "tenant_id", "family_id", "happened_on"),
        sa.Index(None, "tenant_id", "match_id", "happened_on"),
        sa.Index(None, "tenant_id", "needs_coordinator"),
    )

    family_id: Mapped[uuid.UUID]
    #: The match the contact belongs to (the volunteer's visits always have one).
    match_id: Mapped[uuid.UUID | None]
    author_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[ContactKind] = mapped_column(enum_type(ContactKind, "contact_kind"))
    mode: Mapped[ContactMode] = mapped_column(enum_type(ContactMode, "contact_mode"))
    happened_on: Mapped[date]
    duration_minutes: Mapped[int]
    #: Life-domain codes the contact touched (tenants.life_domains).
    domains: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    #: The short note; encrypted. A coordinator's note is read by coordinators and managers only.
    note_sealed: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    #: "I need my coordinator": the volunteer asks for contact; cleared when a coordinator handles it.
    needs_coordinator: Mapped[bool] = mapped_column(default=False)
    handled_at: Mapped[datetime | None]
    handled_by_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    family: Mapped[Family] = relationship(viewonly=True)
    match: Mapped[Match | None] = relationship(viewonly=True)
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    handled_by: Mapped[User | None] = relationship(foreign_keys=[handled_by_id])


class ContactDraft(TenantScoped, db.Model):
    """A half-written contact log, saved as the author types so it is never lost (one per author
    and family). The fields are kept as submitted, sealed, until the log is saved for real."""

    __tablename__ = "contact_drafts"
    bookkeeping = True
    __table_args__ = (
        tenant_fk("family_id", "families", ondelete="CASCADE"),
        sa.UniqueConstraint("tenant_id", "author_id", "family_id"),
    )

    family_id: Mapped[uuid.UUID]
    author_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    data_sealed: Mapped[bytes] = mapped_column(sa.LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
