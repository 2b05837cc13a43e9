"""A conflict of interest a member declared on a subject (:class:`DeclaredConflict`): it
recuses them from it as surely as being party to it does."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspir_events.extensions import db
from inspir_events.timeutil import utcnow

SUBJECT_TYPE_MAX = 40
REASON_MAX = 500


class DeclaredConflict(db.Model):
    """A member's own declaration: "I do not take part in deciding on this"."""

    __tablename__ = "declared_conflict"
    __table_args__ = (
        UniqueConstraint("user_id", "subject_type", "subject_id", name="declared_once"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    subject_type: Mapped[str] = mapped_column(String(SUBJECT_TYPE_MAX))
    subject_id: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    user = relationship("User")
