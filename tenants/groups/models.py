"""The group track: pregnancy and mothers' groups with facilitators, participants, sessions and
attendance."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from saas.auth.models import User
from saas.db import TenantScoped, db, enum_type, tenant_fk, utcnow
from tenants.families.models import Family
from tenants.groups.vocabulary import GroupKind
from tenants.volunteers.models import Volunteer


class Group(TenantScoped, db.Model):
    """A pregnancy or mothers' group, led by a professional with volunteer facilitators."""

    __tablename__ = "groups"
    __table_args__ = (sa.Index(None, "tenant_id", "starts_on"),)

    name: Mapped[str] = mapped_column(sa.String(120))
    kind: Mapped[GroupKind] = mapped_column(enum_type(GroupKind, "group_kind"))
    municipality: Mapped[str | None] = mapped_column(sa.String(120))
    #: E.g. the welfare or maternity-care organisation the group runs with.
    partner_organisation: Mapped[str | None] = mapped_column(sa.String(160))
    #: The professional who leads the group.
    coordinator_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    #: E.g. "Monthly, Tuesday morning".
    meeting_frequency: Mapped[str | None] = mapped_column(sa.String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    coordinator: Mapped[User | None] = relationship()
    facilitators: Mapped[list[GroupFacilitator]] = relationship(back_populates="group", cascade="all, delete-orphan")
    participants: Mapped[list[GroupParticipant]] = relationship(
        back_populates="group", order_by="GroupParticipant.joined_on", cascade="all, delete-orphan")
    sessions: Mapped[list[GroupSession]] = relationship(
        back_populates="group", order_by="GroupSession.held_on", cascade="all, delete-orphan")


class GroupFacilitator(TenantScoped, db.Model):
    """A volunteer who helps run a group."""

    __tablename__ = "group_facilitators"
    __table_args__ = (tenant_fk("group_id", "groups", ondelete="CASCADE"),
                      tenant_fk("volunteer_id", "volunteers", ondelete="CASCADE"),
                      sa.UniqueConstraint("tenant_id", "group_id", "volunteer_id"))

    group_id: Mapped[uuid.UUID]
    volunteer_id: Mapped[uuid.UUID]

    group: Mapped[Group] = relationship(back_populates="facilitators")
    volunteer: Mapped[Volunteer] = relationship(viewonly=True)


class GroupParticipant(TenantScoped, db.Model):
    """A (future) mother in a group; linked to her family file when she has one."""

    __tablename__ = "group_participants"
    __table_args__ = (tenant_fk("group_id", "groups", ondelete="CASCADE"),
                      tenant_fk("family_id", "families"),
                      sa.Index(None, "tenant_id", "group_id"))

    group_id: Mapped[uuid.UUID]
    family_id: Mapped[uuid.UUID | None]
    first_name: Mapped[str] = mapped_column(sa.String(80))
    due_date: Mapped[date | None]
    child_birth_date: Mapped[date | None]
    intake_on: Mapped[date | None]
    joined_on: Mapped[date]
    left_on: Mapped[date | None]

    group: Mapped[Group] = relationship(back_populates="participants")
    family: Mapped[Family | None] = relationship(viewonly=True)


class GroupSession(TenantScoped, db.Model):
    """One meeting of a group."""

    __tablename__ = "group_sessions"
    __table_args__ = (tenant_fk("group_id", "groups", ondelete="CASCADE"),
                      sa.UniqueConstraint("tenant_id", "group_id", "held_on"))  # one a day; also the index

    group_id: Mapped[uuid.UUID]
    held_on: Mapped[date]
    theme: Mapped[str | None] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    group: Mapped[Group] = relationship(back_populates="sessions")
    attendance: Mapped[list[GroupAttendance]] = relationship(back_populates="session", cascade="all, delete-orphan")


class GroupAttendance(TenantScoped, db.Model):
    """Whether a participant was at a session."""

    __tablename__ = "group_attendance"
    __table_args__ = (tenant_fk("session_id", "group_sessions", ondelete="CASCADE"),
                      tenant_fk("participant_id", "group_participants", ondelete="CASCADE"),
                      sa.UniqueConstraint("tenant_id", "session_id", "participant_id"))

    session_id: Mapped[uuid.UUID]
    participant_id: Mapped[uuid.UUID]
    present: Mapped[bool] = mapped_column(default=False)

    session: Mapped[GroupSession] = relationship(back_populates="attendance")
    participant: Mapped[GroupParticipant] = relationship(viewonly=True)
