"""Teams at an event, their members, wanted roles, needs, join requests; who looks for a team."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspir_events.extensions import db, str_enum
from inspir_events.teams.rules import JoinPolicy, RequestStatus
from inspir_events.timeutil import utcnow

team_wanted_role = Table(
    "team_wanted_role",
    db.metadata,
    Column("team_id", ForeignKey("team.id", ondelete="CASCADE"), primary_key=True),
    Column("skill_code", ForeignKey("skill.code"), primary_key=True),
)

team_need = Table(
    "team_need",
    db.metadata,
    Column("team_id", ForeignKey("team.id", ondelete="CASCADE"), primary_key=True),
    Column("need_id", ForeignKey("need.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Team(db.Model):
    __tablename__ = "team"
    __table_args__ = (
        UniqueConstraint("event_id", "name_key"),
        CheckConstraint("max_size BETWEEN 2 AND 12", name="max_size_range"),
        # The database itself refuses a team over its maximum size.
        CheckConstraint("member_count <= max_size", name="not_over_max_size"),
        CheckConstraint("member_count >= 0", name="member_count_non_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    name_key: Mapped[str] = mapped_column(String(80))
    pitch: Mapped[str] = mapped_column(Text, default="")
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    max_size: Mapped[int] = mapped_column(Integer)
    join_policy: Mapped[JoinPolicy] = mapped_column(str_enum(JoinPolicy), default=JoinPolicy.OPEN)
    # Equal to the number of TeamMember rows (changed in the same transaction).
    member_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    event = relationship("Event")
    lead = relationship("User", foreign_keys=[lead_id])
    member_rows: Mapped[list[TeamMember]] = relationship(
        back_populates="team", cascade="all, delete-orphan", order_by="TeamMember.joined_at")
    wanted_roles = relationship("Skill", secondary=team_wanted_role, order_by="Skill.position")
    needs = relationship("Need", secondary=team_need, order_by="Need.id")


class TeamMember(db.Model):
    """A participant in a team; one team per person per event (unique event + user)."""

    __tablename__ = "team_member"
    __table_args__ = (UniqueConstraint("event_id", "user_id"),)

    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"),
                                         primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         primary_key=True, index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    joined_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    team: Mapped[Team] = relationship(back_populates="member_rows")
    user = relationship("User")


class JoinRequest(db.Model):
    __tablename__ = "join_request"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         index=True)
    status: Mapped[RequestStatus] = mapped_column(str_enum(RequestStatus),
                                                  default=RequestStatus.PENDING)
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)

    team: Mapped[Team] = relationship()
    user = relationship("User")


class TeamSeeker(db.Model):
    """A participant looking for a team at an event, with the skills they bring there."""

    __tablename__ = "team_seeker"

    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"),
                                          primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         primary_key=True, index=True)
    skills: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    user = relationship("User")
