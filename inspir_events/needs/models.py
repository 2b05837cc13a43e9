"""Needs, their tags, supports ("moi aussi") and reports."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspir_events.extensions import db, str_enum
from inspir_events.needs.rules import NeedStatus, Visibility
from inspir_events.timeutil import utcnow

BOARD_FILTER_COLUMNS = ("department_code", "theme_code", "status")


class Need(db.Model):
    __tablename__ = "need"
    __table_args__ = (
        CheckConstraint("supporters_count >= 0", name="supporters_non_negative"),
        # A board page is read in display order straight from one of these two
        # indexes and stops at its last row (no sort of every public need). The
        # filter columns that follow let it skip non-matching needs without
        # reading them, so a selective filter stays cheap whatever plan is chosen.
        Index("ix_need_board_newest", "visibility", "created_at", "id",
              *BOARD_FILTER_COLUMNS),
        Index("ix_need_board_supported", "visibility", "supporters_count", "created_at", "id",
              *BOARD_FILTER_COLUMNS),
        # A board's count, filtered or not, is answered from this index alone.
        Index("ix_need_board_filters", "visibility", *BOARD_FILTER_COLUMNS),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text)
    # Sanitised HTML of the description, rendered once at save time.
    description_html: Mapped[str] = mapped_column(Text)
    # Title and description folded (lower case, no accents) for the search.
    search_text: Mapped[str] = mapped_column(Text)
    department_code: Mapped[str] = mapped_column(ForeignKey("department.code"), index=True)
    # The commune's name as shown; commune_code names it in the reference list (issue 20 §3).
    # A free-text commune of before the list that named none stays here, with no code.
    commune: Mapped[str | None] = mapped_column(String(100))
    commune_code: Mapped[str | None] = mapped_column(ForeignKey("commune.code"), index=True)
    theme_code: Mapped[str] = mapped_column(ForeignKey("theme.code"), index=True)
    status: Mapped[NeedStatus] = mapped_column(str_enum(NeedStatus), default=NeedStatus.PUBLISHED)
    visibility: Mapped[Visibility] = mapped_column(str_enum(Visibility), default=Visibility.PUBLIC)
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    moderated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    moderated_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Always equal to the number of NeedSupport rows: both change in one transaction.
    supporters_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    author = relationship("User", foreign_keys=[author_id])
    department = relationship("Department")
    commune_row = relationship("Commune")
    theme = relationship("Theme")
    tag_rows: Mapped[list[NeedTag]] = relationship(
        back_populates="need", cascade="all, delete-orphan", order_by="NeedTag.position"
    )

    @hybrid_property
    def is_public(self) -> bool:
        """On the public boards, pages, exports and API: visible and not withdrawn."""
        return self.visibility == Visibility.PUBLIC and self.status != NeedStatus.WITHDRAWN

    @is_public.inplace.expression
    @classmethod
    def _is_public_expression(cls):
        return (cls.visibility == Visibility.PUBLIC) & (cls.status != NeedStatus.WITHDRAWN)

    @property
    def tags(self) -> list[str]:
        return [row.tag for row in self.tag_rows]


class NeedTag(db.Model):
    __tablename__ = "need_tag"

    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"),
                                         primary_key=True)
    tag: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    need: Mapped[Need] = relationship(back_populates="tag_rows")


class NeedSupport(db.Model):
    """One "moi aussi" per person per need (the primary key makes it unique)."""

    __tablename__ = "need_support"

    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"),
                                         primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class NeedReport(db.Model):
    """A user's report of a need to the moderators: one per person per need (issue 18, 1.6;
    a deleted reporter's reports keep no reporter and no longer count for anyone)."""

    __tablename__ = "need_report"
    __table_args__ = (UniqueConstraint("need_id", "reporter_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), index=True)
    reporter_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    need: Mapped[Need] = relationship()
    reporter = relationship("User", foreign_keys=[reporter_id])


class NeedPublicCount(db.Model):
    """How many public needs (``Need.is_public``) each department holds: the map's, the
    boards' and the API's totals read here instead of counting thousands of needs.

    Written by the database alone: triggers on ``need`` (migration 0024) change a row in the
    transaction that inserts, deletes or updates a need's visibility, status or department,
    so a count is never stale and no use case has to remember it. Rows at 0 stay.
    ``tests/needs/test_public_counts.py`` holds the triggers to the model's rule.
    """

    __tablename__ = "need_public_count"

    department_code: Mapped[str] = mapped_column(ForeignKey("department.code"),
                                                 primary_key=True)
    needs: Mapped[int] = mapped_column(Integer, default=0)
