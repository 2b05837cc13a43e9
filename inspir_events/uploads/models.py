"""The pictures' table: one current picture per subject (an event, a project, a support
structure), its renditions in the ``images`` area of the uploads folder."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from inspir_events.extensions import db
from inspir_events.timeutil import utcnow
from inspir_events.uploads import rules


class Picture(db.Model):
    """A subject's picture. The subject is named by its kind and id, as labels and
    follows name theirs: the features own their subjects, the uploads know none.

    ``renditions`` lists ``{"width", "height", "name"}``, smallest first; each ``name``
    is the hash of the rendition's bytes (uploads/storage.py).
    """

    __tablename__ = "picture"
    __table_args__ = (UniqueConstraint("subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    renditions: Mapped[list] = mapped_column(JSON, default=list)
    alt: Mapped[str] = mapped_column(String(rules.ALT_MAX))
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    @property
    def names(self) -> list[str]:
        return [r["name"] for r in self.renditions]

    @property
    def largest(self) -> dict:
        return self.renditions[-1]
