"""Comments and their reports."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspir_events.discussions.rules import CommentState
from inspir_events.extensions import db, str_enum
from inspir_events.timeutil import utcnow


class Comment(db.Model):
    """A comment on a subject (``subject_type``, ``subject_id``: a need, an idea, a
    project, as the feature owning it registered it in discussions/subjects.py), or a
    reply to a top comment (``parent_id``; replies are one level deep). A deleted
    account's comments stay, with no author (« compte supprimé »)."""

    __tablename__ = "comment"
    __table_args__ = (
        # A thread in order, and the cards' grouped counts, from this index.
        Index("ix_comment_subject", "subject_type", "subject_id", "state", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int] = mapped_column(Integer)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("comment.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    body: Mapped[str] = mapped_column(Text)
    # Sanitised HTML of the body, rendered once at save time.
    content_html: Mapped[str] = mapped_column(Text)
    state: Mapped[CommentState] = mapped_column(str_enum(CommentState),
                                                default=CommentState.PUBLIC)
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    moderated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    moderated_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(DateTime)

    author = relationship("User", foreign_keys=[author_id])
    parent: Mapped[Comment | None] = relationship(remote_side=[id])

    @property
    def is_public(self) -> bool:
        return self.state == CommentState.PUBLIC


class CommentReport(db.Model):
    """A person's report of a comment to the moderators: one per person per comment."""

    __tablename__ = "comment_report"
    __table_args__ = (UniqueConstraint("comment_id", "reporter_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"),
                                            index=True)
    reporter_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))

    comment: Mapped[Comment] = relationship()
    reporter = relationship("User", foreign_keys=[reporter_id])
