"""The envelopes' tables: the budget per year, former region and section, the decisions
committing money on it, and the deciders of a delegated envelope.

- :class:`Envelope`: an amount of one budget year; a delegated sub-envelope has a
  parent and a holder (a territory or a digital venue).
- :class:`Commitment`: a decision committing money on an envelope (a grant, or a
  delegation); :class:`EnvelopeMember`: a decider of a delegated envelope.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspir_events.aid.rules import FormerRegion, Section
from inspir_events.extensions import db, str_enum
from inspir_events.timeutil import utcnow


class Envelope(db.Model):
    """An amount of one budget year; ``committed_cents`` never passes ``amount_cents``.

    Top-level envelopes come from the policy (one per former region and section);
    a delegated sub-envelope has a ``parent_id`` and a ``holder_name`` (a
    territory or a digital venue), and its amount is committed on its parent.
    """

    __tablename__ = "envelope"
    __table_args__ = (
        CheckConstraint("committed_cents >= 0", name="committed_not_negative"),
        CheckConstraint("committed_cents <= amount_cents", name="committed_within_amount"),
        CheckConstraint("amount_cents >= 0", name="amount_not_negative"),
        CheckConstraint("(parent_id IS NULL) = (holder_name IS NULL)", name="delegation_holder"),
        # One top-level envelope per year, former region and section.
        Index("uq_envelope_top_level", "year", "former_region", "section", unique=True,
              sqlite_where=text("parent_id IS NULL"),
              postgresql_where=text("parent_id IS NULL")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    former_region: Mapped[FormerRegion] = mapped_column(str_enum(FormerRegion, 16))
    section: Mapped[Section] = mapped_column(str_enum(Section, 16))
    amount_cents: Mapped[int] = mapped_column(Integer)
    committed_cents: Mapped[int] = mapped_column(Integer, default=0)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("envelope.id", ondelete="RESTRICT"), index=True)
    holder_name: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    parent = relationship("Envelope", remote_side=[id], back_populates="children")
    children = relationship("Envelope", back_populates="parent", order_by="Envelope.id")
    commitments = relationship("Commitment", back_populates="envelope",
                               order_by="Commitment.id")

    @property
    def remaining_cents(self) -> int:
        return self.amount_cents - self.committed_cents


class Commitment(db.Model):
    """A decision committing money on an envelope (a grant, or a delegation)."""

    __tablename__ = "commitment"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    envelope_id: Mapped[int] = mapped_column(
        ForeignKey("envelope.id", ondelete="RESTRICT"), index=True)
    amount_cents: Mapped[int] = mapped_column(Integer)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(40))
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    decided_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(Text, default="")

    envelope = relationship("Envelope", back_populates="commitments")
    decided_by = relationship("User")


class EnvelopeMember(db.Model):
    """A decider of a delegated envelope (its own committee), named by an admin."""

    __tablename__ = "envelope_member"

    envelope_id: Mapped[int] = mapped_column(
        ForeignKey("envelope.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True, index=True)
    added_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    added_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    envelope = relationship("Envelope")
    user = relationship("User", foreign_keys=[user_id])
