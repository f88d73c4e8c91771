"""Volunteers, their screening (VOG) records, their timeline, and the tenant's screening policy."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from saas.auth.models import User
from saas.db import TenantScoped, db, enum_type, tenant_fk, utcnow
from tenants.families.vocabulary import Gender
from tenants.volunteers.states import ExitReason, VolunteerKind, VolunteerState


class Volunteer(TenantScoped, db.Model):
    """A volunteer (or volunteer family) from first application to stopping."""

    __tablename__ = "volunteers"
    __table_args__ = (
        sa.UniqueConstraint("tenant_id", "user_id"),
        # The list's default sort (by name, then id), alone and after its state and municipality
        # filters, and the sort by application date.
        sa.Index(None, "tenant_id", "state", "name", "id"),
        sa.Index(None, "tenant_id", "name", "id"),
        sa.Index(None, "tenant_id", "municipality", "name"),
        sa.Index(None, "tenant_id", "applied_on", "id"),
    )

    #: The volunteer's own account (membership role volunteer), for self-service; None until invited.
    user_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[VolunteerKind] = mapped_column(enum_type(VolunteerKind, "volunteer_kind"),
                                                default=VolunteerKind.INDIVIDUAL)
    #: Full name, or the family's name for a volunteer family.
    name: Mapped[str] = mapped_column(sa.String(120))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    state: Mapped[VolunteerState] = mapped_column(enum_type(VolunteerState, "volunteer_state"),
                                                  default=VolunteerState.APPLICANT)
    state_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When the application came in; the applicant list measures waiting time from here.
    applied_on: Mapped[date]
    #: The getting-to-know interview, and approval to be matched.
    interviewed_on: Mapped[date | None]
    approved_on: Mapped[date | None]
    stopped_on: Mapped[date | None]
    exit_reason: Mapped[ExitReason | None] = mapped_column(enum_type(ExitReason, "exit_reason"))
    # Profile ----------------------------------------------------------------------------------
    languages: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    municipality: Mapped[str | None] = mapped_column(sa.String(120))
    neighbourhood: Mapped[str | None] = mapped_column(sa.String(120))
    #: Optional, normalised ("3511AB"): the distance to a family in the suggestions (tenants.matching.distance).
    postcode: Mapped[str | None] = mapped_column(sa.String(6))
    #: Day-part codes (tenants.families.vocabulary.DayPart) the volunteer is usually free.
    day_parts: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    max_families: Mapped[int] = mapped_column(default=1)
    #: Life-domain codes (tenants.life_domains) the volunteer has experience with.
    experience_domains: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    interests: Mapped[str | None] = mapped_column(sa.String(500))
    #: Track codes (tenants.families.vocabulary.Track) the volunteer prefers; empty: any.
    preferred_tracks: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    preferred_child_age_min: Mapped[int | None]
    preferred_child_age_max: Mapped[int | None]
    #: Woman or man, when recorded: only to meet a family's wish (Intake.wish_gender) in the
    #: suggestions (tenants.matching.scoring); never ANY ("no preference" is a family's wish).
    gender: Mapped[Gender | None] = mapped_column(enum_type(Gender, "volunteer_gender"))
    #: The folded name, phone number and postcode a search looks in (tenants.volunteers.search).
    search_text: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User | None] = relationship()
    screenings: Mapped[list[Screening]] = relationship(
        back_populates="volunteer", order_by="Screening.issued_on.desc()", cascade="all, delete-orphan")


class Screening(TenantScoped, db.Model):
    """A certificate of conduct (VOG) seen by staff: dates and profile only, never a scan."""

    __tablename__ = "screenings"
    __table_args__ = (tenant_fk("volunteer_id", "volunteers", ondelete="CASCADE"),
                      sa.Index(None, "tenant_id", "volunteer_id", "issued_on"))

    volunteer_id: Mapped[uuid.UUID]
    issued_on: Mapped[date]
    #: Justis screening profile, e.g. "45" (health care and welfare).
    screening_profile: Mapped[str] = mapped_column(sa.String(10))
    checked_by_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    checked_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    volunteer: Mapped[Volunteer] = relationship(back_populates="screenings")
    checked_by: Mapped[User | None] = relationship()


class VolunteerEvent(TenantScoped, db.Model):
    """One line of a volunteer's timeline."""

    __tablename__ = "volunteer_events"
    __table_args__ = (tenant_fk("volunteer_id", "volunteers", ondelete="CASCADE"),
                      sa.Index(None, "tenant_id", "volunteer_id", "at"))

    volunteer_id: Mapped[uuid.UUID]
    actor_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(sa.String(40))
    from_state: Mapped[VolunteerState | None] = mapped_column(enum_type(VolunteerState, "from_state"))
    to_state: Mapped[VolunteerState | None] = mapped_column(enum_type(VolunteerState, "to_state"))
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship()


class ScreeningPolicy(TenantScoped, db.Model):
    """The tenant's rules for screening and the applicant list (one row per tenant)."""

    __tablename__ = "screening_policies"
    __table_args__ = (sa.UniqueConstraint("tenant_id"),)

    #: A VOG may be at most this old when the volunteer starts (is approved).
    max_age_at_start_days: Mapped[int] = mapped_column(default=90)
    #: A VOG must be renewed this many months after its issue date.
    renewal_months: Mapped[int] = mapped_column(default=36)
    #: Warn this many days before a VOG expires.
    warning_days: Mapped[int] = mapped_column(default=60)
    #: Flag applicants still in the pipeline after this many days.
    applicant_waiting_days: Mapped[int] = mapped_column(default=14)
