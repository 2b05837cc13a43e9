"""The store's table: « Je veux le reproduire » declarations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspir_events.extensions import db
from inspir_events.timeutil import utcnow


class ReproductionRequest(db.Model):
    """"Je veux le reproduire": a signed-in user (e.g. another territory) declares interest
    in reproducing a project, with a short message for its team; one per user and project."""

    __tablename__ = "reproduction_request"
    __table_args__ = (UniqueConstraint("project_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    project = relationship("Project")
    user = relationship("User")
