"""Label requests: the charter answers and the committee's decision."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspir_events.extensions import db, str_enum
from inspir_events.labels.charter import LabelStatus, SubjectType
from inspir_events.timeutil import utcnow


class LabelRequest(db.Model):
    __tablename__ = "label_request"
    __table_args__ = (Index("ix_label_request_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_type: Mapped[SubjectType] = mapped_column(str_enum(SubjectType))
    subject_id: Mapped[int] = mapped_column(Integer)
    # A snapshot of what was labelled, for the committee's queue and the audit.
    subject_title: Mapped[str] = mapped_column(String(200))
    subject_url: Mapped[str] = mapped_column(String(300))
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    answers: Mapped[dict] = mapped_column(JSON)
    status: Mapped[LabelStatus] = mapped_column(str_enum(LabelStatus),
                                                default=LabelStatus.REQUESTED)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    reason: Mapped[str | None] = mapped_column(Text)

    requested_by = relationship("User", foreign_keys=[requested_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
