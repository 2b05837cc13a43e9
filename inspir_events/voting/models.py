"""Ideas, voting rounds, votes and confirmed winners."""

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

from inspir_events.extensions import db, str_enum
from inspir_events.timeutil import utcnow
from inspir_events.voting.rules import RoundStatus, TallyVisibility


class Idea(db.Model):
    __tablename__ = "idea"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="SET NULL"),
                                                index=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    need_id: Mapped[int | None] = mapped_column(ForeignKey("need.id", ondelete="SET NULL"),
                                                index=True)
    title: Mapped[str] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(Text)
    summary_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    event = relationship("Event")
    team = relationship("Team")
    author = relationship("User")
    need = relationship("Need")


# The ideas of a round, fixed when the round opens.
round_idea = Table(
    "round_idea",
    db.metadata,
    Column("round_id", ForeignKey("voting_round.id", ondelete="CASCADE"), primary_key=True),
    Column("idea_id", ForeignKey("idea.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class VotingRound(db.Model):
    __tablename__ = "voting_round"
    __table_args__ = (
        CheckConstraint("votes_per_participant BETWEEN 1 AND 20", name="votes_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    votes_per_participant: Mapped[int] = mapped_column(Integer, default=3)
    allow_own_team: Mapped[bool] = mapped_column(Boolean, default=False)
    require_check_in: Mapped[bool] = mapped_column(Boolean, default=False)
    visibility: Mapped[TallyVisibility] = mapped_column(str_enum(TallyVisibility),
                                                        default=TallyVisibility.LIVE)
    status: Mapped[RoundStatus] = mapped_column(str_enum(RoundStatus), default=RoundStatus.DRAFT)
    opens_at: Mapped[datetime | None] = mapped_column(DateTime)  # scheduled (UTC)
    closes_at: Mapped[datetime | None] = mapped_column(DateTime)
    opened_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    winners_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    event = relationship("Event")
    ideas = relationship("Idea", secondary=round_idea, order_by="Idea.id")


class Vote(db.Model):
    """One vote of one participant for one idea in one round (unique: never counted twice)."""

    __tablename__ = "vote"
    __table_args__ = (
        UniqueConstraint("round_id", "voter_id", "idea_id"),
        Index("ix_vote_round_idea", "round_id", "idea_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("voting_round.id", ondelete="CASCADE"))
    voter_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class RoundWinner(db.Model):
    """The winners confirmed by the organisers (the aid issue promotes them)."""

    __tablename__ = "round_winner"

    round_id: Mapped[int] = mapped_column(ForeignKey("voting_round.id", ondelete="CASCADE"),
                                          primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"),
                                         primary_key=True)
    rank: Mapped[int] = mapped_column(Integer)
    votes: Mapped[int] = mapped_column(Integer)

    idea = relationship("Idea")
