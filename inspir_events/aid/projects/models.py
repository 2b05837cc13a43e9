"""The maturation pipeline's tables: projects, their team and their moves.

- :class:`Project`: an idea on its way to an experiment, with its lineage (idea,
  round, event, need, team, votes), its stage and the committee's qualification.
- :class:`ProjectMember`: a person of its team; :class:`ProjectMove`: every stage
  change (or qualification decision), audited with its note.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspir_events.aid.projects import rules
from inspir_events.aid.projects.stages import Origin, Qualification, Stage
from inspir_events.extensions import db, str_enum
from inspir_events.timeutil import utcnow

# A project in the innovation store (diffusion or stopped, its qualification listed), in
# SQL: ix_project_store_listed's condition (migration 0028).
STORE_ENTRY = ("stage IN ('diffusion', 'abandonne') "
               "AND qualification NOT IN ('awaiting', 'oriented_programme')")


class Project(db.Model):
    """An idea on its way to an experiment, with its lineage.

    ``idea_id`` is unique: promoting a round's winner twice gives one project.
    """

    __tablename__ = "project"
    __table_args__ = (
        # The store's listing (store.queries): its page, its count and its filters' choices
        # read from this index alone, without the projects' long rows (a quarter of the
        # store's statement on SQLite).
        Index("ix_project_store", "stage", "qualification", "stage_changed_at", "licence"),
        # The store's entries alone, in the order they reached it: PostgreSQL reads its
        # page and count from this index only (the statement's constants are written in
        # its text there: database.with_constants_written). Its condition is the store's
        # rule in SQL (store.queries.listed), held to it by tests/store/test_queries.py.
        Index("ix_project_store_listed", "stage_changed_at", "id",
              postgresql_where=text(STORE_ENTRY), sqlite_where=text(STORE_ENTRY)),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(Text)
    summary_html: Mapped[str] = mapped_column(Text)
    stage: Mapped[Stage] = mapped_column(str_enum(Stage, 20), default=Stage.IDEE, index=True)
    origin: Mapped[Origin] = mapped_column(str_enum(Origin, 20))
    qualification: Mapped[Qualification] = mapped_column(
        str_enum(Qualification, 20), default=Qualification.QUALIFIED)
    oriented_programme: Mapped[str | None] = mapped_column(String(40))
    # Lineage.
    idea_id: Mapped[int | None] = mapped_column(
        ForeignKey("idea.id", ondelete="SET NULL"), unique=True)
    round_id: Mapped[int | None] = mapped_column(
        ForeignKey("voting_round.id", ondelete="SET NULL"), index=True)
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("event.id", ondelete="SET NULL"), index=True)
    need_id: Mapped[int | None] = mapped_column(
        ForeignKey("need.id", ondelete="SET NULL"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="SET NULL"))
    vote_rank: Mapped[int | None] = mapped_column(Integer)
    vote_count: Mapped[int | None] = mapped_column(Integer)
    proposed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    department_code: Mapped[str | None] = mapped_column(ForeignKey("department.code"),
                                                        index=True)
    theme_code: Mapped[str | None] = mapped_column(ForeignKey("theme.code"), index=True)
    # Where it is experimented, in the reference list (issue 20 §3); in its department.
    commune_code: Mapped[str | None] = mapped_column(ForeignKey("commune.code"), index=True)
    # Maturation: the support structure (an account with that role).
    support_structure_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    # Open code, results, lessons.
    licence: Mapped[str | None] = mapped_column(String(40))
    repository_url: Mapped[str | None] = mapped_column(String(300))
    results: Mapped[str] = mapped_column(Text, default="")
    results_html: Mapped[str] = mapped_column(Text, default="")
    lessons: Mapped[str] = mapped_column(Text, default="")
    lessons_html: Mapped[str] = mapped_column(Text, default="")
    # Folded (lower case, no accents) title, summary, results and lessons: the store's search.
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    # "Je veux le reproduire": how many signed-in users declared it (a counter of the rows).
    reproductions_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    stage_changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

    idea = relationship("Idea")
    voting_round = relationship("VotingRound")
    event = relationship("Event")
    need = relationship("Need")
    team = relationship("Team")
    commune_row = relationship("Commune")
    proposed_by = relationship("User", foreign_keys=[proposed_by_id])
    support_structure = relationship("User", foreign_keys=[support_structure_id])
    member_rows = relationship("ProjectMember", back_populates="project",
                               order_by="ProjectMember.position", cascade="all, delete-orphan")
    moves = relationship("ProjectMove", back_populates="project", order_by="ProjectMove.id")

    @hybrid_property
    def is_listed(self) -> bool:
        """In the pipeline's public lists (:func:`rules.is_listed`), in Python and in SQL."""
        return rules.is_listed(self.qualification)

    @is_listed.inplace.expression
    @classmethod
    def _is_listed_expression(cls):
        return cls.qualification.not_in(rules.NOT_LISTED)


class ProjectMember(db.Model):
    """A person of the project's team (copied from the winning idea's team at promotion)."""

    __tablename__ = "project_member"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(40), default="member")  # "lead", "member", "author"
    position: Mapped[int] = mapped_column(Integer, default=0)

    project = relationship("Project", back_populates="member_rows")
    user = relationship("User")


class ProjectMove(db.Model):
    """A stage change (or a qualification decision), by a committee member, with a note."""

    __tablename__ = "project_move"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True)
    from_stage: Mapped[Stage | None] = mapped_column(str_enum(Stage, 20))
    to_stage: Mapped[Stage] = mapped_column(str_enum(Stage, 20))
    qualification: Mapped[Qualification | None] = mapped_column(str_enum(Qualification, 20))
    note: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    project = relationship("Project", back_populates="moves")
    decided_by = relationship("User")
