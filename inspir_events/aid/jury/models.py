"""The jury's tables: a subject's jury (:class:`Jury`), its members (:class:`JuryMember`,
each with a discipline) and their scores (:class:`JuryScore`, one per member, application
and criterion).

A jury belongs to one subject of a juried type (``subject_type``, ``subject_id``: a call
for projects, a co-funding session...), as the feature owning it registers it
(:mod:`.registry`); an application is named the same way (``application_type``,
``application_id``), so this package knows no call and no co-funding.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspir_events.aid.jury.rules import DEFAULT_MIN_DISCIPLINES, DEFAULT_QUORUM, Discipline
from inspir_events.extensions import db, str_enum
from inspir_events.timeutil import utcnow

TYPE_MAX = 40


class Jury(db.Model):
    """The jury of one subject: its quorum, the disciplines it needs, its criteria."""

    __tablename__ = "jury"
    __table_args__ = (
        UniqueConstraint("subject_type", "subject_id", name="one_jury_per_subject"),
        CheckConstraint("quorum >= 1", name="quorum_positive"),
        CheckConstraint("min_disciplines >= 1", name="min_disciplines_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(TYPE_MAX))
    subject_id: Mapped[int] = mapped_column(Integer)
    quorum: Mapped[int] = mapped_column(Integer, default=DEFAULT_QUORUM)
    min_disciplines: Mapped[int] = mapped_column(Integer, default=DEFAULT_MIN_DISCIPLINES)
    criteria: Mapped[list] = mapped_column(JSON)  # criterion codes (rules.CRITERION_CODES)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    members = relationship("JuryMember", back_populates="jury", cascade="all, delete-orphan",
                           order_by="JuryMember.named_at")


class JuryMember(db.Model):
    """A person the committee named to a jury, with their discipline."""

    __tablename__ = "jury_member"
    __table_args__ = (UniqueConstraint("jury_id", "user_id", name="member_once"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    jury_id: Mapped[int] = mapped_column(ForeignKey("jury.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    discipline: Mapped[Discipline] = mapped_column(str_enum(Discipline, 24))
    named_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    named_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    jury = relationship("Jury", back_populates="members")
    user = relationship("User", foreign_keys=[user_id])


class JuryScore(db.Model):
    """One member's score (0 to 5) of one application on one criterion, with a comment."""

    __tablename__ = "jury_score"
    __table_args__ = (
        UniqueConstraint("jury_id", "user_id", "application_type", "application_id",
                         "criterion", name="scored_once"),
        CheckConstraint("score >= 0 AND score <= 5", name="score_in_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    jury_id: Mapped[int] = mapped_column(ForeignKey("jury.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    application_type: Mapped[str] = mapped_column(String(TYPE_MAX))
    application_id: Mapped[int] = mapped_column(Integer)
    criterion: Mapped[str] = mapped_column(String(40))
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    scored_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    jury = relationship("Jury")
