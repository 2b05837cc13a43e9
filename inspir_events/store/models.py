"""The store's tables: « Je veux le reproduire » declarations; its filters' choices."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
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


class StoreChoice(db.Model):
    """How many entries the store holds per year of reaching it (in Paris) and licence
    (``""``: none): what its filters offer, read here instead of going over every entry.

    Written by the database alone: triggers on ``project`` (migration 0027) change a row in
    the transaction that inserts, deletes or updates a project's stage, qualification,
    licence or time of reaching its stage, so the choices are never stale and no use case
    has to remember them. Rows at 0 stay. ``tests/store/test_choices.py`` holds the triggers
    to the rules (``queries.in_store``, ``rules.store_year``).
    """

    __tablename__ = "store_choice"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    licence: Mapped[str] = mapped_column(String(40), primary_key=True)
    entries: Mapped[int] = mapped_column(Integer, default=0)
