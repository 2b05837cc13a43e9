"""Who follows what: one row per person and subject."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from inspir_events.extensions import db
from inspir_events.timeutil import utcnow


class Follow(db.Model):
    """``user_id`` follows the subject (``subject_type``, ``subject_id``): a need, an event,
    a project, a support structure, as the feature owning it registered its type
    (follows/subjects.py). The key makes a second follow of the same subject a no-op; the
    index answers "who follows this?" for the senders."""

    __tablename__ = "follow"
    __table_args__ = (Index("ix_follow_subject", "subject_type", "subject_id"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(32), primary_key=True)
    subject_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
