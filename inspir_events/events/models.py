"""Events, their organisers, the needs they address, registrations and calendar feeds."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspir_events.events.rules import (
    Attendance,
    EventKind,
    EventStatus,
    RegistrationStatus,
    RunBy,
)
from inspir_events.extensions import db, str_enum
from inspir_events.timeutil import utcnow

event_need = Table(
    "event_need",
    db.metadata,
    Column("event_id", ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
    Column("need_id", ForeignKey("need.id", ondelete="CASCADE"), primary_key=True, index=True),
)

event_theme = Table(
    "event_theme",
    db.metadata,
    Column("event_id", ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_code", ForeignKey("theme.code"), primary_key=True),
)


class EventOrganiser(db.Model):
    __tablename__ = "event_organiser"

    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"),
                                          primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         primary_key=True, index=True)
    added_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    user = relationship("User")


class Event(db.Model):
    __tablename__ = "event"
    __table_args__ = (
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("confirmed_count >= 0", name="confirmed_non_negative"),
        Index("ix_event_listing", "status", "starts_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(150))
    kind: Mapped[EventKind] = mapped_column(str_enum(EventKind))
    description: Mapped[str] = mapped_column(Text)
    description_html: Mapped[str] = mapped_column(Text)
    starts_at: Mapped[datetime] = mapped_column(DateTime)
    ends_at: Mapped[datetime] = mapped_column(DateTime)
    venue_name: Mapped[str] = mapped_column(String(150))
    venue_address: Mapped[str] = mapped_column(String(250))
    # The commune's name as shown; venue_commune_code names it in the reference list (issue
    # 20 §3). A free-text commune of before the list that named none keeps no code.
    venue_commune: Mapped[str] = mapped_column(String(100))
    venue_commune_code: Mapped[str | None] = mapped_column(ForeignKey("commune.code"), index=True)
    department_code: Mapped[str] = mapped_column(ForeignKey("department.code"), index=True)
    capacity: Mapped[int | None] = mapped_column(Integer)
    registration_opens_at: Mapped[datetime | None] = mapped_column(DateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(DateTime)
    run_by: Mapped[RunBy] = mapped_column(str_enum(RunBy))
    status: Mapped[EventStatus] = mapped_column(str_enum(EventStatus), default=EventStatus.DRAFT)
    # iCalendar SEQUENCE: incremented at each change seen by subscribers.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    # Equal to the number of confirmed registrations (changed in the same transaction).
    confirmed_count: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Teams: the default maximum size of a new team (2-12), and when teams freeze.
    team_size_default: Mapped[int] = mapped_column(Integer, default=6, server_default="6")
    teams_frozen_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Ideas: whether a participant without a team may post one.
    solo_ideas_allowed: Mapped[bool] = mapped_column(Boolean, default=False,
                                                     server_default="0")

    department = relationship("Department")
    commune_row = relationship("Commune")
    created_by = relationship("User", foreign_keys=[created_by_id])
    organiser_rows: Mapped[list[EventOrganiser]] = relationship(
        cascade="all, delete-orphan", order_by="EventOrganiser.added_at", lazy="selectin")
    needs = relationship("Need", secondary=event_need, order_by="Need.id")
    themes = relationship("Theme", secondary=event_theme, order_by="Theme.position")

    @property
    def organiser_ids(self) -> set[int]:
        return {row.user_id for row in self.organiser_rows}


class Registration(db.Model):
    """One per person per event; re-registering reuses the row (and joins the queue's end)."""

    __tablename__ = "registration"
    __table_args__ = (
        UniqueConstraint("event_id", "user_id"),
        Index("ix_registration_queue", "event_id", "status", "position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         index=True)
    status: Mapped[RegistrationStatus] = mapped_column(str_enum(RegistrationStatus))
    # Arrival order within the event, given under the event's lock: the waitlist's order.
    position: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    attendance: Mapped[Attendance | None] = mapped_column(str_enum(Attendance))
    checked_in_at: Mapped[datetime | None] = mapped_column(DateTime)
    # When the 48-hour reminder was written (claimed by a conditional UPDATE: once).
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime)

    event: Mapped[Event] = relationship()
    user = relationship("User")


class CalendarFeed(db.Model):
    """A user's private calendar feed: an unguessable token in its URL, revocable.

    Only the token's SHA-256 is stored, as for sessions (issue 18, 1.8): a leaked table
    opens no feed, and the address is shown once, when it is made.
    """

    __tablename__ = "calendar_feed"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
